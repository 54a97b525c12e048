package pipeline

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestLibraryRecordStamps: a record of libraries is used only while every
// file it was read from keeps its size and time, and dpkg's status file
// is stamped the same way.
func TestLibraryRecordStamps(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "libx.so.1")
	if err := os.WriteFile(lib, []byte("ELF one"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(lib)
	if err != nil {
		t.Fatal(err)
	}
	rec := []fileStamp{{Path: lib, Size: fi.Size(), MTime: fi.ModTime().UnixNano()}}
	stamp := stampOf(lib)
	if !unchanged(rec) {
		t.Fatal("an untouched file counts as changed")
	}
	later := fi.ModTime().Add(time.Second)
	if err := os.Chtimes(lib, later, later); err != nil {
		t.Fatal(err)
	}
	if unchanged(rec) || stampOf(lib) == stamp {
		t.Error("a file with a new time counts as unchanged")
	}
	if err := os.WriteFile(lib, []byte("ELF two, longer"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec[0].MTime = later.UnixNano()
	if unchanged(rec) {
		t.Error("a file of another size counts as unchanged")
	}
	if err := os.Remove(lib); err != nil {
		t.Fatal(err)
	}
	if unchanged(rec) || stampOf(lib) != "none" {
		t.Error("a removed file counts as unchanged")
	}
}
