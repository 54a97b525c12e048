package toolchain

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/weldgo/weld/internal/artifact/deb"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/sysroot"
	"github.com/weldgo/weld/internal/target"
)

// Sysroot assembles the Debian sysroot that the manifest asks for t, once,
// pinned to weld.lock's packages when the lock has them for the same
// request. It returns nil when the target has no Debian sysroot.
func (r *Resolver) Sysroot(ctx context.Context, t target.Target) (*sysroot.Sysroot, error) {
	st := r.Spec.TargetSettings(t.String())
	if len(st.Sysroot.Debian) == 0 {
		return nil, nil
	}
	r.building.Lock()
	defer r.building.Unlock()
	r.mu.Lock()
	sr := r.roots[t]
	r.mu.Unlock()
	if sr != nil {
		return sr, nil
	}
	arch, err := sysrootArch(t)
	if err != nil {
		return nil, err
	}
	archive, suite, components := sysroot.DefaultSource()
	if st.Sysroot.Archive != "" {
		archive = st.Sysroot.Archive
	}
	if st.Sysroot.Suite != "" {
		suite = st.Sysroot.Suite
	}
	if len(st.Sysroot.Components) > 0 {
		components = st.Sysroot.Components
	}
	req := sysroot.Request{Archive: archive, Suite: suite, Components: components, Arch: arch,
		Packages: st.Sysroot.Debian, CacheDir: outcache.DownloadDir(), Warn: r.Steps.Warn,
		Meter: func(detail string) sysroot.ByteMeter {
			if m := r.Steps.Meter("fetching", detail, 0); m != nil {
				return m
			}
			return nil // not a typed nil: no counting at all
		}}
	if r.Go.Verbosity() != nil {
		req.Log = r.Steps.Note
	}
	if r.Pinned != nil {
		if locked, ok := r.Pinned(t.String()); ok && sameRequest(locked, req) {
			req.Pins = append([]deb.Pin(nil), locked.Packages...)
		}
	}
	done := r.Steps.Start("sysroot", fmt.Sprintf("%s: %s", t, strings.Join(st.Sysroot.Debian, " ")))
	sr, err = sysroot.Ensure(ctx, req)
	done()
	if err != nil {
		return nil, fmt.Errorf("fetching Debian sysroot for %s: %w", t, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.roots == nil {
		r.roots = map[target.Target]*sysroot.Sysroot{}
	}
	r.roots[t] = sr
	r.assembled = append(r.assembled, lockedSysroot(t.String(), req, sr))
	return sr, nil
}

// sysrootArch is the Debian architecture whose index holds a target's
// packages. Windows targets use Debian's mingw-w64 -dev packages, which are
// architecture-independent ("all") and listed in every index; the host's
// architecture is used to read them.
func sysrootArch(t target.Target) (string, error) {
	if t.OS == "windows" {
		return HostDebArch(), nil
	}
	return target.CLibArch(t)
}

// windowsSysroot returns where a Windows target's headers, import
// libraries and DLLs sit in a sysroot of mingw-w64 -dev packages.
func windowsSysroot(sr *sysroot.Sysroot, t target.Target) (root string, ok bool) {
	f, _ := t.Facts()
	if f.Mingw == "" {
		return "", false
	}
	return filepath.Join(sr.Dir, "usr", f.Mingw), true
}

// windowsSysrootEnv is the cgo and pkg-config environment for a sysroot of
// mingw-w64 -dev packages: their .pc files name /usr/<triplet>, which the
// sysroot prefix relocates.
func windowsSysrootEnv(sr *sysroot.Sysroot, t target.Target) (cppflags, ldflags string, pc []string, err error) {
	root, ok := windowsSysroot(sr, t)
	if !ok {
		return "", "", nil, fmt.Errorf("no mingw-w64 layout known for %s", t)
	}
	pc = []string{"PKG_CONFIG_SYSROOT_DIR=" + sr.Dir, "PKG_CONFIG_LIBDIR=" + filepath.Join(root, "lib", "pkgconfig"), "PKG_CONFIG_PATH="}
	return "-I" + filepath.Join(root, "include"), "-L" + filepath.Join(root, "lib"), pc, nil
}

func sameRequest(l lock.Sysroot, r sysroot.Request) bool {
	return l.Archive == r.Archive && l.Suite == r.Suite &&
		strings.Join(l.Request, ",") == strings.Join(lock.SortedCopy(r.Packages), ",")
}

func lockedSysroot(target string, r sysroot.Request, sr *sysroot.Sysroot) lock.Sysroot {
	return lock.Sysroot{Target: target, Request: lock.SortedCopy(r.Packages), Archive: r.Archive, Suite: r.Suite,
		Packages: append([]deb.Pin(nil), sr.Packages...)}
}

// Assembled returns the sysroots assembled so far, as weld.lock records
// them, ordered by target.
func (r *Resolver) Assembled() []lock.Sysroot {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]lock.Sysroot(nil), r.assembled...)
	sort.Slice(out, func(i, j int) bool { return out[i].Target < out[j].Target })
	return out
}

// HostDebArch is the Debian architecture of the machine weld runs on.
func HostDebArch() string {
	h := target.Host()
	if a, err := target.PackageArch(target.Target{OS: "linux", Arch: h.Arch, Variant: os.Getenv("GOARM")}); err == nil {
		return a
	}
	return h.Arch
}
