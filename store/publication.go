package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/toaststats/toaststats/snapshot"
)

// Publication is a snapshot published district by district: Begin starts
// it, Add encodes each district file and, on a local directory, writes it
// into the staged folder at once (fsynced there, or, where the file system
// has barriers, made durable with all the others by one barrier before the
// swap), while the caller computes the next districts; Publish adds the rankings, manifest and metadata and puts
// the snapshot in place; Abort drops it. The result, the files made
// durable before the swap and the swap itself are exactly those of
// SnapshotStore.Publish with the same snapshot (same bytes: the district
// files, and the manifest listing them sorted, do not depend on the order
// of Add calls). A builder that normalises districts in parallel so
// overlaps the encoding, writing and fsyncing of the snapshot with the
// normalising of the next districts instead of doing it after all of them.
//
// On a local directory the store's publish lock is held from Begin to
// Publish or Abort. On a backend that stages whole snapshots (object
// storage) Add keeps the district files and Publish hands everything to
// SnapshotStore.Publish.
//
// Add is safe for concurrent use, but every Add must have returned before
// Publish or Abort is called; Publish and Abort end the publication (Abort
// after Publish does nothing).
type Publication struct {
	s   *SnapshotStore
	ctx context.Context
	id  string
	now time.Time
	gz  bool

	// On a local directory (fst != nil): the staged folder, the replaced
	// generation, the lock and the writes in flight.
	fst    fileStager
	staged string
	oldGen string
	lock   *HeldLock
	writes errgroup.Group
	// bar, when the file system has barriers, makes the staged files
	// durable at once before the swap (each is then written without an
	// fsync of its own).
	bar barrier

	onStaged func(stamp string, md *snapshot.Metadata) // OnStaged

	mu      sync.Mutex
	seen    map[string]bool
	entries []snapshot.ManifestEntry
	kept    []snapshot.DistrictFile // fst == nil: the districts for Publish
	err     error                   // the first error of Add
	ended   bool
}

// Begin starts the publication of snapshot id (a date). On a local
// directory it takes the publish lock, resumes an interrupted publish and
// collects leftovers, as Publish does, and creates the staged folder.
func (s *SnapshotStore) Begin(ctx context.Context, id string) (*Publication, error) {
	if err := ValidDate(id); err != nil {
		return nil, fmt.Errorf("store: publish: snapshot id must be a date: %w", err)
	}
	now := s.opts.Now().UTC()
	p := &Publication{s: s, ctx: ctx, id: id, now: now, gz: s.gzipFor(id, now), seen: map[string]bool{}}
	fst, ok := s.objs.(fileStager)
	if _, swaps := s.objs.(DirSwapper); !ok || !swaps {
		return p, nil
	}
	lk, err := s.lock(ctx, snapshotsLock)
	if err != nil {
		return nil, err
	}
	// The metadata is not known yet: Publish decides, under this lock,
	// whether it may replace the snapshot in place (refuseReplace).
	_, oldGen, err := s.beforePublish(ctx, id)
	if err != nil {
		lk.Unlock()
		return nil, err
	}
	p.fst, p.oldGen, p.lock = fst, oldGen, lk
	p.staged = snapshotsPrefix + genPrefix + id + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	p.bar = fst.openBarrier()
	if err := fst.beginStage(p.staged+"/", p.bar == nil); err != nil {
		p.Abort()
		return nil, fmt.Errorf("store: publish %s: stage: %w", id, err)
	}
	p.writes.SetLimit(stageParallel)
	return p, nil
}

// Add adds a district file: encoded here, then (on a local directory)
// written (and, without a barrier, fsynced) into the staged folder in the
// background, at most stageParallel at once. An error ends nothing: Publish returns it.
func (p *Publication) Add(df *snapshot.DistrictFile) error {
	d, err := districtForPublish(p.id, df)
	if err != nil {
		return p.fail(err)
	}
	p.mu.Lock()
	switch {
	case p.ended:
		err = fmt.Errorf("store: publish %s: district %s added after the end", p.id, d.DistrictID)
	case p.seen[d.DistrictID]:
		err = fmt.Errorf("store: publish %s: district %s twice", p.id, d.DistrictID)
	}
	p.seen[d.DistrictID] = true
	if err == nil && p.fst == nil {
		p.kept = append(p.kept, d)
	}
	p.mu.Unlock()
	if err != nil || p.fst == nil {
		return p.fail(err)
	}
	b, e, done, err := encodeDistrictPooled(p.id, &d, p.gz, p.now)
	if err != nil {
		return p.fail(err)
	}
	p.mu.Lock()
	p.entries = append(p.entries, e)
	p.mu.Unlock()
	if p.bar != nil {
		// Nothing to wait for (the barrier makes it durable later): the
		// file is written here, and its buffer reused at once, rather than
		// kept (up to stageParallel of them, ~4 MB for the world) for a
		// goroutine that would only compete for the same CPUs.
		err := p.fst.stageFile(p.ctx, p.staged+"/", e.FileName, b, false)
		done()
		return p.fail(err)
	}
	p.writes.Go(func() error {
		defer done()
		return p.fst.stageFile(p.ctx, p.staged+"/", e.FileName, b, true)
	})
	return nil
}

// fail records err (when not nil) as the publication's error.
func (p *Publication) fail(err error) error {
	if err != nil {
		p.mu.Lock()
		if p.err == nil {
			p.err = err
		}
		p.mu.Unlock()
	}
	return err
}

// OnStaged sets f to be called by Publish, once, as soon as the snapshot's
// stamp is known: on a local directory when its manifest is staged, before
// the last district files and the rest are made durable and the folder is
// swapped in (on a backend that stages whole snapshots, once published).
// stamp is the Stamp the snapshot has once in place and md its metadata as
// readers decode it. Publish goes on while f runs; f must not wait for
// Publish. A derived file stamped with it (the history index) can so be
// written while the snapshot is made durable and swapped in: if that then
// fails, or the process dies before the swap, nothing is published and a
// record with that stamp is never trusted (no snapshot has it).
func (p *Publication) OnStaged(f func(stamp string, md *snapshot.Metadata)) {
	p.onStaged = f
}

// callStaged calls the OnStaged function with the snapshot's stamp (read
// from its manifest at key) and metadata (encoded as mdb); a failure to
// stat the manifest skips the call.
func (p *Publication) callStaged(ctx context.Context, key string, mdb []byte) {
	if p.onStaged == nil {
		return
	}
	stamp, err := p.s.stampOf(ctx, p.id, key)
	if err != nil {
		p.s.log.Warn("stamp of a staged snapshot", "id", p.id, "err", err)
		return
	}
	var md snapshot.Metadata
	if err := json.Unmarshal(mdb, &md); err != nil {
		p.s.log.Warn("metadata of a staged snapshot", "id", p.id, "err", err)
		return
	}
	p.onStaged(stamp, &md)
}

// Publish ends the publication: snap holds the metadata and rankings (its
// Districts must be empty: they are the ones added) and is published as
// SnapshotStore.Publish publishes it, with the same errors
// (ErrSuccessExists when snap is not a success and a complete successful
// snapshot of its id exists, ErrNewerCollection when the snapshot in place
// was built from a newer collection; nothing is changed then).
func (p *Publication) Publish(ctx context.Context, snap *snapshot.Snapshot) error {
	if err := checkSnapshot(snap); err != nil {
		p.Abort()
		return err
	}
	if snap.Metadata.SnapshotID != p.id || len(snap.Districts) > 0 {
		p.Abort()
		return fmt.Errorf("store: publish %s: the snapshot must be %s, without districts (they were added)", snap.Metadata.SnapshotID, p.id)
	}
	p.mu.Lock()
	ended, addErr := p.ended, p.err
	p.ended = true
	p.mu.Unlock()
	if ended {
		return fmt.Errorf("store: publish %s: publication already ended", p.id)
	}
	if p.fst == nil {
		if addErr != nil {
			return addErr
		}
		full := *snap
		full.Districts = p.kept
		slices.SortFunc(full.Districts, func(a, b snapshot.DistrictFile) int { return compareDistrictIDs(a.DistrictID, b.DistrictID) })
		if err := p.s.Publish(ctx, &full); err != nil {
			return err
		}
		if p.onStaged != nil {
			if mdb, err := p.s.objs.Read(ctx, snapshotsPrefix+p.id+"/"+metadataFile); err == nil {
				p.callStaged(ctx, snapshotsPrefix+p.id+"/"+manifestFile, mdb)
			}
		}
		return nil
	}
	s := p.s
	defer s.settleCurrent(ctx) // after the unlock: readers need no lock
	defer p.lock.Unlock()
	defer p.closeBarrier()
	defer s.invalidate(p.id)
	fail := func(err error) error {
		_ = s.objs.Delete(context.WithoutCancel(ctx), p.staged+"/")
		return err
	}
	if addErr != nil {
		_ = p.writes.Wait()
		return fail(addErr)
	}
	if err := s.refuseReplace(ctx, p.id, &snap.Metadata); err != nil {
		_ = p.writes.Wait()
		return fail(err)
	}
	enc := &encodedSnapshot{id: p.id, files: map[string][]byte{}}
	if err := enc.finish(snap, p.entries, p.gz, p.now); err != nil {
		_ = p.writes.Wait()
		return fail(err)
	}
	// The manifest first: its size and modification time are the
	// snapshot's stamp, so OnStaged runs while the last district files and
	// the rest are made durable.
	rest := maps.Clone(enc.files)
	delete(rest, manifestFile)
	if err := p.fst.stageFile(ctx, p.staged+"/", manifestFile, enc.files[manifestFile], p.bar == nil); err != nil {
		_ = p.writes.Wait()
		return fail(fmt.Errorf("store: publish %s: stage: %w", p.id, err))
	}
	p.callStaged(ctx, p.staged+"/"+manifestFile, enc.files[metadataFile])
	if p.bar != nil {
		for name, b := range rest {
			p.writes.Go(func() error { return p.fst.stageFile(ctx, p.staged+"/", name, b, false) })
		}
	}
	if err := p.writes.Wait(); err != nil {
		return fail(fmt.Errorf("store: publish %s: stage: %w", p.id, err))
	}
	if p.bar != nil {
		// Every staged file and the folder, durable at once.
		if err := p.bar.sync(); err != nil {
			return fail(fmt.Errorf("store: publish %s: stage: %w", p.id, err))
		}
	} else if err := s.stage(ctx, p.staged, rest); err != nil { // the rest, then the folder's fsync
		return fail(fmt.Errorf("store: publish %s: stage: %w", p.id, err))
	}
	if err := p.lock.Check(ctx); err != nil { // a lease-backed lock lost meanwhile: nothing in place yet
		return fail(fmt.Errorf("store: publish %s: %w", p.id, err))
	}
	return s.swapIn(ctx, s.objs.(DirSwapper), enc, p.staged, p.oldGen, len(p.entries), p.lock)
}

// Abort ends the publication without publishing: the staged files are
// removed and the lock released. It does nothing after Publish.
func (p *Publication) Abort() {
	p.mu.Lock()
	ended := p.ended
	p.ended = true
	p.mu.Unlock()
	if ended || p.fst == nil {
		return
	}
	_ = p.writes.Wait()
	p.closeBarrier()
	if err := p.s.objs.Delete(context.WithoutCancel(p.ctx), p.staged+"/"); err != nil && !errors.Is(err, context.Canceled) {
		p.s.log.Warn("remove staged snapshot", "id", p.id, "err", err)
	}
	p.lock.Unlock()
}

// closeBarrier releases the publication's barrier, if it has one.
func (p *Publication) closeBarrier() {
	if p.bar != nil {
		p.bar.close()
		p.bar = nil
	}
}
