package main

import (
	"bufio"
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/weldgo/weld/internal/lock/locktest"
)

// TestRealApps composes real apps, fetched through the module proxy, from
// a manifest alone (weld's embedded adapters do the wiring), and checks
// each one working as its users would see it. They share the machine's
// module and build caches, and each app is built once.
func TestRealApps(t *testing.T) {
	requireTool(t, "go")
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("skipping: -short leaves out the real apps, which build for minutes on a cold cache")
	}
	t.Setenv("WELD_CACHE", t.TempDir())
	t.Run("otelcol", testOtelcol)
	t.Run("otelcol-check", testOtelcolCheck)
	t.Run("coredns", testCoreDNS)
	t.Run("benthos", testBenthos)
	t.Run("caddy", testCaddy)
}

// project writes files (path: content) into a new directory.
func project(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	locktest.WriteFiles(t, dir, files)
	return dir
}

func testOtelcol(t *testing.T) {
	dir := project(t, map[string]string{"weld.yaml": `name: otelcol
app:
  module: go.opentelemetry.io/collector/otelcol
  version: v0.165.0
plugins:
  - module: go.opentelemetry.io/collector/receiver/otlpreceiver
    version: v0.165.0
  - module: go.opentelemetry.io/collector/exporter/debugexporter
    version: v0.165.0
`})
	bin := weldBuild(t, "build", "-f", filepath.Join(dir, "weld.yaml"), "-o", filepath.Join(dir, "dist"))

	// The collector's own listing names each component's module, at the
	// version composed.
	out, err := exec.Command(bin, "components").CombinedOutput()
	if err != nil {
		t.Fatalf("otelcol components: %v\n%s", err, out)
	}
	for _, want := range []string{
		"module: go.opentelemetry.io/collector/receiver/otlpreceiver v0.165.0",
		"module: go.opentelemetry.io/collector/exporter/debugexporter v0.165.0",
		"module: go.opentelemetry.io/collector/confmap/provider/fileprovider v1.71.0",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("otelcol components lacks %q:\n%s", want, out)
		}
	}

	// It receives an OTLP/HTTP log, and the debug exporter prints it.
	port := freePort(t)
	config := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(config, []byte(fmt.Sprintf(`receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
exporters:
  debug:
    verbosity: detailed
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    logs:
      receivers: [otlp]
      exporters: [debug]
`, port)), 0o644); err != nil {
		t.Fatal(err)
	}
	p := start(t, bin, "--config", config)
	p.waitFor(t, "Everything is ready")
	const log = `{"resourceLogs":[{"resource":{},"scopeLogs":[{"scope":{"name":"weld"},"logRecords":[{"body":{"stringValue":"hello from weld over OTLP/HTTP"}}]}]}]}`
	resp, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/v1/logs", port), "application/json", strings.NewReader(log))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /v1/logs: %s\n%s", resp.Status, body)
	}
	p.waitFor(t, "Body: Str(hello from weld over OTLP/HTTP)")
}

func testCoreDNS(t *testing.T) {
	dir := project(t, map[string]string{
		"weld.yaml": `name: coredns
app:
  module: github.com/coredns/coredns
  version: v1.15.0
  defaults: [whoami]
plugins:
  - module: example.com/weldhello
    path: ./weldhello
    name: weldhello
    before: whoami
`,
		"weldhello/go.mod": `module example.com/weldhello

go 1.24

require (
	github.com/coredns/caddy v1.1.4
	github.com/coredns/coredns v1.15.0
	github.com/miekg/dns v1.1.73
)
`,
		"weldhello/weldhello.go": `// Package weldhello answers TXT questions with a fixed text.
package weldhello

import (
	"context"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/miekg/dns"
)

func init() { plugin.Register("weldhello", setup) }

func setup(c *caddy.Controller) error {
	text := "hello from weldhello"
	c.Next()
	if c.NextArg() {
		text = c.Val()
	}
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler { return hello{next, text} })
	return nil
}

type hello struct {
	next plugin.Handler
	text string
}

func (h hello) Name() string { return "weldhello" }

func (h hello) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	if len(r.Question) == 0 || r.Question[0].Qtype != dns.TypeTXT {
		return plugin.NextOrFailure(h.Name(), h.next, ctx, w, r)
	}
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.Answer = []dns.RR{&dns.TXT{Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: []string{h.text}}}
	return dns.RcodeSuccess, w.WriteMsg(m)
}
`})
	manifest := filepath.Join(dir, "weld.yaml")
	bin := weldBuild(t, "build", "-f", manifest, "-o", filepath.Join(dir, "dist"))

	port := freePort(t)
	corefile := filepath.Join(dir, "Corefile")
	if err := os.WriteFile(corefile, []byte(fmt.Sprintf(".:%d {\n    whoami\n    weldhello \"hello through weld\"\n}\n", port)), 0o644); err != nil {
		t.Fatal(err)
	}
	p := start(t, bin, "-conf", corefile, "-dns.port", fmt.Sprint(port))
	p.waitFor(t, "CoreDNS-1.15.0")
	txt := queryTXT(t, fmt.Sprintf("127.0.0.1:%d", port), "weld.example.")
	if txt != "hello through weld" {
		t.Errorf("TXT answer %q, want the plugin's text; server output:\n%s", txt, p.String())
	}

	// The same manifest gives the same bytes.
	again := weldBuild(t, "build", "-f", manifest, "--no-cache", "-o", filepath.Join(dir, "dist2"))
	a, _ := os.ReadFile(bin)
	b, _ := os.ReadFile(again)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("two builds of the same manifest differ (%d and %d bytes)", len(a), len(b))
	}
}

func testBenthos(t *testing.T) {
	dir := project(t, map[string]string{
		"weld.yaml": `name: benthos
app:
  module: github.com/redpanda-data/benthos/v4
  version: v4.60.0
  defaults: [io, pure]
plugins:
  - module: example.com/weldupper
    path: ./weldupper
`,
		"weldupper/go.mod": "module example.com/weldupper\n\ngo 1.24\n\nrequire github.com/redpanda-data/benthos/v4 v4.60.0\n",
		"weldupper/upper.go": `// Package weldupper upper-cases messages.
package weldupper

import (
	"bytes"
	"context"

	"github.com/redpanda-data/benthos/v4/public/service"
)

func init() {
	spec := service.NewConfigSpec().Field(service.NewStringField("prefix").Default("weld:"))
	err := service.RegisterProcessor("weld_upper", spec, func(conf *service.ParsedConfig, _ *service.Resources) (service.Processor, error) {
		prefix, err := conf.FieldString("prefix")
		return upper{prefix}, err
	})
	if err != nil {
		panic(err)
	}
}

type upper struct{ prefix string }

func (u upper) Process(_ context.Context, m *service.Message) (service.MessageBatch, error) {
	b, err := m.AsBytes()
	if err != nil {
		return nil, err
	}
	m.SetBytes(append([]byte(u.prefix), bytes.ToUpper(b)...))
	return service.MessageBatch{m}, nil
}

func (upper) Close(context.Context) error { return nil }
`,
		// One pipeline thread: with more, two messages may come out in
		// either order.
		"config.yaml": "input:\n  stdin: {}\npipeline:\n  threads: 1\n  processors:\n    - weld_upper:\n        prefix: \"weld> \"\noutput:\n  stdout: {}\nlogger:\n  level: warn\n",
	})
	bin := weldBuild(t, "build", "-f", filepath.Join(dir, "weld.yaml"), "-o", filepath.Join(dir, "dist"))
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Version: v4.60.0") {
		t.Errorf("benthos --version: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-c", filepath.Join(dir, "config.yaml"))
	cmd.Stdin = strings.NewReader("hello\nworld\n")
	out, err = cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("benthos pipeline: %v\n%s", err, out)
	}
	var lines []string
	for sc := bufio.NewScanner(bytes.NewReader(out)); sc.Scan(); {
		lines = append(lines, sc.Text())
	}
	if strings.Join(lines, "\n") != "weld> HELLO\nweld> WORLD" {
		t.Errorf("pipeline output %q, want both messages through the plugin", lines)
	}
}

func testCaddy(t *testing.T) {
	dir := project(t, map[string]string{"weld.yaml": `name: caddy
app:
  module: github.com/caddyserver/caddy/v2
  version: v2.11.9
plugins:
  - module: github.com/mholt/caddy-l4
    version: v0.1.2
`})
	bin := weldBuild(t, "build", "-f", filepath.Join(dir, "weld.yaml"), "-o", filepath.Join(dir, "dist"))
	out, err := exec.Command(bin, "list-modules").CombinedOutput()
	if err != nil {
		t.Fatalf("caddy list-modules: %v\n%s", err, out)
	}
	for _, want := range []string{"\nlayer4\n", "\nhttp.handlers.file_server\n", "\nhttp.handlers.reverse_proxy\n"} {
		if !strings.Contains("\n"+string(out), want) {
			t.Errorf("caddy list-modules lacks %q", strings.TrimSpace(want))
		}
	}
	// xcaddy's defaults: its tags, recorded in the build info, and -s -w,
	// which leave no symbol table (-trimpath keeps -ldflags out of the
	// build info).
	bi, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	tags := ""
	for _, s := range bi.Settings {
		if s.Key == "-tags" {
			tags = s.Value
		}
	}
	if tags != "nobadger,nomysql,nopgx" {
		t.Errorf("build tags %q, want xcaddy's nobadger,nomysql,nopgx", tags)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Section(".symtab") != nil {
		t.Error("the binary has a symbol table: -s -w was not applied")
	}
}
