// Command imgserver serves a freshly painted PNG per request. The
// application paints only a background; everything else comes from plugins
// registered into api.Painters. It imports no plugin: weld compiles plugins
// in by generating a file into this package that blank-imports them.
package main

import (
	"flag"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/weldgo/weld/examples/imgserver/api"
	"github.com/weldgo/weld/sdk"
)

func main() {
	addr := flag.String("addr", ":8080", "TCP address to listen on")
	flag.Parse()

	// Plugins registered themselves from init, which has run by now.
	log.Print("plugins have been initialized")
	if c, ok := sdk.Composed(); ok {
		for _, p := range c.Plugins {
			log.Printf("plugin: %s %s", p.Module.Path, p.Module.Version)
		}
	} else {
		log.Print("plugin: none recorded (not built by weld)")
	}
	for _, r := range api.Painters.All() {
		log.Printf("painter: %s from %s", r.Name, r.Package)
	}

	// Listen before logging, so the log shows the bound port even for
	// -addr 127.0.0.1:0 and a caller can connect as soon as it reads it.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("listening on %s", ln.Addr())
	srv := &http.Server{Handler: newServer().handler(), ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}
