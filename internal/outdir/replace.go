package outdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/weldgo/weld/internal/atomicfile"
)

// Pending is a replacement in progress: fill Tmp, then Commit. Abort,
// which is safe to defer, removes Tmp unless it was committed.
type Pending struct {
	Tmp       string
	rule      Rule
	dir, real string
	done      bool
}

// Begin checks that dir may be replaced and makes the empty temporary
// sibling that the new content goes into. Temporary siblings follow
// atomicfile's rule: named for the process that writes them, so that
// those of runs killed before they finished are removed here, and a
// running one's never are.
func (r Rule) Begin(dir string) (*Pending, error) {
	real, err := r.target(dir)
	if err != nil {
		return nil, err
	}
	parent := filepath.Dir(real)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	// Under the parent's lock, no other run is between its two renames.
	unlock, _ := lockParent(parent)
	defer unlock()
	if err := r.checkContent(dir, real, real); err != nil {
		return nil, err
	}
	tmp, err := atomicfile.MkdirTemp(parent, filepath.Base(real))
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it 0700
		os.Remove(tmp)
		return nil, err
	}
	return &Pending{Tmp: tmp, rule: r, dir: dir, real: real}, nil
}

// Abort removes the temporary directory of an uncommitted replacement.
func (p *Pending) Abort() {
	if p != nil && !p.done {
		os.RemoveAll(p.Tmp)
		p.done = true
	}
}

// lockParent is lockDir; tests replace it to race without the lock.
var lockParent = lockDir

// maxSwaps bounds the retries when other runs keep putting their own
// output in place between our two renames (only possible where the
// directory lock is unavailable).
const maxSwaps = 20

// Commit puts Tmp in place of the directory. The old directory is first
// renamed aside and checked again there, where no one else writes it:
// only a directory that passes is deleted; any other is put back.
// Concurrent runs into one directory take turns under a lock on its
// parent, so each succeeds and the last one's output stays.
func (p *Pending) Commit() error {
	r := p.rule
	if !r.MarkerBeside {
		if err := os.WriteFile(filepath.Join(p.Tmp, MarkerName), markerText(r.Command, ""), 0o644); err != nil {
			return err
		}
	}
	unlock, _ := lockParent(filepath.Dir(p.real))
	defer unlock()
	// Still a temporary name of this process, so the next run removes
	// it should this one be killed before it has.
	aside := p.Tmp + ".old"
	for range maxSwaps {
		moved := true
		if err := os.Rename(p.real, aside); errors.Is(err, os.ErrNotExist) {
			moved = false
		} else if err != nil {
			return fmt.Errorf("moving %s aside: %w", p.dir, err)
		}
		if moved {
			if err := r.checkContent(p.dir, p.real, aside); err != nil {
				// Changed since Begin: put it back untouched.
				if rerr := os.Rename(aside, p.real); rerr != nil {
					return fmt.Errorf("%w (and putting it back failed, it is at %s: %v)", err, aside, rerr)
				}
				return err
			}
		}
		err := os.Rename(p.Tmp, p.real)
		if err == nil {
			p.done = true
			if moved {
				os.RemoveAll(aside)
			}
			if r.MarkerBeside {
				return p.markBeside()
			}
			return nil
		}
		lostPlace := errors.Is(err, os.ErrExist) || errors.Is(err, syscall.ENOTEMPTY)
		if moved && (lostPlace || os.Rename(aside, p.real) != nil) {
			// It was checked, and another run's output took its place.
			os.RemoveAll(aside)
		}
		if !lostPlace {
			return fmt.Errorf("renaming the new %s into place: %w", p.dir, err)
		}
		// Another run put its output there between our renames; check
		// it like any other and try again.
	}
	return fmt.Errorf("%s: other programs kept replacing this directory while weld was writing it; run weld again when they are done", p.dir)
}

// markBeside records the new directory's identity beside it.
func (p *Pending) markBeside() error {
	fi, err := os.Lstat(p.real)
	if err != nil {
		return err
	}
	id := dirID(fi)
	if id == "" {
		return nil // no identity on this system: the next run refuses it unless empty
	}
	return atomicfile.WriteFile(besideMarker(p.real), markerText(p.rule.Command, id), 0o644)
}
