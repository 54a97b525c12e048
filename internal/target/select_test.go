package target

import (
	"strings"
	"testing"
)

func TestSelect(t *testing.T) {
	host := Target{"linux", "amd64", ""}
	linuxOnly := func(sel Selection) Selection {
		sel.Only = func(t Target) bool { return t.OS == "linux" }
		sel.OnlyWhat, sel.OnlyWhy = "Linux", "images are built for Linux targets only"
		return sel
	}
	manifest := []string{"linux/arm64", "windows/amd64", "linux/arm/7"}
	tests := []struct {
		name    string
		sel     Selection
		want    string // targets joined by spaces
		wantErr string
	}{
		{"nothing asked: the host", Selection{Default: host}, "linux/amd64", ""},
		{"nothing asked, a manifest: its targets", Selection{Manifest: manifest, Default: host}, "linux/arm64 windows/amd64 linux/arm/7", ""},
		{"all", Selection{Requested: []string{"all"}, Manifest: manifest, Default: host}, "linux/arm64 windows/amd64 linux/arm/7", ""},
		{"dedupe in order", Selection{Requested: []string{"linux/arm/7", "all", "linux/arm64"}, Manifest: manifest}, "linux/arm/7 linux/arm64 windows/amd64", ""},
		{"all without a manifest", Selection{Requested: []string{"all"}}, "", "--target all: the manifest lists no targets"},
		{"unknown", Selection{Requested: []string{"linux/sparc"}}, "", `unknown target "linux/sparc"`},
		{"images: manifest's Linux targets", linuxOnly(Selection{Manifest: manifest, Default: host}), "linux/arm64 linux/arm/7", ""},
		{"images: all is Linux only", linuxOnly(Selection{Requested: []string{"all"}, Manifest: manifest}), "linux/arm64 linux/arm/7", ""},
		{"images: windows refused", linuxOnly(Selection{Requested: []string{"windows/amd64"}}), "", "--target windows/amd64: images are built for Linux targets only"},
		{"images: no Linux in the manifest", linuxOnly(Selection{Manifest: []string{"windows/amd64"}, Default: host}), "", "the manifest lists no Linux target"},
		{"images: all, no Linux", linuxOnly(Selection{Requested: []string{"all"}, Manifest: []string{"windows/amd64"}}), "", "--target all: the manifest lists no Linux targets"},
		{"images: no manifest targets, the host", linuxOnly(Selection{Default: host}), "linux/amd64", ""},
	}
	for _, tt := range tests {
		got, err := Select(tt.sel)
		var names []string
		for _, t := range got {
			names = append(names, t.String())
		}
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: Select = %v, %v; want an error containing %q", tt.name, names, err, tt.wantErr)
			}
			continue
		}
		if err != nil || strings.Join(names, " ") != tt.want {
			t.Errorf("%s: Select = %v, %v; want %s", tt.name, names, err, tt.want)
		}
	}
}
