package inspect

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/compose"
)

// record is the composition record compiled into the test programs.
var record = compose.Record{
	Name: "prog",
	App:  compose.ModuleVersion{Path: "example.com/prog", Version: compose.LocalVersion},
	Main: "example.com/prog/cmd/prog",
	Plugins: []compose.RecordPlugin{
		{Module: compose.ModuleVersion{Path: "example.com/dep", Version: "v1.0.0"}, Package: "example.com/dep"},
		{Module: compose.ModuleVersion{Path: "example.com/p", Version: compose.LocalVersion}, Package: "example.com/p/hook"},
	},
}

// decoy starts like a record but does not parse.
const decoy = compose.RecordMagic + "\nname decoy\napp missing-version\nend\n"

// program is the main package of a test program. Its string variables are
// read in init, as in the file weld generates, so the linker keeps them.
func program(vars map[string]string) string {
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/dep\"\n)\n\n")
	for name, value := range vars {
		fmt.Fprintf(&b, "var %s = %s\n\n", name, strconv.Quote(value))
		fmt.Fprintf(&b, "func init() {\n\tif %s == \"\" {\n\t\tpanic(\"empty\")\n\t}\n}\n\n", name)
	}
	b.WriteString("func main() { fmt.Println(dep.Name) }\n")
	return b.String()
}

// buildProgram writes a module example.com/prog with a main package in
// cmd/prog that depends on example.com/dep (a directory replacement), and
// builds it for the target with cgo off.
func buildProgram(t testing.TB, goos, goarch, goarm string, vars map[string]string) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go is not in PATH: %v", err)
	}
	root := t.TempDir()
	files := map[string]string{
		"prog/go.mod":           "module example.com/prog\n\ngo 1.22\n\nrequire example.com/dep v1.0.0\n\nreplace example.com/dep => ../dep\n",
		"prog/cmd/prog/main.go": program(vars),
		"dep/go.mod":            "module example.com/dep\n\ngo 1.22\n",
		"dep/dep.go":            "package dep\n\nconst Name = \"dep\"\n",
	}
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(root, "prog.bin")
	cmd := exec.Command(goCmd, "build", "-trimpath", "-buildvcs=false", "-o", out, "./cmd/prog")
	cmd.Dir = filepath.Join(root, "prog")
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "GOARM="+goarm, "CGO_ENABLED=0",
		"GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local", "GOPROXY=off")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build for %s/%s: %v\n%s", goos, goarch, err, msg)
	}
	return out
}

func goVersion(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		t.Skipf("go env GOVERSION: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func TestRead(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-compiles several programs")
	}
	gover := goVersion(t)
	wantModules := []Module{
		{Path: "example.com/prog", Version: "(devel)"},
		{Path: "example.com/dep", Version: "v1.0.0", Replace: "../dep"},
	}
	tests := []struct {
		description         string
		goos, goarch, goarm string
		vars                map[string]string
		want                *compose.Record
	}{
		{description: "linux/amd64 with a record", goos: "linux", goarch: "amd64",
			vars: map[string]string{"weldComposition": record.Encode()}, want: &record},
		{description: "windows/amd64 with a record", goos: "windows", goarch: "amd64",
			vars: map[string]string{"weldComposition": record.Encode()}, want: &record},
		{description: "linux/arm64 with a record", goos: "linux", goarch: "arm64",
			vars: map[string]string{"weldComposition": record.Encode()}, want: &record},
		{description: "darwin/arm64 with a record", goos: "darwin", goarch: "arm64",
			vars: map[string]string{"weldComposition": record.Encode()}, want: &record},
		{description: "linux/arm/7 without a record", goos: "linux", goarch: "arm", goarm: "7",
			vars: map[string]string{"unrelated": "just a string"}},
		{description: "linux/amd64 without a record", goos: "linux", goarch: "amd64"},
		{description: "windows/amd64 with only the magic", goos: "windows", goarch: "amd64",
			vars: map[string]string{"weldMagic": compose.RecordMagic, "weldDecoy": decoy}},
		// The decoy and the record share one string, so the decoy is sure to
		// come first in the file.
		{description: "linux/amd64 with a decoy before the record", goos: "linux", goarch: "amd64",
			vars: map[string]string{"weldComposition": decoy + record.Encode()}, want: &record},
		{description: "darwin/arm64 with a garbage decoy before the record", goos: "darwin", goarch: "arm64",
			vars: map[string]string{"weldComposition": compose.RecordMagic + "\n\x00\xff garbage\n" + record.Encode()}, want: &record},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			t.Parallel()
			bin := buildProgram(t, tt.goos, tt.goarch, tt.goarm, tt.vars)
			info, err := Read(bin)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			target := tt.goos + "/" + tt.goarch
			if tt.goarm != "" {
				target += "/" + tt.goarm
			}
			if info.Target != target {
				t.Errorf("Target = %q, want %q", info.Target, target)
			}
			if info.Path != bin || info.GoVersion != gover || info.Main != "example.com/prog/cmd/prog" {
				t.Errorf("Path, GoVersion, Main = %q, %q, %q; want %q, %q, example.com/prog/cmd/prog", info.Path, info.GoVersion, info.Main, bin, gover)
			}
			if !reflect.DeepEqual(info.Modules, wantModules) {
				t.Errorf("Modules = %+v\nwant %+v", info.Modules, wantModules)
			}
			if !reflect.DeepEqual(info.Record, tt.want) {
				t.Errorf("Record = %+v\nwant %+v", info.Record, tt.want)
			}
		})
	}
}

func TestReadNotAGoBinary(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "record.txt")
	if err := os.WriteFile(text, []byte(record.Encode()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{text, filepath.Join(dir, "missing")} {
		if info, err := Read(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("Read(%s) = %+v, %v; want an error naming the file", p, info, err)
		}
	}
}

func TestFindRecord(t *testing.T) {
	enc := record.Encode()
	junk := "\x7fELF\x00\x01junk"
	big := compose.Record{Name: "big", App: compose.ModuleVersion{Path: "example.com/app", Version: "v1.0.0"}, Main: "example.com/app"}
	for i := 0; i < 1000; i++ {
		mod := fmt.Sprintf("example.com/some-organization/plugins/p%04d", i)
		big.Plugins = append(big.Plugins, compose.RecordPlugin{Module: compose.ModuleVersion{Path: mod, Version: "v1.0.0"}, Package: mod})
	}
	other := compose.Record{Name: "other", App: compose.ModuleVersion{Path: "example.com/o", Version: "v2.0.0"}, Entry: "example.com/o.Main"}
	tests := []struct {
		description string
		input       string
		want        *compose.Record
	}{
		{"empty", "", nil},
		{"no magic", junk + "weld.composition/v2\nname x\nend\n", nil},
		{"record alone", enc, &record},
		{"record inside other data", junk + enc + junk, &record},
		{"magic without a newline, as in weld's own binary", junk + compose.RecordMagic + junk, nil},
		{"magic without a newline before the record", compose.RecordMagic + junk + enc, &record},
		{"decoy before the record", decoy + junk + enc, &record},
		{"garbage decoy without end before the record", compose.RecordMagic + "\n\x00\x01\x02" + junk + enc, &record},
		{"only a decoy", junk + decoy + junk, nil},
		{"record without end", junk + strings.TrimSuffix(enc, "end\n") + junk, nil},
		{"end too far away", compose.RecordMagic + "\nname x\napp example.com/a v1.0.0\n" + strings.Repeat("#", maxRecordSize) + "\nend\n", nil},
		{"record of a thousand plugins", junk + big.Encode() + junk, &big},
		{"first of two records", junk + other.Encode() + junk + enc, &other},
		{"record after the last decoy the search examines", strings.Repeat(decoy, maxRecordCandidates-1) + enc, &record},
		{"record after more decoys than the search examines", strings.Repeat(decoy, maxRecordCandidates) + enc, nil},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			got := findRecord([]byte(tt.input))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("findRecord = %+v, want %+v", got, tt.want)
			}
		})
	}
	if i, j := bytes.Index([]byte(decoy+enc), []byte(compose.RecordMagic)), strings.LastIndex(decoy+enc, compose.RecordMagic); i >= j {
		t.Fatal("the decoy does not precede the record")
	}
}
