package archive

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		description string
		file        File
		wantErr     string // substring; "" means valid
	}{
		{"plain file", File{Name: "weld/weld"}, ""},
		{"dot slash file", File{Name: "./usr/bin/weld"}, ""},
		{"dir with slash", Dir("usr/bin/"), ""},
		{"dir without slash", Dir("usr/bin"), ""},
		{"root dot", Dir("."), ""},
		{"root dot slash", Dir("./"), ""},
		{"root as file", File{Name: "./"}, "root must be a directory"},
		{"empty", File{}, "empty name"},
		{"absolute", File{Name: "/usr/bin/x"}, "clean relative path"},
		{"dotdot", File{Name: "a/../../x"}, "clean relative path"},
		{"leading dotdot", File{Name: "../x"}, "clean relative path"},
		{"only dotdot", File{Name: ".."}, "clean relative path"},
		{"double slash", File{Name: "a//b"}, "clean relative path"},
		{"inner dot", File{Name: "a/./b"}, "clean relative path"},
		{"backslash", File{Name: `bin\x.exe`}, "backslash"},
		{"newline", File{Name: "a\nb"}, "newline"},
		{"file with slash", File{Name: "a/"}, "not a directory"},
		{"symlink", File{Name: "a", Mode: fs.ModeSymlink | 0o777}, "unsupported mode"},
		{"setuid is dropped", File{Name: "a", Mode: fs.ModeSetuid | 0o755}, ""},
		{"raw unix setuid bits", File{Name: "a", Mode: 0o4755}, "unsupported mode"},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			err := tt.file.Check()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Check(%q) = %v, want nil", tt.file.Name, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Check(%q) = %v, want error containing %q", tt.file.Name, err, tt.wantErr)
			}
		})
	}
}

func TestPerm(t *testing.T) {
	tests := []struct {
		mode fs.FileMode
		want fs.FileMode
	}{
		{0, 0o644},
		{0o600, 0o644},
		{0o666, 0o644},
		{0o700, 0o755},
		{0o500, 0o755},
		{0o001, 0o755},
		{0o777, 0o755},
		{fs.ModeSetuid | fs.ModeSticky | 0o644, 0o644},
		{fs.ModeDir, 0o755},
		{fs.ModeDir | 0o700, 0o755},
	}
	for _, tt := range tests {
		if got := (File{Name: "x", Mode: tt.mode}).Perm(); got != tt.want {
			t.Errorf("Perm(%v) = %v, want %v", tt.mode, got, tt.want)
		}
	}
}

func names(files []File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.entryName())
	}
	return out
}

func TestSorted(t *testing.T) {
	tests := []struct {
		description string
		in          []File
		want        []string
		wantErr     string
	}{
		{
			description: "byte order, directories before their contents",
			in:          []File{{Name: "b"}, {Name: "a/z"}, Dir("a"), {Name: "a-b"}, {Name: "A"}},
			want:        []string{"A", "a-b", "a/", "a/z", "b"},
		},
		{
			description: "debian style",
			in:          []File{{Name: "./usr/bin/x"}, Dir("./usr/bin"), Dir("./usr"), Dir("./")},
			want:        []string{"./", "./usr/", "./usr/bin/", "./usr/bin/x"},
		},
		{description: "duplicate", in: []File{{Name: "a"}, {Name: "a"}}, wantErr: "same path"},
		{description: "duplicate with dot slash", in: []File{{Name: "a"}, {Name: "./a"}}, wantErr: "same path"},
		{description: "file and dir", in: []File{{Name: "a"}, {Name: "a-b"}, Dir("a")}, wantErr: "same path"},
		{description: "invalid name", in: []File{{Name: "/a"}}, wantErr: "clean relative path"},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			got, err := Sorted(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Sorted = %v, want error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names(got), tt.want) {
				t.Fatalf("Sorted = %q, want %q", names(got), tt.want)
			}
		})
	}
}

func TestWithParents(t *testing.T) {
	tests := []struct {
		description string
		in          []File
		want        []string
	}{
		{"nested", []File{{Name: "usr/bin/x"}, {Name: "usr/share/doc/x/copyright"}},
			[]string{"usr/", "usr/bin/", "usr/bin/x", "usr/share/", "usr/share/doc/", "usr/share/doc/x/", "usr/share/doc/x/copyright"}},
		{"dot slash keeps prefix", []File{{Name: "./usr/bin/x"}},
			[]string{"./usr/", "./usr/bin/", "./usr/bin/x"}},
		{"existing dir not duplicated", []File{Dir("usr/"), {Name: "usr/x"}},
			[]string{"usr/", "usr/x"}},
		{"top level file", []File{{Name: "x"}}, []string{"x"}},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			got, err := Sorted(WithParents(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names(got), tt.want) {
				t.Fatalf("got %q, want %q", names(got), tt.want)
			}
		})
	}
}

func TestEpoch(t *testing.T) {
	if got := epoch(time.Time{}); !got.Equal(time.Unix(0, 0)) {
		t.Errorf("epoch(zero) = %v", got)
	}
	in := time.Date(2026, 11, 25, 16, 0, 1, 999, time.FixedZone("X", 3600))
	if got := epoch(in); got.Location() != time.UTC || got.Nanosecond() != 0 || !got.Equal(in.Truncate(time.Second)) {
		t.Errorf("epoch(%v) = %v", in, got)
	}
}

func TestMSDosTime(t *testing.T) {
	d, tm := msDosTime(time.Date(2026, 11, 25, 15, 34, 53, 0, time.UTC))
	// 2026-1980=46, month 11, day 25; 15:34:53 -> 53/2=26.
	if wantD, wantT := uint16(46<<9|11<<5|25), uint16(15<<11|34<<5|26); d != wantD || tm != wantT {
		t.Errorf("msDosTime = %#x %#x, want %#x %#x", d, tm, wantD, wantT)
	}
}
