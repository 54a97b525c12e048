package compose

import (
	"testing"
)

func TestMergeSums(t *testing.T) {
	tests := []struct {
		desc string
		in   []string
		want string
	}{
		{"nothing", nil, ""},
		{"empty files", []string{"", "\n\n"}, ""},
		{"one file sorted", []string{"b.com/m v1.0.0 h1:B=\na.com/m v1.0.0 h1:A=\n"},
			"a.com/m v1.0.0 h1:A=\nb.com/m v1.0.0 h1:B=\n"},
		{
			desc: "union without duplicates",
			in: []string{
				"a.com/m v1.0.0 h1:A=\na.com/m v1.0.0/go.mod h1:Amod=\n",
				"c.com/m v0.1.0 h1:C=\na.com/m v1.0.0 h1:A=\n",
				"a.com/m v1.0.0/go.mod h1:Amod=\n",
			},
			want: "a.com/m v1.0.0 h1:A=\na.com/m v1.0.0/go.mod h1:Amod=\nc.com/m v0.1.0 h1:C=\n",
		},
		{
			desc: "surrounding space, CRLF and missing final newline",
			in:   []string{"  b.com/m v1.0.0 h1:B=  \r\n\r\n", "a.com/m v1.0.0 h1:A=\r\nb.com/m v1.0.0 h1:B="},
			want: "a.com/m v1.0.0 h1:A=\nb.com/m v1.0.0 h1:B=\n",
		},
		{
			desc: "differing hashes for the same module are both kept",
			in:   []string{"a.com/m v1.0.0 h1:X=\n", "a.com/m v1.0.0 h1:Y=\n"},
			want: "a.com/m v1.0.0 h1:X=\na.com/m v1.0.0 h1:Y=\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			var sums [][]byte
			for _, s := range tt.in {
				sums = append(sums, []byte(s))
			}
			if got := string(mergeSums(sums...)); got != tt.want {
				t.Errorf("mergeSums(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCompareGo(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.9", "1.24.0", -1},
		{"1.24.0", "1.9", 1},
		// A language version sorts before its releases, as go/version says.
		{"1.21", "1.21.0", -1},
		{"1.21.0", "1.21", 1},
		{"1.21rc1", "1.22.0", -1},
		{"1.22rc1", "1.21.5", 1},
		{"1.21.10", "1.21.9", 1},
		{"1.22", "1.21.13", 1},
		{"1.100", "1.99.5", 1},
		{"1.26.8", "1.26.8", 0},
		{"2.0", "1.99", 1},
	}
	for _, tt := range tests {
		if got := compareGo(tt.a, tt.b); got != tt.want {
			t.Errorf("compareGo(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
