package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// SnapshotCheck is what the integrity check found about one snapshot.
type SnapshotCheck struct {
	ID     string          `json:"snapshotId"`
	Status snapshot.Status `json:"status,omitempty"`
	Legacy bool            `json:"legacy,omitempty"`
	// Complete is true when metadata and manifest parse and every file the
	// manifest lists is present with its size (and, for a full check, its
	// checksum and valid JSON).
	Complete bool     `json:"complete"`
	Files    int      `json:"files"`
	Problems []string `json:"problems,omitempty"`
}

// PointerCheck is what the integrity check found about current.json.
type PointerCheck struct {
	Present    bool   `json:"present"`
	SnapshotID string `json:"snapshotId,omitempty"`
	// Valid is true when current.json names a complete successful snapshot
	// and no newer dated one is complete and successful: a pointer behind
	// NewestSuccess is what a publish leaves when it stops after its
	// snapshot is in place and before it moves the pointer (nothing moves
	// current.json back on purpose), and Problem says so.
	Valid   bool   `json:"valid"`
	Problem string `json:"problem,omitempty"`
}

// IntegrityReport is the result of Check: every snapshot verified against
// its manifest, and the pointer.
type IntegrityReport struct {
	CheckedAt time.Time       `json:"checkedAt"`
	Healthy   bool            `json:"healthy"`
	Pointer   PointerCheck    `json:"pointer"`
	Snapshots []SnapshotCheck `json:"snapshots"`
	// Corrupted lists the ids of snapshots with problems.
	Corrupted []string `json:"corrupted"`
	// NewestSuccess is the newest complete successful dated snapshot.
	NewestSuccess string `json:"newestSuccess,omitempty"`
	// Leftovers are hidden folders left by interrupted writes or kept for
	// open readers (.gen-, .old-, .del-); they are not snapshots and do not
	// make the store unhealthy.
	Leftovers []string `json:"leftovers,omitempty"`
}

// CheckSnapshot verifies one dated snapshot fully (every file present with
// its size and checksum, and valid JSON), as Check does for each. It changes
// nothing; a missing snapshot is reported as a problem, not an error.
func (s *SnapshotStore) CheckSnapshot(ctx context.Context, id string) (SnapshotCheck, error) {
	if err := ValidDate(id); err != nil {
		return SnapshotCheck{}, fmt.Errorf("store: check snapshot %q: %w", id, err)
	}
	c := s.verify(ctx, id, true)
	return c, ctx.Err()
}

// verify checks one dated snapshot. full adds checksum and JSON checks of
// every file; otherwise only presence and sizes are checked.
func (s *SnapshotStore) verify(ctx context.Context, id string, full bool) SnapshotCheck {
	return s.verifyDir(ctx, id, snapshotsPrefix+id+"/", full)
}

// verifyDir is verify of the snapshot folder dir (a date folder, or a
// hidden copy of one).
func (s *SnapshotStore) verifyDir(ctx context.Context, id, dir string, full bool) SnapshotCheck {
	c := SnapshotCheck{ID: id}
	problem := func(f string, a ...any) { c.Problems = append(c.Problems, fmt.Sprintf(f, a...)) }
	mb, err := s.objs.Read(ctx, dir+manifestFile)
	if err != nil {
		problem("manifest.json: %v", err)
	}
	mdb, err := s.objs.Read(ctx, dir+metadataFile)
	if err != nil {
		problem("metadata.json: %v", err)
	}
	if len(c.Problems) > 0 {
		return c
	}
	var man snapshot.Manifest
	var md snapshot.Metadata
	if err := json.Unmarshal(mb, &man); err != nil {
		problem("manifest.json does not parse: %v", err)
	}
	if err := json.Unmarshal(mdb, &md); err != nil {
		problem("metadata.json does not parse: %v", err)
	}
	if len(c.Problems) > 0 {
		return c
	}
	c.Status = md.Status
	switch md.Status {
	case snapshot.StatusSuccess, snapshot.StatusPartial, snapshot.StatusFailed:
	default:
		problem("metadata.json: unknown status %q", md.Status)
	}
	if m := man.Metadata; m != nil {
		// Snapshots that record metadata.json's checksum (all since
		// 2026-12): it is checked like every other file.
		switch {
		case int64(len(mdb)) != m.Size:
			problem("metadata.json: size %d, manifest says %d", len(mdb), m.Size)
		case full && m.CRC32C != "" && !sumMatches(manifestSum(m.CRC32C, m.SHA256), mdb):
			problem("metadata.json: checksum %s, manifest says %s", sumOf(manifestSum(m.CRC32C, m.SHA256), mdb), manifestSum(m.CRC32C, m.SHA256))
		}
	}
	c.Files = 2
	type fileSpec struct {
		name string
		size int64
		sum  string
	}
	var files []fileSpec
	for _, e := range man.Districts {
		if e.Status != snapshot.StatusSuccess {
			continue
		}
		name := e.FileName
		if name == "" {
			name = DistrictFileName(e.DistrictID)
		}
		if _, err := checkKey(name, false); err != nil || strings.Contains(name, "/") {
			problem("manifest names a bad file %q", truncate(name))
			continue
		}
		files = append(files, fileSpec{name, e.FileSize, manifestSum(e.CRC32C, e.SHA256)})
	}
	if man.AllDistrictsRankings.Status == "present" {
		name := man.AllDistrictsRankings.Filename
		if name == "" {
			name = rankingsFile
		}
		files = append(files, fileSpec{name, man.AllDistrictsRankings.Size, manifestSum(man.AllDistrictsRankings.CRC32C, man.AllDistrictsRankings.SHA256)})
	}
	st, _ := s.objs.(Statter)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			problem("%v", err)
			break
		}
		c.Files++
		key := dir + f.name
		if !full && st != nil {
			n, _, err := st.Stat(ctx, key)
			if err != nil {
				problem("%s: %v", f.name, err)
			} else if f.size > 0 && n != f.size {
				problem("%s: size %d, manifest says %d", f.name, n, f.size)
			}
			continue
		}
		b, err := s.objs.Read(ctx, key)
		if err != nil {
			problem("%s: %v", f.name, err)
			continue
		}
		if f.size > 0 && int64(len(b)) != f.size {
			problem("%s: size %d, manifest says %d", f.name, len(b), f.size)
			continue
		}
		if !full {
			continue
		}
		if f.sum != "" {
			if !sumMatches(f.sum, b) {
				problem("%s: checksum %s, manifest says %s", f.name, sumOf(f.sum, b), f.sum)
				continue
			}
		}
		d, err := decode(b)
		if err != nil {
			problem("%s: %v", f.name, err)
			continue
		}
		if !json.Valid(d) {
			problem("%s: not valid JSON", f.name)
		}
	}
	c.Complete = len(c.Problems) == 0
	return c
}

// Check verifies every snapshot (files present, sizes and checksums against the
// manifest, JSON parsing) and the pointer (it names a complete successful
// snapshot, and none newer is: see PointerCheck.Valid). It changes nothing.
func (s *SnapshotStore) Check(ctx context.Context) (*IntegrityReport, error) {
	rep := &IntegrityReport{CheckedAt: s.opts.Now().UTC(), Corrupted: []string{}}
	ids, err := s.snapshotIDs(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		c := s.verify(ctx, id, true)
		s.noteCheck(ctx, c)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rep.Snapshots = append(rep.Snapshots, c)
		if !c.Complete {
			rep.Corrupted = append(rep.Corrupted, id)
		} else if c.Status == snapshot.StatusSuccess {
			rep.NewestSuccess = id // ids ascend
		}
	}
	legacy, err := s.legacyIDs(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range legacy {
		// A legacy file is damaged only when it is not JSON at all; JSON
		// that does not fit toaststats' types is reported but never
		// quarantined (it is the predecessor's data, read only).
		c := SnapshotCheck{ID: id, Legacy: true, Files: 1}
		b, err := s.objs.Read(ctx, snapshotsPrefix+id+".json")
		switch {
		case err != nil:
			c.Problems = append(c.Problems, err.Error())
			rep.Corrupted = append(rep.Corrupted, id)
		case !json.Valid(b):
			c.Problems = append(c.Problems, "not valid JSON")
			rep.Corrupted = append(rep.Corrupted, id)
		default:
			c.Complete = true
			if l, err := s.readLegacy(ctx, id); err != nil {
				c.Problems = append(c.Problems, err.Error())
			} else {
				c.Status = l.Status
			}
		}
		rep.Snapshots = append(rep.Snapshots, c)
	}
	rep.Leftovers = s.leftovers(ctx)

	p, err := s.readPointer(ctx)
	switch {
	case err == nil:
		rep.Pointer.Present = true
		rep.Pointer.SnapshotID = p.SnapshotID
		var found *SnapshotCheck
		for i := range rep.Snapshots {
			if rep.Snapshots[i].ID == p.SnapshotID {
				found = &rep.Snapshots[i]
			}
		}
		switch {
		case found == nil:
			rep.Pointer.Problem = "current.json names a snapshot that does not exist"
		case !found.Complete:
			rep.Pointer.Problem = "current.json names an incomplete snapshot"
		case found.Status != snapshot.StatusSuccess:
			rep.Pointer.Problem = fmt.Sprintf("current.json names a %s snapshot", found.Status)
		case ValidDate(p.SnapshotID) == nil && rep.NewestSuccess > p.SnapshotID:
			// A legacy (predecessor) pointer is never behind: the
			// predecessor left it on a legacy snapshot while writing
			// dated ones beside it, and ids of the two do not compare.
			rep.Pointer.Problem = behindProblem(p.SnapshotID, rep.NewestSuccess)
		default:
			rep.Pointer.Valid = true
		}
	case errors.Is(err, ErrNoSnapshot):
		rep.Pointer.Problem = "current.json missing"
	default:
		rep.Pointer.Present = true
		rep.Pointer.Problem = err.Error()
	}
	// A store with no successful snapshot and no pointer is empty, not broken.
	pointerOK := rep.Pointer.Valid || (!rep.Pointer.Present && rep.NewestSuccess == "" && !s.anyLegacySuccess(rep))
	rep.Healthy = pointerOK && len(rep.Corrupted) == 0
	return rep, nil
}

func (s *SnapshotStore) anyLegacySuccess(rep *IntegrityReport) bool {
	for _, c := range rep.Snapshots {
		if c.Legacy && c.Complete && c.Status == snapshot.StatusSuccess {
			return true
		}
	}
	return false
}

// leftovers lists the hidden folders in snapshots/.
func (s *SnapshotStore) leftovers(ctx context.Context) []string {
	ents, err := s.objs.List(ctx, snapshotsPrefix)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		name := strings.TrimPrefix(e, snapshotsPrefix)
		if strings.HasPrefix(name, genPrefix) || strings.HasPrefix(name, oldPrefix) || strings.HasPrefix(name, delPrefix) {
			out = append(out, e)
		}
	}
	return out
}

// collectGarbage removes staging and deleted leftovers and replaced
// generations past their grace period. The caller holds the snapshots lock,
// so no staging folder is in use.
func (s *SnapshotStore) collectGarbage(ctx context.Context, force bool) []string {
	var removed []string
	pending := s.pendingIntents(ctx)
	for _, e := range s.leftovers(ctx) {
		name := strings.TrimSuffix(strings.TrimPrefix(e, snapshotsPrefix), "/")
		if !force && s.inGrace(name) {
			continue
		}
		if pendingFor(pending, name) {
			continue // an interrupted publish not resumed yet needs it
		}
		if err := s.objs.Delete(ctx, e); err != nil {
			s.log.Warn("remove leftover", "key", e, "err", err)
			continue
		}
		removed = append(removed, e)
	}
	return removed
}

// inGrace reports whether the leftover folder name is a replaced
// generation (.old-*) younger than its grace period, which readers may
// still be reading.
func (s *SnapshotStore) inGrace(name string) bool {
	if !strings.HasPrefix(name, oldPrefix) {
		return false
	}
	i := strings.LastIndexByte(name, '-')
	n, err := strconv.ParseInt(name[i+1:], 10, 64)
	return err == nil && s.opts.Now().Sub(time.Unix(0, n)) < oldGenerationGrace
}

// RecoveryAction is one change Recover made.
type RecoveryAction struct {
	// Action is "repoint", "remove-pointer" (the old current.json is in the
	// backup), "quarantine", "quarantine-leftover" (a hidden folder of an
	// interrupted or replaced write moved to quarantine/leftovers-<ts>/), or,
	// on object storage, "finish-publish", "rollback-publish" or
	// "abandon-publish" (an interrupted in-place publish resumed from its
	// intent).
	Action     string `json:"action"`
	SnapshotID string `json:"snapshotId,omitempty"`
	From       string `json:"from,omitempty"`
	To         string `json:"to,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// RecoveryReport says exactly what Recover found and did.
type RecoveryReport struct {
	Before *IntegrityReport `json:"before"`
	After  *IntegrityReport `json:"after"`
	// Actions are the changes made, in order; empty when the store was
	// healthy.
	Actions []RecoveryAction `json:"actions"`
	// BackupDir is the recovery-backups/backup-<ts>-<rand>/ folder holding
	// the old current.json and an inventory, "" when nothing was changed:
	// the Path of a RecoveryBackupList entry, which Purge removes.
	BackupDir string `json:"backupDir,omitempty"`
	// Recovered is After.Healthy.
	Recovered bool `json:"recovered"`
}

type renamer interface {
	Rename(ctx context.Context, from, to string) error
}

// Recover repairs the store: damaged snapshots are moved (never deleted) to
// quarantine/<id>-<ts>/, current.json is pointed at the newest complete
// successful snapshot when it names anything else, and leftovers of
// interrupted writes are moved to quarantine/leftovers-<ts>/. On object
// storage, publishes interrupted by a crash are first finished or rolled
// back from their intents (the files of a first publish that never
// committed, which no reader could see, are removed). Recover never
// deletes anything but a current.json it has backed up. Something listed
// that is gone by the time it is moved (on object storage, a DELETE a
// crashed writer had already sent can land later) is skipped: there is
// nothing left to set aside. Before changing anything it writes a
// backup of current.json and an inventory under recovery-backups/, kept
// until purged (RawCache.RecoveryBackupList, RawCache.Purge). A
// healthy store is left untouched (no backup either).
func (s *SnapshotStore) Recover(ctx context.Context) (_ *RecoveryReport, err error) {
	lk, err := s.lock(ctx, snapshotsLock)
	if err != nil {
		return nil, err
	}
	defer lk.Unlock()
	// A lost lease (object storage) stops the repairs: another process
	// may be publishing now.
	ctx = lk.Context()
	defer func() { err = lk.LostOr(err) }()
	defer s.invalidateAll()
	before, err := s.Check(ctx)
	if err != nil {
		return nil, err
	}
	rep := &RecoveryReport{Before: before, Actions: []RecoveryAction{}}
	if before.Healthy && len(before.Leftovers) == 0 {
		rep.After, rep.Recovered = before, true
		return rep, nil
	}
	// On object storage, publishes interrupted by a crash are finished or
	// rolled back from their intents first; what is still broken after
	// that is handled as on any backend.
	resumed := s.resumeInterrupted(ctx)
	if pending := s.pendingIntents(ctx); len(pending) > 0 {
		ids := slices.Sorted(maps.Keys(pending))
		return rep, fmt.Errorf("store: recover: interrupted publish of %s could not be finished or rolled back (see the log); nothing else changed: run it again", strings.Join(ids, ", "))
	}
	if len(resumed) > 0 {
		rep.Actions = append(rep.Actions, resumed...)
		mid, err := s.Check(ctx)
		if err != nil {
			return rep, err
		}
		if mid.Healthy && len(mid.Leftovers) == 0 {
			rep.After, rep.Recovered = mid, true
			return rep, nil
		}
		before = mid
	}
	ts := s.opts.Now().UTC()
	stamp := recoverStamp(ts) // names the backup and the quarantine entries (quarantine.go)
	if !before.Healthy {
		rep.BackupDir = newRecoveryBackupDir(stamp)
		if b, err := s.objs.Read(ctx, currentKey); err == nil {
			if err := s.objs.Write(ctx, rep.BackupDir+currentKey, b); err != nil {
				return rep, fmt.Errorf("store: recover: back up current.json: %w", err)
			}
		}
		var ids []string
		for _, c := range before.Snapshots {
			ids = append(ids, c.ID)
		}
		inv := RecoveryInventory{
			BackupCreatedAt: ts,
			BackupReason:    "Pre-recovery backup",
			Corrupted:       before.Corrupted,
			Pointer:         &before.Pointer,
			SnapshotCount:   len(ids),
			SnapshotFiles:   ids,
		}
		b, _ := json.MarshalIndent(inv, "", "  ")
		if err := s.objs.Write(ctx, rep.BackupDir+inventoryFile, b); err != nil {
			return rep, fmt.Errorf("store: recover: write inventory: %w", err)
		}
	}
	rn, _ := s.objs.(renamer)
	for _, c := range before.Snapshots {
		if c.Complete {
			continue
		}
		if rn == nil {
			return rep, fmt.Errorf("store: recover: backend cannot move snapshots to quarantine")
		}
		from, to := snapshotsPrefix+c.ID+"/", quarantinedSnapshotKey(c.ID, stamp, c.Legacy)
		if c.Legacy {
			from = snapshotsPrefix + c.ID + ".json"
		}
		if err := rn.Rename(ctx, from, to); errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("recover: a damaged snapshot was gone before it could be quarantined", "id", c.ID, "key", from)
			continue
		} else if err != nil {
			return rep, fmt.Errorf("store: recover: quarantine %s: %w", c.ID, err)
		}
		rep.Actions = append(rep.Actions, RecoveryAction{Action: "quarantine", SnapshotID: c.ID, From: from, To: to, Reason: strings.Join(c.Problems, "; ")})
	}
	if !before.Pointer.Valid {
		target := before.NewestSuccess
		if target == "" && before.Pointer.Present {
			if err := s.objs.Delete(ctx, currentKey); err != nil {
				return rep, fmt.Errorf("store: recover: remove current.json: %w", err)
			}
			rep.Actions = append(rep.Actions, RecoveryAction{Action: "remove-pointer", From: before.Pointer.SnapshotID, Reason: before.Pointer.Problem + "; no complete successful snapshot to point at"})
		} else if target != "" {
			if _, err := s.movePointer(ctx, target, false); err != nil {
				return rep, fmt.Errorf("store: recover: repoint current.json: %w", err)
			}
			rep.Actions = append(rep.Actions, RecoveryAction{Action: "repoint", SnapshotID: target, From: before.Pointer.SnapshotID, To: target, Reason: before.Pointer.Problem})
		}
	}
	for _, k := range s.leftovers(ctx) {
		name := strings.TrimSuffix(strings.TrimPrefix(k, snapshotsPrefix), "/")
		if s.inGrace(name) {
			continue // a reader may still hold the replaced generation
		}
		if rn == nil {
			return rep, fmt.Errorf("store: recover: backend cannot move leftovers to quarantine")
		}
		to := quarantinedLeftoverKey(stamp, name)
		if err := rn.Rename(ctx, k, to); errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("recover: a leftover was gone before it could be quarantined", "key", k)
			continue
		} else if err != nil {
			return rep, fmt.Errorf("store: recover: move leftover %s to quarantine: %w", k, err)
		}
		rep.Actions = append(rep.Actions, RecoveryAction{Action: "quarantine-leftover", From: k, To: to,
			Reason: "left by an interrupted or replaced write"})
	}
	after, err := s.Check(ctx)
	if err != nil {
		return rep, err
	}
	rep.After, rep.Recovered = after, after.Healthy
	return rep, nil
}

func (s *SnapshotStore) invalidateAll() {
	if s.cache != nil {
		s.cache.DeleteExpired()
		for k := range s.cache.Items() {
			s.cache.Delete(k) // through OnEvicted, so the byte count stays right
		}
	}
}

// ---- listing, retention, deletion ----

// ListFilter selects snapshots for List. Zero fields do not filter.
type ListFilter struct {
	Status                            snapshot.Status
	SchemaVersion, CalculationVersion string
	CreatedAfter, CreatedBefore       time.Time
	MinDistrictCount, Limit           int
}

// ListEntry summarises one snapshot.
type ListEntry struct {
	SnapshotID         string          `json:"snapshot_id"`
	CreatedAt          time.Time       `json:"created_at"`
	Status             snapshot.Status `json:"status"`
	SchemaVersion      string          `json:"schema_version"`
	CalculationVersion string          `json:"calculation_version"`
	SizeBytes          int64           `json:"size_bytes"`
	ErrorCount         int             `json:"error_count"`
	DistrictCount      int             `json:"district_count"`
	Legacy             bool            `json:"legacy,omitempty"`

	sortKey string
}

// List returns the snapshots matching f, newest first (by logical date;
// legacy snapshots by their data date, else the date they were created).
// Unreadable snapshots are left out (and logged), not fatal.
func (s *SnapshotStore) List(ctx context.Context, f ListFilter) ([]ListEntry, error) {
	ids, err := s.snapshotIDs(ctx)
	if err != nil {
		return nil, err
	}
	legacy, err := s.legacyIDs(ctx)
	if err != nil {
		return nil, err
	}
	var out []ListEntry
	for _, id := range append(ids, legacy...) {
		start := s.stats.begin()
		v, err := s.get(ctx, id, true)
		s.stats.end(start)
		if err != nil {
			s.log.Warn("list: skipping unreadable snapshot", "id", id, "err", err)
			continue
		}
		e := ListEntry{
			SnapshotID: id, CreatedAt: v.Metadata.CreatedAt, Status: v.Metadata.Status,
			SchemaVersion: v.Metadata.SchemaVersion, CalculationVersion: v.Metadata.CalculationVersion,
			ErrorCount: len(v.Metadata.Errors), DistrictCount: len(v.Metadata.SuccessfulDistricts),
			Legacy: v.legacy != nil, sortKey: id,
		}
		if v.legacy != nil {
			switch {
			case ValidDate(v.Metadata.LogicalDate) == nil:
				e.sortKey = v.Metadata.LogicalDate
			case ValidDate(v.Metadata.DataAsOfDate) == nil:
				e.sortKey = v.Metadata.DataAsOfDate
			default:
				e.sortKey = e.CreatedAt.UTC().Format(time.DateOnly)
			}
		}
		if v.legacy != nil {
			e.SizeBytes = v.legacy.size
		} else {
			e.SizeBytes = v.metaSize
			for _, d := range v.Manifest.Districts {
				e.SizeBytes += d.FileSize
			}
			e.SizeBytes += v.Manifest.AllDistrictsRankings.Size
		}
		if f.Status != "" && e.Status != f.Status ||
			f.SchemaVersion != "" && e.SchemaVersion != f.SchemaVersion ||
			f.CalculationVersion != "" && e.CalculationVersion != f.CalculationVersion ||
			!f.CreatedAfter.IsZero() && !e.CreatedAt.After(f.CreatedAfter) ||
			!f.CreatedBefore.IsZero() && !e.CreatedAt.Before(f.CreatedBefore) ||
			e.DistrictCount < f.MinDistrictCount {
			continue
		}
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(a, b ListEntry) int {
		if c := strings.Compare(b.sortKey, a.sortKey); c != 0 {
			return c
		}
		return b.CreatedAt.Compare(a.CreatedAt)
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// RetentionPolicy says which snapshots to keep. A snapshot is deleted only
// when it is outside the newest MaxCount AND its logical date is more than
// MaxAge old; the current snapshot and the newest successful one are never
// deleted, nor are legacy (read-only) snapshots.
type RetentionPolicy struct {
	MaxCount int           // default 100
	MaxAge   time.Duration // default 30 days
	DryRun   bool          // report only
}

// RetentionReport says what Retain kept and deleted.
type RetentionReport struct {
	Deleted   []string `json:"deleted"`
	Kept      []string `json:"kept"`
	Protected []string `json:"protected"`
	DryRun    bool     `json:"dryRun"`
}

// Retain deletes old snapshots according to p (defaults 100 / 30 days).
func (s *SnapshotStore) Retain(ctx context.Context, p RetentionPolicy) (_ *RetentionReport, err error) {
	if p.MaxCount <= 0 {
		p.MaxCount = 100
	}
	if p.MaxAge <= 0 {
		p.MaxAge = 30 * 24 * time.Hour
	}
	lk, err := s.lock(ctx, snapshotsLock)
	if err != nil {
		return nil, err
	}
	defer lk.Unlock()
	ctx = lk.Context() // a lost lease stops the deletions
	defer func() { err = lk.LostOr(err) }()
	ids, err := s.snapshotIDs(ctx)
	if err != nil {
		return nil, err
	}
	protected := map[string]bool{}
	if ptr, err := s.readPointer(ctx); err == nil {
		protected[ptr.SnapshotID] = true
	}
	for i := len(ids) - 1; i >= 0; i-- {
		if c := s.verify(ctx, ids[i], false); c.Complete && c.Status == snapshot.StatusSuccess {
			protected[ids[i]] = true
			break
		}
	}
	rep := &RetentionReport{DryRun: p.DryRun, Deleted: []string{}, Kept: []string{}, Protected: []string{}}
	now := s.opts.Now()
	for i := len(ids) - 1; i >= 0; i-- {
		id := ids[i]
		rank := len(ids) - 1 - i
		if protected[id] {
			rep.Protected = append(rep.Protected, id)
			continue
		}
		t, _ := time.Parse(time.DateOnly, id)
		if rank < p.MaxCount || now.Sub(t) <= p.MaxAge {
			rep.Kept = append(rep.Kept, id)
			continue
		}
		if !p.DryRun {
			if err := s.deleteLocked(ctx, id); err != nil {
				return rep, err
			}
		}
		rep.Deleted = append(rep.Deleted, id)
	}
	return rep, nil
}

// Delete removes snapshot id. It refuses the snapshot current.json names
// (ErrSnapshotIsCurrent) and legacy snapshots (ErrLegacyReadOnly).
func (s *SnapshotStore) Delete(ctx context.Context, id string) (err error) {
	if err := validSnapshotID(id); err != nil {
		return fmt.Errorf("%w: %w", ErrSnapshotNotFound, err)
	}
	if ValidDate(id) != nil {
		if _, err := s.readLegacy(ctx, id); err == nil {
			return fmt.Errorf("%w: %s", ErrLegacyReadOnly, id)
		}
		return fmt.Errorf("%w: %s", ErrSnapshotNotFound, id)
	}
	lk, err := s.lock(ctx, snapshotsLock)
	if err != nil {
		return err
	}
	defer lk.Unlock()
	ctx = lk.Context() // a lost lease stops the deletion
	defer func() { err = lk.LostOr(err) }()
	if p, err := s.readPointer(ctx); err == nil && p.SnapshotID == id {
		return fmt.Errorf("%w: %s", ErrSnapshotIsCurrent, id)
	}
	ents, err := s.objs.List(ctx, snapshotsPrefix+id+"/")
	if err != nil {
		return err
	}
	if len(ents) == 0 {
		return fmt.Errorf("%w: %s", ErrSnapshotNotFound, id)
	}
	return s.deleteLocked(ctx, id)
}

// deleteLocked makes the snapshot folder disappear atomically (rename to
// .del-) and then removes it.
func (s *SnapshotStore) deleteLocked(ctx context.Context, id string) error {
	defer s.invalidate(id)
	dir := snapshotsPrefix + id + "/"
	if s.inPlace() {
		// No atomic rename: the manifest goes first, so no reader loads
		// the snapshot from then on; the rest follows.
		for _, k := range []string{dir + manifestFile, dir + metadataFile} {
			if err := s.objs.Delete(ctx, k); err != nil {
				return fmt.Errorf("store: delete snapshot %s: %w", id, err)
			}
		}
	} else if rn, ok := s.objs.(renamer); ok {
		tmp := snapshotsPrefix + delPrefix + id + "-" + randSuffix() + "/"
		if err := rn.Rename(ctx, dir, tmp); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return fmt.Errorf("store: delete snapshot %s: %w", id, err)
		}
		dir = tmp
	}
	if err := s.objs.Delete(ctx, dir); err != nil {
		return fmt.Errorf("store: delete snapshot %s: %w", id, err)
	}
	return nil
}
