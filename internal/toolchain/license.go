package toolchain

import (
	"crypto/sha256"
	"encoding/hex"
	"os"

	"github.com/weldgo/weld/internal/debcopyright"
	"github.com/weldgo/weld/internal/outcache"
)

// licenseRecords is the cache area of licenses read from copyright files,
// by the file's sha256: classifying a free-text file prepares
// licensecheck's whole set, about a second of CPU.
const licenseRecords = outcache.Licenses

// license returns the license a Debian copyright file names (see
// debcopyright), once per file and process, and from weld's cache when
// the same file was classified before.
func (r *Resolver) license(path string) string {
	r.mu.Lock()
	lic, ok := r.licenses[path]
	r.mu.Unlock()
	if ok {
		return lic
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(data)
	key := outcache.Key("weld debian license v2", hex.EncodeToString(sum[:]))
	store := outcache.Open()
	if rec, err := store.LoadRecord(licenseRecords, key); err == nil {
		lic = string(rec)
	} else {
		lic = debcopyright.License(data)
		_ = store.SaveRecord(licenseRecords, key, []byte(lic)) // a cache: losing it costs a second
	}
	r.mu.Lock()
	if r.licenses == nil {
		r.licenses = map[string]string{}
	}
	r.licenses[path] = lic
	r.mu.Unlock()
	return lic
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
