// Package toolchain is the stage between the composition and the compile:
// for a target and the manifest's settings it finds the C compiler,
// assembles and pins the target's Debian sysroot, checks the C libraries
// the composition needs, and gives go build its cgo environment and a
// fingerprint of the C side. It also says where a target's shared
// libraries and DLLs are, for the packaging and image stages.
package toolchain

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/weldgo/weld/internal/cdeps"
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/lock"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/sysroot"
	"github.com/weldgo/weld/internal/target"
)

// Resolver finds the C toolchain of each target of one build, and
// remembers what it asked, so that checking, fingerprinting and packaging
// a target run each tool once. It is safe for concurrent use.
type Resolver struct {
	Spec  *spec.Spec
	Go    gobuild.GoCommand
	Steps *progress.Steps
	// Pinned returns the sysroot weld.lock pins for a target, if any;
	// a sysroot is assembled from those packages when its request is the
	// same. Nil means nothing is pinned (weld update).
	Pinned func(target string) (lock.Sysroot, bool)

	mu         sync.Mutex
	toolchains map[target.Target]*Toolchain
	roots      map[target.Target]*sysroot.Sysroot
	assembled  []lock.Sysroot
	cdeps      map[target.Target]*CReport
	libraries  map[string]cdeps.Library
	compilers  map[string]string
	ccLibDirs  map[string][]string
	licenses   map[string]string
	// building serialises sysroot assembly: two targets may share a
	// download, and the lock records each once.
	building sync.Mutex
}

// Toolchain is how C code is compiled for a target.
type Toolchain struct {
	Target  target.Target
	CC, CXX string
	// Env is what cgo and pkg-config need: CC, CXX, CGO_* and PKG_CONFIG_*.
	Env []string
	// Problem says why there is no usable C compiler, with the fix.
	Problem string
	// Cross is true when the target is not the host.
	Cross bool
	// Settings are the manifest's settings for the target.
	Settings spec.TargetEntry
	// Sysroot is the target's Debian sysroot, if it has one.
	Sysroot *sysroot.Sysroot
}

// For returns the C toolchain for t, finding it once: the manifest's
// override, the host compiler for the host target, or Debian's cross
// compiler, with the target's sysroot when it has one. A toolchain that
// cannot be used says why in Problem.
func (r *Resolver) For(ctx context.Context, t target.Target) Toolchain {
	r.mu.Lock()
	tc, ok := r.toolchains[t]
	r.mu.Unlock()
	if ok {
		return *tc
	}
	found := r.find(ctx, t)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.toolchains == nil {
		r.toolchains = map[target.Target]*Toolchain{}
	}
	r.toolchains[t] = &found
	return found
}

func (r *Resolver) find(ctx context.Context, t target.Target) Toolchain {
	settings := r.Spec.TargetSettings(t.String())
	tc := Toolchain{Target: t, Settings: settings, Cross: t != target.Host()}
	base := append([]string(nil), r.Spec.Build.Env...)
	switch {
	case settings.CC != "":
		tc.CC, tc.CXX = settings.CC, settings.CXX
	case !tc.Cross:
		tc.CC = cCompiler(append(append([]string(nil), r.Go.Environ()...), base...))
		tc.CXX = strings.Replace(tc.CC, "gcc", "g++", 1)
	default:
		f, _ := t.Facts()
		if f.CrossCC == "" {
			if f.CCNote != "" {
				tc.Problem = f.CCNote
			} else {
				tc.Problem = fmt.Sprintf("weld knows no C cross compiler for %s; set cc: under targets: for it", t)
			}
			return tc
		}
		tc.CC, tc.CXX = f.CrossCC, f.CrossCXX
		if _, err := exec.LookPath(f.CrossCC); err != nil {
			tc.Problem = fmt.Sprintf("C cross compiler %s not found; on Debian: apt-get install %s", f.CrossCC, f.CrossPackages[0])
			return tc
		}
	}
	if tc.CXX == "" {
		tc.CXX = strings.Replace(tc.CC, "gcc", "g++", 1)
	}
	if tc.Problem == "" {
		if _, err := exec.LookPath(strings.Fields(tc.CC)[0]); err != nil {
			tc.Problem = fmt.Sprintf("C compiler %q not found", tc.CC)
			if tc.CC == "gcc" {
				tc.Problem += "; on Debian: apt-get install gcc"
			}
		}
	}
	tc.Env = append(base, "CC="+tc.CC, "CXX="+tc.CXX)
	cppflags, ldflags := "", settings.CgoLdflags
	pcEnv := pkgConfigEnv(tc, settings)
	if tc.Problem == "" {
		sr, err := r.Sysroot(ctx, t)
		tc.Sysroot = sr
		switch {
		case err != nil:
			tc.Problem = err.Error()
		case sr != nil && t.OS == "windows":
			var srLd string
			cppflags, srLd, pcEnv, err = windowsSysrootEnv(sr, t)
			if err != nil {
				tc.Problem = err.Error()
			}
			ldflags = strings.TrimSpace(srLd + " " + ldflags)
		case sr != nil:
			// The sysroot's flags come first so that the manifest's
			// own flags can still override them.
			var srLd string
			cppflags, srLd = sr.CgoFlags()
			ldflags = strings.TrimSpace(srLd + " " + ldflags)
			pcEnv = sr.PkgConfigEnv()
		}
	}
	for _, kv := range [][2]string{{"CGO_CPPFLAGS", cppflags}, {"CGO_CFLAGS", settings.CgoCflags}, {"CGO_LDFLAGS", ldflags}} {
		if kv[1] != "" {
			tc.Env = append(tc.Env, kv[0]+"="+kv[1])
		}
	}
	tc.Env = append(tc.Env, pcEnv...)
	return tc
}

// pkgConfigEnv points pkg-config at the target's libraries. For a cross
// target it never falls back to the host's: a host library would pass the
// check and then fail to link, or worse, link the wrong architecture.
func pkgConfigEnv(tc Toolchain, st spec.TargetEntry) []string {
	switch {
	case st.PkgConfigPath != "":
		env := []string{"PKG_CONFIG_LIBDIR=" + st.PkgConfigPath, "PKG_CONFIG_PATH="}
		if st.Sysroot.Dir != "" {
			env = append(env, "PKG_CONFIG_SYSROOT_DIR="+st.Sysroot.Dir)
		}
		return env
	case st.Sysroot.Dir != "":
		return sysrootPkgConfig(st.Sysroot.Dir)
	case tc.Cross:
		return []string{"PKG_CONFIG_LIBDIR=" + filepath.Join(string(filepath.Separator), "nonexistent", "weld-no-sysroot"), "PKG_CONFIG_PATH="}
	}
	return nil
}

// sysrootPkgConfig is pkg-config's environment for a Debian-style tree.
func sysrootPkgConfig(dir string) []string {
	var dirs []string
	// Debian's layout, a plain prefix, and an MSYS2 root (mingw64/...).
	for _, d := range []string{"usr/lib/pkgconfig", "usr/share/pkgconfig", "usr/local/lib/pkgconfig", "lib/pkgconfig", "share/pkgconfig"} {
		dirs = append(dirs, filepath.Join(dir, d))
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "*", "lib", "pkgconfig")); len(matches) > 0 {
		dirs = append(dirs, matches...)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "usr", "lib", "*-*", "pkgconfig")); len(matches) > 0 {
		dirs = append(matches, dirs...)
	}
	return []string{"PKG_CONFIG_SYSROOT_DIR=" + dir, "PKG_CONFIG_LIBDIR=" + strings.Join(dirs, string(filepath.ListSeparator)), "PKG_CONFIG_PATH="}
}
