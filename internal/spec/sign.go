package spec

import (
	"path/filepath"

	yaml "go.yaml.in/yaml/v4"
)

// Sign holds the manifest's signing settings. Paths are absolute,
// resolved against the manifest's directory.
type Sign struct {
	// Key is the private key that signs every file a build writes, with a
	// Sigstore bundle beside it.
	Key    string
	KeyPos Pos
	// Authenticode, when set, signs Windows executables.
	Authenticode *Authenticode
	Pos          Pos
}

// Authenticode is the certificate and private key that sign Windows
// executables.
type Authenticode struct {
	Cert, Key       string
	CertPos, KeyPos Pos
	Pos             Pos
}

// sign decodes the manifest's sign section.
func (r nodeReader) sign(n *yaml.Node) (Sign, error) {
	s := Sign{Pos: r.pos(resolve(n))}
	err := r.fields(n, "sign", map[string]func(*yaml.Node) error{
		"key": r.strAt(&s.Key, &s.KeyPos, "sign.key"),
		"authenticode": func(n *yaml.Node) error {
			a := &Authenticode{Pos: r.pos(resolve(n))}
			s.Authenticode = a
			return r.fields(n, "sign.authenticode", map[string]func(*yaml.Node) error{
				"cert": r.strAt(&a.Cert, &a.CertPos, "sign.authenticode.cert"),
				"key":  r.strAt(&a.Key, &a.KeyPos, "sign.authenticode.key"),
			})
		},
	})
	if err != nil {
		return s, err
	}
	if s.Key == "" && s.KeyPos.Line != 0 {
		return s, errorf(s.KeyPos, "sign.key is empty; give the private key file (weld keygen makes one), or remove the key")
	}
	if a := s.Authenticode; a != nil && (a.Cert == "" || a.Key == "") {
		return s, errorf(a.Pos, "sign.authenticode needs both cert (the certificate, PEM) and key (its private key, PEM)")
	}
	return s, nil
}

// resolveSignDirs makes the signing files absolute, relative to the
// manifest.
func (s *Spec) resolveSignDirs() {
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(s.Dir, *p)
		}
	}
	abs(&s.Sign.Key)
	if a := s.Sign.Authenticode; a != nil {
		abs(&a.Cert)
		abs(&a.Key)
	}
}
