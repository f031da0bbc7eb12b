package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// rawTrashPrefix holds raw-cache dates that were deleted: the dashboard
// keeps no history, so the raw cache is the only copy of a collection and a
// delete only moves it aside. Purge (a CLI action on the data directory)
// is the only way to destroy one.
//
//	raw-trash/<date>.<unix-nanoseconds>/   the date's folder, as it was
//	raw-trash/<date>.<unix-nanoseconds>.purging   while Purge destroys it
const rawTrashPrefix = "raw-trash/"

// purgeMarkerSuffix names the marker Purge writes next to a trash entry's
// folder before it deletes the folder, and removes once the folder is gone.
// Deleting a folder is not atomic (one file after another locally, a batch
// of objects on S3): a purge stopped half-way (killed, crashed, a delete
// that failed) leaves the marker, so the entry is listed as
// PurgeInterrupted, Restore refuses it and Purge finishes it, instead of
// a date missing some of its reports passing for a whole one.
const purgeMarkerSuffix = ".purging"

// ErrPurgeInterrupted reports a trash entry whose purge began and did not
// finish: some of its files may be gone, so it is not restored.
var ErrPurgeInterrupted = errors.New("store: a purge of this raw-cache trash entry began and did not finish")

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

// Trash moves a date's folder to the raw-cache trash in one rename and
// returns its entry. ErrNotCached when the cache has no such date. The
// backend must be able to rename folders (DirObjects can); otherwise
// nothing is changed and an error says so. A lost lock lease (object
// storage) stops it, as it stops Put, with an error wrapping ErrLeaseLost;
// so do Restore and Purge.
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
	ents, err := c.objs.List(ctx, rawPrefix+date+"/")
	if err != nil {
		return TrashEntry{}, fmt.Errorf("store: trash raw %s: %w", date, err)
	}
	if len(ents) == 0 {
		return TrashEntry{}, fmt.Errorf("%w: %s", ErrNotCached, date)
	}
	e := TrashEntry{Date: date, DeletedAt: c.now().UTC()}
	e.ID = date + "." + strconv.FormatInt(e.DeletedAt.UnixNano(), 10)
	if err := lk.Check(ctx); err != nil {
		return TrashEntry{}, fmt.Errorf("store: trash raw %s: %w", date, err)
	}
	if err := rn.Rename(ctx, rawPrefix+date+"/", rawTrashPrefix+e.ID+"/"); err != nil {
		return TrashEntry{}, fmt.Errorf("store: trash raw %s: %w", date, err)
	}
	c.log.Info("raw cache date moved to trash", "date", date, "trash_id", e.ID)
	return e, nil
}

// TrashAll moves every cached date to the raw-cache trash (see Trash),
// oldest first, and returns their entries. It stops at the first failure,
// returning the entries of the dates already moved with the error.
func (c *RawCache) TrashAll(ctx context.Context) ([]TrashEntry, error) {
	dates, err := c.Dates(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]TrashEntry, 0, len(dates))
	for _, d := range dates {
		e, err := c.Trash(ctx, d)
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
	return out, nil
}

// TrashList lists the raw-cache trash, oldest first, with the entries
// whose purge was interrupted (PurgeInterrupted), also one whose folder is
// already gone and only the marker is left.
func (c *RawCache) TrashList(ctx context.Context) ([]TrashEntry, error) {
	ents, err := c.objs.List(ctx, rawTrashPrefix)
	if err != nil {
		return nil, fmt.Errorf("store: list raw trash: %w", err)
	}
	out := []TrashEntry{}
	at := map[string]int{}
	var purging []string
	for _, k := range ents {
		name := strings.TrimPrefix(k, rawTrashPrefix)
		if id, ok := strings.CutSuffix(name, purgeMarkerSuffix); ok {
			purging = append(purging, id)
			continue
		}
		name, ok := strings.CutSuffix(name, "/")
		if !ok {
			continue
		}
		if e, err := parseTrashID(name); err == nil {
			at[e.ID] = len(out)
			out = append(out, e)
		}
	}
	for _, id := range purging {
		if i, ok := at[id]; ok {
			out[i].PurgeInterrupted = true
		} else if e, err := parseTrashID(id); err == nil {
			e.PurgeInterrupted = true
			out = append(out, e)
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
// did not finish (some of its files may be gone: purge it again). What a quarantine entry (QuarantineList) or a
// recovery backup (RecoveryBackupList) holds is never restored: an error
// says so, and where to look at it.
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
	if err := lk.Check(ctx); err != nil {
		return TrashEntry{}, fmt.Errorf("store: restore raw %s: %w", id, err)
	}
	// An empty folder left at the date (nothing in it) would block rename.
	_ = c.objs.Delete(ctx, rawPrefix+e.Date+"/")
	if err := rn.Rename(ctx, rawTrashPrefix+id+"/", rawPrefix+e.Date+"/"); err != nil {
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
// (PurgeInterrupted) finishes it. It is meant
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
