package gobuild

// MaxListBytes bounds the bytes of per-item arguments (module queries,
// say) that weld puts on one go command line. Any list that grows with the
// manifest is either kept off the command line (in a go.mod or a generated
// file) or split into batches of this size, so that no composition is too
// large for the operating system: Windows allows a 32,767-character
// command line, macOS 1 MiB of arguments and environment, Linux 2 MiB.
const MaxListBytes = 16 << 10

// Batches splits items into consecutive runs of at most maxBytes bytes each
// (counting one separator per item), in order. An item longer than
// maxBytes is a batch by itself.
func Batches(items []string, maxBytes int) [][]string {
	var out [][]string
	var cur []string
	size := 0
	for _, it := range items {
		if len(cur) > 0 && size+len(it)+1 > maxBytes {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, it)
		size += len(it) + 1
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}
