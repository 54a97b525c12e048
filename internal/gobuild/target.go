package gobuild

import "github.com/weldgo/weld/internal/target"

// KnownTargets are the targets weld builds, from internal/target's table.
var KnownTargets = target.KnownNames()

// ParseTarget reads OS/ARCH[/VARIANT]; see target.Parse.
func ParseTarget(s string) (Target, error) { return target.Parse(s) }
