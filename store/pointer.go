package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/toaststats/toaststats/snapshot"
)

// A publish moves current.json only after its snapshot is in place. When
// it stops in between (the process dies, the pointer write fails, the lock
// lease is lost), the snapshot is there and current.json still names an
// older one: readers are served the older snapshot, and a build sees the
// newer one up to date and does nothing. Nothing moves current.json back
// on purpose, so a pointer behind the newest complete successful snapshot
// is always such a trace: Check reports it, Recover repoints it, and
// AdvancePointer (which the Builder calls before it builds, and from
// Pending) moves it forward.

// behindProblem is the PointerCheck.Problem of a pointer naming from while
// to is the newest complete successful snapshot.
func behindProblem(from, to string) string {
	return fmt.Sprintf("current.json names %s but %s is a newer complete successful snapshot: a publish stopped after "+
		"its snapshot was in place and before it moved the pointer, so readers are served %s; "+
		"`toaststats verify --repair` or the next build moves current.json to %s", from, to, from, to)
}

// PointerAdvance is what AdvancePointer did: current.json moved From the
// snapshot it named To a newer one. Both are "" when it was not behind.
type PointerAdvance struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// Moved reports whether current.json was moved.
func (a PointerAdvance) Moved() bool { return a.To != "" }

// AdvancePointer moves current.json forward when it names a dated snapshot
// older than the newest complete successful one (all its files present
// with their sizes, as a publish and Current judge it): what a publish
// leaves when it stops after its snapshot is in place and before it moves
// the pointer. Nothing else changes, no snapshot is rewritten, and the
// move is logged (a warning, naming both ids).
//
// It is cheap when the pointer is not behind (it reads current.json, lists
// the snapshots and reads the metadata of those newer than the pointer)
// and takes the publish lock only when it is: there it decides again, after
// finishing or rolling back an interrupted in-place publish as a publish
// would, and moves the pointer as a publish does, never backwards (a
// pointer a concurrent publish moved to a newer snapshot stays). A missing
// or unreadable current.json, or one naming a predecessor's legacy
// snapshot, is not "behind": Check reports the first two, Recover repairs
// them, and Current falls back meanwhile. The error wraps ErrLeaseLost
// when the lock lease (object storage) was lost before the move.
func (s *SnapshotStore) AdvancePointer(ctx context.Context) (_ PointerAdvance, err error) {
	from, to, err := s.pointerBehind(ctx)
	if err != nil || to == "" {
		return PointerAdvance{}, err
	}
	lk, err := s.lock(ctx, snapshotsLock)
	if err != nil {
		return PointerAdvance{}, err
	}
	defer s.settleCurrent(ctx) // after the unlock, as Publish does
	defer lk.Unlock()
	ctx = lk.Context()
	defer func() { err = lk.LostOr(err) }()
	s.resumeInterrupted(ctx)
	if from, to, err = s.pointerBehind(ctx); err != nil || to == "" {
		return PointerAdvance{}, err
	}
	if err := lk.Check(ctx); err != nil {
		return PointerAdvance{}, fmt.Errorf("store: move current.json from %s to %s: %w", from, to, err)
	}
	moved, err := s.maybeMovePointer(ctx, to)
	if err != nil {
		return PointerAdvance{}, fmt.Errorf("store: move current.json from %s to %s: %w", from, to, err)
	}
	if !moved {
		return PointerAdvance{}, nil // another writer moved it further meanwhile
	}
	s.log.Warn("current.json was behind the newest complete successful snapshot (a publish stopped before it moved the pointer); moved it forward",
		"from", from, "to", to)
	return PointerAdvance{From: from, To: to}, nil
}

// pointerBehind returns the dated snapshot current.json names (from) and
// the newest complete successful snapshot newer than it (to); to is ""
// when there is none, or the pointer is missing, unreadable or legacy.
// Only the snapshots newer than the pointer are looked at, newest first:
// each one's metadata is read, and the first success that no read found
// damaged (Damaged) is checked for its files (QuickCheck).
func (s *SnapshotStore) pointerBehind(ctx context.Context) (from, to string, err error) {
	p, err := s.readPointer(ctx)
	switch {
	case errors.Is(err, ErrNoSnapshot), errors.Is(err, ErrCorrupt):
		return "", "", nil
	case err != nil:
		return "", "", err
	case ValidDate(p.SnapshotID) != nil:
		return "", "", nil // legacy: see Check
	}
	ids, err := s.snapshotIDs(ctx)
	if err != nil {
		return "", "", err
	}
	for i := len(ids) - 1; i >= 0 && ids[i] > p.SnapshotID; i-- {
		if err := ctx.Err(); err != nil {
			return "", "", err
		}
		if md, err := s.readMetadataFile(ctx, ids[i]); err != nil || md.Status != snapshot.StatusSuccess || len(s.Damaged(ids[i])) > 0 {
			continue // a snapshot a read found damaged is rebuilt first
		}
		if c := s.verify(ctx, ids[i], false); c.Complete && c.Status == snapshot.StatusSuccess {
			return p.SnapshotID, ids[i], nil
		}
	}
	return "", "", ctx.Err()
}
