package progress

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestMeterLine(t *testing.T) {
	m := &Meter{label: fmt.Sprintf("%-10s %s", "fetching", "arm64 sysroot")}
	if got, want := m.Line(3<<20, 2*time.Second), "fetching   arm64 sysroot  3.0 MiB  1.5 MiB/s"; got != want {
		t.Errorf("Line = %q, want %q", got, want)
	}
	m.total = 6 << 20
	if got, want := m.Line(3<<20, time.Second), "fetching   arm64 sysroot  3.0 MiB of 6.0 MiB (50%)  3.0 MiB/s"; got != want {
		t.Errorf("Line = %q, want %q", got, want)
	}
}

// Not on a terminal, a meter shows nothing: logs and --json get no lines.
func TestMeterIsSilentWithoutATerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, w := range []*Steps{New(&bytes.Buffer{}), New(f), NewJSON(&bytes.Buffer{}, f), nil} {
		if m := w.Meter("fetching", "x", 0); m != nil {
			t.Errorf("a meter on %T", w)
		}
	}
	var nilMeter *Meter
	nilMeter.Add(1) // nil meters do nothing
	nilMeter.Done()
}

// On a terminal (a pseudo-terminal here), a meter redraws its line in
// place with the bytes and the rate, and erases it when done.
func TestMeterOnATerminal(t *testing.T) {
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("skipping: no pseudo-terminals here: %v", err)
	}
	defer master.Close()
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	t.Setenv("TERM", "xterm")
	m := New(tty).Meter("fetching", "arm64 sysroot", 0)
	if m == nil {
		t.Fatal("no meter on a terminal")
	}
	m.Add(5 << 20)
	time.Sleep(3 * meterEvery)
	m.Done()
	// The terminal delivers what was written in as many reads as it
	// likes: read until the erasing sequence ends it, or time runs out.
	got := make(chan string)
	go func() {
		var out []byte
		buf := make([]byte, 4096)
		for !strings.HasSuffix(string(out), "MiB/s\r\x1b[K") {
			n, err := master.Read(buf)
			out = append(out, buf[:n]...)
			if err != nil {
				break
			}
		}
		got <- string(out)
	}()
	select {
	case out := <-got:
		if !strings.Contains(out, "\r\x1b[Kfetching   arm64 sysroot  5.0 MiB  ") || !strings.HasSuffix(out, "MiB/s\r\x1b[K") {
			t.Errorf("the terminal got %q: want the meter's line redrawn in place, then erased", out)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the meter's line was not erased on the terminal within 5s")
	}
}
