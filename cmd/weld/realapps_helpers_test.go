package main

import (
	"bytes"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// freePort returns a TCP (and, almost surely, UDP) port free on 127.0.0.1.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// process runs a server and collects its output.
type process struct {
	mu  sync.Mutex
	out bytes.Buffer
}

func (p *process) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *process) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// waitFor waits until the output has want, or fails after a minute.
func (p *process) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(p.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q within a minute; output:\n%s", want, p.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func start(t *testing.T, argv ...string) *process {
	t.Helper()
	p := &process{}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = p, p
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	return p
}

// queryTXT asks a DNS server over UDP for name's TXT record and returns
// the first string of the first answer.
func queryTXT(t *testing.T, server, name string) string {
	t.Helper()
	msg := []byte{0x57, 0x1d, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}
	for _, label := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		msg = append(msg, byte(len(label)))
		msg = append(msg, label...)
	}
	msg = append(msg, 0, 0, 16, 0, 1) // end of name, type TXT, class IN
	conn, err := net.Dial("udp", server)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write(msg); err != nil {
		t.Fatal(err)
	}
	resp := make([]byte, 1500)
	n, err := conn.Read(resp)
	if err != nil {
		t.Fatalf("DNS query to %s: %v", server, err)
	}
	resp = resp[:n]
	if n < 12 || resp[0] != 0x57 || resp[1] != 0x1d || resp[3]&0x0f != 0 || resp[6] == 0 && resp[7] == 0 {
		t.Fatalf("DNS answer is an error or empty: % x", resp)
	}
	// Skip the question (as sent), then the answer's name, type, class,
	// TTL and length, to the TXT's first string.
	at := skipName(resp, len(msg)) + 2 + 2 + 4 + 2
	if at >= n || int(resp[at])+at+1 > n {
		t.Fatalf("DNS answer too short: % x", resp)
	}
	return string(resp[at+1 : at+1+int(resp[at])])
}

// skipName returns the offset after the domain name at off: labels ending
// in an empty one, or in a compression pointer.
func skipName(msg []byte, off int) int {
	for off < len(msg) {
		switch l := int(msg[off]); {
		case l == 0:
			return off + 1
		case l&0xc0 == 0xc0:
			return off + 2
		default:
			off += 1 + l
		}
	}
	return off
}
