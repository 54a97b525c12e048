package cli

import (
	"runtime/debug"
	"testing"
)

func TestDescribeVersion(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "weld (devel)"},
		{"installed by version", &debug.BuildInfo{Main: debug.Module{Version: "v0.4.0"}}, "weld v0.4.0"},
		{"built without VCS stamping", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "weld (devel)"},
		{"built from a clean checkout", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201172842-17128b7beb32"},
			Settings: vcs("vcs", "git", "vcs.revision", "17128b7beb3224dfbbbeb8ee3fd95d17daab8e74", "vcs.time", "2026-12-01T17:28:42Z", "vcs.modified", "false")},
			"weld v0.0.0-20261201172842-17128b7beb32 commit 17128b7beb32 (2026-12-01T17:28:42Z)"},
		{"built from an edited checkout", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201172842-17128b7beb32+dirty"},
			Settings: vcs("vcs.revision", "17128b7beb3224dfbbbeb8ee3fd95d17daab8e74", "vcs.modified", "true")},
			"weld v0.0.0-20261201172842-17128b7beb32+dirty commit 17128b7beb32 (modified)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := describeVersion(tt.bi); got != tt.want {
				t.Errorf("describeVersion = %q, want %q", got, tt.want)
			}
		})
	}
}
