package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// Objects is the storage the store is built on: objects addressed by
// "/"-separated keys relative to the data directory. Keys are made of
// segments of letters, digits, '.', '_' and '-' (never "." or ".."); a key
// ending in "/" names a folder.
//
// The local directory (DirObjects) is the default; object stores live in
// their own packages (store/blobstore) and are chosen by URL (see
// RegisterBackend). A backend with DirSwapper publishes snapshots by folder
// swaps; one without it (an object store) with the in-place protocol
// described in the package documentation.
type Objects interface {
	// Read returns the object's bytes; fs.ErrNotExist when absent. The
	// caller owns the slice: a backend must not keep, reuse or modify it
	// (the history index decodes strings that point into it).
	Read(ctx context.Context, key string) ([]byte, error)
	// Write stores data under key atomically: a reader sees the whole old
	// object or the whole new one, also after a crash.
	Write(ctx context.Context, key string, data []byte) error
	// List returns the entries directly under the folder prefix ("" for the
	// top): objects as "prefix/name" and sub-folders as "prefix/name/",
	// sorted. A missing folder lists as empty.
	List(ctx context.Context, prefix string) ([]string, error)
	// Delete removes an object, or a folder and everything under it when key
	// ends in "/". Deleting something absent is not an error.
	Delete(ctx context.Context, key string) error
}

// DirSwapper is an optional capability of an Objects backend: publish a
// folder staged under a temporary name at its final name in one atomic step.
// The store needs it to publish snapshots.
type DirSwapper interface {
	// SwapDir makes the folder staged take the place of final. When final
	// existed, its old contents end up under the name staged (the two are
	// exchanged) and existed is true. Both must be in the same parent folder.
	SwapDir(ctx context.Context, staged, final string) (existed bool, err error)
}

// Stager is an optional capability: write many new objects into a folder
// nobody reads yet, durably, cheaper than one atomic Write each.
type Stager interface {
	// Stage writes files (name -> bytes) into the new folder prefix and
	// makes them durable before returning.
	Stage(ctx context.Context, prefix string, files map[string][]byte) error
}

// Locker is an optional capability: an exclusive lock shared by every
// process using the same backend.
type Locker interface {
	// Lock blocks until the named lock is held; call the returned function
	// to release it. When ctx ends while it waits, it returns ctx's error
	// and holds nothing (a lock free at once may still be taken).
	Lock(ctx context.Context, name string) (unlock func(), err error)
}

// LeaseLocker is an optional capability of a Locker whose locks are leases
// (object storage): held only while renewed, taken over by another process
// once they go unrenewed for their time to live, so a holder that stalls
// or loses the network can lose its lock while it still works under it.
// The store uses it, when the backend has it, to stop a write whose lock
// is gone (ErrLeaseLost).
type LeaseLocker interface {
	// LockLease takes the named lock as Lock does. held is a context
	// derived from ctx that is cancelled once the lease is known lost,
	// with a cause (context.Cause) saying how. confirm renews the lease
	// now and returns nil only when it is still held (for another time to
	// live); otherwise the reason it is lost, or ctx's error when ctx ends
	// first. unlock releases the lock.
	LockLease(ctx context.Context, name string) (held context.Context, confirm func(context.Context) error, unlock func(), err error)
}

// Logging is an optional capability of a backend that logs on its own (an
// object store's lock lease: lost, not renewed, taken over). OpenObjects
// (and so Open and Create) hands it the store's Options.Logger, so those
// warnings reach the program's log with the store's own.
type Logging interface {
	// UseLogger gives the backend l for its warnings; a logger the
	// backend was configured with itself takes precedence.
	UseLogger(l *slog.Logger)
}

// Statter is an optional capability: the size and modification time of an
// object without reading it.
type Statter interface {
	Stat(ctx context.Context, key string) (size int64, modTime time.Time, err error)
}

// VersionStatter is an optional capability: Stat plus an opaque version of
// the object (an S3 ETag) that changes whenever the object is rewritten,
// even within one second or at the same size. The current-pointer watch
// and the read cache's file stamps prefer it to Statter.
type VersionStatter interface {
	StatVersion(ctx context.Context, key string) (size int64, modTime time.Time, version string, err error)
}

// ConditionalWriter is an optional capability: compare-and-swap writes of
// one object, for backends shared by processes on several hosts (object
// stores). The store moves current.json with it.
type ConditionalWriter interface {
	// ReadVersion returns the object's bytes and the version they are
	// (fs.ErrNotExist when absent).
	ReadVersion(ctx context.Context, key string) (data []byte, version string, err error)
	// WriteIfVersion writes data only when the object still has version
	// (If-Match), or, when version is "", only when it does not exist
	// (If-None-Match: *). It reports false, with a nil error, when that
	// precondition failed.
	WriteIfVersion(ctx context.Context, key string, data []byte, version string) (written bool, err error)
}

// ExclusiveCreator is an optional capability: create an object only where
// none exists, in one atomic step. DirObjects has it; on object storage
// CreateExclusive uses ConditionalWriter (If-None-Match: *) instead.
type ExclusiveCreator interface {
	// CreateExclusive writes data under key, atomically and durably as
	// Write does, only when no object has that key. It reports false,
	// with a nil error, when one has (and leaves it as it is).
	CreateExclusive(ctx context.Context, key string, data []byte) (created bool, err error)
}

// CreateExclusive writes data under key only when no object has that key
// yet, the check and the write being one atomic step: of concurrent
// callers (in any process using the backend) exactly one creates the
// object, and the others get false with a nil error. It uses the
// backend's ExclusiveCreator, else its ConditionalWriter (a write with
// If-None-Match: *); a backend with neither is an error wrapping
// errors.ErrUnsupported (a check followed by a write would let two callers
// both create).
func CreateExclusive(ctx context.Context, objs Objects, key string, data []byte) (created bool, err error) {
	switch b := objs.(type) {
	case ExclusiveCreator:
		return b.CreateExclusive(ctx, key, data)
	case ConditionalWriter:
		return b.WriteIfVersion(ctx, key, data, "")
	}
	return false, fmt.Errorf("store: create %s: the storage backend (%T) cannot create an object only where none exists: %w", key, objs, errors.ErrUnsupported)
}

// Copier is an optional capability: copy one object inside the backend
// (a server-side copy on object stores).
type Copier interface {
	Copy(ctx context.Context, from, to string) error
}

// DirObjects is Objects over a local directory. Every access goes through an
// os.Root (files on Linux through openat2 with RESOLVE_BENEATH, openFile),
// so no key (nor a symlink planted inside the directory) can reach a file
// outside it. Writes are atomic and durable: a temporary file in the
// same folder, fsync, rename, fsync of the folder.
type DirObjects struct {
	dir  string
	root *os.Root
	// beneath is the directory again, for openFile's openat2 on Linux.
	beneath *beneathDir

	mu sync.Mutex
	// locks are Lock's in-process locks by name: a channel holding one
	// value while the lock is held.
	locks map[string]chan struct{}
}

// NewDirObjects opens (creating if needed) the directory dir as an object
// store.
func NewDirObjects(dir string) (*DirObjects, error) {
	if dir == "" {
		return nil, fmt.Errorf("store: empty data directory")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store: create data directory: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("store: open data directory: %w", err)
	}
	return &DirObjects{dir: dir, root: root, beneath: openBeneathDir(dir), locks: map[string]chan struct{}{}}, nil
}

// Dir returns the directory the objects live in.
func (d *DirObjects) Dir() string { return d.dir }

// Close releases the directory handle.
func (d *DirObjects) Close() error { return errors.Join(d.root.Close(), d.beneath.close()) }

// checkKey validates an object key (folder keys may end in "/"; "" is the
// top folder when folder is true).
func checkKey(key string, folder bool) (string, error) {
	k := key
	if folder {
		k = strings.TrimSuffix(k, "/")
		if k == "" {
			return ".", nil
		}
	}
	if k == "" || len(k) > 1024 {
		return "", fmt.Errorf("%w: %q", ErrInvalidKey, truncate(key))
	}
	for seg := range strings.SplitSeq(k, "/") {
		if seg == "" || seg == "." || seg == ".." || len(seg) > 200 {
			return "", fmt.Errorf("%w: %q", ErrInvalidKey, truncate(key))
		}
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '.' || c == '_' || c == '-') {
				return "", fmt.Errorf("%w: %q", ErrInvalidKey, truncate(key))
			}
		}
	}
	return k, nil
}

// Read implements Objects.
func (d *DirObjects) Read(ctx context.Context, key string) ([]byte, error) {
	return d.readInto(ctx, key, nil)
}

// intoReader is implemented by Objects that can read into the caller's
// memory (DirObjects; see RawCache.GetInto).
type intoReader interface {
	readInto(ctx context.Context, key string, buf []byte) ([]byte, error)
}

// readInto is Read into buf's memory when it is large enough (see
// RawCache.GetInto).
func (d *DirObjects) readInto(ctx context.Context, key string, buf []byte) ([]byte, error) {
	k, err := checkKey(key, false)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := d.readFileInto(k, buf)
	if err != nil {
		if fi, serr := d.root.Stat(k); serr == nil && fi.IsDir() {
			return nil, fmt.Errorf("read %s: %w", key, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	return b, nil
}

// readFile reads the file name (a checked key) whole, as os.ReadFile does.
func (d *DirObjects) readFile(name string) ([]byte, error) {
	return d.readFileInto(name, nil)
}

// readFileInto is readFile into buf's memory when it is large enough.
func (d *DirObjects) readFileInto(name string, buf []byte) ([]byte, error) {
	f, err := d.openFile(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := 0
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = int(fi.Size())
	}
	b := buf[:0]
	if cap(b) < size+1 {
		b = make([]byte, 0, max(size+1, 512)) // +1: EOF in the same read
	}
	for {
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// Stat implements Statter.
func (d *DirObjects) Stat(ctx context.Context, key string) (int64, time.Time, error) {
	k, err := checkKey(key, false)
	if err != nil {
		return 0, time.Time{}, err
	}
	fi, err := d.root.Stat(k)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("stat %s: %w", key, err)
	}
	if fi.IsDir() {
		return 0, time.Time{}, fmt.Errorf("stat %s: %w", key, fs.ErrNotExist)
	}
	return fi.Size(), fi.ModTime(), nil
}

func randSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// mkdirAll creates the folder dir (a cleaned key) and its parents, fsyncing
// each parent in which it created something.
func (d *DirObjects) mkdirAll(dir string) error { return d.mkdirAllSync(dir, true) }

// mkdirAllSync is mkdirAll, with the fsyncs only when durable: without,
// the folders are made durable by whatever makes their contents durable
// later (a barrier), or need not be.
func (d *DirObjects) mkdirAllSync(dir string, durable bool) error {
	if dir == "." || dir == "" {
		return nil
	}
	if fi, err := d.root.Stat(dir); err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("mkdir %s: not a directory", dir)
		}
		return nil
	}
	parent := path.Dir(dir)
	if err := d.mkdirAllSync(parent, durable); err != nil {
		return err
	}
	if err := d.root.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("mkdir %s: %w", dir, err)
	}
	if !durable {
		return nil
	}
	return d.syncDir(parent)
}

func (d *DirObjects) syncDir(dir string) error {
	f, err := d.openFile(dir, os.O_RDONLY, 0)
	if err != nil {
		return fmt.Errorf("open dir %s: %w", dir, err)
	}
	defer f.Close()
	syncCalls.Add(1)
	if err := syncDirFile(f); err != nil {
		return fmt.Errorf("fsync dir %s: %w", dir, err)
	}
	return nil
}

// writeFileSync creates name (which must not be visible to readers yet, or
// be a temporary name) with data and fsyncs it.
func (d *DirObjects) writeFileSync(name string, data []byte, excl bool) error {
	return d.writeFile(name, data, excl, true)
}

// writeFile creates name (which must not be visible to readers yet, or be
// a temporary name) with data, and fsyncs it when durable (otherwise a
// barrier opened before makes it durable).
func (d *DirObjects) writeFile(name string, data []byte, excl, durable bool) error {
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if excl {
		flag = os.O_WRONLY | os.O_CREATE | os.O_EXCL
	}
	f, err := d.openFile(name, flag, 0o644)
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if durable {
		syncCalls.Add(1)
		if err := f.Sync(); err != nil {
			f.Close()
			return fmt.Errorf("fsync %s: %w", name, err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", name, err)
	}
	return nil
}

// Write implements Objects: temp file in the same folder, fsync, rename,
// fsync of the folder.
func (d *DirObjects) Write(ctx context.Context, key string, data []byte) error {
	k, err := checkKey(key, false)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dir := path.Dir(k)
	if err := d.mkdirAll(dir); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	tmp := path.Join(dir, ".tmp-"+path.Base(k)+"-"+randSuffix())
	if err := d.writeFileSync(tmp, data, true); err != nil {
		_ = d.root.Remove(tmp)
		return fmt.Errorf("write %s: %w", key, err)
	}
	if err := d.root.Rename(tmp, k); err != nil {
		_ = d.root.Remove(tmp)
		return fmt.Errorf("write %s: rename: %w", key, err)
	}
	if err := d.syncDir(dir); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

// CreateExclusive implements ExclusiveCreator: the data is written to a
// temporary file in the same folder and fsynced, then hard-linked under
// key (link(2) never replaces an existing name, so of concurrent callers
// one wins), the temporary name removed and the folder fsynced. A reader
// sees no object or the whole one. The data directory's filesystem must
// support hard links.
func (d *DirObjects) CreateExclusive(ctx context.Context, key string, data []byte) (bool, error) {
	k, err := checkKey(key, false)
	if err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	dir := path.Dir(k)
	if err := d.mkdirAll(dir); err != nil {
		return false, fmt.Errorf("create %s: %w", key, err)
	}
	tmp := path.Join(dir, ".tmp-"+path.Base(k)+"-"+randSuffix())
	if err := d.writeFileSync(tmp, data, true); err != nil {
		_ = d.root.Remove(tmp)
		return false, fmt.Errorf("create %s: %w", key, err)
	}
	err = d.root.Link(tmp, k)
	_ = d.root.Remove(tmp) // a leftover .tmp- name is not listed
	switch {
	case errors.Is(err, fs.ErrExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("create %s: link (creating an object only where none exists needs a filesystem with hard links): %w", key, err)
	}
	if err := d.syncDir(dir); err != nil {
		return true, fmt.Errorf("create %s: %w", key, err)
	}
	return true, nil
}

// List implements Objects. Temporary files of in-flight writes are left out.
func (d *DirObjects) List(ctx context.Context, prefix string) ([]string, error) {
	k, err := checkKey(prefix, true)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := d.openFile(k, os.O_RDONLY, 0) // openat2 and O_NOATIME on Linux: a listing leaves the folder's inode clean
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("list %s: %w", prefix, err)
	}
	defer f.Close()
	ents, err := f.ReadDir(-1)
	if err != nil {
		if fi, serr := f.Stat(); serr == nil && !fi.IsDir() {
			return nil, nil
		}
		return nil, fmt.Errorf("list %s: %w", prefix, err)
	}
	base := ""
	if k != "." {
		base = k + "/"
	}
	out := make([]string, 0, len(ents))
	for _, e := range ents {
		name := e.Name()
		if strings.HasPrefix(name, ".tmp-") {
			continue
		}
		if _, err := checkKey(name, false); err != nil {
			continue // a name we would never write; not addressable
		}
		switch {
		case e.IsDir():
			out = append(out, base+name+"/")
		case e.Type().IsRegular():
			out = append(out, base+name)
		case e.Type()&fs.ModeSymlink != 0:
			// Follow the link only to classify it; os.Root refuses links
			// that leave the directory.
			fi, err := d.root.Stat(base + name)
			if err != nil {
				continue
			}
			if fi.IsDir() {
				out = append(out, base+name+"/")
			} else if fi.Mode().IsRegular() {
				out = append(out, base+name)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// Delete implements Objects.
func (d *DirObjects) Delete(ctx context.Context, key string) error {
	folder := strings.HasSuffix(key, "/")
	k, err := checkKey(key, folder)
	if err != nil {
		return err
	}
	if k == "." {
		return fmt.Errorf("%w: refusing to delete the whole data directory", ErrInvalidKey)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if folder {
		if err := d.root.RemoveAll(k); err != nil {
			return fmt.Errorf("delete %s: %w", key, err)
		}
	} else if err := d.root.Remove(k); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return d.syncDir(path.Dir(k))
}

// Rename moves an object or folder to a new key in the same backend
// atomically (rename(2)); the target must not be a non-empty folder.
func (d *DirObjects) Rename(ctx context.Context, from, to string) error {
	f, err := checkKey(from, true)
	if err != nil {
		return err
	}
	t, err := checkKey(to, true)
	if err != nil {
		return err
	}
	if f == "." || t == "." {
		return fmt.Errorf("%w: cannot rename the top folder", ErrInvalidKey)
	}
	// A missing source fails before the target's folders are made, so a
	// failed move leaves nothing behind.
	if _, err := d.root.Lstat(f); err != nil {
		return fmt.Errorf("rename %s to %s: %w", from, to, err)
	}
	if err := d.mkdirAll(path.Dir(t)); err != nil {
		return err
	}
	if err := d.root.Rename(f, t); err != nil {
		return fmt.Errorf("rename %s to %s: %w", from, to, err)
	}
	if err := d.syncDir(path.Dir(t)); err != nil {
		return err
	}
	if path.Dir(f) != path.Dir(t) {
		return d.syncDir(path.Dir(f))
	}
	return nil
}

// Stage implements Stager: each file is created and fsynced in the new
// folder prefix, then the folder and its parent are fsynced.
func (d *DirObjects) Stage(ctx context.Context, prefix string, files map[string][]byte) error {
	k, err := checkKey(prefix, true)
	if err != nil {
		return err
	}
	if err := d.mkdirAll(k); err != nil {
		return err
	}
	// The files are written and fsynced in parallel: a snapshot of the
	// world is 131 files, and one fsync after another was most of the
	// publish time. The folder is fsynced once, after all of them.
	keys := make(map[string][]byte, len(files))
	for name, data := range files {
		if strings.Contains(name, "/") {
			return fmt.Errorf("%w: staged name %q", ErrInvalidKey, name)
		}
		fk, err := checkKey(k+"/"+name, false)
		if err != nil {
			return err
		}
		keys[fk] = data
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(stageParallel)
	for fk, data := range keys {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			return d.writeFileSync(fk, data, false)
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return d.syncDir(k)
}

// fileStager is what a Publication needs of a backend besides Stager:
// creating the folder to stage into, then writing its files one at a time
// (each made durable before stageFile returns when durable, else by a
// barrier opened before); Stage writes the last ones and makes the folder
// durable.
type fileStager interface {
	Stager
	beginStage(prefix string, durable bool) error
	stageFile(ctx context.Context, prefix, name string, data []byte, durable bool) error
	openBarrier() barrier
}

// beginStage implements fileStager: it creates the folder prefix, and its
// parents, fsyncing them when durable (without, a barrier opened before
// makes them durable with the files).
func (d *DirObjects) beginStage(prefix string, durable bool) error {
	k, err := checkKey(prefix, true)
	if err != nil {
		return err
	}
	return d.mkdirAllSync(k, durable)
}

// stageFile implements fileStager: it creates name in the folder prefix
// (made by beginStage) and, when durable, fsyncs it.
func (d *DirObjects) stageFile(ctx context.Context, prefix, name string, data []byte, durable bool) error {
	if strings.Contains(name, "/") {
		return fmt.Errorf("%w: staged name %q", ErrInvalidKey, name)
	}
	k, err := checkKey(strings.TrimSuffix(prefix, "/")+"/"+name, false)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return d.writeFile(k, data, false, durable)
}

// stageParallel bounds the files Stage writes and fsyncs at once.
const stageParallel = 32

// SwapDir implements DirSwapper. On Linux it is rename(2) when final does
// not exist and renameat2(RENAME_EXCHANGE) when it does, and on macOS
// renameatx_np(RENAME_SWAP): in both cases a reader that opens final sees the
// complete old folder or the complete new one. Elsewhere (Windows) the
// exchange is three renames, with a moment in which final is absent (see the
// package documentation).
func (d *DirObjects) SwapDir(ctx context.Context, staged, final string) (bool, error) {
	s, err := checkKey(staged, true)
	if err != nil {
		return false, err
	}
	f, err := checkKey(final, true)
	if err != nil {
		return false, err
	}
	parent := path.Dir(f)
	if path.Dir(s) != parent || s == "." || f == "." {
		return false, fmt.Errorf("%w: swap %s and %s: not in the same folder", ErrInvalidKey, staged, final)
	}
	pd, err := d.root.Open(parent)
	if err != nil {
		return false, fmt.Errorf("swap: open %s: %w", parent, err)
	}
	defer pd.Close()
	existed, err := d.exchangeDirs(pd, parent, path.Base(s), path.Base(f))
	if err != nil {
		return false, fmt.Errorf("swap %s into %s: %w", staged, final, err)
	}
	syncCalls.Add(1)
	if err := syncDirFile(pd); err != nil {
		return existed, fmt.Errorf("swap: fsync %s: %w", parent, err)
	}
	return existed, nil
}

// Lock implements Locker with an exclusive lock on the file
// .locks/<name>.lock (flock(2) on Unix, LockFileEx on Windows), after an
// in-process lock (those locks belong to an open file, not to a process).
// The file lock is tried without blocking and, while another open file
// holds it, tried again at short intervals (lockRetryMax at most) until it
// is free or ctx ends: a wait ended by ctx holds nothing, leaves no
// goroutine behind and closes the lock file.
func (d *DirObjects) Lock(ctx context.Context, name string) (func(), error) {
	if _, err := checkKey(name, false); err != nil || strings.Contains(name, "/") {
		return nil, fmt.Errorf("%w: lock name %q", ErrInvalidKey, name)
	}
	d.mu.Lock()
	sem := d.locks[name]
	if sem == nil {
		sem = make(chan struct{}, 1)
		d.locks[name] = sem
	}
	d.mu.Unlock()
	select {
	case sem <- struct{}{}:
	default:
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return nil, fmt.Errorf("lock %s: %w", name, ctx.Err())
		}
	}
	release := func() { <-sem }
	// A lock file is only where flock meets: losing it (or its folder) in
	// a crash loses nothing, so the folder is not fsynced.
	if err := d.mkdirAllSync(".locks", false); err != nil {
		release()
		return nil, err
	}
	f, err := d.root.OpenFile(".locks/"+name+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		release()
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	if err := waitLockFile(ctx, f); err != nil {
		f.Close()
		release()
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			_ = unlockFile(f)
			f.Close()
			release()
		})
	}, nil
}

// lockRetryMax is the longest pause between two tries of a file lock
// another process holds.
const lockRetryMax = 50 * time.Millisecond

// waitLockFile takes the file lock on f (tryLockFile), trying again after
// pauses growing from 1ms to lockRetryMax while it is held elsewhere, until
// it is taken or ctx ends (ctx's error). A blocking flock(2) or LockFileEx
// cannot be interrupted, so it is never used: when this returns an error,
// the lock is not held and nothing waits for it.
func waitLockFile(ctx context.Context, f *os.File) error {
	pause := time.Millisecond
	var t *time.Timer
	for {
		ok, err := tryLockFile(f)
		if err != nil || ok {
			return err
		}
		if t == nil {
			t = time.NewTimer(pause)
			defer t.Stop()
		} else {
			t.Reset(pause)
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
		pause = min(2*pause, lockRetryMax)
	}
}
