package builder

import (
	"github.com/weldgo/weld/internal/gobuild"
	"github.com/weldgo/weld/internal/target"
)

// HostTarget is the target a build produces when none is named.
func HostTarget() gobuild.Target { return target.Host() }
