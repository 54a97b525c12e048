package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/weldgo/weld/internal/pipeline"
	"github.com/weldgo/weld/internal/progress"
	"github.com/weldgo/weld/internal/publish"
	"github.com/weldgo/weld/internal/spec"
	"github.com/weldgo/weld/internal/target"
)

func newImageCmd() *cobra.Command {
	var cf composeFlags
	var ev eventFlags
	var run func(cmd *cobra.Command, steps *progress.Steps) error
	var outDir, signKeyFile string
	var noCache bool
	var targets []string
	var out publish.Destinations
	cmd := &cobra.Command{
		Use:   "image [-f weld.yaml] [--target linux/ARCH]... [--layout DIR | --tarball FILE | --push REF]",
		Short: "Build an OCI image of the composition, without Docker",
		Long: `image builds the composition as weld build does, for Linux targets only, and
puts each binary into an OCI image: on scratch (or the manifest's
outputs.image.base), with every shared library a cgo binary loads, found
transitively through DT_NEEDED in the target's sysroot, the C toolchain or,
for this machine's target, the host, and its dynamic loader. A static binary
gets itself alone, plus CA certificates and time zones when the manifest
asks. Standard error lists what was added and why.

The image has two layers over its base: the libraries and extra files, then
the binary, so a code change replaces only the top layer. Several targets
(default: the manifest's Linux targets, or this machine) make one image per
target, combined into an image index.

--layout DIR writes an OCI layout, replacing DIR on every run: one
index.json entry per tag. --tarball FILE writes a docker-loadable tarball of
one target's image. --push REPO[:TAG] pushes to a registry with the
credentials of the Docker config file (~/.docker/config.json or
$DOCKER_CONFIG); a registry on localhost or 127.0.0.1 is spoken to over
http. With none of them, the image goes to DIR/<name>-image as a layout,
DIR being -o.

With a signing key (--sign-key), the index and each image get a cosign
signature (tag sha256-HEX.sig) and the provenance attestation is signed,
in the layout and in the registry: cosign verify --key and cosign
verify-attestation --key check them.

The same weld.lock gives the same digests: times come from
SOURCE_DATE_EPOCH (default 1980-01-01), never the clock, and layers are
written reproducibly. Standard output has one line per image
("image TARGET DIGEST SIZE"), the index ("index DIGEST") and each
destination ("layout DIR", "tarball FILE", "pushed REPO@DIGEST").`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			steps := ev.steps(cmd)
			return failed(steps, run(cmd, steps))
		},
	}
	run = func(cmd *cobra.Command, steps *progress.Steps) error {
		s, err := cf.load()
		if err != nil {
			return err
		}
		o := cf.options(s, cmd.ErrOrStderr())
		o.Steps = steps
		o.OutDir, o.NoCache = outDir, noCache
		if o.Targets, err = imageTargets(s, targets); err != nil {
			return err
		}
		if o.SignKey, err = loadSignKey(signKeyFile, s); err != nil {
			return err
		}
		res, err := pipeline.BuildImage(cmd.Context(), o, out)
		if err != nil {
			return err
		}
		reportImages(steps, res)
		return nil
	}
	cf.register(cmd.Flags())
	ev.register(cmd.Flags())
	f := cmd.Flags()
	f.StringVarP(&outDir, "output", "o", "dist", "output directory of the binaries (and of the default layout)")
	f.StringArrayVar(&targets, "target", nil, "Linux target OS/ARCH[/VARIANT], or all for the manifest's Linux targets (repeatable)")
	registerSignKey(f, &signKeyFile)
	f.BoolVar(&noCache, "no-cache", false, "compile even if the output is in weld's cache")
	f.StringVar(&out.Layout, "layout", "", "write an OCI layout directory (replaced if it exists)")
	f.StringVar(&out.Tarball, "tarball", "", "write a docker-loadable tarball (one target only)")
	f.StringVar(&out.Push, "push", "", "push to a registry: REGISTRY/REPO (each tag) or REGISTRY/REPO:TAG")
	f.StringArrayVar(&out.Insecure, "insecure-registry", nil, "allow plain http, without credentials, to this registry HOST[:PORT] (repeatable; registries on this machine always may)")
	return cmd
}

// imageTargets returns the targets weld image builds: names (all meaning
// the manifest's Linux targets), or by default the manifest's Linux
// targets, or the host. Images are Linux only.
func imageTargets(s *spec.Spec, names []string) ([]target.Target, error) {
	return target.Select(target.Selection{
		Requested: names, Manifest: s.TargetNames(), Default: target.Host(),
		Only:     func(t target.Target) bool { return t.OS == "linux" },
		OnlyWhat: "Linux", OnlyWhy: "images are built for Linux targets only",
	})
}

// reportImages reports weld image's results, one line each as always:
// each platform image, the index, each destination and each attachment.
func reportImages(steps *progress.Steps, res *pipeline.ImageResult) {
	for _, im := range res.Images {
		steps.Artifact(progress.ArtifactInfo{Kind: "image", Target: im.Target.String(), Digest: im.Digest, Size: im.Size},
			fmt.Sprintf("image %s %s %d", im.Target, im.Digest, im.Size))
	}
	if res.Index != "" {
		steps.Artifact(progress.ArtifactInfo{Kind: "index", Digest: res.Index}, "index "+res.Index)
	}
	for _, where := range res.Wrote {
		// "layout DIR", "tarball FILE" or "pushed REPO@DIGEST".
		kind, value, _ := strings.Cut(where, " ")
		info := progress.ArtifactInfo{Kind: kind}
		if kind == "pushed" {
			info.Ref = value
		} else {
			info.Path = value
		}
		steps.Artifact(info, where)
	}
	for _, tag := range res.Attached {
		steps.Artifact(progress.ArtifactInfo{Kind: "attached", Ref: tag}, "attached "+tag)
	}
}
