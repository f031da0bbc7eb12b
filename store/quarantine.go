package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// quarantine/ holds what the store moved or copied aside instead of
// deleting it, and recovery-backups/ what Recover kept before it changed
// anything. This file is the one place that knows their layout:
//
//	quarantine/raw-<time>/raw-csv/<date>/...   damaged raw reports SetAside copied, as they
//	                                           were in the cache (scrape then replaced them)
//	quarantine/<date>-<stamp>/                 a damaged snapshot Recover moved aside
//	quarantine/<legacy-id>-<stamp>.json        a damaged predecessor single-file snapshot
//	                                           Recover moved aside
//	quarantine/leftovers-<stamp>/<name>/       the hidden folders (snapshots/.<name>/) of
//	                                           interrupted or replaced writes one Recover
//	                                           moved aside
//	recovery-backups/backup-<stamp>-<rand>/    the current.json one Recover found (when there
//	                                           was one) and its snapshot-inventory.json
//	                                           (RecoveryInventory), written before it changed
//	                                           anything; backup-<stamp>/ are the predecessor's
//
// <time> is SetAside's time (setAsideLayout: UTC, nanoseconds); <stamp>
// Recover's (recoverStamp: UTC, milliseconds; the predecessor named its
// backups with the same stamp); <rand> 4 lowercase hex digits, so that two
// Recovers in one millisecond keep two backups. Each such name in
// quarantine/ is an entry of QuarantineList, each such folder in
// recovery-backups/ one of RecoveryBackupList; only Purge removes one.
// Anything else found there was not put there by the store: it is neither
// listed nor purged.
const (
	setAsidePrefix  = "raw-"
	setAsideLayout  = "2006-01-02T15-04-05.000000000Z"
	leftoversPrefix = "leftovers-"
	// recoverLayout is the time layout recoverStamp starts from; its ':'
	// and '.' are written '-'.
	recoverLayout = "2006-01-02T15:04:05.000Z07:00"
	// recoverStampLen is the length of every recoverStamp.
	recoverStampLen = len("2006-01-02T15-04-05-000Z")
	backupPrefix    = "backup-"
	backupRandLen   = 4
	inventoryFile   = "snapshot-inventory.json"
)

// setAsideKey is where SetAside keeps, at time at, the damaged raw report
// whose key is from.
func setAsideKey(at time.Time, from string) string {
	return quarantinePrefix + setAsidePrefix + at.UTC().Format(setAsideLayout) + "/" + from
}

// recoverStamp is the time of a Recover as its quarantine and backup
// folders name it: "2025-10-02T01-02-03-004Z".
func recoverStamp(t time.Time) string {
	return strings.NewReplacer(":", "-", ".", "-").Replace(t.UTC().Format(recoverLayout))
}

// parseRecoverStamp is the inverse of recoverStamp.
func parseRecoverStamp(s string) (time.Time, bool) {
	if len(s) != recoverStampLen {
		return time.Time{}, false
	}
	b := []byte(s)
	b[13], b[16], b[19] = ':', ':', '.'
	t, err := time.Parse(recoverLayout, string(b))
	if err != nil || recoverStamp(t) != s {
		return time.Time{}, false
	}
	return t, true
}

// quarantinedSnapshotKey is where Recover, at stamp, moves the damaged
// snapshot id: a folder, or a file for a legacy single-file snapshot.
func quarantinedSnapshotKey(id, stamp string, legacy bool) string {
	if legacy {
		return quarantinePrefix + id + "-" + stamp + ".json"
	}
	return quarantinePrefix + id + "-" + stamp + "/"
}

// quarantinedLeftoverKey is where Recover, at stamp, moves the hidden
// folder snapshots/<name>/ (name starting with '.').
func quarantinedLeftoverKey(stamp, name string) string {
	return quarantinePrefix + leftoversPrefix + stamp + "/" + strings.TrimPrefix(name, ".") + "/"
}

// newRecoveryBackupDir is the folder a Recover at stamp writes its backup
// to: recovery-backups/backup-<stamp>-<rand>/.
func newRecoveryBackupDir(stamp string) string {
	return backupsPrefix + backupPrefix + stamp + "-" + randSuffix()[:backupRandLen] + "/"
}

// QuarantineKind says what a quarantine entry holds.
type QuarantineKind string

// The kinds of quarantine entries.
const (
	// QuarantineRawReports: damaged raw reports SetAside copied before
	// scrape downloaded them again (quarantine/raw-<time>/).
	QuarantineRawReports QuarantineKind = "raw-reports"
	// QuarantineSnapshot: a damaged snapshot Recover (verify --repair)
	// moved aside (quarantine/<id>-<stamp>/, or <id>-<stamp>.json for a
	// predecessor single-file snapshot).
	QuarantineSnapshot QuarantineKind = "snapshot"
	// QuarantineLeftovers: the leftovers of interrupted or replaced
	// snapshot writes one Recover moved aside
	// (quarantine/leftovers-<stamp>/).
	QuarantineLeftovers QuarantineKind = "leftovers"
)

// QuarantineEntry is one entry of quarantine/ (see QuarantineList).
type QuarantineEntry struct {
	// ID names the entry for Purge: its name under quarantine/.
	ID   string         `json:"id"`
	Kind QuarantineKind `json:"kind"`
	// At is when it was put there (from its name).
	At time.Time `json:"at"`
	// Path is its key in the data location: "quarantine/<ID>/", or
	// "quarantine/<ID>" for a file (a legacy snapshot). An operator reads
	// what it holds there.
	Path string `json:"path"`
	// SnapshotID is the quarantined snapshot's id (QuarantineSnapshot).
	SnapshotID string `json:"snapshotId,omitempty"`
	// Files are the damaged reports' keys in the raw cache
	// ("raw-csv/<date>/district-<id>/<report>.csv"), sorted, their bytes at
	// Path+file (QuarantineRawReports).
	Files []string `json:"files,omitempty"`
	// Folders are the leftover folders moved, as named under Path
	// ("gen-2025-10-01-…": snapshots/.gen-2025-10-01-…/), sorted
	// (QuarantineLeftovers).
	Folders []string `json:"folders,omitempty"`
}

// parseQuarantineID returns the entry quarantine/<id> is when id is a
// name the store gives entries there (Files and Folders left empty);
// false otherwise.
func parseQuarantineID(id string) (QuarantineEntry, bool) {
	e := QuarantineEntry{ID: id, Path: quarantinePrefix + id + "/"}
	if rest, ok := strings.CutPrefix(id, setAsidePrefix); ok {
		t, err := time.Parse(setAsideLayout, rest)
		if err == nil && t.Format(setAsideLayout) == rest {
			e.Kind, e.At = QuarantineRawReports, t
			return e, true
		}
	}
	if rest, ok := strings.CutPrefix(id, leftoversPrefix); ok {
		if t, ok := parseRecoverStamp(rest); ok {
			e.Kind, e.At = QuarantineLeftovers, t
			return e, true
		}
	}
	name, legacy := strings.CutSuffix(id, ".json")
	const stampLen = 1 + recoverStampLen // "-<stamp>"
	if len(name) <= stampLen || name[len(name)-stampLen] != '-' {
		return QuarantineEntry{}, false
	}
	sid := name[:len(name)-stampLen]
	t, ok := parseRecoverStamp(name[len(name)-stampLen+1:])
	if !ok || legacy && !validLegacyID(sid) || !legacy && ValidDate(sid) != nil {
		return QuarantineEntry{}, false
	}
	if legacy {
		e.Path = quarantinePrefix + id
	}
	e.Kind, e.At, e.SnapshotID = QuarantineSnapshot, t, sid
	return e, true
}

// QuarantineList lists the entries of quarantine/, oldest first: the
// damaged raw reports scrape set aside (SetAside) and the damaged
// snapshots and leftovers of interrupted writes `verify --repair` moved
// aside (SnapshotStore.Recover). They are kept on purpose, never make the
// store unhealthy, and stay until purged (Purge with their ID): nothing
// else removes them, and Restore refuses them. They are the raw cache's
// to list and purge, beside its trash, because the trash is where an
// operator removes what the store keeps instead of deleting.
func (c *RawCache) QuarantineList(ctx context.Context) ([]QuarantineEntry, error) {
	ents, err := c.objs.List(ctx, quarantinePrefix)
	if err != nil {
		return nil, fmt.Errorf("store: list quarantine: %w", err)
	}
	out := []QuarantineEntry{}
	for _, k := range ents {
		name, folder := strings.CutSuffix(strings.TrimPrefix(k, quarantinePrefix), "/")
		e, ok := parseQuarantineID(name)
		if !ok || e.Path != k || folder != strings.HasSuffix(e.Path, "/") {
			continue // not named as the store names its entries
		}
		switch e.Kind {
		case QuarantineRawReports:
			files, err := c.listFiles(ctx, k, 4)
			if err != nil {
				return nil, fmt.Errorf("store: list quarantine: %w", err)
			}
			e.Files = make([]string, 0, len(files))
			for _, f := range files {
				e.Files = append(e.Files, strings.TrimPrefix(f, k))
			}
			slices.Sort(e.Files)
		case QuarantineLeftovers:
			sub, err := c.objs.List(ctx, k)
			if err != nil {
				return nil, fmt.Errorf("store: list quarantine: %w", err)
			}
			for _, s := range sub {
				e.Folders = append(e.Folders, strings.TrimSuffix(strings.TrimPrefix(s, k), "/"))
			}
			slices.Sort(e.Folders)
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b QuarantineEntry) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// listFiles lists the objects under folder (a key ending in "/") and its
// folders, depth levels down at most.
func (c *RawCache) listFiles(ctx context.Context, folder string, depth int) ([]string, error) {
	ents, err := c.objs.List(ctx, folder)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if !strings.HasSuffix(e, "/") {
			out = append(out, e)
			continue
		}
		if depth > 0 {
			sub, err := c.listFiles(ctx, e, depth-1)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		}
	}
	return out, nil
}

// what says what a quarantine entry holds, for messages.
func (e QuarantineEntry) what() string {
	switch e.Kind {
	case QuarantineRawReports:
		return "damaged raw reports set aside by scrape"
	case QuarantineSnapshot:
		return "damaged snapshot " + e.SnapshotID + " moved aside by verify --repair"
	default:
		return "leftovers of interrupted writes moved aside by verify --repair"
	}
}

// restoreRefused is Restore's error for quarantine entry e: what is in
// quarantine/ is never put back.
func (e QuarantineEntry) restoreRefused() error {
	return fmt.Errorf("store: restore %s: not restored (%s): look at %s in the data location, or purge it", e.ID, e.what(), e.Path)
}

// purgeQuarantined destroys quarantine entry e (see Purge). Snapshots and
// leftovers are removed under the snapshots' lock, which Recover holds
// while it moves them in (on object storage, object by object), so that
// an entry being filled is never removed half way.
func (c *RawCache) purgeQuarantined(ctx context.Context, e QuarantineEntry) error {
	return c.purgeKept(ctx, "quarantine", e.ID, quarantinePrefix, e.Path, e.Kind != QuarantineRawReports)
}

// purgeRecoveryBackup destroys recovery backup b (see Purge), under the
// snapshots' lock, which Recover holds while it writes one.
func (c *RawCache) purgeRecoveryBackup(ctx context.Context, b RecoveryBackup) error {
	return c.purgeKept(ctx, "recovery backup", b.ID, backupsPrefix, b.Path, true)
}

// purgeKept destroys key (a folder, or a file), entry id of what (for
// messages) listed in the folder parent; ErrTrashNotFound when the
// listing does not have it. With snapshotsLocked, under the snapshots'
// lock.
func (c *RawCache) purgeKept(ctx context.Context, what, id, parent, key string, snapshotsLocked bool) (err error) {
	check := func(context.Context) error { return nil }
	if snapshotsLocked {
		lk, lerr := c.lock(ctx, snapshotsLock)
		if lerr != nil {
			return lerr
		}
		defer lk.Unlock()
		ctx = lk.Context()
		defer func() { err = lk.stopped(err, "store: purge "+what+" "+id) }()
		check = lk.Check
	}
	ents, err := c.objs.List(ctx, parent)
	if err != nil {
		return fmt.Errorf("store: purge %s %s: %w", what, id, err)
	}
	if !slices.Contains(ents, key) {
		return fmt.Errorf("%w: %s (nothing at %s)", ErrTrashNotFound, id, key)
	}
	if err := check(ctx); err != nil {
		return fmt.Errorf("store: purge %s %s: %w", what, id, err)
	}
	if err := c.objs.Delete(ctx, key); err != nil {
		return fmt.Errorf("store: purge %s %s: %w", what, id, err)
	}
	c.log.Warn("purged "+what, "id", id)
	return nil
}

// RecoveryInventory is a recovery backup's snapshot-inventory.json: what
// the store held when Recover began. The predecessor's backups have
// BackupCreatedAt, BackupReason, SnapshotCount and SnapshotFiles only.
// Its fields are in alphabetical order, as earlier versions wrote them.
type RecoveryInventory struct {
	BackupCreatedAt time.Time `json:"backupCreatedAt"`
	BackupReason    string    `json:"backupReason"`
	// Corrupted are the ids of the damaged snapshots Recover found (and
	// moved to quarantine/).
	Corrupted []string `json:"corrupted"`
	// Pointer is what Recover found about current.json.
	Pointer *PointerCheck `json:"pointer,omitempty"`
	// SnapshotCount is len(SnapshotFiles).
	SnapshotCount int `json:"snapshotCount"`
	// SnapshotFiles are the ids of every snapshot, damaged or not, as
	// Check listed them.
	SnapshotFiles []string `json:"snapshotFiles"`
}

// RecoveryBackup is one backup in recovery-backups/ (see
// RecoveryBackupList).
type RecoveryBackup struct {
	// ID names the backup for Purge: its folder's name under
	// recovery-backups/ ("backup-<stamp>-<rand>"; RecoveryReport.BackupDir
	// is its Path).
	ID string `json:"id"`
	// At is when Recover made it (from its name).
	At time.Time `json:"at"`
	// Path is its folder in the data location: "recovery-backups/<ID>/".
	Path string `json:"path"`
	// Files are what it holds, as named under Path, sorted
	// ("current.json", "snapshot-inventory.json"): what Purge removes.
	Files []string `json:"files"`
	// CurrentSnapshotID is the snapshot the backed-up current.json names;
	// "" when the backup holds no current.json (the store had none) or it
	// does not read as one (CurrentProblem says why).
	CurrentSnapshotID string `json:"currentSnapshotId,omitempty"`
	CurrentProblem    string `json:"currentProblem,omitempty"`
	// Inventory is its snapshot-inventory.json; nil when it is missing or
	// does not read (InventoryProblem says why).
	Inventory        *RecoveryInventory `json:"inventory,omitempty"`
	InventoryProblem string             `json:"inventoryProblem,omitempty"`
}

// parseRecoveryBackupID returns the backup recovery-backups/<id>/ is when
// id is a name Recover (or the predecessor) gives backups (nothing read
// yet); false otherwise.
func parseRecoveryBackupID(id string) (RecoveryBackup, bool) {
	rest, ok := strings.CutPrefix(id, backupPrefix)
	if !ok {
		return RecoveryBackup{}, false
	}
	stamp, rnd := rest, ""
	if len(rest) == recoverStampLen+1+backupRandLen && rest[recoverStampLen] == '-' {
		stamp, rnd = rest[:recoverStampLen], rest[recoverStampLen+1:]
	}
	t, ok := parseRecoverStamp(stamp)
	if !ok || strings.Trim(rnd, "0123456789abcdef") != "" {
		return RecoveryBackup{}, false
	}
	return RecoveryBackup{ID: id, At: t, Path: backupsPrefix + id + "/"}, true
}

// RecoveryBackupList lists the backups in recovery-backups/, oldest
// first: the current.json and inventory each Recover (verify --repair)
// that changed the store wrote first, with what they say. They are kept
// on purpose, never make the store unhealthy, and stay until purged
// (Purge with their ID): nothing else removes them, and Restore refuses
// them (putting an old current.json back is an operator's decision). A
// backup that does not read is listed all the same, with why. They are
// the raw cache's to list and purge, as quarantine entries are, because
// the trash is where an operator removes what the store keeps.
func (c *RawCache) RecoveryBackupList(ctx context.Context) ([]RecoveryBackup, error) {
	ents, err := c.objs.List(ctx, backupsPrefix)
	if err != nil {
		return nil, fmt.Errorf("store: list recovery backups: %w", err)
	}
	out := []RecoveryBackup{}
	for _, k := range ents {
		name, folder := strings.CutSuffix(strings.TrimPrefix(k, backupsPrefix), "/")
		b, ok := parseRecoveryBackupID(name)
		if !ok || !folder {
			continue // not named as the store names its backups
		}
		files, err := c.listFiles(ctx, k, 4)
		if err != nil {
			return nil, fmt.Errorf("store: list recovery backups: %w", err)
		}
		b.Files = make([]string, 0, len(files))
		for _, f := range files {
			b.Files = append(b.Files, strings.TrimPrefix(f, k))
		}
		slices.Sort(b.Files)
		if slices.Contains(b.Files, currentKey) {
			p, problem, err := c.readBackupFile(ctx, k+currentKey)
			if err != nil {
				return nil, fmt.Errorf("store: list recovery backups: %w", err)
			}
			if problem == "" {
				if ptr, err := parsePointer(p); err != nil {
					problem = err.Error()
				} else {
					b.CurrentSnapshotID = ptr.SnapshotID
				}
			}
			b.CurrentProblem = problem
		}
		inv, problem, err := c.readBackupFile(ctx, k+inventoryFile)
		if err != nil {
			return nil, fmt.Errorf("store: list recovery backups: %w", err)
		}
		if problem == "" {
			b.Inventory = &RecoveryInventory{}
			if err := json.Unmarshal(inv, b.Inventory); err != nil {
				b.Inventory, problem = nil, fmt.Sprintf("%v: %s: %v", ErrCorrupt, inventoryFile, err)
			}
		}
		b.InventoryProblem = problem
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b RecoveryBackup) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// readBackupFile reads a file of a recovery backup. One that is not there
// (never written, or purged since the listing) is a problem naming it,
// not an error.
func (c *RawCache) readBackupFile(ctx context.Context, key string) (_ []byte, problem string, _ error) {
	b, err := c.objs.Read(ctx, key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, path.Base(key) + " missing", nil
	}
	return b, "", err
}

// restoreRefused is Restore's error for recovery backup b: an old
// current.json is never put back by the store.
func (b RecoveryBackup) restoreRefused() error {
	return fmt.Errorf("store: restore %s: not restored (the current.json and inventory verify --repair backed up before it changed the store): look at %s in the data location; putting an old current.json back is an operator's decision, made by hand; or purge it", b.ID, b.Path)
}
