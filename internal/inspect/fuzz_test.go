package inspect

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/weldgo/weld/internal/compose"
)

// tinyELF is a hand-made 64-bit little-endian ELF file of a few hundred
// bytes: one loadable segment of fileSize bytes and a .go.buildinfo
// section of sectionSize bytes at its start, holding Go's build-info
// header and the version and module strings inline (the Go 1.18+ layout).
// Sizes larger than the file are lies that a reader must survive.
func tinyELF(sectionSize, fileSize uint64) []byte {
	const (
		ehdrSize, phdrSize, shdrSize = 64, 56, 64
		vaddr                        = 0x400000
		shoff                        = ehdrSize + phdrSize
		dataOff                      = shoff + 3*shdrSize + 8 // Go's reader wants 16-byte alignment
	)
	modinfo := "path\texample.com/tiny\nmod\texample.com/tiny\t(devel)\t\n"
	const sentinel = "0123456789abcdef" // 16 bytes on each side, stripped by the reader
	var data bytes.Buffer
	data.WriteString("\xff Go buildinf:")
	data.Write([]byte{8, 2}) // pointer size, flags: little-endian, strings inline
	data.Write(make([]byte, 16))
	for _, s := range []string{"go1.26.0", sentinel + modinfo[:len(modinfo)-1] + "\n" + sentinel} {
		data.Write(binary.AppendUvarint(nil, uint64(len(s))))
		data.WriteString(s)
	}
	strtab := "\x00.go.buildinfo\x00.shstrtab\x00"
	strOff := uint64(dataOff + data.Len())
	if sectionSize == 0 {
		sectionSize = uint64(data.Len())
	}
	if fileSize == 0 {
		fileSize = strOff
	}
	le := binary.LittleEndian
	var b []byte
	b = append(b, 0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	b = le.AppendUint16(b, 2)  // ET_EXEC
	b = le.AppendUint16(b, 62) // EM_X86_64
	b = le.AppendUint32(b, 1)
	b = le.AppendUint64(b, vaddr) // entry
	b = le.AppendUint64(b, ehdrSize)
	b = le.AppendUint64(b, shoff)
	b = le.AppendUint32(b, 0)
	for _, v := range []uint16{ehdrSize, phdrSize, 1, shdrSize, 3, 2} {
		b = le.AppendUint16(b, v)
	}
	// PT_LOAD, read-write, the whole file at vaddr.
	b = le.AppendUint32(b, 1)
	b = le.AppendUint32(b, 6)
	for _, v := range []uint64{0, vaddr, vaddr, fileSize, fileSize, 0x1000} {
		b = le.AppendUint64(b, v)
	}
	section := func(name, typ uint32, flags, addr, off, size, align uint64) {
		b = le.AppendUint32(b, name)
		b = le.AppendUint32(b, typ)
		for _, v := range []uint64{flags, addr, off, size} {
			b = le.AppendUint64(b, v)
		}
		b = le.AppendUint32(b, 0)
		b = le.AppendUint32(b, 0)
		b = le.AppendUint64(b, align)
		b = le.AppendUint64(b, 0)
	}
	section(0, 0, 0, 0, 0, 0, 0)
	section(1, 1, 3, vaddr+dataOff, dataOff, sectionSize, 16) // .go.buildinfo, PROGBITS, WA
	section(15, 3, 0, 0, strOff, uint64(len(strtab)), 1)      // .shstrtab
	b = append(b, make([]byte, dataOff-len(b))...)
	b = append(b, data.Bytes()...)
	return append(b, strtab...)
}

func TestTinyELFIsReadable(t *testing.T) {
	name := filepath.Join(t.TempDir(), "tiny")
	if err := os.WriteFile(name, tinyELF(0, 0), 0o755); err != nil {
		t.Fatal(err)
	}
	info, err := Read(name)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if info.GoVersion != "go1.26.0" || info.Main != "example.com/tiny" {
		t.Errorf("GoVersion, Main = %q, %q", info.GoVersion, info.Main)
	}
}

// readBounded runs Read on data written to a file and fails the test if it
// takes longer than a second per MB (with a floor for a busy machine) or
// allocates more than a small multiple of the input.
func readBounded(t *testing.T, data []byte) {
	t.Helper()
	name := filepath.Join(t.TempDir(), "bin")
	if err := os.WriteFile(name, data, 0o755); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = Read(name)
	}()
	limit := 10*time.Second + time.Duration(len(data)>>20)*time.Second
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("Read of %d bytes still running after %s", len(data), limit)
	}
	runtime.ReadMemStats(&after)
	if alloc, max := after.TotalAlloc-before.TotalAlloc, uint64(128<<20+32*len(data)); alloc > max {
		t.Fatalf("Read of %d bytes allocated %d MB in %s", len(data), alloc>>20, time.Since(start))
	}
}

// TestReadHugeSizeClaims gives Read files whose headers claim sections and
// segments far larger than the file, and a binary followed by megabytes
// of record decoys: each must be answered quickly, in little memory.
func TestReadHugeSizeClaims(t *testing.T) {
	magicOnly := []byte(compose.RecordMagic + "\n")
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"section of 2^62 bytes", tinyELF(1<<62, 0)},
		{"section and segment of 2^62 bytes", tinyELF(1<<62, 1<<62)},
		{"section of 2^40 bytes in a segment of 2^40", tinyELF(1<<40, 1<<40)},
		{"section of 2^64-1 bytes", tinyELF(^uint64(0), ^uint64(0))},
		// Each copy of the magic starts a candidate record with no end:
		// searching to the end of the file from each is quadratic.
		{"8 MB of record magic after a binary", append(tinyELF(0, 0), bytes.Repeat(magicOnly, 8<<20/len(magicOnly))...)},
		{"8 MB of record starts", append(tinyELF(0, 0), bytes.Repeat([]byte(compose.RecordMagic+"\nname x\n"), 8<<20/28)...)},
	} {
		t.Run(c.name, func(t *testing.T) { readBounded(t, c.data) })
	}
}

// FuzzInspect runs inspect on arbitrary bytes. Property: no panic, no
// hang, memory bounded by the input size (a size field claiming terabytes
// in a tiny file must not be believed).
func FuzzInspect(f *testing.F) {
	f.Add(tinyELF(0, 0))
	f.Add(tinyELF(1<<62, 1<<62))
	f.Add([]byte(record.Encode()))
	f.Add(append(tinyELF(0, 0), record.Encode()...))
	for _, target := range [][2]string{{"linux", "amd64"}, {"windows", "amd64"}, {"darwin", "arm64"}} {
		bin, err := os.ReadFile(buildProgram(f, target[0], target[1], "", map[string]string{"weldComposition": record.Encode()}))
		if err != nil {
			f.Fatal(err)
		}
		// Real binaries cut short to the headers the format readers
		// parse first. Whole binaries (TestRead reads them) would make
		// every fuzzing step, and the minimization of every new input,
		// crawl through megabytes.
		f.Add(bin[:4096])
	}
	f.Fuzz(func(t *testing.T, data []byte) { readBounded(t, data) })
}
