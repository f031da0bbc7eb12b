package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Options configure a Store. The zero value works.
type Options struct {
	// Logger receives the store's logs; nil discards them.
	Logger *slog.Logger
	// CacheTTL is how long snapshot metadata and district files stay in the
	// read cache (default 5 minutes; negative disables the cache). Publish
	// invalidates the cache at once whatever the TTL.
	CacheTTL time.Duration
	// MaxCacheBytes bounds the memory held by cached district and rankings
	// files (default 64 MiB).
	MaxCacheBytes int64
	// Gzip stores new snapshot district and rankings files gzip-compressed
	// (same file names). Reading detects compression by content, whatever
	// this option says.
	Gzip bool
	// GzipAfter, when positive, also compresses (as Gzip does) each snapshot
	// whose date (its id) is more than GzipAfter before Now when it is
	// published: with 45 days, the window after which the API treats a
	// snapshot as settled, a backfill of a program year stores all but its
	// newest weeks compressed (a world day: ~13 MB of JSON, a few MB
	// gzipped), while the daily build of the newest date pays nothing for
	// it. Snapshots are never rewritten: one published while recent stays
	// as it was written. Readers detect compression by content either way.
	// Raw reports written for such a date are stored gzip-compressed too
	// (RawCache.Compress does it to reports written while recent).
	GzipAfter time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// FileCheckInterval is how often a cached snapshot file is compared with
	// the disk (one stat of its size and modification time), so that a file
	// damaged or rewritten on disk is noticed without a restart (default 1
	// second; negative: on every cached read).
	FileCheckInterval time.Duration
}

// Store is the data directory: the raw CSV cache, the snapshot store and the
// district configuration. It is safe for concurrent use.
type Store struct {
	dir   string
	objs  Objects
	opts  Options
	log   *slog.Logger
	raw   *RawCache
	snaps *SnapshotStore
	cfg   *DistrictConfig
}

// Open opens the existing data directory dataDir over a DirObjects
// backend. It never creates the directory: a missing one is ErrNoDataDir
// (so a mistyped path is an error, not a new empty store), and a path that
// is not a directory is an error too. Open only reads: it never repairs
// anything (see SnapshotStore.Recover). Use Create to make a new data
// directory deliberately.
//
// dataDir may also be a URL: file:///path is the same as the path, and an
// object-store URL (s3://bucket/prefix?endpoint=...&region=...) opens that
// backend when a package registered it (import _
// "github.com/toaststats/toaststats/store/backends"; see RegisterBackend).
// The bucket must exist; nothing is created in it until a write.
func Open(dataDir string, opts Options) (*Store, error) {
	if dataDir == "" {
		return nil, fmt.Errorf("store: empty data directory")
	}
	dir, local, err := localPath(dataDir)
	if err != nil {
		return nil, err
	}
	if !local {
		return openURL(dataDir, opts)
	}
	dataDir = dir
	fi, err := os.Stat(dataDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: %w", dataDir, ErrNoDataDir)
	case err != nil:
		return nil, fmt.Errorf("store: open data directory: %w", err)
	case !fi.IsDir():
		return nil, fmt.Errorf("store: data directory %s is not a directory", dataDir)
	}
	return openDir(dataDir, opts)
}

// Create opens the data directory dataDir, creating it (and its parents)
// when it does not exist yet. It is for the commands that write: init and
// scrape. An existing directory is opened as it is. An object-store URL
// is opened as Open does (the bucket must exist).
func Create(dataDir string, opts Options) (*Store, error) {
	if dataDir == "" {
		return nil, fmt.Errorf("store: empty data directory")
	}
	dir, local, err := localPath(dataDir)
	if err != nil {
		return nil, err
	}
	if !local {
		return openURL(dataDir, opts)
	}
	dataDir = dir
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("store: create data directory: %w", err)
	}
	return openDir(dataDir, opts)
}

func openURL(location string, opts Options) (*Store, error) {
	objs, err := openRegistered(context.Background(), location)
	if err != nil {
		return nil, err
	}
	name := location
	if st, ok := objs.(fmt.Stringer); ok {
		name = st.String()
	}
	return OpenObjects(name, objs, opts), nil
}

func openDir(dataDir string, opts Options) (*Store, error) {
	objs, err := NewDirObjects(dataDir)
	if err != nil {
		return nil, err
	}
	return OpenObjects(dataDir, objs, opts), nil
}

// OpenObjects builds a Store over any Objects backend; name is what Dir
// returns. A backend without DirSwapper publishes snapshots in place (see
// the package documentation, "Object storage"). A backend that logs on its
// own (Logging) is given opts.Logger when it is set.
func OpenObjects(name string, objs Objects, opts Options) *Store {
	if l, ok := objs.(Logging); ok && opts.Logger != nil {
		l.UseLogger(opts.Logger)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CacheTTL == 0 {
		opts.CacheTTL = 5 * time.Minute
	}
	if opts.MaxCacheBytes <= 0 {
		opts.MaxCacheBytes = 64 << 20
	}
	if opts.FileCheckInterval == 0 {
		opts.FileCheckInterval = time.Second
	}
	s := &Store{dir: name, objs: objs, opts: opts, log: opts.Logger}
	lock := newLockFunc(objs)
	s.raw = &RawCache{objs: objs, now: opts.Now, log: opts.Logger, lock: lock, gzipAfter: opts.GzipAfter}
	s.snaps = newSnapshotStore(objs, opts, lock)
	s.cfg = &DistrictConfig{objs: objs, now: opts.Now, lock: lock}
	return s
}

// Raw returns the raw CSV cache.
func (s *Store) Raw() *RawCache { return s.raw }

// Snapshots returns the snapshot store.
func (s *Store) Snapshots() *SnapshotStore { return s.snaps }

// Config returns the district configuration.
func (s *Store) Config() *DistrictConfig { return s.cfg }

// Dir returns the data directory (the URL, for an object-store backend).
func (s *Store) Dir() string { return s.dir }

// Close releases the backend's resources (the directory handle of
// DirObjects). The Store must not be used afterwards.
func (s *Store) Close() error {
	s.snaps.waitBackground()
	if c, ok := s.objs.(interface{ Close() error }); ok {
		return c.Close()
	}
	return nil
}

// Objects returns the storage backend the store is built on.
func (s *Store) Objects() Objects { return s.objs }

// lockFunc takes a named exclusive lock.
type lockFunc func(ctx context.Context, name string) (*HeldLock, error)

// newLockFunc uses the backend's Locker (shared by processes; a lease that
// can be lost when it is a LeaseLocker) when it has one, else an
// in-process keyed mutex.
func newLockFunc(objs Objects) lockFunc {
	if _, ok := objs.(Locker); ok {
		return func(ctx context.Context, name string) (*HeldLock, error) { return AcquireLock(ctx, objs, name) }
	}
	var mu sync.Mutex
	locks := map[string]*sync.Mutex{}
	return func(ctx context.Context, name string) (*HeldLock, error) {
		mu.Lock()
		m := locks[name]
		if m == nil {
			m = &sync.Mutex{}
			locks[name] = m
		}
		mu.Unlock()
		m.Lock()
		return &HeldLock{parent: ctx, ctx: ctx, unlock: m.Unlock}, nil
	}
}
