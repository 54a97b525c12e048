package sysroot

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pault.ag/go/debian/deb"
)

// FuzzExtractDeb extracts arbitrary bytes as a .deb into a jail.
// Property: extraction returns (an error is fine) and stays inside the
// sysroot: nothing is created outside it, no symlink left in it leads out
// or is absolute, no outside file is hard-linked in.
func FuzzExtractDeb(f *testing.F) {
	for _, p := range testPackages() {
		f.Add(buildDeb(f, p))
	}
	f.Add(buildDeb(f, &fakePkg{name: "merged", version: "1", arch: "arm64",
		files: map[string]string{"usr/lib/aarch64-linux-gnu/libz.so.1.2.13": "ELF", "lib/x": "moved"},
		links: map[string]string{"usr/lib/aarch64-linux-gnu/libz.so": "/lib/aarch64-linux-gnu/libz.so.1.2.13"}}))
	for _, entries := range [][]entry{
		{upToRoot, {'l', deep + "/up/esc", ups(9) + "/outside"}, {'f', deep + "/up/esc/pwned", "x"}},
		{upToRoot, {'h', "hl", deep + "/up"}, {'f', "hl/pwned", "x"}},
		{{'f', "a", "x"}, {'h', "b", "a"}, {'d', "../../d", ""}, {'l', "c", "/"}},
	} {
		data, err := rawTar(entries)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(debAround(data))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(30 * time.Second)()
		if !onlyCheapCompression(data) {
			return
		}
		j := newJail(t)
		_ = j.extract(t, data)
		j.check(t)
	})
}

// watchdog crashes the process if the returned stop is not called within
// d. Go's fuzzer has no notion of a hang: a looping input only stalls the
// run. A crash makes it save the input under testdata/fuzz like any other
// failure.
func watchdog(d time.Duration) (stop func()) {
	timer := time.AfterFunc(d, func() { panic(fmt.Sprintf("input still running after %s: a hang", d)) })
	return func() { timer.Stop() }
}

// onlyCheapCompression keeps the fuzzer away from decompression bombs:
// xz, bzip2, lzma and zstd expand a few bytes into gigabytes, which would
// fill the disk rather than test extraction. (A real .deb is checked
// against its sha256 from the signed index before it is extracted.)
func onlyCheapCompression(data []byte) bool {
	ar, err := deb.LoadAr(bytes.NewReader(data))
	if err != nil {
		return true // rejected before any decompression
	}
	for {
		e, err := nextMember(ar)
		if err != nil {
			return true // the members so far are all that is read
		}
		switch filepath.Ext(e.Name) {
		case ".xz", ".bz2", ".lzma", ".zst":
			return false
		}
	}
}

// FuzzExtractEntries builds a data.tar from a little script, one member
// a line: "KIND NAME TARGET" with KIND f (file, TARGET is the content),
// d (directory), l (symlink) or h (hard link). The fuzzer combines names
// and links far faster in this form than through tar's checksummed
// headers. Property: as for FuzzExtractDeb.
func FuzzExtractEntries(f *testing.F) {
	f.Add("l a/b/c/up ../../..\nl a/b/c/up/esc ../../../../outside\nf a/b/c/up/esc/pwned x\n")
	f.Add("l x/y/z/esc l1/../../..\nl x/y/z/l1 ../../..\nf x/y/z/esc/pwned x\n")
	f.Add("l p/q/r/up ../../..\nh hl p/q/r/up\nf hl/pwned x\n")
	f.Add("l usr/lib/d /\nd usr/lib/d\nf usr/lib/d/pwned x\nl lib/x ../../usr/lib\nf lib/x/y z\n")
	f.Add("f usr/lib/libz.so.1 ELF\nl usr/lib/libz.so libz.so.1\nh usr/lib/libz.so.1.0 usr/lib/libz.so.1\nd ./usr/include/\n")
	f.Fuzz(func(t *testing.T, script string) {
		entries, ok := parseScript(script)
		if !ok {
			return
		}
		data, err := rawTar(entries)
		if err != nil {
			return // a name tar cannot store
		}
		defer watchdog(30 * time.Second)()
		j := newJail(t)
		_ = j.extract(t, debAround(data))
		j.check(t)
	})
}

// parseScript reads FuzzExtractEntries' script. It refuses scripts that
// climb more than jailDepth levels in total, so that even a broken
// extractor cannot reach beyond the jail's base into the real file system.
func parseScript(script string) ([]entry, bool) {
	if strings.Count(script, "..") > jailDepth {
		return nil, false
	}
	var entries []entry
	for _, line := range strings.Split(script, "\n") {
		if line == "" {
			continue
		}
		if len(line) < 3 || line[1] != ' ' || !strings.ContainsRune("fdlh", rune(line[0])) || len(entries) == 32 {
			return nil, false
		}
		name, target, _ := strings.Cut(line[2:], " ")
		entries = append(entries, entry{line[0], name, target})
	}
	return entries, len(entries) > 0
}
