package publish

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

func TestCheckBeforeBuilding(t *testing.T) {
	dir := t.TempDir()
	sp := &spec.Spec{Name: "app", Dir: filepath.Join(dir, "project")}
	out := filepath.Join(dir, "dist")
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	notes := write("notes.txt", "mine")
	write("foreign/keep.txt", "not weld's")
	write("dist/app-image/keep.txt", "not weld's either")
	one := []target.Target{{OS: "linux", Arch: "amd64"}}
	two := append(one, target.Target{OS: "linux", Arch: "arm64"})
	tests := []struct {
		name    string
		d       Destinations
		targets []target.Target
		wantErr string
	}{
		{"new tarball", Destinations{Tarball: filepath.Join(dir, "app.tar")}, one, ""},
		{"tarball of two images", Destinations{Tarball: filepath.Join(dir, "app.tar")}, two, "a docker tarball holds one image, and 2 targets were asked for (linux/amd64, linux/arm64)"},
		{"tarball over a file that is not an image", Destinations{Tarball: notes}, one, "--tarball " + notes},
		{"new layout", Destinations{Layout: filepath.Join(dir, "layout")}, two, ""},
		{"layout over another directory", Destinations{Layout: filepath.Join(dir, "foreign")}, one, "refusing to replace this directory"},
		{"default layout over another directory", Destinations{}, one, "refusing to replace this directory"},
		{"push only", Destinations{Push: "127.0.0.1:5000/app"}, two, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.d.Spec, tt.d.OutDir = sp, out
			err := tt.d.Check(tt.targets)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Check: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Check = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestPublishersFollowTheDestinations(t *testing.T) {
	sp := &spec.Spec{Name: "app"}
	tests := []struct {
		d    Destinations
		want []string
	}{
		{Destinations{}, []string{"oci.Layout"}},
		{Destinations{Tarball: "app.tar", Push: "r.example/app"}, []string{"oci.Tarball", "oci.Registry"}},
		{Destinations{Layout: "l", Tarball: "app.tar", Push: "r.example/app"}, []string{"oci.Layout", "oci.Tarball", "oci.Registry"}},
	}
	for _, tt := range tests {
		tt.d.Spec, tt.d.OutDir = sp, "dist"
		pubs, err := tt.d.publishers("app", []string{"latest", "1.0"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range pubs {
			got = append(got, strings.TrimPrefix(typeName(p), "*"))
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%+v: publishers %q, want %q", tt.d, got, tt.want)
		}
	}
	if _, err := (Destinations{Tarball: "t", Spec: sp}).publishers("app", []string{"not a tag!"}); err == nil {
		t.Error("a tag that makes no reference was accepted")
	}
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }

func TestRepositoryIsWhatSignaturesName(t *testing.T) {
	tests := []struct {
		d    Destinations
		want string
	}{
		{Destinations{}, "app"},
		{Destinations{Layout: "l", Tarball: "app.tar"}, "app"},
		{Destinations{Push: "127.0.0.1:5000/weld/app"}, "127.0.0.1:5000/weld/app"},
		{Destinations{Push: "127.0.0.1:5000/weld/app:v1"}, "127.0.0.1:5000/weld/app"},
		{Destinations{Layout: "l", Push: "r.example/app:edge"}, "r.example/app"},
	}
	for _, tt := range tests {
		got, err := tt.d.Repository("app")
		if err != nil || got != tt.want {
			t.Errorf("%+v: Repository = %q, %v; want %q", tt.d, got, err, tt.want)
		}
	}
	if _, err := (Destinations{Push: "Not A Repo!"}).Repository("app"); err == nil {
		t.Error("a push destination that names no repository was accepted")
	}
}
