package oci

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/random"
)

func TestCheckTarballFile(t *testing.T) {
	dir := t.TempDir()
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	image := filepath.Join(dir, "img.tar")
	if _, err := (Tarball{File: image}).Publish(context.Background(), Artifact{Image: img}); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(dir, "weld.yaml")
	if err := os.WriteFile(manifest, []byte("name: app\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file    string
		wantErr string
	}{
		{filepath.Join(dir, "missing.tar"), ""},
		{image, ""},
		{manifest, "it is not a docker image tarball"},
		{dir, "it is not a regular file"},
	}
	for _, tt := range tests {
		err := CheckTarballFile(tt.file)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("CheckTarballFile(%s) = %v, want %q", tt.file, err, tt.wantErr)
		}
	}
}
