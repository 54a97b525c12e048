package lock

import (
	"bufio"
	"bytes"
	"fmt"
	"github.com/weldgo/weld/internal/artifact/deb"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Parse reads a lock in any format version up to FormatVersion. file names
// it in errors.
func Parse(file string, data []byte) (*Lock, error) {
	l := &Lock{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	sawApp := false
	// seen maps what each line pins (see lineKey) to its line number:
	// the same thing twice is an error, because Format would write both
	// lines back and --locked would then fail with no difference to show.
	seen := map[string]int{}
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		bad := func(why string) error {
			return fmt.Errorf("%s:%d: %s: %q; delete the file and run weld lock", file, n, why, line)
		}
		if l.Version == 0 {
			v, err := parseHeader(f)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", file, n, err)
			}
			l.Version = v
			seen[lineKey(f)] = n
			continue
		}
		if err := l.parseLine(f); err != nil {
			return nil, bad(err.Error())
		}
		if f[0] == "lib" {
			l.Libraries[len(l.Libraries)-1].Line = n
		}
		key := lineKey(f)
		if first, ok := seen[key]; ok {
			return nil, fmt.Errorf("%s:%d: %s twice, also at %s:%d: %q; delete one of the two lines, or delete the file and run weld lock",
				file, n, key, file, first, line)
		}
		seen[key] = n
		sawApp = sawApp || f[0] == "app"
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	if l.Version == 0 || !sawApp || l.Go == "" {
		return nil, fmt.Errorf("%s: incomplete lock (no header, go or app line); delete the file and run weld lock", file)
	}
	return l, nil
}

// parseHeader reads the first line, "weld-lock N".
func parseHeader(f []string) (int, error) {
	line := strings.Join(f, " ")
	v, err := 0, error(nil)
	if len(f) == 2 && f[0] == "weld-lock" {
		v, err = strconv.Atoi(f[1])
	}
	switch {
	case len(f) != 2 || f[0] != "weld-lock" || err != nil || v < 1 || f[1] != strconv.Itoa(v):
		return 0, fmt.Errorf("not a weld.lock header (weld-lock N): %q; delete the file and run weld lock", line)
	case v > FormatVersion:
		return 0, fmt.Errorf("weld.lock format %d is newer than this weld reads (formats 1 to %d): %q; update weld, or delete the file and run weld lock",
			v, FormatVersion, line)
	}
	return v, nil
}

// lineKey names what a line pins, for the duplicate check: two lines with
// the same key contradict or repeat each other. Escaped fields are read
// first, so that two spellings of one value are one key, as Format would
// write them the same.
func lineKey(f []string) string {
	arg := func(i int) string {
		if i < len(f) {
			return f[i]
		}
		return ""
	}
	switch f[0] {
	case "weld-lock":
		return "header"
	case "go", "app":
		return f[0] + " line"
	case "plugin":
		r, err := parseRoot(f[1:])
		if err != nil {
			return "plugin " + arg(1)
		}
		return "plugin " + r.Key()
	case "local":
		return "local module " + arg(1)
	case "replace":
		old, err := unescape(arg(1))
		if err != nil {
			old = arg(1)
		}
		return "replace of " + old
	case "exclude", "module":
		sep := " "
		if f[0] == "exclude" {
			sep = " of "
		}
		return f[0] + sep + arg(1)
	case "sum":
		return "sum of " + arg(1) + " " + arg(2)
	case "sysroot":
		return "sysroot of " + arg(1)
	case "deb":
		return "deb " + arg(2) + " of " + arg(1)
	case "lib":
		file, err := unescape(arg(2))
		if err != nil {
			file = arg(2)
		}
		return "lib " + file + " of " + arg(1)
	}
	return strings.Join(f, " ")
}

// parseLine adds one line, split into fields, to the lock.
func (l *Lock) parseLine(f []string) error {
	switch f[0] {
	case "weld-lock":
		// A second header: Parse reports it as a duplicate.
	case "go":
		if len(f) != 2 {
			return fmt.Errorf("malformed go line")
		}
		l.Go = f[1]
	case "app", "plugin":
		r, err := parseRoot(f[1:])
		if err != nil {
			return err
		}
		if f[0] == "app" {
			l.App = r
		} else {
			l.Plugins = append(l.Plugins, r)
		}
	case "adapter":
		if len(f) != 3 || l.Adapter != nil {
			return fmt.Errorf("malformed or repeated adapter line")
		}
		src, err := unescape(f[1])
		if err != nil {
			return err
		}
		l.Adapter = &AdapterInForce{Source: src, Hash: f[2]}
	case "local":
		if len(f) != 4 {
			return fmt.Errorf("malformed local line")
		}
		path, err := unescape(f[2])
		if err != nil {
			return err
		}
		l.Locals = append(l.Locals, LocalModule{Module: f[1], Path: path, Hash: f[3]})
	case "replace":
		r, err := unescapeReplace(f[1:])
		if err != nil {
			return err
		}
		l.Replace = append(l.Replace, r)
	case "exclude":
		if len(f) != 2 {
			return fmt.Errorf("malformed exclude line")
		}
		l.Exclude = append(l.Exclude, f[1])
	case "module":
		if len(f) != 3 {
			return fmt.Errorf("malformed module line")
		}
		l.Modules = append(l.Modules, Module{Path: f[1], Version: f[2]})
	case "sum":
		if len(f) != 4 {
			return fmt.Errorf("malformed sum line")
		}
		l.Sums = append(l.Sums, strings.Join(f[1:], " "))
	case "sysroot":
		sr, err := parseSysroot(f[1:])
		if err != nil {
			return err
		}
		l.Sysroots = append(l.Sysroots, sr)
	case "deb":
		if len(f) != 7 || len(l.Sysroots) == 0 || l.Sysroots[len(l.Sysroots)-1].Target != f[1] {
			return fmt.Errorf("malformed deb line, or not after its sysroot line")
		}
		sr := &l.Sysroots[len(l.Sysroots)-1]
		sr.Packages = append(sr.Packages, deb.Pin{Package: f[2], Version: f[3], Architecture: f[4], SHA256: f[5], Filename: f[6]})
	case "lib":
		if l.Version < 4 {
			return fmt.Errorf("lib line in a format %d lock (lib lines are format 4)", l.Version)
		}
		lib, err := parseLibrary(f)
		if err != nil {
			return err
		}
		l.Libraries = append(l.Libraries, lib)
	default:
		return fmt.Errorf("unknown line")
	}
	return nil
}

// fields reads the key=value fields of a line, each key at most once.
func fields(f []string, known ...string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range f {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("malformed field %q", kv)
		}
		if !slices.Contains(known, k) {
			return nil, fmt.Errorf("unknown field %q", k)
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("field %q twice", k)
		}
		out[k] = v
	}
	return out, nil
}

func parseRoot(f []string) (Root, error) {
	if len(f) < 2 {
		return Root{}, fmt.Errorf("malformed app or plugin line")
	}
	r := Root{Module: f[0], Version: f[1]}
	var keys []string
	for _, field := range r.rootFields() {
		keys = append(keys, field.key)
	}
	kv, err := fields(f[2:], keys...)
	if err != nil {
		return Root{}, err
	}
	for _, field := range r.rootFields() {
		if *field.val, err = unescape(kv[field.key]); err != nil {
			return Root{}, err
		}
	}
	return r, nil
}

func parseSysroot(f []string) (Sysroot, error) {
	if len(f) < 2 {
		return Sysroot{}, fmt.Errorf("malformed sysroot line")
	}
	kv, err := fields(f[1:], "archive", "suite", "packages")
	if err != nil {
		return Sysroot{}, err
	}
	sr := Sysroot{Target: f[0], Archive: kv["archive"], Suite: kv["suite"]}
	if p, ok := kv["packages"]; ok {
		sr.Request = strings.Split(p, ",")
	}
	return sr, nil
}

// Read loads a lock file; it returns nil, nil when the file does not exist.
func Read(file string) (*Lock, error) {
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading lock: %w", err)
	}
	return Parse(file, data)
}
