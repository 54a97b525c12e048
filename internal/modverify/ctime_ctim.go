//go:build linux || solaris || illumos || openbsd || dragonfly

package modverify

import "syscall"

func ctimeNanos(st *syscall.Stat_t) int64 { return st.Ctim.Nano() }
