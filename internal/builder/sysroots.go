package builder

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/weldgo/weld/internal/artifact/deb"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/outcache"
	"github.com/weldgo/weld/internal/sysroot"
	"github.com/weldgo/weld/internal/target"
)

// sysroots remembers the Debian sysroots a session assembled, by target.
type sysroots struct {
	mu    sync.Mutex
	byTgt map[string]*sysroot.Sysroot
}

// sysrootFor assembles the Debian sysroot that the manifest asks for t,
// pinned to weld.lock's packages when the lock has them for the same
// request. It returns nil when the target has no Debian sysroot.
func (s *Session) sysrootFor(ctx context.Context, t gobuild.Target) (*sysroot.Sysroot, error) {
	st := s.opts.Spec.TargetSettings(t.String())
	if len(st.Sysroot.Debian) == 0 {
		return nil, nil
	}
	s.roots.mu.Lock()
	defer s.roots.mu.Unlock()
	if sr := s.roots.byTgt[t.String()]; sr != nil {
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
		Packages: st.Sysroot.Debian, CacheDir: outcache.DownloadDir(), Warn: s.opts.Steps.Warn}
	if s.opts.Go.Verbosity() != nil {
		req.Log = s.opts.Steps.Note
	}
	if s.Lock != nil && s.opts.LockMode != LockUpdate {
		if locked, ok := s.Lock.SysrootFor(t.String()); ok && sameRequest(locked, req) {
			req.Pins = append([]deb.Pin(nil), locked.Packages...)
		}
	}
	done := s.opts.Steps.Start("sysroot", fmt.Sprintf("%s: %s", t, strings.Join(st.Sysroot.Debian, " ")))
	sr, err := sysroot.Ensure(ctx, req)
	done()
	if err != nil {
		return nil, fmt.Errorf("fetching Debian sysroot for %s: %w", t, err)
	}
	if s.roots.byTgt == nil {
		s.roots.byTgt = map[string]*sysroot.Sysroot{}
	}
	s.roots.byTgt[t.String()] = sr
	s.rootReqs = append(s.rootReqs, lockedSysroot(t.String(), req, sr))
	return sr, nil
}

// sysrootArch is the Debian architecture whose index holds a target's
// packages. Windows targets use Debian's mingw-w64 -dev packages, which are
// architecture-independent ("all") and listed in every index; the host's
// architecture is used to read them.
func sysrootArch(t gobuild.Target) (string, error) {
	if t.OS == "windows" {
		return hostDebArch(), nil
	}
	return target.CLibArch(t)
}

// windowsSysroot returns where a Windows target's headers, import
// libraries and DLLs sit in a sysroot of mingw-w64 -dev packages.
func windowsSysroot(sr *sysroot.Sysroot, t gobuild.Target) (root string, ok bool) {
	f, _ := t.Facts()
	if f.Mingw == "" {
		return "", false
	}
	return filepath.Join(sr.Dir, "usr", f.Mingw), true
}

// windowsSysrootEnv is the cgo and pkg-config environment for a sysroot of
// mingw-w64 -dev packages: their .pc files name /usr/<triplet>, which the
// sysroot prefix relocates.
func windowsSysrootEnv(sr *sysroot.Sysroot, t gobuild.Target) (cppflags, ldflags string, pc []string, err error) {
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

// commitLock writes weld.lock once: the resolved composition (when
// finishLock found it changed) together with the sysroots assembled in
// this session; entries of other targets stay as they were. It writes
// nothing when neither changed, so calling it again is free.
func (s *Session) commitLock() error {
	s.roots.mu.Lock()
	fresh := append([]lock.Sysroot(nil), s.rootReqs...)
	s.roots.mu.Unlock()
	if s.Lock == nil || s.lockFile == "" || len(fresh) == 0 && !s.lockDirty {
		return nil
	}
	updated := *s.Lock
	updated.Sysroots = nil
	replaced := map[string]bool{}
	for _, f := range fresh {
		replaced[f.Target] = true
		updated.Sysroots = append(updated.Sysroots, f)
	}
	for _, old := range s.Lock.Sysroots {
		if !replaced[old.Target] {
			updated.Sysroots = append(updated.Sysroots, old)
		}
	}
	data := updated.Format()
	pinned := string(data) != string(s.Lock.Format())
	if !pinned && !s.lockDirty {
		return nil
	}
	if pinned && s.opts.LockMode == LockFrozen {
		return fmt.Errorf("--locked: %s does not pin the sysroot packages this build needs; run weld lock", relToCwd(s.lockFile))
	}
	if err := writeLock(s.lockFile, data); err != nil {
		return fmt.Errorf("writing lock: %w", err)
	}
	s.Lock = &updated
	notes := s.lockNotes
	if len(notes) == 0 && pinned {
		notes = []string{fmt.Sprintf("updated %s: pinned sysroot packages", relToCwd(s.lockFile))}
	}
	for _, n := range notes {
		s.opts.Steps.Note(n)
	}
	s.lockDirty, s.lockNotes = false, nil
	return nil
}
