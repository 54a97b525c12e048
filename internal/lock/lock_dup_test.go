package lock

import (
	"fmt"
	"strings"
	"testing"
)

// TestParseDuplicates: a line that repeats another's key (the same plugin,
// module, sum...) is an error naming both lines, since --locked would
// otherwise fail with no difference to show.
func TestParseDuplicates(t *testing.T) {
	lines := strings.Split(strings.TrimSuffix(fullLockText, "\n"), "\n")
	tests := []struct {
		description string
		first       int    // 1-based line of fullLockText that is repeated
		change      string // the repeated line, if not the same text
		want        string // what the error says the line is
	}{
		{description: "header", first: 3, want: "header"},
		{description: "go", first: 4, change: "go go1.25.0", want: "go line"},
		{description: "app", first: 5, want: "app line"},
		{description: "plugin", first: 7, want: "plugin example.com/fees/hook"},
		{description: "plugin with another version", first: 6, change: "plugin example.com/zeta v1.0.0 query=latest", want: "plugin example.com/zeta"},
		{description: "local module", first: 10, want: "local module example.com/fees"},
		{description: "replace", first: 13, want: "replace of example.com/lib"},
		{description: "exclude", first: 15, want: "exclude of example.com/lib@v1.3.0"},
		{description: "module", first: 17, want: "module example.com/app"},
		{description: "module with another version", first: 17, change: "module example.com/app v1.5.0", want: "module example.com/app"},
		{description: "sum", first: 20, want: "sum of example.com/app v1.4.0"},
		{description: "sysroot", first: 23, want: "sysroot of linux/arm/7"},
		{description: "deb", first: 24, want: "deb zlib1g of linux/arm/7"},
	}
	for _, tt := range tests {
		t.Run(tt.description, func(t *testing.T) {
			dup := lines[tt.first-1]
			if tt.change != "" {
				dup = tt.change
			}
			at := tt.first + 1 // the copy's line
			in := append(append(append([]string(nil), lines[:at-1]...), dup), lines[at-1:]...)
			_, err := Parse("weld.lock", []byte(strings.Join(in, "\n")+"\n"))
			want := fmt.Sprintf("weld.lock:%d: %s twice, also at weld.lock:%d: %q; delete one of the two lines, or delete the file and run weld lock",
				at, tt.want, tt.first, dup)
			if err == nil || err.Error() != want {
				t.Errorf("Parse error:\n got: %v\nwant: %s", err, want)
			}
		})
	}
}
