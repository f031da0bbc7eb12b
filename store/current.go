package store

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// How the current pointer is kept fresh (see Current):
//
//   - the resolved View is held in memory with the identity (inode, size,
//     modification time; on object storage size, time and ETag, one HEAD
//     each) of current.json and of the snapshot's manifest.json and
//     metadata.json;
//   - a check compares those identities (three stat calls) and only when one
//     changed reads the pointer and loads the snapshot again;
//   - a snapshot generation (its manifest's sha256) is verified against its
//     manifest once; later checks of the same generation skip that;
//   - checks run off the request path: Watch runs them on a ticker, and a
//     Current call that finds the state older than currentCheckEvery starts
//     one in the background and returns the View it has.
const (
	// currentCheckEvery is how old the state may get before a Current call
	// starts a background check; Watch's default interval.
	currentCheckEvery = 500 * time.Millisecond
	// currentMaxStale is how old the state may get before Current checks
	// before answering (only when nothing ran a check for that long: no
	// Watch and no calls).
	currentMaxStale = 2 * time.Second
	// currentFullEvery forces a full resolve now and then even when no
	// identity changed (a backend without stat, or a same-identity rewrite).
	currentFullEvery = 30 * time.Second
)

// fileIdentity is what the cheap check compares: equal identities mean the
// file was not replaced (writes are always to a new file renamed in place).
type fileIdentity struct {
	ino    uint64
	size   int64
	mod    time.Time
	ver    string // the object's version (ETag) on object storage
	absent bool
}

// currentState is the resolved current snapshot.
type currentState struct {
	view     *View
	ids      [3]fileIdentity // current.json, manifest.json, metadata.json
	checked  time.Time       // last check (monotonic)
	resolved time.Time       // last full resolve
}

// currentTracker holds the resolved current snapshot of a SnapshotStore.
type currentTracker struct {
	state   atomic.Pointer[currentState]
	force   atomic.Bool // the next Current must resolve before answering
	running atomic.Bool // a background check is under way
	read    atomic.Bool // Current, Refresh or Watch was called: this process has readers
	mu      sync.Mutex  // serialises resolves, so the newest one wins
	bg      sync.WaitGroup

	verified sync.Map // "id|gen" -> struct{}: generations verified complete
}

// identity stats key; ok is false when the backend cannot tell.
func (s *SnapshotStore) identity(ctx context.Context, key string) (fileIdentity, bool) {
	if d, ok := s.objs.(*DirObjects); ok {
		k, err := checkKey(key, false)
		if err != nil {
			return fileIdentity{}, false
		}
		fi, err := d.root.Stat(k)
		if errors.Is(err, fs.ErrNotExist) {
			return fileIdentity{absent: true}, true
		}
		if err != nil {
			return fileIdentity{}, false
		}
		return fileIdentity{size: fi.Size(), mod: fi.ModTime(), ino: inodeOf(fi)}, true
	}
	if vs, ok := s.objs.(VersionStatter); ok {
		n, mod, ver, err := vs.StatVersion(ctx, key)
		if errors.Is(err, fs.ErrNotExist) {
			return fileIdentity{absent: true}, true
		}
		if err != nil {
			return fileIdentity{}, false
		}
		return fileIdentity{size: n, mod: mod, ver: ver}, true
	}
	if st, ok := s.objs.(Statter); ok {
		n, mod, err := st.Stat(ctx, key)
		if errors.Is(err, fs.ErrNotExist) {
			return fileIdentity{absent: true}, true
		}
		if err != nil {
			return fileIdentity{}, false
		}
		return fileIdentity{size: n, mod: mod}, true
	}
	return fileIdentity{}, false
}

// identities stats the pointer and snapshot id's manifest and metadata.
func (s *SnapshotStore) identities(ctx context.Context, id string) ([3]fileIdentity, bool) {
	var out [3]fileIdentity
	keys := [3]string{currentKey, snapshotsPrefix + id + "/" + manifestFile, snapshotsPrefix + id + "/" + metadataFile}
	for i, k := range keys {
		fid, ok := s.identity(ctx, k)
		if !ok {
			return out, false
		}
		out[i] = fid
	}
	return out, true
}

// Current returns a View of the snapshot current.json names. When the
// pointer is missing or names no complete successful snapshot, it falls back
// (without writing anything) to the newest complete successful snapshot.
// ErrNoSnapshot when there is none.
//
// Current answers from memory: the resolved View is re-checked off the
// request path (by Watch, or in the background once it is older than half a
// second), so a snapshot published by another process shows within about a
// second while Watch runs, and within two seconds without it. A publish,
// delete or recovery in this process shows at once.
func (s *SnapshotStore) Current(ctx context.Context) (*View, error) {
	s.cur.read.Store(true)
	start := s.stats.begin()
	defer s.stats.end(start)
	st := s.cur.state.Load()
	if st == nil || s.cur.force.Load() {
		s.stats.miss()
		return s.resolveShared(ctx)
	}
	switch age := time.Since(st.checked); {
	case age >= currentMaxStale:
		s.stats.miss()
		return s.resolveShared(ctx)
	case age >= currentCheckEvery:
		s.checkInBackground()
	}
	s.stats.hit()
	return st.view, nil
}

// resolveShared runs one check for every concurrent caller.
func (s *SnapshotStore) resolveShared(ctx context.Context) (*View, error) {
	v, err, _ := s.sf.Do("current", func() (any, error) {
		return s.refreshCurrent(context.WithoutCancel(ctx))
	})
	if err != nil {
		return nil, err
	}
	return v.(*View), nil
}

// checkInBackground starts one background check unless one is running.
func (s *SnapshotStore) checkInBackground() {
	if !s.cur.running.CompareAndSwap(false, true) {
		return
	}
	s.cur.bg.Add(1)
	go func() {
		defer s.cur.bg.Done()
		defer s.cur.running.Store(false)
		if _, err := s.refreshCurrent(context.Background()); err != nil && !errors.Is(err, ErrNoSnapshot) {
			s.log.Warn("current snapshot check", "err", err)
		}
	}()
}

// Refresh checks the current pointer now (see Current) and returns the
// View Current will answer with.
func (s *SnapshotStore) Refresh(ctx context.Context) (*View, error) {
	s.cur.read.Store(true)
	return s.refreshCurrent(ctx)
}

// Watch keeps Current fresh until ctx is done: it checks the pointer every
// interval (500 ms when interval <= 0), off the request path. A server
// runs it for its lifetime.
func (s *SnapshotStore) Watch(ctx context.Context, interval time.Duration) {
	s.cur.read.Store(true)
	if interval <= 0 {
		interval = currentCheckEvery
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.refreshCurrent(ctx); err != nil && !errors.Is(err, ErrNoSnapshot) && ctx.Err() == nil {
				s.log.Warn("current snapshot check", "err", err)
			}
		}
	}
}

// waitBackground waits for background checks started by Current.
func (s *SnapshotStore) waitBackground() { s.cur.bg.Wait() }

// refreshCurrent is the check: cheap when nothing changed, a full resolve
// otherwise. It stores and returns the resulting View.
func (s *SnapshotStore) refreshCurrent(ctx context.Context) (*View, error) {
	s.cur.mu.Lock()
	defer s.cur.mu.Unlock()
	forced := s.cur.force.Swap(false)
	old := s.cur.state.Load()
	now := time.Now()
	if old != nil && !forced && now.Sub(old.resolved) < currentFullEvery {
		if ids, ok := s.identities(ctx, old.view.ID); ok && ids == old.ids {
			next := *old
			next.checked = now
			s.cur.state.Store(&next)
			return old.view, nil
		}
	}
	id, err := s.resolveCurrent(ctx)
	if err != nil {
		if errors.Is(err, ErrNoSnapshot) {
			s.cur.state.Store(nil)
		} else if old != nil {
			// Keep answering with what we had; try again at the next check.
			next := *old
			next.checked = now
			s.cur.state.Store(&next)
		}
		return nil, err
	}
	// The identities are taken before the View is loaded: a change in
	// between shows at the next check.
	ids, _ := s.identities(ctx, id)
	view, err := s.get(ctx, id, false)
	if err != nil {
		return nil, err
	}
	s.cur.state.Store(&currentState{view: view, ids: ids, checked: now, resolved: now})
	return view, nil
}

// verifiedOnce verifies snapshot id (presence and sizes of every file its
// manifest lists) unless the generation gen was already verified complete.
func (s *SnapshotStore) verifiedOnce(ctx context.Context, id, gen string) SnapshotCheck {
	key := id + "|" + gen
	if gen != "" {
		if c, ok := s.cur.verified.Load(key); ok {
			return c.(SnapshotCheck)
		}
	}
	c := s.verify(ctx, id, false)
	if c.Complete && gen != "" {
		s.cur.verified.Store(key, SnapshotCheck{ID: c.ID, Status: c.Status, Complete: true, Files: c.Files})
	}
	return c
}

// forgetVerified drops the verified mark of every generation of id; when
// readers are served id, the next Current resolves again.
func (s *SnapshotStore) forgetVerified(id string) {
	s.cur.verified.Range(func(k, _ any) bool {
		if strings.HasPrefix(k.(string), id+"|") {
			s.cur.verified.Delete(k)
		}
		return true
	})
	if st := s.cur.state.Load(); st != nil && st.view.ID == id {
		s.cur.force.Store(true)
	}
}

// noteCheck records what a full check found: a snapshot with problems is
// no longer taken as verified, and readers move off it at once.
func (s *SnapshotStore) noteCheck(ctx context.Context, c SnapshotCheck) {
	if !c.Complete {
		s.forgetVerified(c.ID)
		s.settleCurrent(ctx)
	}
}

// resolveCurrent finds the id Current should serve: the pointer's when it
// names a complete successful snapshot, else the newest complete success.
func (s *SnapshotStore) resolveCurrent(ctx context.Context) (string, error) {
	p, err := s.readPointer(ctx)
	if err == nil {
		// Published in place (object storage), a rebuild of the current
		// date can be committing while it is verified: look again a few
		// times before falling back to an older snapshot.
		attempts := 1
		if s.inPlace() {
			attempts = 4
		}
		for attempt := 0; attempt < attempts; attempt++ {
			if attempt > 0 {
				time.Sleep(50 * time.Millisecond)
			}
			if v, err := s.get(ctx, p.SnapshotID, false); err == nil && v.Metadata.Status == snapshot.StatusSuccess {
				if v.legacy != nil {
					return p.SnapshotID, nil
				}
				if st := s.verifiedOnce(ctx, p.SnapshotID, v.gen); st.Complete {
					return p.SnapshotID, nil
				}
			} else if err == nil {
				break // not a success: no point looking again
			}
		}
		s.log.Warn("current.json names no complete successful snapshot; falling back", "id", p.SnapshotID)
	} else if !errors.Is(err, ErrNoSnapshot) {
		s.log.Warn("current.json unreadable; falling back", "err", err)
	}
	ids, err := s.snapshotIDs(ctx)
	if err != nil {
		return "", err
	}
	for i := len(ids) - 1; i >= 0; i-- {
		gen := ""
		if v, err := s.get(ctx, ids[i], false); err == nil {
			gen = v.gen
		}
		if st := s.verifiedOnce(ctx, ids[i], gen); st.Complete && st.Status == snapshot.StatusSuccess {
			return ids[i], nil
		}
	}
	return "", ErrNoSnapshot
}
