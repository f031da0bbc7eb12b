package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
)

// rawTrashPrefix holds raw-cache dates that were deleted: the dashboard
// keeps no history, so the raw cache is the only copy of a collection and a
// delete only moves it aside. Purge (a CLI action on the data directory)
// is the only way to destroy one.
//
//	raw-trash/<date>.<unix-nanoseconds>/   the date's folder, as it was
//	raw-trash/<date>.<unix-nanoseconds>.purging   while Purge destroys it
//	raw-csv/<date>.moving   while Trash moves raw-csv/<date>/ to the trash,
//	                        or Restore moves an entry back (JSON: the
//	                        date, the trash id, "trash" or "restore", when)
const rawTrashPrefix = "raw-trash/"

// purgeMarkerSuffix names the marker Purge writes next to a trash entry's
// folder before it deletes the folder, and removes once the folder is gone.
// Deleting a folder is not atomic (one file after another locally, a batch
// of objects on S3): a purge stopped half-way (killed, crashed, a delete
// that failed) leaves the marker, so the entry is listed as
// PurgeInterrupted, Restore refuses it and Purge finishes it, instead of
// a date missing some of its reports passing for a whole one.
const purgeMarkerSuffix = ".purging"

// moveMarkerSuffix names the marker Trash and Restore write beside the
// date's folder in raw-csv/ (raw-csv/<date>.moving) before they move the
// folder between raw-csv/ and raw-trash/, and remove once it is moved. A
// local rename is one atomic step; on object storage a move is a copy of
// every object and then a batch delete of the source, so a move stopped
// part-way (killed, crashed, a request that failed) leaves the date split:
// whole at the source or at the destination (the source is deleted only
// after every copy succeeded), partial at the other. While the marker is
// there the date is not read as cached (Dates leaves it out, Availability
// fails with ErrMoveInterrupted), TrashList flags the entry
// (MoveInterrupted), and the next Trash, Restore, Purge, Put or Compress
// of the date, or FinishInterruptedMoves (verify --repair), finishes the
// move first: every object still at the source is copied over the
// destination, the source is deleted, then the marker.
//
// The marker is in raw-csv/ under the date, not in raw-trash/ under the
// trash id, so that a reader of a date finds it with one read of a known
// key, and Dates in the listing it makes anyway.
const moveMarkerSuffix = ".moving"

// The two moves a move marker names (InterruptedMove.Move).
const (
	// MoveToTrash is Trash: raw-csv/<date>/ to raw-trash/<id>/.
	MoveToTrash = "trash"
	// MoveFromTrash is Restore: raw-trash/<id>/ back to raw-csv/<date>/.
	MoveFromTrash = "restore"
)

// ErrPurgeInterrupted reports a trash entry whose purge began and did not
// finish: some of its files may be gone, so it is not restored.
var ErrPurgeInterrupted = errors.New("store: a purge of this raw-cache trash entry began and did not finish")

// ErrMoveInterrupted reports a raw-cache date whose move to or from the
// trash began and has not finished (see moveMarkerSuffix): it may be split
// between raw-csv/ and raw-trash/, so it is not read as a cached date.
var ErrMoveInterrupted = errors.New("store: a move of this raw-cache date to or from the trash began and has not finished")

// ErrTrashNotFound reports a trash id that names nothing in the trash.
var ErrTrashNotFound = errors.New("store: not in the raw-cache trash")

// ErrRestoreConflict reports a restore whose date is in the cache again.
var ErrRestoreConflict = errors.New("store: the raw cache already holds that date")

// TrashEntry is one raw-cache date moved to the trash.
type TrashEntry struct {
	// ID names the entry for Restore and Purge: "<date>.<unix-nanoseconds>".
	ID string `json:"id"`
	// Date is the collection date the entry holds.
	Date string `json:"date"`
	// DeletedAt is when it was moved to the trash.
	DeletedAt time.Time `json:"deletedAt"`
	// PurgeInterrupted is set when a purge of the entry began and did not
	// finish (the process was killed, or a delete failed): some of its
	// files may be gone, so Restore refuses it; Purge finishes the purge.
	PurgeInterrupted bool `json:"purgeInterrupted,omitempty"`
	// MoveInterrupted is set when the move of the date into this entry
	// (Trash) or out of it (Restore), InterruptedMove, began and did not
	// finish: the date may be split between raw-csv/ and the entry, and
	// is not read as cached. Restore of the entry finishes the move and
	// puts the date back; Purge finishes it and purges the entry (after
	// an interrupted restore there is then nothing left to purge).
	MoveInterrupted bool `json:"moveInterrupted,omitempty"`
	// InterruptedMove is MoveToTrash or MoveFromTrash when MoveInterrupted.
	InterruptedMove string `json:"interruptedMove,omitempty"`
}

// parseTrashID splits "<date>.<unix-nanoseconds>".
func parseTrashID(id string) (TrashEntry, error) {
	date, ns, ok := strings.Cut(id, ".")
	if !ok || ValidDate(date) != nil {
		return TrashEntry{}, fmt.Errorf("%w: bad trash id %q (want YYYY-MM-DD.<nanoseconds>)", ErrTrashNotFound, truncate(id))
	}
	n, err := strconv.ParseInt(ns, 10, 64)
	if err != nil || n < 0 || strings.Trim(ns, "0123456789") != "" {
		return TrashEntry{}, fmt.Errorf("%w: bad trash id %q (want YYYY-MM-DD.<nanoseconds>)", ErrTrashNotFound, truncate(id))
	}
	return TrashEntry{ID: id, Date: date, DeletedAt: time.Unix(0, n).UTC()}, nil
}

// DeleteDate moves a date's folder, everything in it, to the raw-cache
// trash (see Trash); nothing is destroyed.
func (c *RawCache) DeleteDate(ctx context.Context, date string) error {
	_, err := c.Trash(ctx, date)
	return err
}

// Trash moves a date's folder to the raw-cache trash (one atomic rename
// on a local directory; copies, then a delete, on object storage) and
// returns its entry. ErrNotCached when the cache has no such date. The
// backend must be able to rename folders (DirObjects can); otherwise
// nothing is changed and an error says so. A lost lock lease (object
// storage) stops it, as it stops Put, with an error wrapping ErrLeaseLost;
// so do Restore and Purge.
//
// The move is marked (raw-csv/<date>.moving) before it starts and the mark
// removed once it is done: a move that stops part-way (on object storage
// a rename is copies, then a delete) leaves the date marked, and is
// finished by the next operation on the date (see moveMarkerSuffix). A
// move of the date that was interrupted is finished first: when it was a
// Trash, the date is then in the trash, and its entry is returned.
func (c *RawCache) Trash(ctx context.Context, date string) (_ TrashEntry, err error) {
	if err := ValidDate(date); err != nil {
		return TrashEntry{}, err
	}
	rn, ok := c.objs.(renamer)
	if !ok {
		return TrashEntry{}, fmt.Errorf("store: trash raw %s: the storage backend cannot move folders; nothing deleted", date)
	}
	lk, err := c.lock(ctx, "raw-"+date)
	if err != nil {
		return TrashEntry{}, err
	}
	defer lk.Unlock()
	ctx = lk.Context()
	defer func() { err = lk.stopped(err, "store: trash raw "+date) }()
	m, err := c.finishMove(ctx, lk, date, "trash")
	if err != nil {
		return TrashEntry{}, fmt.Errorf("store: trash raw %s: %w", date, err)
	}
	if m != nil && m.Move == MoveToTrash {
		// The date was on its way to the trash: it is there now.
		if ents, err := c.objs.List(ctx, rawTrashPrefix+m.TrashID+"/"); err == nil && len(ents) > 0 {
			e, _ := parseTrashID(m.TrashID)
			c.log.Info("raw cache date moved to trash", "date", date, "trash_id", e.ID)
			return e, nil
		}
	}
	ents, err := c.objs.List(ctx, rawPrefix+date+"/")
	if err != nil {
		return TrashEntry{}, fmt.Errorf("store: trash raw %s: %w", date, err)
	}
	if len(ents) == 0 {
		return TrashEntry{}, fmt.Errorf("%w: %s", ErrNotCached, date)
	}
	e := TrashEntry{Date: date, DeletedAt: c.now().UTC()}
	e.ID = date + "." + strconv.FormatInt(e.DeletedAt.UnixNano(), 10)
	mv := InterruptedMove{Date: date, TrashID: e.ID, Move: MoveToTrash, StartedAt: e.DeletedAt}
	if err := c.move(ctx, lk, rn, mv); err != nil {
		return TrashEntry{}, fmt.Errorf("store: trash raw %s: %w", date, err)
	}
	c.log.Info("raw cache date moved to trash", "date", date, "trash_id", e.ID)
	return e, nil
}

// TrashAll moves every cached date to the raw-cache trash (see Trash),
// oldest first, and returns their entries; a date whose move to or from
// the trash was interrupted is finished and, when it is then in the cache,
// trashed too. It stops at the first failure, returning the entries of
// the dates already moved with the error.
func (c *RawCache) TrashAll(ctx context.Context) ([]TrashEntry, error) {
	dates, moving, err := c.listDates(ctx)
	if err != nil {
		return nil, err
	}
	dates = append(dates, moving...)
	slices.Sort(dates)
	dates = slices.Compact(dates)
	out := make([]TrashEntry, 0, len(dates))
	for _, d := range dates {
		e, err := c.Trash(ctx, d)
		if err != nil {
			if errors.Is(err, ErrNotCached) && slices.Contains(moving, d) {
				continue // only a marker was left, and nothing is cached
			}
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}

// TrashList lists the raw-cache trash, oldest first, with the entries
// whose purge was interrupted (PurgeInterrupted), also one whose folder is
// already gone and only the marker is left, and those whose move into or
// out of the trash was interrupted (MoveInterrupted), also one whose
// folder is not there (yet, or any more).
func (c *RawCache) TrashList(ctx context.Context) ([]TrashEntry, error) {
	ents, err := c.objs.List(ctx, rawTrashPrefix)
	if err != nil {
		return nil, fmt.Errorf("store: list raw trash: %w", err)
	}
	moves, err := c.InterruptedMoves(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: list raw trash: %w", err)
	}
	out := []TrashEntry{}
	at := map[string]int{}
	entry := func(id string) *TrashEntry {
		if i, ok := at[id]; ok {
			return &out[i]
		}
		e, err := parseTrashID(id)
		if err != nil {
			return nil
		}
		at[id] = len(out)
		out = append(out, e)
		return &out[len(out)-1]
	}
	var purging []string
	for _, k := range ents {
		name := strings.TrimPrefix(k, rawTrashPrefix)
		if id, ok := strings.CutSuffix(name, purgeMarkerSuffix); ok {
			purging = append(purging, id)
			continue
		}
		if name, ok := strings.CutSuffix(name, "/"); ok {
			entry(name)
		}
	}
	for _, id := range purging {
		if e := entry(id); e != nil {
			e.PurgeInterrupted = true
		}
	}
	for _, m := range moves {
		if m.Problem != "" {
			continue // names no entry it could be trusted on: verify shows it
		}
		if e := entry(m.TrashID); e != nil {
			e.MoveInterrupted, e.InterruptedMove = true, m.Move
		}
	}
	slices.SortFunc(out, func(a, b TrashEntry) int {
		return a.DeletedAt.Compare(b.DeletedAt)
	})
	return out, nil
}

// purgeMarked reports whether a purge of trash entry id began and did not
// finish (its marker is there).
func (c *RawCache) purgeMarked(ctx context.Context, id string) (bool, error) {
	return objectExists(ctx, c.objs, rawTrashPrefix+id+purgeMarkerSuffix)
}

// Restore moves trash entry id back into the cache as its date.
// ErrRestoreConflict when the cache holds that date again (nothing is
// overwritten: trash or move the newer one first); ErrTrashNotFound when
// there is no such entry; ErrPurgeInterrupted when a purge of it began and
// did not finish (some of its files may be gone: purge it again). What a
// quarantine entry (QuarantineList) or a recovery backup
// (RecoveryBackupList) holds is never restored: an error says so, and
// where to look at it. The move is marked as Trash's is; an interrupted
// move of the date is finished first (an interrupted restore of id is
// then done, and its entry returned).
func (c *RawCache) Restore(ctx context.Context, id string) (_ TrashEntry, err error) {
	if q, ok := parseQuarantineID(id); ok {
		return TrashEntry{}, q.restoreRefused()
	}
	if b, ok := parseRecoveryBackupID(id); ok {
		return TrashEntry{}, b.restoreRefused()
	}
	e, err := parseTrashID(id)
	if err != nil {
		return TrashEntry{}, err
	}
	rn, ok := c.objs.(renamer)
	if !ok {
		return TrashEntry{}, fmt.Errorf("store: restore raw %s: the storage backend cannot move folders", id)
	}
	lk, err := c.lock(ctx, "raw-"+e.Date)
	if err != nil {
		return TrashEntry{}, err
	}
	defer lk.Unlock()
	ctx = lk.Context()
	defer func() { err = lk.stopped(err, "store: restore raw "+id) }()
	m, err := c.finishMove(ctx, lk, e.Date, "restore")
	if err != nil {
		return TrashEntry{}, fmt.Errorf("store: restore raw %s: %w", id, err)
	}
	if m != nil && m.Move == MoveFromTrash && m.TrashID == id {
		// The entry was on its way back: it is in the cache now.
		if ents, err := c.objs.List(ctx, rawPrefix+e.Date+"/"); err == nil && len(ents) > 0 {
			c.log.Info("raw cache date restored from trash", "date", e.Date, "trash_id", id)
			return e, nil
		}
	}
	if marked, err := c.purgeMarked(ctx, id); err != nil {
		return TrashEntry{}, fmt.Errorf("store: restore raw %s: %w", id, err)
	} else if marked {
		return TrashEntry{}, fmt.Errorf("%w: %s: some of its files may be gone, so it is not restored (purge it again to finish the purge)", ErrPurgeInterrupted, id)
	}
	if ents, err := c.objs.List(ctx, rawTrashPrefix+id+"/"); err != nil || len(ents) == 0 {
		return TrashEntry{}, fmt.Errorf("%w: %s", ErrTrashNotFound, id)
	}
	if ents, err := c.objs.List(ctx, rawPrefix+e.Date+"/"); err != nil || len(ents) > 0 {
		if err != nil {
			return TrashEntry{}, fmt.Errorf("store: restore raw %s: %w", id, err)
		}
		return TrashEntry{}, fmt.Errorf("%w: %s (restore would overwrite it)", ErrRestoreConflict, e.Date)
	}
	mv := InterruptedMove{Date: e.Date, TrashID: id, Move: MoveFromTrash, StartedAt: c.now().UTC()}
	if err := c.move(ctx, lk, rn, mv); err != nil {
		return TrashEntry{}, fmt.Errorf("store: restore raw %s: %w", id, err)
	}
	c.log.Info("raw cache date restored from trash", "date", e.Date, "trash_id", id)
	return e, nil
}

// Purge destroys trash entry id for good, or quarantine entry id
// (QuarantineList: damaged raw reports set aside, a damaged snapshot or
// leftovers verify --repair moved aside), or recovery backup id
// (RecoveryBackupList: the current.json and inventory verify --repair
// backed up). ErrTrashNotFound when there is no such entry. A trash entry
// is marked as being purged before its folder is deleted, and the mark is
// removed last: purging an entry whose purge was interrupted
// (PurgeInterrupted) finishes it. An interrupted move of the entry's date
// is finished first: when it was a restore of id, there is then nothing
// left to purge (ErrTrashNotFound says the date is back in the cache). It
// is meant
// for an operator on the data directory (the toaststats trash purge
// command); the HTTP API never calls it.
func (c *RawCache) Purge(ctx context.Context, id string) (err error) {
	if q, ok := parseQuarantineID(id); ok {
		return c.purgeQuarantined(ctx, q)
	}
	if b, ok := parseRecoveryBackupID(id); ok {
		return c.purgeRecoveryBackup(ctx, b)
	}
	e, err := parseTrashID(id)
	if err != nil {
		return err
	}
	lk, err := c.lock(ctx, "raw-"+e.Date)
	if err != nil {
		return err
	}
	defer lk.Unlock()
	ctx = lk.Context()
	defer func() { err = lk.stopped(err, "store: purge raw trash "+id) }()
	m, err := c.finishMove(ctx, lk, e.Date, "purge")
	if err != nil {
		return fmt.Errorf("store: purge raw trash %s: %w", id, err)
	}
	folder, marker := rawTrashPrefix+id+"/", rawTrashPrefix+id+purgeMarkerSuffix
	ents, err := c.objs.List(ctx, folder)
	if err != nil {
		return fmt.Errorf("store: purge raw trash %s: %w", id, err)
	}
	marked, err := c.purgeMarked(ctx, id)
	if err != nil {
		return fmt.Errorf("store: purge raw trash %s: %w", id, err)
	}
	if len(ents) == 0 && !marked {
		if m != nil && m.Move == MoveFromTrash && m.TrashID == id {
			return fmt.Errorf("%w: %s: it was being restored, and finishing that put it back in the raw cache as %s%s/ (trash the date and purge its new entry to destroy it)", ErrTrashNotFound, id, rawPrefix, e.Date)
		}
		return fmt.Errorf("%w: %s", ErrTrashNotFound, id)
	}
	if len(ents) > 0 {
		if err := lk.Check(ctx); err != nil {
			return fmt.Errorf("store: purge raw trash %s: %w", id, err)
		}
		if !marked {
			if err := c.objs.Write(ctx, marker, []byte(c.now().UTC().Format(time.RFC3339Nano)+"\n")); err != nil {
				return fmt.Errorf("store: purge raw trash %s: mark it as being purged: %w", id, err)
			}
		}
		if err := c.objs.Delete(ctx, folder); err != nil {
			return fmt.Errorf("store: purge raw trash %s: %w", id, err)
		}
	}
	if err := lk.Check(ctx); err != nil {
		return fmt.Errorf("store: purge raw trash %s: %w", id, err)
	}
	if err := c.objs.Delete(ctx, marker); err != nil {
		return fmt.Errorf("store: purge raw trash %s: %w", id, err)
	}
	c.log.Warn("raw cache trash entry purged", "date", e.Date, "trash_id", id)
	return nil
}

// InterruptedMove is a move of a raw-cache date to or from the trash that
// began and has not finished: its marker, raw-csv/<date>.moving, holds it
// as JSON (see moveMarkerSuffix).
type InterruptedMove struct {
	Date string `json:"date"`
	// TrashID is the trash entry the date moves into (MoveToTrash) or out
	// of (MoveFromTrash).
	TrashID string `json:"trashId,omitempty"`
	// Move is MoveToTrash or MoveFromTrash.
	Move      string    `json:"move,omitempty"`
	StartedAt time.Time `json:"startedAt,omitzero"`
	// Problem says why the marker names no move that can be finished (it
	// does not parse, or names another date): nothing finishes it, and
	// the date is not read as cached until someone who looked at
	// raw-csv/<date>/ and raw-trash/ removes the marker.
	Problem string `json:"problem,omitempty"`
}

// moveMarkerKey is the key of date's move marker.
func moveMarkerKey(date string) string { return rawPrefix + date + moveMarkerSuffix }

// folders are the move's source and destination folders.
func (m *InterruptedMove) folders() (from, to string) {
	cache, trash := rawPrefix+m.Date+"/", rawTrashPrefix+m.TrashID+"/"
	if m.Move == MoveFromTrash {
		return trash, cache
	}
	return cache, trash
}

// Err is the error a reader of the date returns while the move is
// marked: it wraps ErrMoveInterrupted, names the date and the entry, and
// says what finishes the move.
func (m *InterruptedMove) Err() error {
	switch {
	case m.Problem != "":
		return fmt.Errorf("%w: raw-cache date %s: %s: look at %s%s/ and %s, then remove %s by hand", ErrMoveInterrupted, m.Date, m.Problem, rawPrefix, m.Date, rawTrashPrefix, moveMarkerKey(m.Date))
	case m.Move == MoveFromTrash:
		return fmt.Errorf("%w: raw-cache date %s: its restore from the trash (%s%s/, begun %s) has not finished, so the date may be split between the two and is not read as cached: `toaststats trash restore %s` or `toaststats verify --repair` finishes it", ErrMoveInterrupted, m.Date, rawTrashPrefix, m.TrashID, m.StartedAt.Format(time.RFC3339), m.TrashID)
	}
	return fmt.Errorf("%w: raw-cache date %s: its move to the trash (%s%s/, begun %s) has not finished, so the date may be split between the two and is not read as cached: `toaststats verify --repair` finishes the move (`toaststats trash list` shows the entry; `toaststats trash restore %s` puts the date back)", ErrMoveInterrupted, m.Date, rawTrashPrefix, m.TrashID, m.StartedAt.Format(time.RFC3339), m.TrashID)
}

// readMove reads date's move marker: nil when there is none.
func (c *RawCache) readMove(ctx context.Context, date string) (*InterruptedMove, error) {
	key := moveMarkerKey(date)
	b, err := c.objs.Read(ctx, key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	m := &InterruptedMove{}
	err = json.Unmarshal(b, m)
	switch {
	case err != nil:
		m.Problem = fmt.Sprintf("%s does not parse (%v)", key, err)
	case m.Date != date:
		m.Problem = fmt.Sprintf("%s names date %q", key, truncate(m.Date))
	case m.Move != MoveToTrash && m.Move != MoveFromTrash:
		m.Problem = fmt.Sprintf("%s names no move (%q)", key, truncate(m.Move))
	default:
		if e, err := parseTrashID(m.TrashID); err != nil || e.Date != date {
			m.Problem = fmt.Sprintf("%s names trash entry %q, not one of date %s", key, truncate(m.TrashID), date)
		}
	}
	if m.Problem != "" {
		return &InterruptedMove{Date: date, Problem: m.Problem}, nil
	}
	return m, nil
}

// move moves the folder of mv, under lk (the date's lock), marked: the
// marker is written first and removed once the folder is moved. When the
// rename fails having moved nothing (a local rename is all or nothing; on
// object storage it can fail before its first copy) the marker is removed
// again, and the error is the rename's; otherwise the move is left marked,
// for the next operation on the date to finish, and the error says so.
func (c *RawCache) move(ctx context.Context, lk *HeldLock, rn renamer, mv InterruptedMove) error {
	b, err := json.Marshal(mv)
	if err != nil {
		return err
	}
	key := moveMarkerKey(mv.Date)
	from, to := mv.folders()
	if err := lk.Check(ctx); err != nil {
		return err
	}
	if err := c.objs.Write(ctx, key, b); err != nil {
		return fmt.Errorf("mark the move of %s to %s: nothing moved: %w", from, to, err)
	}
	if mv.Move == MoveFromTrash {
		// An empty folder left at the date (nothing in it) would block
		// rename.
		_ = c.objs.Delete(ctx, to)
	}
	if err := rn.Rename(ctx, from, to); err != nil {
		if ents, lerr := c.objs.List(ctx, to); lerr == nil && len(ents) == 0 && lk.Check(ctx) == nil {
			if c.objs.Delete(ctx, key) == nil {
				return err
			}
		}
		return fmt.Errorf("%w; %w", err, mv.Err())
	}
	if err := lk.Check(ctx); err != nil {
		return err
	}
	if err := c.objs.Delete(ctx, key); err != nil {
		return fmt.Errorf("moved %s to %s, but its marker %s could not be removed (the next operation on the date removes it): %w", from, to, key, err)
	}
	return nil
}

// movedFolderDepth bounds how deep finishMove looks into a folder it
// moves: a date folder holds files and district-<id>/ folders of files.
const movedFolderDepth = 8

// movesParallel bounds the objects finishMove copies at once.
const movesParallel = 8

// finishMove finishes the interrupted move of date, if its marker is
// there, under lk, the date's lock; by names the operation, for the log.
// It rolls the move forward, which is always possible because a move
// deletes its source only after every copy succeeded: every object still
// at the source is copied over the destination, the source is deleted,
// and then the marker. A move that had not started, or had finished
// before its marker was removed, is finished the same way. It returns the
// move it finished (nil when there was none), or an error wrapping
// ErrMoveInterrupted when it could not: the move is then still marked.
func (c *RawCache) finishMove(ctx context.Context, lk *HeldLock, date, by string) (*InterruptedMove, error) {
	m, err := c.readMove(ctx, date)
	if err != nil || m == nil {
		return nil, err
	}
	if m.Problem != "" {
		return nil, m.Err()
	}
	from, to := m.folders()
	n, err := c.rollForward(ctx, lk, from, to)
	if err == nil {
		err = lk.Check(ctx)
	}
	if err == nil {
		err = c.objs.Delete(ctx, moveMarkerKey(date))
	}
	if err != nil {
		return nil, fmt.Errorf("could not finish it (%w): %w", err, m.Err())
	}
	c.log.Warn("raw cache: finished an interrupted move of a date to or from the trash",
		"date", date, "trash_id", m.TrashID, "move", m.Move, "started", m.StartedAt, "objects_moved", n, "by", by)
	return m, nil
}

// rollForward moves what is left in folder from to folder to, under lk,
// and returns how many objects it moved: in one rename when nothing is at
// to yet, else by copying every object over its copy at to and deleting
// from.
func (c *RawCache) rollForward(ctx context.Context, lk *HeldLock, from, to string) (int, error) {
	files, err := c.listFiles(ctx, from, movedFolderDepth)
	if err != nil {
		return 0, err
	}
	if err := lk.Check(ctx); err != nil {
		return 0, err
	}
	if len(files) == 0 {
		return 0, c.objs.Delete(ctx, from) // an empty folder, or nothing
	}
	there, err := c.objs.List(ctx, to)
	if err != nil {
		return 0, err
	}
	if rn, ok := c.objs.(renamer); ok && len(there) == 0 {
		_ = c.objs.Delete(ctx, to) // an empty folder would block a rename
		return len(files), rn.Rename(ctx, from, to)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(movesParallel)
	for _, k := range files {
		g.Go(func() error { return c.copyObject(gctx, k, to+strings.TrimPrefix(k, from)) })
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	if err := lk.Check(ctx); err != nil {
		return 0, err
	}
	return len(files), c.objs.Delete(ctx, from)
}

// copyObject copies one object, byte for byte, over what is at to: with
// the backend's Copier (a server-side copy) when it has one.
func (c *RawCache) copyObject(ctx context.Context, from, to string) error {
	if cp, ok := c.objs.(Copier); ok {
		return cp.Copy(ctx, from, to)
	}
	b, err := c.objs.Read(ctx, from)
	if err != nil {
		return fmt.Errorf("copy %s: %w", from, err)
	}
	return c.objs.Write(ctx, to, b)
}

// InterruptedMoves lists the raw-cache dates whose move to or from the
// trash began and has not finished (their marker is there), by date; the
// move may also be running now. It changes nothing.
func (c *RawCache) InterruptedMoves(ctx context.Context) ([]InterruptedMove, error) {
	_, moving, err := c.listDates(ctx)
	if err != nil {
		return nil, err
	}
	out := []InterruptedMove{}
	for _, d := range moving {
		m, err := c.readMove(ctx, d)
		if err != nil {
			return nil, fmt.Errorf("store: raw cache: %w", err)
		}
		if m != nil { // nil: finished since the listing
			out = append(out, *m)
		}
	}
	return out, nil
}

// FinishInterruptedMoves finishes every interrupted move of a raw-cache
// date to or from the trash (see finishMove), each under its date's lock,
// and returns those it finished, by date. One it cannot finish (a marker
// that names no move, a request that fails) does not stop the others: the
// errors are joined.
func (c *RawCache) FinishInterruptedMoves(ctx context.Context) ([]InterruptedMove, error) {
	_, moving, err := c.listDates(ctx)
	if err != nil {
		return nil, err
	}
	out := []InterruptedMove{}
	var errs []error
	for _, d := range moving {
		m, err := c.finishMoveLocked(ctx, d, "repair")
		if err != nil {
			errs = append(errs, fmt.Errorf("store: finish the move of raw-cache date %s: %w", d, err))
		} else if m != nil {
			out = append(out, *m)
		}
	}
	return out, errors.Join(errs...)
}

// FinishInterruptedMove finishes the interrupted move of date to or from
// the trash, if its marker is there (see finishMove), under the date's
// lock, and returns it: nil when there was none (then only the marker is
// read, and no lock taken). A collector that decides from what
// raw-csv/<date>/ holds which reports it still has to download (scrape)
// calls it first: reports left at the source of a move are not the
// date's cache (they are on their way to the trash, or the whole date is
// back), and skipping them as cached would leave the move unfinished and
// the date unread. An error (wrapping ErrMoveInterrupted when the move
// could not be finished) leaves the move marked.
func (c *RawCache) FinishInterruptedMove(ctx context.Context, date string) (*InterruptedMove, error) {
	if err := ValidDate(date); err != nil {
		return nil, err
	}
	m, err := c.readMove(ctx, date)
	if err != nil {
		return nil, fmt.Errorf("store: raw %s: %w", date, err)
	}
	if m == nil {
		return nil, nil
	}
	if m, err = c.finishMoveLocked(ctx, date, "collect"); err != nil {
		return nil, fmt.Errorf("store: finish the move of raw-cache date %s: %w", date, err)
	}
	return m, nil
}

// finishMoveLocked is finishMove under the date's lock; by names the
// operation, for the log.
func (c *RawCache) finishMoveLocked(ctx context.Context, date, by string) (_ *InterruptedMove, err error) {
	lk, err := c.lock(ctx, "raw-"+date)
	if err != nil {
		return nil, err
	}
	defer lk.Unlock()
	ctx = lk.Context()
	defer func() { err = lk.stopped(err, "store: finish the move of raw "+date) }()
	return c.finishMove(ctx, lk, date, by)
}
