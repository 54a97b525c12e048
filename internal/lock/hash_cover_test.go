package lock

import (
	"os"
	"path/filepath"
	"testing"
)

// TestHashDirCoversEveryReadableFile: each kind of file that some build of
// the module can read changes the hash when it is edited, including the
// files the module zip rules leave out (symlinks, names a zip rejects).
func TestHashDirCoversEveryReadableFile(t *testing.T) {
	tests := []struct {
		description string
		setup       func(t *testing.T, p paths) // makes the file
		edit        func(t *testing.T, p paths) // changes what a build reads
	}{
		{
			description: "symlinked .go file, target edited",
			setup: func(t *testing.T, p paths) {
				writeFiles(t, p.outside, map[string]string{"shared.go": "package m\n"})
				symlink(t, filepath.Join(p.outside, "shared.go"), filepath.Join(p.module, "shared.go"))
			},
			edit: func(t *testing.T, p paths) {
				writeFiles(t, p.outside, map[string]string{"shared.go": "package m // edited\n"})
			},
		},
		{
			description: "symlinked .go file, retargeted",
			setup: func(t *testing.T, p paths) {
				writeFiles(t, p.outside, map[string]string{"a.go": "package m // a\n", "b.go": "package m // b\n"})
				symlink(t, filepath.Join(p.outside, "a.go"), filepath.Join(p.module, "shared.go"))
			},
			edit: func(t *testing.T, p paths) {
				remove(t, filepath.Join(p.module, "shared.go"))
				symlink(t, filepath.Join(p.outside, "b.go"), filepath.Join(p.module, "shared.go"))
			},
		},
		{
			description: "file in a symlinked directory",
			setup: func(t *testing.T, p paths) {
				writeFiles(t, p.outside, map[string]string{"pkg/p.go": "package p\n"})
				symlink(t, filepath.Join(p.outside, "pkg"), filepath.Join(p.module, "pkg"))
			},
			edit: func(t *testing.T, p paths) {
				writeFiles(t, p.outside, map[string]string{"pkg/p.go": "package p // edited\n"})
			},
		},
		{
			description: "name with a quote",
			setup:       write("x'y.go", "package m\n"),
			edit:        write("x'y.go", "package m // edited\n"),
		},
		{
			description: "directory name with a quote",
			setup:       write("it's/p.go", "package p\n"),
			edit:        write("it's/p.go", "package p // edited\n"),
		},
		{
			description: "name with a newline",
			setup:       write("a\nb.go", "package m\n"),
			edit:        write("a\nb.go", "package m // edited\n"),
		},
		{
			description: "name that is not UTF-8",
			setup:       write("bad\xff.go", "package m\n"),
			edit:        write("bad\xff.go", "package m // edited\n"),
		},
		{
			description: "names that differ only in case",
			setup: func(t *testing.T, p paths) {
				writeFiles(t, p.module, map[string]string{"Case.go": "package m\n", "case.go": "package m\n"})
			},
			edit: write("Case.go", "package m // edited\n"),
		},
		{description: "C source", setup: write("hello.c", "int x;\n"), edit: write("hello.c", "int y;\n")},
		{description: "C header", setup: write("hello.h", "int x;\n"), edit: write("hello.h", "int y;\n")},
		{description: "assembly", setup: write("add_amd64.s", "TEXT ·add(SB),4,$0\n"), edit: write("add_amd64.s", "TEXT ·sub(SB),4,$0\n")},
		{description: "syso object", setup: write("rsrc_windows_amd64.syso", "\x00\x01"), edit: write("rsrc_windows_amd64.syso", "\x00\x02")},
		{
			description: "embedded file",
			setup: func(t *testing.T, p paths) {
				writeFiles(t, p.module, map[string]string{
					"embed.go":          "package m\n\nimport _ \"embed\"\n\n//go:embed all:static\nvar static string\n",
					"static/index.html": "<p>v1</p>\n",
					"static/.hidden":    "v1\n",
					"static/_partial":   "v1\n",
				})
			},
			edit: write("static/.hidden", "v2\n"),
		},
		{
			description: "file only one target's build tags select",
			setup:       write("foo_windows.go", "//go:build windows\n\npackage m\n"),
			edit:        write("foo_windows.go", "//go:build windows\n\npackage m // edited\n"),
		},
		{
			description: "vendored package",
			setup:       write("vendor/example.com/v/extra.go", "package v\n"),
			edit:        write("vendor/example.com/v/extra.go", "package v // edited\n"),
		},
		{
			description: "file added in a symlinked directory",
			setup: func(t *testing.T, p paths) {
				writeFiles(t, p.outside, map[string]string{"pkg/p.go": "package p\n"})
				symlink(t, filepath.Join(p.outside, "pkg"), filepath.Join(p.module, "pkg"))
			},
			edit: func(t *testing.T, p paths) {
				writeFiles(t, p.outside, map[string]string{"pkg/q.go": "package p\n"})
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			p := paths{module: newModule(t), outside: t.TempDir()}
			tt.setup(t, p)
			before := hashDir(t, p.module)
			tt.edit(t, p)
			if after := hashDir(t, p.module); after == before {
				t.Errorf("the hash did not change (%s): a build would take the old code from the cache", after)
			}
		})
	}
}

// TestHashDirLeavesOut: what no build of the module reads, or what weld
// writes itself, does not change the hash, also when reached through a
// symlink.
func TestHashDirLeavesOut(t *testing.T) {
	tests := []struct {
		description string
		edit        func(t *testing.T, module, outside string)
	}{
		{"a symlink to a nested module", func(t *testing.T, module, outside string) {
			writeFiles(t, outside, map[string]string{"sub/go.mod": "module example.com/sub\n", "sub/s.go": "package sub\n"})
			symlink(t, filepath.Join(outside, "sub"), filepath.Join(module, "sub"))
		}},
		{"a .git file (a worktree's or submodule's)", func(t *testing.T, module, outside string) {
			writeFiles(t, module, map[string]string{"internal/.git": "gitdir: /elsewhere\n"})
		}},
		{"Mercurial, Subversion and Bazaar metadata", func(t *testing.T, module, outside string) {
			writeFiles(t, module, map[string]string{".hg/store": "x", "internal/.svn/entries": "x", ".bzr/branch": "x"})
		}},
		{"a dangling symlink", func(t *testing.T, module, outside string) {
			symlink(t, filepath.Join(outside, "missing.go"), filepath.Join(module, "gone.go"))
		}},
		{"a symlink loop", func(t *testing.T, module, outside string) {
			symlink(t, module, filepath.Join(module, "internal", "loop"))
			symlink(t, filepath.Join(module, "b"), filepath.Join(module, "a"))
			symlink(t, filepath.Join(module, "a"), filepath.Join(module, "b"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			module, outside := newModule(t), t.TempDir()
			before := hashDir(t, module)
			tt.edit(t, module, outside)
			if after := hashDir(t, module); after != before {
				t.Errorf("the hash changed (%s → %s)", before, after)
			}
		})
	}
}

// TestHashDirSymlinkToAncestor: a directory symlink back up the tree is
// walked once; files beside it still count.
func TestHashDirSymlinkToAncestor(t *testing.T) {
	module := newModule(t)
	symlink(t, "..", filepath.Join(module, "internal", "up"))
	before := hashDir(t, module)
	writeFiles(t, module, map[string]string{"internal/x/x.go": "package x // edited\n"})
	if after := hashDir(t, module); after == before {
		t.Errorf("an edit beside a symlink loop did not change the hash")
	}
}

// paths are a test module and a directory outside it.
type paths struct{ module, outside string }

func write(name, content string) func(t *testing.T, p paths) {
	return func(t *testing.T, p paths) {
		writeFiles(t, p.module, map[string]string{name: content})
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func remove(t *testing.T, name string) {
	t.Helper()
	if err := os.Remove(name); err != nil {
		t.Fatal(err)
	}
}
