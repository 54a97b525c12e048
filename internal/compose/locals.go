package compose

import (
	"fmt"
	"path/filepath"
	"sort"
)

// RecordLocalHashes puts each local module's content hash, as weld.lock
// records it (module path → hash), into the binary's extra record, so
// that weld verify can tell an edited local module from the locked one:
// build info carries no hash for a module taken from a directory. The
// hashes are known only once the lock stage has hashed the directories,
// after resolution, so the generated file is made again.
func (c *Composition) RecordLocalHashes(hashes map[string]string) error {
	if len(hashes) == 0 && len(c.localHashes) == 0 {
		return nil
	}
	c.localHashes = hashes
	for name := range c.Overlay {
		if filepath.Base(name) != GeneratedFileName {
			continue
		}
		gen, err := GenerateFile(c.fileParams())
		if err != nil {
			return err
		}
		c.Overlay[name] = gen
		return nil
	}
	return fmt.Errorf("recording local module hashes: the composition has no generated %s", GeneratedFileName)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// localHashesOf returns the local modules' hashes of a build with only
// plugins: the record names the local modules of that build alone.
func (c *Composition) localHashesOf(plugins []Plugin) map[string]string {
	if len(c.localHashes) == 0 {
		return nil
	}
	kept := map[string]bool{}
	for _, p := range plugins {
		kept[p.Module.Path] = true
	}
	out := map[string]string{}
	for m, h := range c.localHashes {
		out[m] = h
	}
	for _, p := range c.Plugins {
		if !kept[p.Module.Path] {
			delete(out, p.Module.Path)
		}
	}
	return out
}
