//go:build unix

// Command modverifybench measures what weld's module-cache verification
// costs for a weld.lock: the first check of every module directory (a
// fingerprint and a full h1: hash of each) and the later ones (fingerprints
// only). Build the project once so that its modules are downloaded, then:
//
//	go run ./bench/modverifybench -n 10 path/to/weld.lock
//
// It checks every module of the lock that has an h1: hash and a directory
// in $(go env GOMODCACHE), and keeps its fingerprint records in a
// temporary directory, so weld's own cache is not touched.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"golang.org/x/mod/module"

	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/modverify"
	"github.com/weldgo/weld/internal/outcache"
)

var flagN = flag.Int("n", 10, "measured runs of the cold and of the warm check")

func main() {
	log.SetFlags(0)
	log.SetPrefix("modverifybench: ")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: modverifybench [-n N] WELD.LOCK")
	}
	if err := run(flag.Arg(0)); err != nil {
		log.Fatal(err)
	}
}

func run(lockFile string) error {
	mods, err := modules(lockFile)
	if err != nil {
		return err
	}
	files, size := 0, int64(0)
	for _, m := range mods {
		filepath.WalkDir(m.Dir, func(_ string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if fi, err := d.Info(); err == nil {
					files, size = files+1, size+fi.Size()
				}
			}
			return nil
		})
	}
	fmt.Printf("%d module directories, %d files, %.1f MB\n", len(mods), files, float64(size)/1e6)
	ctx := context.Background()
	var cold, warm, coldCPU, warmCPU []time.Duration
	for range *flagN {
		tmp, err := os.MkdirTemp("", "modverifybench-")
		if err != nil {
			return err
		}
		o := modverify.Options{Store: &outcache.Store{Dir: filepath.Join(tmp, "out")}}
		for i, d := range [][2]*[]time.Duration{{&cold, &coldCPU}, {&warm, &warmCPU}} {
			start, startCPU := time.Now(), cpuTime()
			res, err := modverify.Verify(ctx, o, mods)
			*d[0] = append(*d[0], time.Since(start))
			*d[1] = append(*d[1], cpuTime()-startCPU)
			if err != nil {
				return err
			}
			if wantHashed := len(mods) * (1 - i); res.Hashed != wantHashed {
				return fmt.Errorf("run %d hashed %d directories, want %d", i, res.Hashed, wantHashed)
			}
		}
		os.RemoveAll(tmp)
	}
	fmt.Printf("cold (fingerprint + h1: hash of every directory): wall median %v (min %v), cpu median %v\n", median(cold), minimum(cold), median(coldCPU))
	fmt.Printf("warm (fingerprints only):                         wall median %v (min %v), cpu median %v\n", median(warm), minimum(warm), median(warmCPU))
	return nil
}

// modules lists the lock's modules that have an h1: hash and a
// directory in the module cache.
func modules(lockFile string) ([]modverify.Module, error) {
	l, err := lock.Read(lockFile)
	if err != nil {
		return nil, err
	}
	if l == nil {
		return nil, fmt.Errorf("%s: no such file", lockFile)
	}
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOMODCACHE: %w", err)
	}
	modCache := strings.TrimSpace(string(out))
	var mods []modverify.Module
	for _, ms := range l.ModuleSums() {
		p, err1 := module.EscapePath(ms.Path)
		v, err2 := module.EscapeVersion(ms.Version)
		if err1 != nil || err2 != nil {
			continue
		}
		dir := filepath.Join(modCache, filepath.FromSlash(p)+"@"+v)
		if _, err := os.Stat(dir); err == nil {
			mods = append(mods, modverify.Module{Path: ms.Path, Version: ms.Version, Dir: dir, Sum: ms.Sum})
		}
	}
	return mods, nil
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2].Round(time.Millisecond / 10)
}

func minimum(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[0].Round(time.Millisecond / 10)
}

// cpuTime is the user and system time this process has used, which the
// load of a busy machine does not inflate as it does wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
