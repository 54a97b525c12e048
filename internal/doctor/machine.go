package doctor

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/weldgo/weld/internal/sysroot"
	"github.com/weldgo/weld/internal/target"
)

// archiveChecks check that the Debian archive of every target with a
// sysroot of Debian packages answers. A sysroot already in weld's cache
// needs no archive, so an unreachable one is a warning only when the
// toolchain check of its target passed.
func archiveChecks(ctx context.Context, o Options) []Check {
	seen := map[string]bool{}
	var out []Check
	for _, t := range o.Targets {
		if t == target.Host() {
			continue
		}
		sr := o.Spec.TargetSettings(t.String()).Sysroot
		if len(sr.Debian) == 0 {
			continue
		}
		archive, suite := sr.Archive, sr.Suite
		if archive == "" || suite == "" {
			a, s, _ := sysroot.DefaultSource()
			if archive == "" {
				archive = a
			}
			if suite == "" {
				suite = s
			}
		}
		url := strings.TrimSuffix(archive, "/") + "/dists/" + suite + "/Release"
		if seen[url] {
			continue
		}
		seen[url] = true
		c := Check{Status: OK, What: "Debian archive " + archive, Detail: suite + " answers (the sysroots' packages come from it)"}
		if err := o.Reachable(ctx, url); err != nil {
			c.Status, c.Detail = Warn, fmt.Sprintf("%s does not answer (%v): sysroots not yet in weld's cache cannot be fetched", url, err)
			c.Fix = "check the network or proxy, or set sysroot: {archive: URL} to a reachable mirror"
		}
		out = append(out, c)
	}
	return out
}

// runnerChecks check the emulators that run the cross-built binaries on
// this machine (weld run --target, and tests of cross builds): qemu-user
// for other Linux architectures, wine for Windows.
func runnerChecks(o Options) []Check {
	seen := map[string]bool{}
	var out []Check
	for _, t := range o.Targets {
		var prog, pkg, why string
		switch {
		case t == target.Host():
			continue
		case t.OS == "windows":
			prog, pkg, why = "wine", "wine wine64", "runs the Windows binaries here"
		case t.OS == "linux":
			f, ok := t.Facts()
			if !ok || f.Qemu == "" {
				continue
			}
			prog, pkg, why = f.Qemu, "qemu-user", "runs the "+t.String()+" binaries here"
		default:
			continue
		}
		if seen[prog] {
			continue
		}
		seen[prog] = true
		c := Check{Status: OK, What: prog, Detail: why}
		if p, err := o.LookPath(prog); err != nil {
			c.Status, c.Detail, c.Fix = Warn, "not found; it "+why+" (not needed to build)", "apt-get install "+pkg
		} else {
			c.Detail = p + "; " + why
		}
		out = append(out, c)
	}
	return out
}

// registryChecks check for credentials for the registry an image name
// points at, when the manifest makes images of a registry name.
func registryChecks(o Options) []Check {
	img := o.Spec.Outputs.Image
	if img == nil || img.Name == "" || o.Credentials == nil {
		return nil
	}
	ref, err := name.ParseReference(img.Name)
	if err != nil {
		return nil
	}
	reg := ref.Context().RegistryStr()
	if reg == name.DefaultRegistry && !strings.Contains(img.Name, name.DefaultRegistry) {
		return nil // a bare name is pushed wherever --push says
	}
	c := Check{Status: OK, What: "registry credentials for " + reg, Detail: "found, for weld image --push"}
	if !o.Credentials(reg) {
		c.Status, c.Detail = Warn, "none found; weld image --push to "+reg+" will be refused unless it allows anonymous pushes"
		c.Fix = "docker login " + reg + " (or write ~/.docker/config.json)"
	}
	return []Check{c}
}

// Summary counts the checks by status, for the last line.
func Summary(checks []Check) string {
	n := map[Status]int{}
	for _, c := range checks {
		n[c.Status]++
	}
	var parts []string
	for _, s := range []Status{OK, Missing, Warn} {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	return strings.Join(parts, ", ")
}
