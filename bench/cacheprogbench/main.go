// Command cacheprogbench measures what a shared compile cache (weld
// cacheprog over a file:// store) saves a clean machine. It builds Caddy
// with caddy-l4 with weld three times, each with an empty GOCACHE and an
// empty weld cache, the module cache warm:
//
//  1. fill: with GOCACHEPROG="weld cacheprog --store file://STORE", which
//     fills the store (another machine's build, simulated with another
//     GOCACHE); not measured, it also warms the module cache;
//  2. local: without GOCACHEPROG (a cold local build);
//  3. shared: with GOCACHEPROG pointed at the store filled in 1, and a
//     fresh cacheprog directory.
//
// The measured builds use the weld.lock the fill build wrote (--locked).
// It prints the times, their ratio, what the cache program answered, and
// checks that the two measured builds made the same binary.
//
//	go run ./bench/cacheprogbench
//
// It is heavy (a cold Caddy build takes minutes on 2 cores) and is not
// part of the tests.
package main

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

const manifest = `name: caddy
app:
  module: github.com/caddyserver/caddy/v2
  version: v2.11.9
plugins:
  - module: github.com/mholt/caddy-l4
    version: v0.1.2
`

var (
	flagKeep  = flag.Bool("keep", false, "keep the temporary directory")
	flagOrder = flag.String("order", "local,shared", "order of the measured builds")
)

var summaryLine = regexp.MustCompile(`(?m)^weld cacheprog: \d+ gets: .*$`)

func main() {
	log.SetFlags(0)
	log.SetPrefix("cacheprogbench: ")
	flag.Parse()
	tmp, err := os.MkdirTemp("", "cacheprogbench")
	if err != nil {
		log.Fatal(err)
	}
	if *flagKeep {
		log.Printf("keeping %s", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	weld := filepath.Join(tmp, "bin", "weld")
	if out, err := exec.Command("go", "build", "-o", weld, "./cmd/weld").CombinedOutput(); err != nil {
		log.Fatalf("building weld (run from the repository root): %v\n%s", err, out)
	}
	store := filepath.Join(tmp, "store")
	fill := build(tmp, weld, "fill", store, "")
	lock, err := os.ReadFile(filepath.Join(tmp, "fill", "weld.lock"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("fill (not measured): %s, %s\n", fill.took.Round(100*time.Millisecond), fill.summary)
	objects, bytes := treeSize(store)
	fmt.Printf("store: %d files, %.1f MiB\n", objects, float64(bytes)/(1<<20))

	runs := map[string]result{}
	for _, name := range strings.Split(*flagOrder, ",") {
		s := ""
		if name == "shared" {
			s = store
		}
		runs[name] = build(tmp, weld, name, s, string(lock))
		fmt.Printf("%s: %s %s\n", name, runs[name].took.Round(100*time.Millisecond), runs[name].summary)
	}
	local, shared := runs["local"], runs["shared"]
	fmt.Printf("ratio shared/local: %.3f\n", shared.took.Seconds()/local.took.Seconds())
	if local.binary != shared.binary {
		log.Fatalf("the local and shared builds made different binaries: %s and %s", local.binary, shared.binary)
	}
	fmt.Printf("both binaries: sha256 %s\n", local.binary)
}

type result struct {
	took    time.Duration
	summary string // the cache program's summary line
	binary  string // sha256 of the built binary
}

// build runs weld build of the manifest in a project directory of its
// own, with an empty GOCACHE and weld cache; with store != "", through
// weld cacheprog with a fresh local directory; with lock != "", with that
// weld.lock.
func build(tmp, weld, name, store, lock string) result {
	dir := filepath.Join(tmp, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "weld.yaml"), []byte(manifest), 0o644); err != nil {
		log.Fatal(err)
	}
	env := append(os.Environ(),
		"GOCACHE="+filepath.Join(dir, "gocache"),
		"WELD_CACHE="+filepath.Join(dir, "weldcache"),
		"GOCACHEPROG=")
	if store != "" {
		prog := fmt.Sprintf("%s cacheprog -v --store file://%s --dir %s", weld, store, filepath.Join(dir, "cacheprog"))
		env = append(env, "GOCACHEPROG="+prog)
		log.Printf("%s: GOCACHEPROG=%q", name, prog)
	}
	args := []string{"build", "-f", filepath.Join(dir, "weld.yaml"), "-o", filepath.Join(dir, "dist")}
	if lock == "" {
		// weld's API check flags caddy-l4 v0.1.2 against Caddy v2.11.9
		// (a json.RawMessage "change" to itself); the fill build, which
		// resolves, lets it through.
		args = append(args, "--allow-incompatible")
	} else {
		// The measured builds are locked, as in CI: they resolve and
		// check nothing, so they time the compile.
		if err := os.WriteFile(filepath.Join(dir, "weld.lock"), []byte(lock), 0o644); err != nil {
			log.Fatal(err)
		}
		args = append(args, "--locked")
	}
	log.Printf("%s: weld %s", name, strings.Join(args, " "))
	cmd := exec.Command(weld, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	os.WriteFile(filepath.Join(tmp, name+".log"), stderr.Bytes(), 0o644)
	if err != nil {
		log.Fatalf("%s: weld build: %v\n%s", name, err, tail(stderr.String()))
	}
	// weld build prints the binary's path first.
	fields := strings.Fields(stdout.String())
	if len(fields) == 0 {
		log.Fatalf("%s: weld build printed no binary", name)
	}
	data, err := os.ReadFile(fields[0])
	if err != nil {
		log.Fatalf("%s: %v", name, err)
	}
	summaries := summaryLine.FindAllString(stderr.String(), -1)
	return result{took: took, summary: strings.Join(summaries, " | "), binary: fmt.Sprintf("%x", sha256.Sum256(data))}
}

func treeSize(root string) (files int, size int64) {
	filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				files++
				size += info.Size()
			}
		}
		return nil
	})
	return files, size
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return strings.Join(lines, "\n")
}
