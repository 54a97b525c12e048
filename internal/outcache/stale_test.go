//go:build unix

package outcache

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/weldgo/weld/internal/atomicfile/atomictest"
)

// The next Put removes the temporary directories that killed builds left
// in the store, whatever key they were writing, and keeps those of builds
// still running.
func TestPutRemovesDeadWritersTemporaryDirectories(t *testing.T) {
	for _, put := range []struct {
		name string
		dir  func(s *Store) string
		run  func(s *Store, key string) error
	}{
		{"Put", func(s *Store) string { return s.Dir }, func(s *Store, key string) error {
			return s.Put(key, binary(t, "new"), Meta{Name: "app"})
		}},
		{"PutFiles", (*Store).pkgDir, func(s *Store, key string) error {
			return s.PutFiles(key, []string{binary(t, "new")})
		}},
	} {
		t.Run(put.name, func(t *testing.T) {
			s := &Store{Dir: filepath.Join(t.TempDir(), "out")}
			dir := put.dir(s)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			key, other := Key("new"), Key("another build")
			deadSame := atomictest.DeadWriterDir(t, dir, key)
			deadOther := atomictest.DeadWriterDir(t, dir, other)
			live := atomictest.LiveWriterDir(t, dir, other)
			if err := put.run(s, key); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{deadSame, deadOther} {
				if atomictest.Exists(t, p) {
					t.Errorf("the dead writer's %s is still there", filepath.Base(p))
				}
			}
			if !atomictest.Exists(t, live) {
				t.Errorf("the live writer's %s was removed", filepath.Base(live))
			}
			if got, want := names(t, dir), []string{filepath.Base(live), key}; !reflect.DeepEqual(got, want) {
				t.Errorf("the store holds %q, want %q", got, want)
			}
		})
	}
}

// A build killed (SIGKILL) while it fills an entry leaves a temporary
// directory that the next build's Put removes.
func TestPutAfterKilledPut(t *testing.T) {
	if dir := os.Getenv("OUTCACHE_TEST_KILLED_PUT"); dir != "" {
		err := putEntry(dir, Key("killed"), func(w *entryWriter) error {
			if err := w.writeFile("half", []byte("x")); err != nil {
				return err
			}
			fmt.Println("filling")
			time.Sleep(time.Minute) // killed here
			return nil
		})
		fmt.Fprintln(os.Stderr, "not killed:", err)
		os.Exit(1)
	}
	s := &Store{Dir: filepath.Join(t.TempDir(), "out")}
	atomictest.KillWhen(t, "TestPutAfterKilledPut", "filling", "OUTCACHE_TEST_KILLED_PUT="+s.Dir)
	if left := names(t, s.Dir); len(left) != 1 {
		t.Fatalf("the killed writer left %q, want one temporary directory", left)
	}
	key := Key("next")
	if err := s.Put(key, binary(t, "next"), Meta{Name: "app"}); err != nil {
		t.Fatal(err)
	}
	if got := names(t, s.Dir); !reflect.DeepEqual(got, []string{key}) {
		t.Errorf("after the next Put the store holds %q, want only its entry", got)
	}
}
