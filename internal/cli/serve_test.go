package cli

import (
	"os"
	"strings"
	"testing"
)

// weld serve's builds share compile results through its store with weld
// cacheprog, unless GOCACHEPROG says otherwise.
func TestServeBuildEnvSharesTheCompileCache(t *testing.T) {
	t.Setenv("GOCACHEPROG", "")
	os.Unsetenv("GOCACHEPROG")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	want := "GOCACHEPROG=" + exe + " cacheprog --store s3://bucket?region=r"
	if got := buildEnv("s3://bucket?region=r"); got[len(got)-1] != want {
		t.Errorf("last variable %q, want %q", got[len(got)-1], want)
	}
	t.Setenv("GOCACHEPROG", "my-cache-prog")
	for _, kv := range buildEnv("file:///srv/weld") {
		if strings.HasPrefix(kv, "GOCACHEPROG=") && kv != "GOCACHEPROG=my-cache-prog" {
			t.Errorf("the user's GOCACHEPROG was replaced: %q", kv)
		}
	}
	os.Unsetenv("GOCACHEPROG")
	for _, kv := range buildEnv("/srv/my store") {
		if strings.HasPrefix(kv, "GOCACHEPROG=") {
			t.Errorf("a store path the go command cannot split was put in GOCACHEPROG: %q", kv)
		}
	}
}
