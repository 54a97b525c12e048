package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: "/srv/store", want: "file:///srv/store?create_dir=true&no_tmp_dir=true"},
		{in: "file:///srv/store", want: "file:///srv/store?create_dir=true&no_tmp_dir=true"},
		{in: "file:///srv/store?create_dir=", want: "file:///srv/store?create_dir=&no_tmp_dir=true"},
		{in: "s3://bucket?endpoint=http://127.0.0.1:7070&region=us-east-1&use_path_style=true",
			want: "s3://bucket?endpoint=http://127.0.0.1:7070&region=us-east-1&use_path_style=true"},
		{in: "", err: "no store URL"},
		{in: "s3://?region=x", err: "no bucket"},
		{in: "file://host/srv", err: "not a host"},
		{in: "gs://bucket", err: `unsupported scheme "gs"`},
	}
	for _, tt := range tests {
		got, err := normalize(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("normalize(%q) = %q, %v; want an error containing %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("normalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestOpenFileStoreWritesAtomically(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "store")
	ctx := context.Background()
	b, err := Open(ctx, "file://"+dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.WriteAll(ctx, "k/v", []byte("data"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.ReadAll(ctx, "missing"); !IsNotExist(err) {
		t.Errorf("reading a missing key: %v, want not-exist", err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "k", "v")); err != nil || string(got) != "data" {
		t.Errorf("object file = %q, %v", got, err)
	}
}
