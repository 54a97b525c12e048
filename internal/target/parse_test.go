package target

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseTargetKnown(t *testing.T) {
	for _, name := range KnownNames() {
		t.Run(name, func(t *testing.T) {
			tgt, err := Parse(name)
			if err != nil {
				t.Fatalf("Parse(%q): %v", name, err)
			}
			if got := tgt.String(); got != name {
				t.Errorf("Parse(%q).String() = %q", name, got)
			}
			if tgt.OS == "" || tgt.Arch == "" || (tgt.Variant != "") != (strings.Count(name, "/") == 2) {
				t.Errorf("Parse(%q) = %+v", name, tgt)
			}
		})
	}
}

func TestParseCases(t *testing.T) {
	tests := []struct {
		description string
		input       string
		want        Target
		wantErr     []string // substrings of the error; nil for success
	}{
		{description: "os/arch", input: "linux/amd64", want: Target{OS: "linux", Arch: "amd64"}},
		{description: "variant", input: "linux/arm/6", want: Target{OS: "linux", Arch: "arm", Variant: "6"}},
		{description: "darwin", input: "darwin/arm64", want: Target{OS: "darwin", Arch: "arm64"}},
		{description: "arm without a version", input: "linux/arm",
			wantErr: []string{`target "linux/arm" needs an ARM version`, "linux/arm/6", "linux/arm/7"}},
		{description: "unknown arch", input: "linux/mips",
			wantErr: []string{`unknown target "linux/mips"; known targets: ` + strings.Join(KnownNames(), ", ")}},
		{description: "unknown arm version", input: "linux/arm/5", wantErr: []string{`unknown target "linux/arm/5"`, "linux/arm/7"}},
		{description: "empty", input: "", wantErr: []string{`unknown target ""`}},
		{description: "upper case", input: "Linux/AMD64", wantErr: []string{`unknown target "Linux/AMD64"`}},
		{description: "trailing slash", input: "linux/amd64/", wantErr: []string{`unknown target "linux/amd64/"`}},
		{description: "go env style", input: "linux_amd64", wantErr: []string{"unknown target", "windows/amd64"}},
		{description: "variant on a non-arm target", input: "linux/amd64/v3", wantErr: []string{`unknown target "linux/amd64/v3"`}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			got, err := Parse(tt.input)
			if tt.wantErr == nil {
				if err != nil || got != tt.want {
					t.Errorf("Parse(%q) = %+v, %v; want %+v", tt.input, got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want an error", tt.input, got)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Parse(%q) error %q does not mention %q", tt.input, err, w)
				}
			}
			if got != (Target{}) {
				t.Errorf("Parse(%q) returned %+v with its error", tt.input, got)
			}
		})
	}
}

func TestTargetEnvAndSuffix(t *testing.T) {
	tests := []struct {
		description string
		input       Target
		wantString  string
		wantEnv     []string
		wantSuffix  string
	}{
		{"linux", Target{OS: "linux", Arch: "amd64"}, "linux/amd64", []string{"GOOS=linux", "GOARCH=amd64"}, ""},
		{"arm v6", Target{OS: "linux", Arch: "arm", Variant: "6"}, "linux/arm/6", []string{"GOOS=linux", "GOARCH=arm", "GOARM=6"}, ""},
		{"arm v7", Target{OS: "linux", Arch: "arm", Variant: "7"}, "linux/arm/7", []string{"GOOS=linux", "GOARCH=arm", "GOARM=7"}, ""},
		{"arm without variant", Target{OS: "linux", Arch: "arm"}, "linux/arm", []string{"GOOS=linux", "GOARCH=arm"}, ""},
		{"variant ignored for non-arm env", Target{OS: "linux", Arch: "amd64", Variant: "v3"}, "linux/amd64/v3", []string{"GOOS=linux", "GOARCH=amd64"}, ""},
		{"windows", Target{OS: "windows", Arch: "amd64"}, "windows/amd64", []string{"GOOS=windows", "GOARCH=amd64"}, ".exe"},
		{"windows arm64", Target{OS: "windows", Arch: "arm64"}, "windows/arm64", []string{"GOOS=windows", "GOARCH=arm64"}, ".exe"},
		{"darwin", Target{OS: "darwin", Arch: "arm64"}, "darwin/arm64", []string{"GOOS=darwin", "GOARCH=arm64"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			if got := tt.input.String(); got != tt.wantString {
				t.Errorf("String() = %q, want %q", got, tt.wantString)
			}
			if got := tt.input.Env(); !reflect.DeepEqual(got, tt.wantEnv) {
				t.Errorf("Env() = %q, want %q", got, tt.wantEnv)
			}
			if got := tt.input.ExeSuffix(); got != tt.wantSuffix {
				t.Errorf("ExeSuffix() = %q, want %q", got, tt.wantSuffix)
			}
		})
	}
}
