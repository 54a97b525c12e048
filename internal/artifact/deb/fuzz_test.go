package deb

import (
	"strings"
	"testing"

	debcontrol "pault.ag/go/debian/control"
)

// FuzzControl renders the control file of packages with arbitrary field
// values and reads it back with a Debian control-file parser. Property:
// whatever Check accepts renders to exactly one paragraph holding exactly
// the fields weld wrote, with the values given: no value can end the
// paragraph, add a field (a Depends smuggled in through Maintainer or
// Description) or change another.
func FuzzControl(f *testing.F) {
	f.Add("weld-demo", "1.0.0", "amd64", "Weld <weld@example.com>", "https://example.com", "demo\nlong text\n\nmore", "libc6 (>= 2.34) | libc6-udeb")
	f.Add("a0", "1:2.0~rc1-3", "all", "x", "", "synopsis\nDepends: evil\n.\n", "")
	f.Add("pkg", "0", "arm64", "M\nDepends: evil", "", "s", "")
	f.Add("pkg", "0", "arm64", "M", "", "s\n\n\nPackage: other\n", "")
	f.Fuzz(func(t *testing.T, name, version, arch, maintainer, homepage, description, depends string) {
		p := validPackage()
		p.Name, p.Version, p.Architecture, p.Maintainer, p.Homepage, p.Description = name, version, arch, maintainer, homepage, description
		p.Depends = nil
		if depends != "" {
			p.Depends = strings.Split(depends, ",")
		}
		if p.Check() != nil {
			return
		}
		text, err := control(p, 1)
		if err != nil {
			return
		}
		rd, err := debcontrol.NewParagraphReader(strings.NewReader(text), nil)
		if err != nil {
			t.Fatalf("control file does not parse: %v\n%s", err, text)
		}
		para, err := rd.Next()
		if err != nil {
			t.Fatalf("control file does not parse: %v\n%s", err, text)
		}
		if extra, err := rd.Next(); err == nil {
			t.Fatalf("control file holds a second paragraph %v:\n%s", extra.Order, text)
		}
		want := map[string]string{"Package": name, "Version": version, "Architecture": arch, "Maintainer": maintainer,
			"Installed-Size": "1", "Section": "misc", "Priority": "optional"}
		if homepage != "" {
			want["Homepage"] = homepage
		}
		if len(p.Depends) > 0 {
			// The relations as given, with each alternative trimmed.
			var rels []string
			for _, d := range p.Depends {
				var alts []string
				for _, a := range strings.Split(d, "|") {
					alts = append(alts, strings.TrimSpace(a))
				}
				rels = append(rels, strings.Join(alts, " | "))
			}
			want["Depends"] = strings.Join(rels, ", ")
		}
		for k, v := range want {
			if para.Values[k] != v {
				t.Errorf("%s = %q, want %q\n%s", k, para.Values[k], v, text)
			}
		}
		for _, k := range para.Order {
			if _, ok := want[k]; !ok && k != "Description" {
				t.Errorf("control file holds a field %s that weld did not write:\n%s", k, text)
			}
		}
		synopsis, _, _ := strings.Cut(para.Values["Description"], "\n")
		if first, _, _ := strings.Cut(description, "\n"); synopsis != strings.TrimSpace(first) {
			t.Errorf("Description synopsis = %q, want %q\n%s", synopsis, strings.TrimSpace(first), text)
		}
	})
}
