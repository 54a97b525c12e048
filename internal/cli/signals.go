package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// stopSignals are the signals that stop weld: Ctrl-C (SIGINT), a service
// manager's or kill's SIGTERM, and a closed terminal's SIGHUP.
var stopSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// interruptedError is the cause of a context cancelled by a stop signal.
type interruptedError struct{ sig syscall.Signal }

func (e interruptedError) Error() string { return "interrupted (" + signalName(e.sig) + ")" }

// exitCode is the shell's convention for a process ended by a signal.
func (e interruptedError) exitCode() int { return 128 + int(e.sig) }

func signalName(sig syscall.Signal) string {
	switch sig {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return fmt.Sprintf("signal %d", int(sig))
}

// interrupts routes stop signals. By default the first one cancels the
// command's context with an interruptedError, so that the go commands stop
// and deferred cleanup removes temporary files; weld then exits with
// 128+N. A second one, while weld cleans up, is left to its default
// action: a user who presses Ctrl-C twice gets weld stopped at once (the
// temporary files it leaves are removed by the next build). While weld run's
// program runs, every signal goes to it instead (see divert).
type interrupts struct {
	ch     chan os.Signal
	cancel context.CancelCauseFunc

	mu       sync.Mutex
	diverted chan<- os.Signal
	fired    bool
}

type interruptsKey struct{}

// watchSignals starts routing stop signals for a command run with the
// returned context. Call stop when the command is done.
func watchSignals(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	in := &interrupts{ch: make(chan os.Signal, 4), cancel: cancel}
	// A signal weld was started ignoring, as nohup does for SIGHUP and
	// a shell for SIGINT in background jobs, stays ignored.
	for _, sig := range stopSignals {
		if !signal.Ignored(sig) {
			signal.Notify(in.ch, sig)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for sig := range in.ch {
			in.route(sig.(syscall.Signal))
		}
	}()
	return context.WithValue(ctx, interruptsKey{}, in), func() {
		signal.Stop(in.ch)
		close(in.ch)
		<-done
		cancel(nil)
	}
}

func (in *interrupts) route(sig syscall.Signal) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.diverted != nil {
		in.diverted <- sig
		return
	}
	if in.fired {
		return
	}
	in.fired = true
	in.cancel(interruptedError{sig})
	signal.Reset(stopSignals...)
}

// divert sends every stop signal to ch until release is called, and
// reports false, diverting nothing, when a signal has already stopped the
// command. ch must be read until release returns.
func divert(ctx context.Context, ch chan<- os.Signal) (release func(), ok bool) {
	in, _ := ctx.Value(interruptsKey{}).(*interrupts)
	if in == nil {
		return func() {}, true
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.fired {
		return nil, false
	}
	in.diverted = ch
	return func() {
		in.mu.Lock()
		defer in.mu.Unlock()
		in.diverted = nil
	}, true
}

// interruptedBy returns the signal that cancelled ctx, if one did.
func interruptedBy(ctx context.Context) (interruptedError, bool) {
	var ie interruptedError
	cause, ok := context.Cause(ctx).(interruptedError)
	if ok {
		ie = cause
	}
	return ie, ok
}
