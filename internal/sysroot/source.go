package sysroot

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// DefaultSource returns the Debian archive the machine's apt uses: the
// first "deb" entry of a Debian archive (URL path mentioning "debian") for a
// release suite (not -updates, -security or -backports), read in apt's
// order: /etc/apt/sources.list, then sources.list.d/*.list and *.sources by
// name. Using the machine's mirror keeps downloads on the mirror the user
// chose (and reachable through their network). Without one it is
// http://deb.debian.org/debian bookworm main.
func DefaultSource() (archive, suite string, components []string) {
	if a, s, c, ok := sourceIn("/etc/apt"); ok {
		return a, s, c
	}
	return "http://deb.debian.org/debian", "bookworm", []string{"main"}
}

type aptSource struct {
	types, uris, suites, components []string
	enabled                         bool
}

func sourceIn(etc string) (archive, suite string, components []string, ok bool) {
	var entries []aptSource
	entries = append(entries, readOneLine(filepath.Join(etc, "sources.list"))...)
	files, _ := filepath.Glob(filepath.Join(etc, "sources.list.d", "*"))
	sort.Strings(files)
	for _, f := range files {
		switch {
		case strings.HasSuffix(f, ".list"):
			entries = append(entries, readOneLine(f)...)
		case strings.HasSuffix(f, ".sources"):
			entries = append(entries, readDeb822(f)...)
		}
	}
	for _, e := range entries {
		if !e.enabled || !contains(e.types, "deb") || len(e.components) == 0 {
			continue
		}
		for _, u := range e.uris {
			if !(strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) ||
				!strings.Contains(u, "debian") || strings.Contains(u, "debian-security") {
				continue
			}
			for _, s := range e.suites {
				if s != "" && !strings.Contains(s, "-") && !strings.Contains(s, "/") {
					return strings.TrimRight(u, "/"), s, e.components, true
				}
			}
		}
	}
	return "", "", nil, false
}

// readOneLine parses "deb [options] uri suite component..." lines.
func readOneLine(name string) []aptSource {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil
	}
	var out []aptSource
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) > 0 && strings.HasPrefix(f[0], "deb") && len(f) > 1 && strings.HasPrefix(f[1], "[") {
			// Drop the [option=value ...] block, which may span fields.
			i := 1
			for i < len(f) && !strings.HasSuffix(f[i], "]") {
				i++
			}
			f = append(f[:1], f[min(i+1, len(f)):]...)
		}
		if len(f) < 3 {
			continue
		}
		out = append(out, aptSource{types: f[:1], uris: f[1:2], suites: f[2:3], components: f[3:], enabled: true})
	}
	return out
}

// readDeb822 parses the stanzas of a .sources file.
func readDeb822(name string) []aptSource {
	fh, err := os.Open(name)
	if err != nil {
		return nil
	}
	defer fh.Close()
	var out []aptSource
	fields := map[string]string{}
	last := ""
	flush := func() {
		if len(fields) > 0 {
			out = append(out, aptSource{
				types:      strings.Fields(fields["types"]),
				uris:       strings.Fields(fields["uris"]),
				suites:     strings.Fields(fields["suites"]),
				components: strings.Fields(fields["components"]),
				enabled:    !strings.EqualFold(strings.TrimSpace(fields["enabled"]), "no"),
			})
		}
		fields, last = map[string]string{}, ""
	}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
		case strings.TrimSpace(line) == "":
			flush()
		case line[0] == ' ' || line[0] == '\t':
			if last != "" {
				fields[last] += " " + strings.TrimSpace(line)
			}
		default:
			k, v, ok := strings.Cut(line, ":")
			if ok {
				last = strings.ToLower(strings.TrimSpace(k))
				fields[last] = strings.TrimSpace(v)
			}
		}
	}
	flush()
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
