package cacheprog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"gocloud.dev/blob"

	"github.com/weldgo/weld/internal/atomicfile"
	"github.com/weldgo/weld/internal/store"
)

// Keys in the store, under Prefix: an output is stored once under its
// OutputID (the sha256 of its content, so writers of the same key write
// the same bytes), and an action's small record names the output it
// produced.
const (
	Prefix        = "cacheprog/"
	outputsPrefix = Prefix + "o/"
	actionsPrefix = Prefix + "a/"
)

// maxActionRecord bounds the bytes read of an action record: a larger
// object is not one of ours.
const maxActionRecord = 1 << 10

// errCorrupt marks a store object that is not what its key says.
var errCorrupt = errors.New("corrupt")

// maxUploads bounds the uploads in flight, which run behind the build.
const maxUploads = 8

// actionRecord is what the store keeps for an action ID.
type actionRecord struct {
	Output string    `json:"output"` // hex OutputID
	Size   int64     `json:"size"`
	Time   time.Time `json:"time"`
}

// Cache answers gets and puts from a local directory backed by a store.
// Local files are named by hex ID: NAME-d holds an output, NAME-a an
// action record. A file appears there only complete and checked, through
// a rename, so concurrent go commands may share the directory.
type Cache struct {
	Bucket *blob.Bucket
	Dir    string
	// Log receives warnings (a store that fails, a corrupt object) and,
	// with Verbose, one line per request and a summary at close.
	Log     io.Writer
	Verbose bool

	uploads  sync.WaitGroup
	slots    chan struct{}
	initOnce sync.Once
	logMu    sync.Mutex
	warnings atomic.Int64
	suspect  sync.Map // hex OutputID → true: the store's copy failed a get
	stats    Stats
}

// Stats counts what the cache did, for the summary and for tests.
type Stats struct {
	Gets, LocalHits, StoreHits, Misses atomic.Int64
	Puts, Uploads, UploadErrors        atomic.Int64
}

// Stats returns the counters.
func (c *Cache) Stats() *Stats { return &c.stats }

func (c *Cache) init() {
	c.initOnce.Do(func() { c.slots = make(chan struct{}, maxUploads) })
}

// Get looks actionID up: in the local directory, then in the store. Any
// failure (no record, a malformed record, a missing output, an output
// whose content does not match its ID, an unreachable store) is a miss:
// the go command then compiles, which is always correct.
func (c *Cache) Get(ctx context.Context, actionID []byte) *Response {
	c.stats.Gets.Add(1)
	action := hex.EncodeToString(actionID)
	if len(actionID) == 0 {
		return c.miss(action, "no action ID")
	}
	rec, local := c.localRecord(action)
	if !local {
		var err error
		rec, err = c.storeRecord(ctx, action)
		if errors.Is(err, errCorrupt) {
			c.Bucket.Delete(ctx, actionsPrefix+action)
		}
		if err != nil {
			if !store.IsNotExist(err) {
				c.warnf("action %s: %v; compiling instead", action, err)
			}
			return c.miss(action, "not in the store")
		}
	}
	outputID, _ := hex.DecodeString(rec.Output)
	path := c.outputPath(rec.Output)
	if fi, err := os.Stat(path); err == nil && fi.Size() == rec.Size {
		touch(path)
		c.stats.LocalHits.Add(1)
		c.logf("get %s: local hit", action)
	} else {
		if err := c.download(ctx, rec.Output, rec.Size); err != nil {
			if errors.Is(err, errCorrupt) {
				// Remove it, so that the next put of this output
				// stores it whole again.
				c.Bucket.Delete(ctx, outputsPrefix+rec.Output)
			}
			if !store.IsNotExist(err) {
				// Damaged or unreadable (an S3 client may see the
				// damage first, as a checksum error): this process's
				// put of it stores it again.
				c.suspect.Store(rec.Output, true)
				c.warnf("output %s of action %s: %v; compiling instead", rec.Output, action, err)
			}
			return c.miss(action, "output not in the store")
		}
		c.stats.StoreHits.Add(1)
		c.logf("get %s: store hit", action)
	}
	if !local {
		c.saveRecord(action, rec)
	}
	t := rec.Time
	return &Response{OutputID: outputID, Size: rec.Size, Time: &t, DiskPath: path}
}

func (c *Cache) miss(action, why string) *Response {
	c.stats.Misses.Add(1)
	c.logf("get %s: miss (%s)", action, why)
	return &Response{Miss: true}
}

// Put keeps body, the output of actionID, in the local directory and
// returns its path at once; the upload to the store runs behind the
// build, and Close waits for it. A failed upload is a warning: the build
// itself has what it needs.
func (c *Cache) Put(ctx context.Context, actionID, outputID, body []byte) (string, error) {
	c.init()
	c.stats.Puts.Add(1)
	sum := sha256.Sum256(body)
	if len(actionID) == 0 || len(outputID) != len(sum) || string(sum[:]) != string(outputID) {
		return "", fmt.Errorf("put: OutputID %x is not the sha256 of the %d-byte body", outputID, len(body))
	}
	action, output := hex.EncodeToString(actionID), hex.EncodeToString(outputID)
	path := c.outputPath(output)
	if fi, err := os.Stat(path); err != nil || fi.Size() != int64(len(body)) {
		if err := atomicfile.WriteFile(path, body, 0o644); err != nil {
			return "", fmt.Errorf("put: keeping output %s in %s: %w", output, c.Dir, err)
		}
	} else {
		touch(path)
	}
	rec := actionRecord{Output: output, Size: int64(len(body)), Time: time.Now().UTC().Truncate(time.Second)}
	c.saveRecord(action, rec)
	c.logf("put %s: output %s, %d bytes", action, output, len(body))
	c.uploads.Add(1)
	go func() {
		defer c.uploads.Done()
		// The build goes on while uploads wait for a slot: they
		// read the local file, not memory.
		c.slots <- struct{}{}
		defer func() { <-c.slots }()
		if err := c.upload(ctx, action, rec); err != nil {
			c.stats.UploadErrors.Add(1)
			c.warnf("uploading action %s: %v (the build goes on; the store misses this result)", action, err)
			return
		}
		c.stats.Uploads.Add(1)
	}()
	return path, nil
}

// Close waits for the uploads and, with Verbose, prints a summary.
func (c *Cache) Close() error {
	c.uploads.Wait()
	if n := c.warnings.Load() - maxWarnings; n > 0 {
		c.printf("weld cacheprog: warning: %d more warnings like these", n)
	}
	s := &c.stats
	c.logf("%d gets: %d local hits, %d store hits, %d misses; %d puts: %d uploaded, %d failed",
		s.Gets.Load(), s.LocalHits.Load(), s.StoreHits.Load(), s.Misses.Load(),
		s.Puts.Load(), s.Uploads.Load(), s.UploadErrors.Load())
	return nil
}

// upload stores the output, unless the store has it, then the action
// record: in that order, so a reader that finds a record finds its output.
// An output of the wrong size, or one that a get of this process could
// not read, is stored again.
func (c *Cache) upload(ctx context.Context, action string, rec actionRecord) error {
	key := outputsPrefix + rec.Output
	_, suspect := c.suspect.Load(rec.Output)
	if attrs, err := c.Bucket.Attributes(ctx, key); suspect || err != nil || attrs.Size != rec.Size {
		f, err := os.Open(c.outputPath(rec.Output))
		if err != nil {
			return err
		}
		defer f.Close()
		w, err := c.Bucket.NewWriter(ctx, key, &blob.WriterOptions{ContentType: "application/octet-stream"})
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, f); err != nil {
			w.Close()
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
	}
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return c.Bucket.WriteAll(ctx, actionsPrefix+action, data, &blob.WriterOptions{ContentType: "application/json"})
}

// storeRecord reads and checks an action's record in the store.
func (c *Cache) storeRecord(ctx context.Context, action string) (actionRecord, error) {
	r, err := c.Bucket.NewReader(ctx, actionsPrefix+action, nil)
	if err != nil {
		return actionRecord{}, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxActionRecord+1))
	if err != nil {
		return actionRecord{}, err
	}
	return parseRecord(data)
}

// parseRecord accepts a record only if it names a well-formed output.
func parseRecord(data []byte) (actionRecord, error) {
	var rec actionRecord
	if len(data) > maxActionRecord {
		return rec, fmt.Errorf("%w record: too large", errCorrupt)
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		return rec, fmt.Errorf("%w record: %v", errCorrupt, err)
	}
	if id, err := hex.DecodeString(rec.Output); err != nil || len(id) != sha256.Size {
		return rec, fmt.Errorf("%w record: output %q is not a sha256", errCorrupt, rec.Output)
	}
	if rec.Size < 0 {
		return rec, fmt.Errorf("%w record: size %d", errCorrupt, rec.Size)
	}
	return rec, nil
}

// download fetches an output into the local directory, checking that its
// content is what its ID says.
func (c *Cache) download(ctx context.Context, output string, size int64) error {
	r, err := c.Bucket.NewReader(ctx, outputsPrefix+output, nil)
	if err != nil {
		return err
	}
	defer r.Close()
	path := c.outputPath(output)
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return err
	}
	tmp, err := atomicfile.CreateTemp(c.Dir, filepath.Base(path))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(r, size+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if n != size || hex.EncodeToString(h.Sum(nil)) != output {
		return fmt.Errorf("%w object: %d bytes whose sha256 is %x", errCorrupt, n, h.Sum(nil))
	}
	return os.Rename(tmp.Name(), path)
}

// localRecord reads an action record kept by an earlier get or put.
func (c *Cache) localRecord(action string) (actionRecord, bool) {
	data, err := os.ReadFile(filepath.Join(c.Dir, action+"-a"))
	if err != nil {
		return actionRecord{}, false
	}
	rec, err := parseRecord(data)
	return rec, err == nil
}

// saveRecord keeps an action record locally, so the next get of it asks
// the store nothing. Failing to is harmless.
func (c *Cache) saveRecord(action string, rec actionRecord) {
	if data, err := json.Marshal(rec); err == nil {
		atomicfile.WriteFile(filepath.Join(c.Dir, action+"-a"), data, 0o644)
	}
}

func (c *Cache) outputPath(output string) string {
	return filepath.Join(c.Dir, output+"-d")
}

// touch records a use of a local file, for weld's cache pruning (least
// recently used first).
func touch(path string) {
	now := time.Now()
	os.Chtimes(path, now, now)
}

func (c *Cache) logf(format string, args ...any) {
	if c.Verbose {
		c.printf("weld cacheprog: "+format, args...)
	}
}

// maxWarnings bounds the warnings printed: a store that is down would
// otherwise print one per package. Close counts the rest.
const maxWarnings = 5

func (c *Cache) warnf(format string, args ...any) {
	if c.warnings.Add(1) <= maxWarnings {
		c.printf("weld cacheprog: warning: "+format, args...)
	}
}

func (c *Cache) printf(format string, args ...any) {
	if c.Log == nil {
		return
	}
	c.logMu.Lock()
	defer c.logMu.Unlock()
	fmt.Fprintf(c.Log, format+"\n", args...)
}
