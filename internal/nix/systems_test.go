package nix

import (
	"strings"
	"testing"
)

func TestDefaultSystems(t *testing.T) {
	if got := DefaultSystems(nil); got != nil {
		t.Errorf("DefaultSystems(nil) = %q, want none (this machine's system is ResolveSystems' default)", got)
	}
	h, err := HostSystem()
	if err != nil {
		t.Fatalf("this machine has no Nix system weld knows: %v", err)
	}
	got := DefaultSystems([]string{"linux/arm64", "windows/amd64"})
	if want := h.Name + " linux/arm64 windows/amd64"; strings.Join(got, " ") != want {
		t.Errorf("DefaultSystems = %q, want %q", got, want)
	}
}
