package attest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	slsa "github.com/in-toto/attestation/go/predicates/provenance/v1"
	intoto "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/weldgo/weld/internal/lock"
)

// BuildType names what a weld build is, in its provenance: the external
// parameters and dependencies below are this build type's.
const BuildType = "https://github.com/weldgo/weld/buildtypes/compose/v1"

// BuilderID names weld as the builder.
const BuilderID = "https://github.com/weldgo/weld"

// ProvenanceFile is the provenance's file name in the output directory,
// for a composition named name.
func ProvenanceFile(name string) string { return name + ".intoto.json" }

// Subject is an artifact the provenance vouches for.
type Subject struct {
	Name, SHA256 string
}

// ProvenanceInput is what a build's provenance is made from.
type ProvenanceInput struct {
	Subjects []Subject
	// Manifest and Lock are the files' names and sha256 (hex).
	Manifest, ManifestSHA256 string
	LockName, LockSHA256     string
	Targets                  []string
	// Outputs are the manifest's outputs, as "archive", "deb", "sbom:spdx".
	Outputs   []string
	Lock      *lock.Lock
	GoVersion string
	Tool      string
}

// Provenance is an in-toto Statement v1 whose predicate is SLSA
// Provenance v1: every artifact as a subject with its sha256; the
// manifest, the lock, the targets and the outputs as external parameters;
// every module (h1:), pinned .deb (sha256) and the Go toolchain as
// resolved dependencies. Its bytes depend only on its input.
func Provenance(in ProvenanceInput) ([]byte, error) {
	ext, err := structpb.NewStruct(map[string]any{
		"manifest": map[string]any{"name": in.Manifest, "sha256": in.ManifestSHA256},
		"lock":     map[string]any{"name": in.LockName, "sha256": in.LockSHA256},
		"targets":  toAny(in.Targets),
		"outputs":  toAny(in.Outputs),
	})
	if err != nil {
		return nil, err
	}
	var deps []*intoto.ResourceDescriptor
	deps = append(deps, &intoto.ResourceDescriptor{Name: "go", Uri: "pkg:golang/std@" + in.GoVersion,
		Annotations: mustStruct(map[string]any{"role": "toolchain", "version": in.GoVersion})})
	for _, ms := range in.Lock.ModuleSums() {
		hexSum, err := h1Hex(ms.Sum)
		if err != nil {
			return nil, fmt.Errorf("module %s: %w", ms.Path, err)
		}
		deps = append(deps, &intoto.ResourceDescriptor{Name: ms.Path, Uri: golangPurl(ms.Path, ms.Version),
			Digest: map[string]string{"sha256": hexSum}, Annotations: mustStruct(map[string]any{"h1": ms.Sum})})
	}
	for _, l := range in.Lock.Locals {
		hexSum, err := h1Hex(l.Hash)
		if err != nil {
			return nil, fmt.Errorf("local module %s: %w", l.Module, err)
		}
		deps = append(deps, &intoto.ResourceDescriptor{Name: l.Module, Uri: golangPurl(l.Module, ""),
			Digest: map[string]string{"sha256": hexSum}, Annotations: mustStruct(map[string]any{"path": l.Path, "local": true})})
	}
	for _, sr := range in.Lock.Sysroots {
		for _, p := range sr.Packages {
			deps = append(deps, &intoto.ResourceDescriptor{Name: p.Filename, Uri: debPurl(p.Package, p.Version, p.Architecture),
				Digest: map[string]string{"sha256": p.SHA256}, Annotations: mustStruct(map[string]any{"target": sr.Target, "archive": sr.Archive})})
		}
	}
	sort.SliceStable(deps[1:], func(i, j int) bool { return deps[1+i].Uri < deps[1+j].Uri })
	pred := &slsa.Provenance{
		BuildDefinition: &slsa.BuildDefinition{BuildType: BuildType, ExternalParameters: ext, ResolvedDependencies: deps},
		RunDetails:      &slsa.RunDetails{Builder: &slsa.Builder{Id: BuilderID, Version: map[string]string{"weld": in.Tool}}},
	}
	predJSON, err := protojson.Marshal(pred)
	if err != nil {
		return nil, err
	}
	predStruct := &structpb.Struct{}
	if err := protojson.Unmarshal(predJSON, predStruct); err != nil {
		return nil, err
	}
	subjects := append([]Subject(nil), in.Subjects...)
	sort.Slice(subjects, func(i, j int) bool { return subjects[i].Name < subjects[j].Name })
	st := &intoto.Statement{Type: intoto.StatementTypeUri, PredicateType: "https://slsa.dev/provenance/v1", Predicate: predStruct}
	for _, s := range subjects {
		st.Subject = append(st.Subject, &intoto.ResourceDescriptor{Name: s.Name, Digest: map[string]string{"sha256": s.SHA256}})
	}
	if err := st.Validate(); err != nil {
		return nil, fmt.Errorf("provenance: %w", err)
	}
	raw, err := protojson.Marshal(st)
	if err != nil {
		return nil, err
	}
	// protojson's spacing varies on purpose; encoding/json's does not,
	// and it sorts object keys.
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func mustStruct(m map[string]any) *structpb.Struct {
	s, err := structpb.NewStruct(m)
	if err != nil {
		panic(err) // only strings and booleans are given
	}
	return s
}
