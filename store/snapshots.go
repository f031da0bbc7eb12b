package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gocache "github.com/patrickmn/go-cache"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/singleflight"

	"github.com/toaststats/toaststats/snapshot"
)

// File names inside a snapshot folder (predecessor.md §5.1).
const (
	snapshotsPrefix  = "snapshots/"
	metadataFile     = "metadata.json"
	manifestFile     = "manifest.json"
	rankingsFile     = "all-districts-rankings.json"
	currentKey       = "current.json"
	quarantinePrefix = "quarantine/"
	backupsPrefix    = "recovery-backups/"
	snapshotsLock    = "snapshots"
)

// Folder name prefixes inside snapshots/ that are never snapshots:
// ".gen-" a generation being staged (or left by a crash), ".old-" a replaced
// generation kept for a grace period so open Views can finish, ".del-" a
// snapshot being deleted.
const (
	genPrefix = ".gen-"
	oldPrefix = ".old-"
	delPrefix = ".del-"
)

// oldGenerationGrace is how long a replaced generation stays readable for
// Views opened before the replacement.
const oldGenerationGrace = time.Minute

// DistrictFileName is the file name of a district in a snapshot folder.
func DistrictFileName(districtID string) string { return "district_" + districtID + ".json" }

// SnapshotStore keeps the immutable, versioned snapshots under snapshots/ and
// the current.json pointer.
//
// Publishing is atomic per snapshot: the files are staged in a hidden folder
// (snapshots/.gen-<id>-<n>/), made durable, and then put in place with one
// rename(2) — or, when the id already exists (a rebuild), one
// renameat2(RENAME_EXCHANGE), so a reader opening snapshots/<id>/ sees the
// complete old folder or the complete new one, never a mix. The replaced
// generation is kept as snapshots/.old-<id>-<gen>-<unixnano>/ for a minute so
// Views opened on it keep reading it (every district read is checked against
// the View's manifest sha256 and falls back to the old generation). The
// swap needs the DirSwapper capability, which DirObjects provides (atomic
// on Linux and macOS; see the package documentation for Windows); on a
// backend without it (object storage) a snapshot is published in place,
// manifest last, with an intent that makes a crash recoverable (see the
// package documentation, "Object storage").
// Publish, Retain, Recover and Delete run under an exclusive lock shared by
// processes (flock on .locks/snapshots.lock).
type SnapshotStore struct {
	objs Objects
	opts Options
	log  *slog.Logger
	lock lockFunc

	cache      *gocache.Cache // nil when disabled
	cacheBytes atomic.Int64
	sets       atomic.Int64
	sf         singleflight.Group
	// stamps holds the on-disk stamp of every cached snapshot file, keyed
	// by its object key (see freshness.go).
	stamps sync.Map
	// damaged holds the files reads found damaged (see Damaged).
	damaged sync.Map
	cur     currentTracker

	stats statsCounters
}

func newSnapshotStore(objs Objects, opts Options, lock lockFunc) *SnapshotStore {
	s := &SnapshotStore{objs: objs, opts: opts, log: opts.Logger, lock: lock}
	if opts.CacheTTL > 0 {
		// No janitor goroutine: expired items are dropped on access and by
		// DeleteExpired calls from set.
		s.cache = gocache.New(opts.CacheTTL, 0)
		s.cache.OnEvicted(func(k string, v any) {
			switch v := v.(type) {
			case []byte:
				s.cacheBytes.Add(-int64(len(v)))
			case *sizedValue:
				s.cacheBytes.Add(-v.size)
			}
		})
	}
	return s
}

// View is one consistent generation of a snapshot: its metadata, its
// manifest, and reads of its files that are checked against that manifest.
type View struct {
	ID       string
	Metadata snapshot.Metadata
	Manifest snapshot.Manifest

	s        *SnapshotStore
	gen      string // sha256 prefix of manifest.json; "" for legacy
	metaSize int64  // bytes of metadata.json + manifest.json
	legacy   *legacySnapshot
}

// Legacy reports whether the view is a predecessor single-file snapshot.
func (v *View) Legacy() bool { return v.legacy != nil }

// Generation identifies the generation of the snapshot folder the view
// reads (a sha256 prefix of its manifest); "" for legacy snapshots.
func (v *View) Generation() string { return v.gen }

// ---- publishing ----

type encodedSnapshot struct {
	id       string
	files    map[string][]byte
	manifest snapshot.Manifest
	metadata snapshot.Metadata
}

// checkSnapshot refuses what cannot be published: no snapshot, an id that
// is not a date, an unknown status.
func checkSnapshot(snap *snapshot.Snapshot) error {
	if snap == nil {
		return fmt.Errorf("store: publish: nil snapshot")
	}
	id := snap.Metadata.SnapshotID
	if err := ValidDate(id); err != nil {
		return fmt.Errorf("store: publish: snapshot id must be a date: %w", err)
	}
	switch snap.Metadata.Status {
	case snapshot.StatusSuccess, snapshot.StatusPartial, snapshot.StatusFailed:
	default:
		return fmt.Errorf("store: publish %s: unknown status %q", id, snap.Metadata.Status)
	}
	return nil
}

// encode encodes a snapshot's files (Publish on a backend that stages
// whole snapshots; a local directory publishes through a Publication).
func (s *SnapshotStore) encode(snap *snapshot.Snapshot) (*encodedSnapshot, error) {
	if err := checkSnapshot(snap); err != nil {
		return nil, err
	}
	id := snap.Metadata.SnapshotID
	now := s.opts.Now().UTC()
	enc := &encodedSnapshot{id: id, files: map[string][]byte{}}
	gz := s.gzipFor(id, now)
	seen := map[string]bool{}
	dfs := make([]snapshot.DistrictFile, len(snap.Districts))
	for i := range snap.Districts {
		df, err := districtForPublish(id, &snap.Districts[i])
		if err != nil {
			return nil, err
		}
		if seen[df.DistrictID] {
			return nil, fmt.Errorf("store: publish %s: district %s twice", id, df.DistrictID)
		}
		seen[df.DistrictID] = true
		dfs[i] = df
	}
	// The district files are encoded and checksummed in parallel: a world
	// snapshot is 128 of them, ~13 MB of JSON.
	encoded := make([][]byte, len(dfs))
	entries := make([]snapshot.ManifestEntry, len(dfs))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range dfs {
		g.Go(func() error {
			b, e, err := encodeDistrict(id, &dfs[i], gz, now)
			if err != nil {
				return err
			}
			entries[i], encoded[i] = e, b
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for i, e := range entries {
		enc.files[e.FileName] = encoded[i]
	}
	if err := enc.finish(snap, entries, gz, now); err != nil {
		return nil, err
	}
	return enc, nil
}

// districtForPublish is df as published in snapshot id: its id checked and
// canonical, its status success when unset.
func districtForPublish(id string, df *snapshot.DistrictFile) (snapshot.DistrictFile, error) {
	d := *df
	did, err := ValidDistrictID(d.DistrictID)
	if err != nil {
		return d, fmt.Errorf("store: publish %s: %w", id, err)
	}
	d.DistrictID = did
	if d.Status == "" {
		d.Status = snapshot.StatusSuccess
	}
	return d, nil
}

// encodeDistrict encodes a district file of snapshot id (as
// districtForPublish returns it) and gives its manifest entry.
func encodeDistrict(id string, df *snapshot.DistrictFile, gz bool, now time.Time) ([]byte, snapshot.ManifestEntry, error) {
	b, err := marshalDistrictJSON(df)
	if err != nil {
		return nil, snapshot.ManifestEntry{}, fmt.Errorf("store: publish %s: encode district %s: %w", id, df.DistrictID, err)
	}
	return districtEntry(df, b, gz, now)
}

// districtEntry gzips the JSON b of district file df when gz, and gives
// the bytes to write and the manifest entry.
func districtEntry(df *snapshot.DistrictFile, b []byte, gz bool, now time.Time) ([]byte, snapshot.ManifestEntry, error) {
	b, err := maybeGzip(b, gz)
	if err != nil {
		return nil, snapshot.ManifestEntry{}, err
	}
	name := DistrictFileName(df.DistrictID)
	e := snapshot.ManifestEntry{DistrictID: df.DistrictID, FileName: name, Status: df.Status, FileSize: int64(len(b)), CRC32C: crc32cHex(b), LastModified: now}
	if df.Status != snapshot.StatusSuccess {
		e.ErrorMessage = "district " + string(df.Status)
	}
	return b, e, nil
}

// jsonBuffers are the buffers Publication.Add encodes district files into,
// reused once a file is written: a world snapshot is 128 files of ~100 kB,
// which json.Marshal allocated afresh (and grew to size) every time.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// jsonBufferSize is the size of the largest district file encoded so far:
// a buffer is grown to it at once rather than doubled up to it (which
// allocated, and zeroed, over twice its size).
var jsonBufferSize atomic.Int64

// encodeDistrictPooled is encodeDistrict into a buffer of jsonBuffers; done
// gives the buffer back once b is no longer used.
func encodeDistrictPooled(id string, df *snapshot.DistrictFile, gz bool, now time.Time) (b []byte, e snapshot.ManifestEntry, done func(), err error) {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	buf.Grow(int(jsonBufferSize.Load()))
	done = func() { jsonBuffers.Put(buf) }
	// Encode writes what Marshal returns, then a newline.
	if err := encodeDistrictJSON(buf, df); err != nil {
		done()
		return nil, e, nil, fmt.Errorf("store: publish %s: encode district %s: %w", id, df.DistrictID, err)
	}
	if n := int64(buf.Len()); n > jsonBufferSize.Load() {
		jsonBufferSize.Store(n) // a race only loses a size: it is a hint
	}
	b, e, err = districtEntry(df, buf.Bytes()[:buf.Len()-1], gz, now)
	if err != nil {
		done()
		return nil, e, nil, err
	}
	if gz { // b is a copy
		done()
		done = func() {}
	}
	return b, e, done, nil
}

// finish encodes the rankings, manifest (listing the district entries) and
// metadata of snap into enc.files and fills enc's manifest and metadata.
func (enc *encodedSnapshot) finish(snap *snapshot.Snapshot, entries []snapshot.ManifestEntry, gz bool, now time.Time) error {
	md := snap.Metadata
	id := md.SnapshotID
	if md.CreatedAt.IsZero() {
		md.CreatedAt = now
	}
	man := snapshot.Manifest{SnapshotID: id, CreatedAt: md.CreatedAt, Gzip: gz}
	man.Districts = slices.Clone(entries)
	for _, e := range entries {
		if e.Status != snapshot.StatusSuccess {
			man.FailedDistricts++
		} else {
			man.SuccessfulDistricts++
		}
	}
	slices.SortFunc(man.Districts, func(a, b snapshot.ManifestEntry) int { return compareDistrictIDs(a.DistrictID, b.DistrictID) })
	man.TotalDistricts = len(man.Districts)
	man.AllDistrictsRankings = snapshot.ManifestFile{Filename: rankingsFile, Status: "missing"}
	if snap.Rankings != nil {
		rf := *snap.Rankings
		rf.Metadata.SnapshotID = id
		b, err := json.Marshal(&rf)
		if err != nil {
			return fmt.Errorf("store: publish %s: encode rankings: %w", id, err)
		}
		if b, err = maybeGzip(b, gz); err != nil {
			return err
		}
		enc.files[rankingsFile] = b
		man.AllDistrictsRankings = snapshot.ManifestFile{Filename: rankingsFile, Size: int64(len(b)), CRC32C: crc32cHex(b), Status: "present"}
	}
	mdb, err := json.MarshalIndent(&md, "", "  ")
	if err != nil {
		return fmt.Errorf("store: publish %s: encode metadata: %w", id, err)
	}
	enc.files[metadataFile] = mdb
	man.Metadata = &snapshot.ManifestFile{Filename: metadataFile, Size: int64(len(mdb)), CRC32C: crc32cHex(mdb), Status: "present"}
	mb, err := json.MarshalIndent(&man, "", "  ")
	if err != nil {
		return fmt.Errorf("store: publish %s: encode manifest: %w", id, err)
	}
	enc.files[manifestFile] = mb
	enc.manifest = man
	enc.metadata = md
	return nil
}

// gzipFor reports whether snapshot id, published at now, is stored
// compressed (Options.Gzip and Options.GzipAfter).
func (s *SnapshotStore) gzipFor(id string, now time.Time) bool {
	if s.opts.Gzip {
		return true
	}
	if s.opts.GzipAfter <= 0 {
		return false
	}
	day, err := time.Parse(time.DateOnly, id)
	return err == nil && now.Sub(day) > s.opts.GzipAfter
}

// maybeGzip returns b, gzip-compressed (fastest level) when gz is true.
func maybeGzip(b []byte, gz bool) ([]byte, error) {
	if !gz {
		return b, nil
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if _, err := zw.Write(b); err != nil {
		return nil, fmt.Errorf("store: gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("store: gzip: %w", err)
	}
	return buf.Bytes(), nil
}

// decode returns b, gunzipped when it is gzip data.
func decode(b []byte) ([]byte, error) {
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return b, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: gzip: %v", ErrCorrupt, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%w: gzip: %v", ErrCorrupt, err)
	}
	return out, nil
}

// Publish writes a whole snapshot atomically: readers see the old state or
// the new one, never a mix, also when the id is rebuilt. current.json moves
// to it only when its status is success and its id is >= the current id (or
// current.json is missing or names no complete successful snapshot).
//
// A partial or failed rebuild never replaces a complete successful snapshot
// of the same id: Publish returns ErrSuccessExists and changes nothing. A
// snapshot built from an older collection never replaces one built from a
// newer collection: ErrNewerCollection, nothing changed. Both are decided
// under the publish lock, so they hold when builds race.
func (s *SnapshotStore) Publish(ctx context.Context, snap *snapshot.Snapshot) error {
	if _, ok := s.objs.(fileStager); ok {
		if _, ok := s.objs.(DirSwapper); ok {
			return s.publishStreaming(ctx, snap)
		}
	}
	enc, err := s.encode(snap)
	if err != nil {
		return err
	}
	id := enc.id
	lk, err := s.lock(ctx, snapshotsLock)
	if err != nil {
		return err
	}
	defer s.settleCurrent(ctx) // after the unlock: readers need no lock
	defer lk.Unlock()
	defer s.invalidate(id)
	// On object storage the lock is a lease: once it is lost, every
	// request made under it stops (and the checks below refuse to go on).
	ctx = lk.Context()

	oldManifest, oldGen, err := s.beforePublish(ctx, id)
	if err != nil {
		return lk.LostOr(err)
	}
	if err := s.refuseReplace(ctx, id, &enc.metadata); err != nil {
		return lk.LostOr(err)
	}
	sw, ok := s.objs.(DirSwapper)
	if !ok {
		existed, err := s.publishInPlace(ctx, enc, oldManifest, lk)
		if err != nil {
			return fmt.Errorf("store: publish %s: %w", id, err)
		}
		return s.published(ctx, enc, len(snap.Districts), existed, lk)
	}
	staged := snapshotsPrefix + genPrefix + id + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if err := s.stage(ctx, staged, enc.files); err != nil {
		_ = s.objs.Delete(context.WithoutCancel(ctx), staged+"/")
		return fmt.Errorf("store: publish %s: stage: %w", id, lk.LostOr(err))
	}
	if err := lk.Check(ctx); err != nil {
		_ = s.objs.Delete(context.WithoutCancel(ctx), staged+"/")
		return fmt.Errorf("store: publish %s: %w", id, err)
	}
	return s.swapIn(ctx, sw, enc, staged, oldGen, len(snap.Districts), lk)
}

// publishStreaming is Publish on a local directory (a fileStager that swaps
// folders), as one Publication: each district file is encoded, written
// into the staged folder and fsynced while the others are still being
// encoded, so the encoded bytes do not all stay in memory at once (a world
// snapshot is ~13 MB of JSON) and file creation and fsync waits overlap the
// encoding. What is durable before the swap, and the swap itself, are as in
// Publish's other path.
func (s *SnapshotStore) publishStreaming(ctx context.Context, snap *snapshot.Snapshot) error {
	if err := checkSnapshot(snap); err != nil {
		return err
	}
	p, err := s.Begin(ctx, snap.Metadata.SnapshotID)
	if err != nil {
		return err
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range snap.Districts {
		g.Go(func() error { return p.Add(&snap.Districts[i]) })
	}
	_ = g.Wait() // an error of Add is Publish's
	head := *snap
	head.Districts = nil
	return p.Publish(ctx, &head)
}

// beforePublish is the start of every publish, under the lock: an
// interrupted publish is resumed and leftovers collected, and the manifest
// of the generation being replaced is read (nil and "" when there is none).
func (s *SnapshotStore) beforePublish(ctx context.Context, id string) (oldManifest []byte, oldGen string, err error) {
	s.resumeInterrupted(ctx)
	s.collectGarbage(ctx, false)
	if b, err := s.objs.Read(ctx, snapshotsPrefix+id+"/"+manifestFile); err == nil {
		return b, genOf(b), nil
	}
	return nil, "", nil
}

// refuseReplace decides, under the publish lock, whether a snapshot with
// metadata md may replace the snapshot id in place: a snapshot that is not
// a success never replaces a complete success (ErrSuccessExists), and one
// built from an older collection never replaces one built from a newer
// collection (ErrNewerCollection). A snapshot in place whose metadata does
// not read is replaced.
func (s *SnapshotStore) refuseReplace(ctx context.Context, id string, md *snapshot.Metadata) error {
	if md.Status != snapshot.StatusSuccess {
		if st := s.verify(ctx, id, false); st.Complete && st.Status == snapshot.StatusSuccess {
			return fmt.Errorf("%w: %s (new status %s)", ErrSuccessExists, id, md.Status)
		}
	}
	old, err := s.readMetadataFile(ctx, id)
	if err != nil {
		return nil
	}
	if in, now := old.Collection(), md.Collection(); in != "" && now != "" && in > now {
		return fmt.Errorf("%w: %s was built from collection %s; this build is from %s", ErrNewerCollection, id, in, now)
	}
	return nil
}

// swapIn puts the staged folder in place (SwapDir), retires the generation
// it replaced and ends the publish (published). Caller holds the lock.
func (s *SnapshotStore) swapIn(ctx context.Context, sw DirSwapper, enc *encodedSnapshot, staged, oldGen string, districts int, lk *HeldLock) error {
	id := enc.id
	existed, err := sw.SwapDir(ctx, staged+"/", snapshotsPrefix+id+"/")
	if err != nil {
		_ = s.objs.Delete(context.WithoutCancel(ctx), staged+"/")
		return fmt.Errorf("store: publish %s: %w", id, err)
	}
	// The snapshot is in place: the publish has happened, and what is left
	// (retiring the old generation, moving the pointer) must not stop half
	// way because the build was cancelled (a SIGTERM, a cancelled job), or
	// current.json stays on an older snapshot that no later build moves.
	// Only the loss of a lock lease stops it.
	ctx, cancel := lk.detach(ctx)
	defer cancel()
	if existed {
		// staged now holds the replaced generation; keep it for open Views.
		if oldGen == "" {
			oldGen = "unknown"
		}
		retired := snapshotsPrefix + oldPrefix + id + "-" + oldGen + "-" + strconv.FormatInt(s.opts.Now().UnixNano(), 10)
		if r, ok := s.objs.(interface {
			Rename(ctx context.Context, from, to string) error
		}); ok {
			if err := r.Rename(ctx, staged+"/", retired+"/"); err != nil {
				s.log.Warn("retire old generation", "id", id, "err", err)
			}
		} else {
			_ = s.objs.Delete(ctx, staged+"/")
		}
	}
	return s.published(ctx, enc, districts, existed, lk)
}

// published ends a Publish once the snapshot is in place: the pointer. A
// cancelled ctx does not stop it (see swapIn); a lost lock lease does: lk
// is confirmed right before the pointer is moved, and its loss ends the
// move (a stale compare-and-swap would not be sent).
func (s *SnapshotStore) published(ctx context.Context, enc *encodedSnapshot, districts int, existed bool, lk *HeldLock) error {
	ctx, cancel := lk.detach(ctx)
	defer cancel()
	id := enc.id
	s.invalidate(id)
	if enc.metadata.Status == snapshot.StatusSuccess {
		if err := lk.Check(ctx); err != nil {
			return fmt.Errorf("store: publish %s: snapshot written, pointer not moved: %w", id, err)
		}
		if _, err := s.maybeMovePointer(ctx, id); err != nil {
			return fmt.Errorf("store: publish %s: snapshot written, pointer not moved: %w", id, lk.LostOr(err))
		}
	}
	s.log.Info("snapshot published", "id", id, "status", enc.metadata.Status, "districts", districts, "replaced", existed)
	return nil
}

func (s *SnapshotStore) stage(ctx context.Context, prefix string, files map[string][]byte) error {
	if st, ok := s.objs.(Stager); ok {
		return st.Stage(ctx, prefix+"/", files)
	}
	for name, b := range files {
		if err := s.objs.Write(ctx, prefix+"/"+name, b); err != nil {
			return err
		}
	}
	return nil
}

func genOf(manifest []byte) string { return sha256Hex(manifest)[:16] }

// maybeMovePointer points current.json at id when id is at least as new as
// the current snapshot, or the pointer is missing or broken; moved is false
// when the pointer names a newer complete successful snapshot. Caller holds
// the lock and has checked id is a complete success.
func (s *SnapshotStore) maybeMovePointer(ctx context.Context, id string) (moved bool, err error) {
	return s.movePointer(ctx, id, true)
}

// movePointer writes current.json naming id. With keepNewer, a pointer
// that names a newer complete successful snapshot is left alone (moved is
// false).
//
// On a backend with ConditionalWriter (object storage) the decision and
// the write are one compare-and-swap: the pointer is read with its version
// and written with If-Match on it (If-None-Match: * when it was absent), and
// when another writer moved it in between, the decision is taken again on
// what that writer wrote. So two builders can never both move it from the
// same state, and an older collection never replaces a newer one, even
// when the lock between them failed.
func (s *SnapshotStore) movePointer(ctx context.Context, id string, keepNewer bool) (moved bool, err error) {
	md, err := s.readMetadataFile(ctx, id)
	if err != nil {
		return false, err
	}
	p := snapshot.CurrentPointer{SnapshotID: id, UpdatedAt: s.opts.Now().UTC(), SchemaVersion: md.SchemaVersion, CalculationVersion: md.CalculationVersion}
	b, err := json.MarshalIndent(&p, "", "  ")
	if err != nil {
		return false, err
	}
	newer := func(cur []byte) bool {
		var cp snapshot.CurrentPointer
		if !keepNewer || json.Unmarshal(cur, &cp) != nil || ValidDate(cp.SnapshotID) != nil || cp.SnapshotID <= id {
			return false
		}
		st := s.verify(ctx, cp.SnapshotID, false)
		return st.Complete && st.Status == snapshot.StatusSuccess
	}
	defer s.invalidatePointer()
	cw, ok := s.objs.(ConditionalWriter)
	if !ok {
		if cur, err := s.objs.Read(ctx, currentKey); err == nil && newer(cur) {
			return false, nil // the current snapshot is newer and sound
		}
		if err := s.objs.Write(ctx, currentKey, b); err != nil {
			return false, err
		}
		return true, nil
	}
	for attempt := 0; attempt < 20; attempt++ {
		cur, version, err := cw.ReadVersion(ctx, currentKey)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			version = ""
		case err != nil:
			return false, err
		case newer(cur):
			return false, nil
		}
		written, err := cw.WriteIfVersion(ctx, currentKey, b, version)
		if err != nil {
			return false, err
		}
		if written {
			return true, nil
		}
		s.log.Info("current.json changed while moving it; deciding again", "id", id)
	}
	return false, fmt.Errorf("store: current.json keeps changing under concurrent writers")
}

func (s *SnapshotStore) readPointer(ctx context.Context) (*snapshot.CurrentPointer, error) {
	b, err := s.objs.Read(ctx, currentKey)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: current.json missing", ErrNoSnapshot)
		}
		return nil, err
	}
	return parsePointer(b)
}

// parsePointer reads the bytes of a current.json (ErrCorrupt when they do
// not parse or name no valid snapshot id).
func parsePointer(b []byte) (*snapshot.CurrentPointer, error) {
	var p snapshot.CurrentPointer
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%w: current.json: %v", ErrCorrupt, err)
	}
	if err := validSnapshotID(p.SnapshotID); err != nil {
		return nil, fmt.Errorf("%w: current.json names %q", ErrCorrupt, truncate(p.SnapshotID))
	}
	return &p, nil
}

// Pointer returns current.json as stored (ErrNoSnapshot when missing).
func (s *SnapshotStore) Pointer(ctx context.Context) (*snapshot.CurrentPointer, error) {
	return s.readPointer(ctx)
}

func (s *SnapshotStore) readMetadataFile(ctx context.Context, id string) (*snapshot.Metadata, error) {
	b, err := s.objs.Read(ctx, snapshotsPrefix+id+"/"+metadataFile)
	if err != nil {
		return nil, err
	}
	var md snapshot.Metadata
	if err := json.Unmarshal(b, &md); err != nil {
		return nil, fmt.Errorf("%w: %s/%s: %v", ErrCorrupt, id, metadataFile, err)
	}
	return &md, nil
}

// ---- cache ----

// invalidatePointer makes the next Current resolve the pointer again.
func (s *SnapshotStore) invalidatePointer() {
	s.cur.force.Store(true)
}

// settleCurrent resolves the pointer now when a write made it stale, so
// the writer pays for the check and readers never do. A process that has
// never read Current (a command-line build) has no readers to spare: the
// check, which stats every file of the snapshot, is left to the first
// Current, which resolves anyway while the pointer is marked stale.
func (s *SnapshotStore) settleCurrent(ctx context.Context) {
	if s.cur.force.Load() && s.cur.read.Load() {
		if _, err := s.refreshCurrent(context.WithoutCancel(ctx)); err != nil && !errors.Is(err, ErrNoSnapshot) {
			s.log.Warn("current snapshot check after write", "err", err)
		}
	}
}

// invalidate drops everything cached about snapshot id; when id is the
// snapshot readers are served, the next Current resolves again.
func (s *SnapshotStore) invalidate(id string) {
	if st := s.cur.state.Load(); st != nil && st.view.ID == id {
		s.cur.force.Store(true)
	}
	s.dropCached(id)
}

// dropCached drops the cached view and files of snapshot id.
func (s *SnapshotStore) dropCached(id string) {
	if s.cache == nil {
		return
	}
	s.cache.Delete("view|" + id)
	s.cache.Delete("list")
	pre, obj := "file|"+id+"|", "obj|"+id+"|"
	for k := range s.cache.Items() {
		if strings.HasPrefix(k, pre) || strings.HasPrefix(k, obj) {
			s.cache.Delete(k)
		}
	}
}

// sizedValue is a cached decoded file with its estimated memory size.
type sizedValue struct {
	v    any
	size int64
}

// cacheBytesSet caches file bytes within the memory bound.
func (s *SnapshotStore) cacheBytesSet(key string, b []byte) {
	s.cacheSized(key, b, int64(len(b)))
}

// cacheSized caches v (file bytes or a *sizedValue) of n bytes within the
// memory bound: the bytes are reserved first (compare-and-swap), so the
// total never exceeds MaxCacheBytes even under concurrent loads.
func (s *SnapshotStore) cacheSized(key string, b any, n int64) {
	if s.cache == nil || n > s.opts.MaxCacheBytes/4 {
		return
	}
	if s.cacheBytes.Load()+n > s.opts.MaxCacheBytes || s.sets.Add(1)%256 == 0 {
		s.cache.DeleteExpired() // expired entries still hold their bytes
	}
	for {
		cur := s.cacheBytes.Load()
		if cur+n > s.opts.MaxCacheBytes {
			return // full: the hot files already cached stay until they expire
		}
		if s.cacheBytes.CompareAndSwap(cur, cur+n) {
			break
		}
	}
	s.cache.Delete(key) // an expired copy would otherwise be overwritten uncounted
	if err := s.cache.Add(key, b, gocache.DefaultExpiration); err != nil {
		s.cacheBytes.Add(-n)
	}
}

// ---- reading ----

// snapshotIDs lists the dated snapshot folders, ascending.
func (s *SnapshotStore) snapshotIDs(ctx context.Context) ([]string, error) {
	ents, err := s.objs.List(ctx, snapshotsPrefix)
	if err != nil {
		return nil, fmt.Errorf("store: list snapshots: %w", err)
	}
	var ids []string
	for _, e := range ents {
		if name, ok := strings.CutSuffix(strings.TrimPrefix(e, snapshotsPrefix), "/"); ok && ValidDate(name) == nil {
			ids = append(ids, name)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// legacyIDs lists the predecessor's single-file snapshots.
func (s *SnapshotStore) legacyIDs(ctx context.Context) ([]string, error) {
	ents, err := s.objs.List(ctx, snapshotsPrefix)
	if err != nil {
		return nil, fmt.Errorf("store: list snapshots: %w", err)
	}
	var ids []string
	for _, e := range ents {
		name := strings.TrimPrefix(e, snapshotsPrefix)
		if id, ok := strings.CutSuffix(name, ".json"); ok && validLegacyID(id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// Get returns a View of snapshot id (a date, or a predecessor legacy id).
// ErrSnapshotNotFound when there is no such snapshot.
func (s *SnapshotStore) Get(ctx context.Context, id string) (*View, error) {
	start := s.stats.begin()
	defer s.stats.end(start)
	return s.get(ctx, id, true)
}

// GetFresh is Get without the read cache: it reads the snapshot from disk,
// so it sees a snapshot another process published a moment ago. Writers
// use it to decide whether to replace what is there.
func (s *SnapshotStore) GetFresh(ctx context.Context, id string) (*View, error) {
	start := s.stats.begin()
	defer s.stats.end(start)
	return s.get(ctx, id, false)
}

// Exists reports whether snapshot id exists (its metadata is readable).
func (s *SnapshotStore) Exists(ctx context.Context, id string) bool {
	start := s.stats.begin()
	defer s.stats.end(start)
	_, err := s.get(ctx, id, true)
	return err == nil
}

// get reads snapshot id, through the read cache with useCache. A cached
// read counts a cache hit or miss, so its caller counts it as a read
// (stats.begin and end): the hit rate is hits over reads.
func (s *SnapshotStore) get(ctx context.Context, id string, useCache bool) (*View, error) {
	if err := validSnapshotID(id); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSnapshotNotFound, err)
	}
	key := "view|" + id
	if useCache && s.cache != nil {
		if v, ok := s.cache.Get(key); ok {
			s.stats.hit()
			return v.(*View), nil
		}
	}
	if useCache {
		s.stats.miss()
	}
	v, err, _ := s.sf.Do(key, func() (any, error) {
		view, err := s.loadView(ctx, id)
		if err != nil {
			return nil, err
		}
		if s.cache != nil {
			s.cache.SetDefault(key, view)
		}
		return view, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*View), nil
}

func (s *SnapshotStore) loadView(ctx context.Context, id string) (*View, error) {
	if ValidDate(id) != nil {
		return s.loadLegacy(ctx, id)
	}
	dir := snapshotsPrefix + id + "/"
	var problem error
	// The folder can appear, be swapped or disappear between two reads; a
	// consistent answer needs the manifest unchanged around the metadata.
	// Published in place (object storage), a rebuild's commit removes the
	// manifest for the few milliseconds of two writes: wait that out.
	attempts, pause := 6, time.Duration(0)
	if s.inPlace() {
		attempts, pause = 16, 25*time.Millisecond
	}
	for attempt := 0; attempt < attempts; attempt++ {
		if attempt > 0 && pause > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(pause):
			}
		}
		m1, err := s.objs.Read(ctx, dir+manifestFile)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("store: read snapshot %s: %w", id, err)
		}
		mdb, err2 := s.objs.Read(ctx, dir+metadataFile)
		if err2 != nil && !errors.Is(err2, fs.ErrNotExist) {
			return nil, fmt.Errorf("store: read snapshot %s: %w", id, err2)
		}
		if err != nil && err2 != nil {
			// Neither file: maybe a legacy file of that name.
			if v, err3 := s.loadLegacy(ctx, id); err3 == nil {
				return v, nil
			}
			return nil, fmt.Errorf("%w: %s", ErrSnapshotNotFound, id)
		}
		if err != nil {
			problem = fmt.Errorf("%w: %s: manifest.json missing", ErrCorrupt, id)
			continue
		}
		if err2 != nil {
			problem = fmt.Errorf("%w: %s: metadata.json missing", ErrCorrupt, id)
			continue
		}
		m2, err := s.objs.Read(ctx, dir+manifestFile)
		if err != nil || !bytes.Equal(m1, m2) {
			problem = fmt.Errorf("store: read snapshot %s: folder keeps changing", id)
			continue
		}
		v := &View{ID: id, s: s, gen: genOf(m1), metaSize: int64(len(m1) + len(mdb))}
		if err := json.Unmarshal(m1, &v.Manifest); err != nil {
			return nil, fmt.Errorf("%w: %s/manifest.json: %v", ErrCorrupt, id, err)
		}
		if err := json.Unmarshal(mdb, &v.Metadata); err != nil {
			return nil, fmt.Errorf("%w: %s/metadata.json: %v", ErrCorrupt, id, err)
		}
		return v, nil
	}
	return nil, problem
}

// DistrictIDs lists the districts the snapshot has data for (successful
// manifest entries), numerically then alphabetically.
func (v *View) DistrictIDs() []string {
	var ids []string
	if v.legacy != nil {
		for _, d := range v.legacy.Payload.Districts {
			ids = append(ids, d.DistrictID)
		}
	} else {
		for _, e := range v.Manifest.Districts {
			if e.Status == snapshot.StatusSuccess {
				ids = append(ids, e.DistrictID)
			}
		}
	}
	slices.SortFunc(ids, compareDistrictIDs)
	return ids
}

func (v *View) entry(districtID string) (*snapshot.ManifestEntry, error) {
	id, err := ValidDistrictID(districtID)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDistrictNotFound, err)
	}
	for i := range v.Manifest.Districts {
		e := &v.Manifest.Districts[i]
		if strings.EqualFold(e.DistrictID, id) {
			if e.Status != snapshot.StatusSuccess {
				return nil, fmt.Errorf("%w: district %s %s in snapshot %s", ErrDistrictNotFound, id, e.Status, v.ID)
			}
			return e, nil
		}
	}
	return nil, fmt.Errorf("%w: district %s not in snapshot %s", ErrDistrictNotFound, id, v.ID)
}

// DistrictJSON returns the district file's JSON (decompressed), checked
// against the manifest. The bytes are shared with the cache: do not modify.
func (v *View) DistrictJSON(ctx context.Context, districtID string) ([]byte, error) {
	if v.legacy != nil {
		df, err := v.District(ctx, districtID)
		if err != nil {
			return nil, err
		}
		return json.Marshal(df)
	}
	e, err := v.entry(districtID)
	if err != nil {
		return nil, err
	}
	name := e.FileName
	if name == "" {
		name = DistrictFileName(e.DistrictID)
	}
	return v.readFile(ctx, name, e.FileSize, manifestSum(e.CRC32C, e.SHA256))
}

// District returns one district's file (ErrDistrictNotFound when the
// snapshot has no data for it).
func (v *View) District(ctx context.Context, districtID string) (*snapshot.DistrictFile, error) {
	if v.legacy != nil {
		return v.legacy.district(districtID)
	}
	b, err := v.DistrictJSON(ctx, districtID)
	if err != nil {
		return nil, err
	}
	var df snapshot.DistrictFile
	if err := json.Unmarshal(b, &df); err != nil {
		return nil, fmt.Errorf("%w: %s/district %s: %v", ErrCorrupt, v.ID, districtID, err)
	}
	return &df, nil
}

// DistrictShared is District without the private copy: the decoded file is
// cached per generation and the same value is returned to every caller, so
// it MUST NOT be modified. Use it on hot read paths (it saves the JSON
// decoding District does on every call).
func (v *View) DistrictShared(ctx context.Context, districtID string) (*snapshot.DistrictFile, error) {
	if v.legacy != nil || v.s.cache == nil {
		return v.District(ctx, districtID)
	}
	e, err := v.entry(districtID)
	if err != nil {
		return nil, err
	}
	key := "obj|" + v.ID + "|" + v.gen + "|" + e.DistrictID
	name := e.FileName
	if name == "" {
		name = DistrictFileName(e.DistrictID)
	}
	if x, ok := v.s.cache.Get(key); ok && v.unchanged(ctx, name, key) {
		return x.(*sizedValue).v.(*snapshot.DistrictFile), nil
	}
	b, err := v.DistrictJSON(ctx, districtID)
	if err != nil {
		return nil, err
	}
	var df snapshot.DistrictFile
	if err := json.Unmarshal(b, &df); err != nil {
		return nil, fmt.Errorf("%w: %s/district %s: %v", ErrCorrupt, v.ID, districtID, err)
	}
	// Decoded structures take roughly twice their JSON size.
	v.s.cacheSized(key, &sizedValue{v: &df, size: 2 * int64(len(b))}, 2*int64(len(b)))
	return &df, nil
}

// RankingsShared is Rankings without the private copy: the decoded file is
// cached per generation and shared by every caller, so it MUST NOT be
// modified.
func (v *View) RankingsShared(ctx context.Context) (*snapshot.RankingsFile, error) {
	if v.legacy != nil || v.s.cache == nil {
		return v.Rankings(ctx)
	}
	key := "obj|" + v.ID + "|" + v.gen + "|" + rankingsFile
	rname := v.Manifest.AllDistrictsRankings.Filename
	if rname == "" {
		rname = rankingsFile
	}
	if x, ok := v.s.cache.Get(key); ok && v.unchanged(ctx, rname, key) {
		return x.(*sizedValue).v.(*snapshot.RankingsFile), nil
	}
	b, err := v.RankingsJSON(ctx)
	if err != nil {
		return nil, err
	}
	var rf snapshot.RankingsFile
	if err := json.Unmarshal(b, &rf); err != nil {
		return nil, fmt.Errorf("%w: %s/%s: %v", ErrCorrupt, v.ID, rankingsFile, err)
	}
	v.s.cacheSized(key, &sizedValue{v: &rf, size: 2 * int64(len(b))}, 2*int64(len(b)))
	return &rf, nil
}

// RankingsJSON returns all-districts-rankings.json (decompressed), checked
// against the manifest. The bytes are shared with the cache: do not modify.
func (v *View) RankingsJSON(ctx context.Context) ([]byte, error) {
	if v.legacy != nil {
		return nil, fmt.Errorf("%w: legacy snapshot %s", ErrNoRankings, v.ID)
	}
	r := v.Manifest.AllDistrictsRankings
	if r.Status != "present" {
		return nil, fmt.Errorf("%w: %s", ErrNoRankings, v.ID)
	}
	name := r.Filename
	if name == "" {
		name = rankingsFile
	}
	b, err := v.readFile(ctx, name, r.Size, manifestSum(r.CRC32C, r.SHA256))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s: %w", ErrNoRankings, v.ID, err)
	}
	return b, err
}

// Rankings returns the all-districts rankings (ErrNoRankings when the
// snapshot has none).
func (v *View) Rankings(ctx context.Context) (*snapshot.RankingsFile, error) {
	b, err := v.RankingsJSON(ctx)
	if err != nil {
		return nil, err
	}
	var rf snapshot.RankingsFile
	if err := json.Unmarshal(b, &rf); err != nil {
		return nil, fmt.Errorf("%w: %s/%s: %v", ErrCorrupt, v.ID, rankingsFile, err)
	}
	return &rf, nil
}

// readFile reads a file of the view's generation through the cache and
// singleflight, verifying it against the manifest's size and checksum
// (manifestSum).
func (v *View) readFile(ctx context.Context, name string, size int64, sum string) ([]byte, error) {
	s := v.s
	start := s.stats.begin()
	defer s.stats.end(start)
	key := "file|" + v.ID + "|" + v.gen + "|" + name
	if s.cache != nil {
		if b, ok := s.cache.Get(key); ok && v.unchanged(ctx, name, key) {
			s.stats.hit()
			return b.([]byte), nil
		}
	}
	s.stats.miss()
	res, err, _ := s.sf.Do(key, func() (any, error) {
		if s.cache != nil {
			v.recordStamp(ctx, name)
		}
		raw, err := v.readGenerationFile(ctx, name, size, sum)
		v.noteRead(name, err)
		if err != nil {
			if errors.Is(err, ErrGenerationGone) {
				// Let the next Get and the next check load the new generation.
				s.dropCached(v.ID)
				s.checkInBackground()
			}
			return nil, err
		}
		b, err := decode(raw)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", v.ID, name, err)
		}
		s.cacheBytesSet(key, b)
		return b, nil
	})
	if err != nil {
		return nil, err
	}
	return res.([]byte), nil
}

// readGenerationFile reads name from the snapshot folder; when the folder
// has been replaced since the view was opened it reads the retired
// generation instead.
func (v *View) readGenerationFile(ctx context.Context, name string, size int64, sum string) ([]byte, error) {
	s := v.s
	key := snapshotsPrefix + v.ID + "/" + name
	b, err := s.objs.Read(ctx, key)
	if err == nil && sum == "" {
		return b, nil // predecessor manifest: nothing to verify against
	}
	if err == nil && sumMatches(sum, b) {
		return b, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("store: read %s: %w", key, err)
	}
	oldPre := snapshotsPrefix + oldPrefix + v.ID + "-" + v.gen + "-"
	genPre := snapshotsPrefix + genPrefix + v.ID + "-"
	if s.inPlace() {
		// Published in place, a rebuild overwrites the files before it
		// replaces the manifest: the view's generation is in the .old- copy.
		if ob, ok := v.findRetired(ctx, oldPre, "", name, sum); ok {
			return ob, nil
		}
	}
	// Mismatch or missing: was the folder replaced?
	if m, err2 := s.objs.Read(ctx, snapshotsPrefix+v.ID+"/"+manifestFile); err2 == nil && genOf(m) == v.gen {
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrCorrupt, key, err)
		}
		return nil, &ChecksumError{Key: key, Want: sum, Got: sumOf(sum, b)}
	}
	// The replaced generation is at .gen-<id>-* for an instant after the
	// exchange, then at .old-<id>-<gen>-*; the listing can race the rename,
	// so look a few times. Every candidate is checked against the checksum.
	for attempt := 0; attempt < 3; attempt++ {
		if ob, ok := v.findRetired(ctx, oldPre, genPre, name, sum); ok {
			return ob, nil
		}
	}
	return nil, fmt.Errorf("%w: %s (generation %s)", ErrGenerationGone, v.ID, v.gen)
}

// findRetired looks for file name with checksum sum in the hidden folders of
// snapshots/ whose keys start with one of the prefixes.
func (v *View) findRetired(ctx context.Context, oldPre, genPre, name, sum string) ([]byte, bool) {
	s := v.s
	ents, err := s.objs.List(ctx, snapshotsPrefix)
	if err != nil {
		return nil, false
	}
	for _, e := range ents {
		if (strings.HasPrefix(e, oldPre) || genPre != "" && strings.HasPrefix(e, genPre)) && strings.HasSuffix(e, "/") {
			if ob, err := s.objs.Read(ctx, e+name); err == nil && sumMatches(sum, ob) {
				return ob, true
			}
		}
	}
	return nil, false
}

// ---- statistics ----

// Stats are the snapshot store's read counters since the last ResetStats.
type Stats struct {
	Reads              int64         `json:"totalReads"`
	CacheHits          int64         `json:"cacheHits"`
	CacheMisses        int64         `json:"cacheMisses"`
	AverageReadTime    time.Duration `json:"averageReadTime"`
	MaxReadTime        time.Duration `json:"maxReadTime"`
	ConcurrentReads    int64         `json:"concurrentReads"`
	MaxConcurrentReads int64         `json:"maxConcurrentReads"`
	// CachedBytes is the memory held by cached files.
	CachedBytes int64 `json:"cachedBytes"`
}

type statsCounters struct {
	reads, hits, misses    atomic.Int64
	totalNanos, maxNanos   atomic.Int64
	concurrent, maxConcurr atomic.Int64
}

func (c *statsCounters) begin() time.Time {
	n := c.concurrent.Add(1)
	for {
		m := c.maxConcurr.Load()
		if n <= m || c.maxConcurr.CompareAndSwap(m, n) {
			break
		}
	}
	return time.Now()
}

func (c *statsCounters) end(start time.Time) {
	d := int64(time.Since(start))
	c.concurrent.Add(-1)
	c.reads.Add(1)
	c.totalNanos.Add(d)
	for {
		m := c.maxNanos.Load()
		if d <= m || c.maxNanos.CompareAndSwap(m, d) {
			break
		}
	}
}

func (c *statsCounters) hit()  { c.hits.Add(1) }
func (c *statsCounters) miss() { c.misses.Add(1) }

// Stats returns the read counters: reads (Current, Get and file reads),
// cache hits and misses, average and maximum read time, reads in flight and
// the most reads ever in flight at once.
func (s *SnapshotStore) Stats() Stats {
	c := &s.stats
	st := Stats{
		Reads:              c.reads.Load(),
		CacheHits:          c.hits.Load(),
		CacheMisses:        c.misses.Load(),
		MaxReadTime:        time.Duration(c.maxNanos.Load()),
		ConcurrentReads:    c.concurrent.Load(),
		MaxConcurrentReads: c.maxConcurr.Load(),
		CachedBytes:        s.cacheBytes.Load(),
	}
	if st.Reads > 0 {
		st.AverageReadTime = time.Duration(c.totalNanos.Load() / st.Reads)
	}
	return st
}

// ResetStats zeroes the counters (reads in flight keep counting).
func (s *SnapshotStore) ResetStats() {
	c := &s.stats
	c.reads.Store(0)
	c.hits.Store(0)
	c.misses.Store(0)
	c.totalNanos.Store(0)
	c.maxNanos.Store(0)
	c.maxConcurr.Store(c.concurrent.Load())
}

// FlushCache empties the read cache (the admin API's cache clear).
func (s *SnapshotStore) FlushCache() {
	if s.cache != nil {
		s.cache.DeleteExpired()
		for k := range s.cache.Items() {
			s.cache.Delete(k) // through OnEvicted, so the byte count stays right
		}
	}
}
