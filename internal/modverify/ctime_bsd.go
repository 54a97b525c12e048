//go:build darwin || freebsd || netbsd

package modverify

import "syscall"

func ctimeNanos(st *syscall.Stat_t) int64 { return st.Ctimespec.Nano() }
