package serve

import (
	_ "embed"
	"net/http"
)

// pageHTML is the web page: plain HTML and JavaScript, with no build
// step and nothing loaded from elsewhere.
//
//go:embed page.html
var pageHTML []byte

func (s *Server) page(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline'")
	w.Write(pageHTML)
}
