package store

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// Everything the store moves or copies into quarantine/ is listed by
// QuarantineList under the names it was given: the damaged raw reports
// SetAside copies, and the damaged snapshots (a folder, or a legacy
// file) and the leftovers of interrupted writes Recover moves aside
// (their listed paths are exactly where Recover's actions say it moved
// them). Purge removes one entry and nothing else; Restore refuses them,
// naming where to look; what the store did not put there is neither
// listed nor purged.
func TestQuarantineListAndPurge(t *testing.T) {
	ctx := context.Background()
	var clock atomic.Int64
	clock.Store(time.Date(2025, 10, 4, 1, 2, 3, 4, time.UTC).UnixNano())
	st := openTest(t, Options{Now: func() time.Time { return time.Unix(0, clock.Load()).UTC() }})
	ss, rc := st.Snapshots(), st.Raw()

	// A damaged raw report set aside, as scrape does.
	const date = "2025-10-01"
	key := rawPrefix + date + "/district-61/" + ReportClub.FileName()
	must(t, rc.Put(ctx, date, "61", ReportClub, []byte("Club Number\n1\n"), PutInfo{}))
	must(t, st.Objects().Write(ctx, key, []byte("damaged\n")))
	_, damage := rc.Get(ctx, date, "61", ReportClub)
	_, setAside, err := rc.SetAside(ctx, date, "61", ReportClub, damage)
	must(t, err)
	setAsideAt := time.Unix(0, clock.Load()).UTC()

	// A damaged snapshot, a damaged legacy snapshot and two leftovers of
	// interrupted writes, which Recover moves aside an hour later.
	publish(t, ss, "2025-10-01", snapshot.StatusSuccess)
	publish(t, ss, "2025-10-02", snapshot.StatusSuccess)
	must(t, st.Objects().Delete(ctx, snapshotsPrefix+"2025-10-02/district_2.json"))
	must(t, st.Objects().Write(ctx, snapshotsPrefix+"legacy_1.json", []byte("not json")))
	for _, k := range []string{genPrefix + "2025-10-03-1a/district_1.json", delPrefix + "2025-09-01-7/" + manifestFile} {
		must(t, st.Objects().Write(ctx, snapshotsPrefix+k, []byte("{}")))
	}
	// What the store did not put in quarantine/ (an operator's note, a
	// folder named otherwise) is left alone.
	foreign := []string{quarantinePrefix + "notes.txt", quarantinePrefix + "2025-09-30-20251002T000000/" + manifestFile, quarantinePrefix + "leftovers-old/x/" + manifestFile}
	for _, k := range foreign {
		must(t, st.Objects().Write(ctx, k, []byte("{}")))
	}
	recoveredAt := time.Date(2025, 10, 4, 2, 2, 3, 5_000_000, time.UTC)
	clock.Store(recoveredAt.Add(678).UnixNano()) // the stamp keeps milliseconds
	rr, err := ss.Recover(ctx)
	must(t, err)
	movedTo := map[string]string{}
	for _, a := range rr.Actions {
		if a.Action == "quarantine" || a.Action == "quarantine-leftover" {
			movedTo[a.From] = a.To
		}
	}
	if len(movedTo) != 4 || !rr.Recovered {
		t.Fatalf("Recover: %+v", rr)
	}
	leftovers := strings.TrimSuffix(movedTo[snapshotsPrefix+genPrefix+"2025-10-03-1a/"], "gen-2025-10-03-1a/")

	list, err := rc.QuarantineList(ctx)
	must(t, err)
	want := []QuarantineEntry{
		{ID: "raw-2025-10-04T01-02-03.000000004Z", Kind: QuarantineRawReports, At: setAsideAt,
			Path: quarantinePrefix + "raw-2025-10-04T01-02-03.000000004Z/", Files: []string{key}},
		{ID: "2025-10-02-2025-10-04T02-02-03-005Z", Kind: QuarantineSnapshot, At: recoveredAt, SnapshotID: "2025-10-02",
			Path: movedTo[snapshotsPrefix+"2025-10-02/"]},
		{ID: "leftovers-2025-10-04T02-02-03-005Z", Kind: QuarantineLeftovers, At: recoveredAt,
			Path: leftovers, Folders: []string{"del-2025-09-01-7", "gen-2025-10-03-1a"}},
		{ID: "legacy_1-2025-10-04T02-02-03-005Z.json", Kind: QuarantineSnapshot, At: recoveredAt, SnapshotID: "legacy_1",
			Path: movedTo[snapshotsPrefix+"legacy_1.json"]},
	}
	eq := func(a, b QuarantineEntry) bool {
		return a.ID == b.ID && a.Kind == b.Kind && a.At.Equal(b.At) && a.Path == b.Path && a.SnapshotID == b.SnapshotID &&
			slices.Equal(a.Files, b.Files) && slices.Equal(a.Folders, b.Folders)
	}
	if !slices.EqualFunc(list, want, eq) {
		t.Fatalf("QuarantineList =\n%+v\nwant\n%+v", list, want)
	}
	if setAside != want[0].Path+key || leftovers != quarantinePrefix+want[2].ID+"/" {
		t.Fatalf("SetAside copied to %s, Recover moved leftovers to %s", setAside, leftovers)
	}
	if sa, err := rc.SetAsideList(ctx); err != nil || len(sa) != 1 || sa[0].ID != want[0].ID || !slices.Equal(sa[0].Files, []string{key}) {
		t.Fatalf("SetAsideList = %+v %v: only the raw reports", sa, err)
	}

	before := objectsDigest(t, st)
	for _, e := range want {
		if _, err := rc.Restore(ctx, e.ID); err == nil || !strings.Contains(err.Error(), "not restored") || !strings.Contains(err.Error(), e.Path) {
			t.Errorf("Restore(%s) = %v, want a refusal naming %s", e.ID, err, e.Path)
		}
	}
	purgesRefused(t, st, before, "notes.txt", "2025-09-30-20251002T000000", "leftovers-old", "2025-10-02-2025-10-04T02-02-03-006Z", "../snapshots/2025-10-01")

	for i, e := range want {
		before = purgeExactly(t, st, e.ID, e.Path, before)
		if list, err := rc.QuarantineList(ctx); err != nil || !slices.EqualFunc(list, want[i+1:], eq) {
			t.Fatalf("QuarantineList after purging %s = %+v %v", e.ID, list, err)
		}
	}
	for _, k := range foreign {
		if _, ok := before[k]; !ok {
			t.Errorf("%s, not the store's, is gone", k)
		}
	}
	if v, err := ss.Current(ctx); err != nil || v.ID != "2025-10-01" {
		t.Fatalf("Current after the purges: %v %v", v, err)
	}
}

// The names Recover gives read back as the times they were given at,
// and nothing else reads as one.
func TestRecoverStampRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 31, 23, 59, 58, 999_000_000, time.UTC)
	s := recoverStamp(at)
	if got, ok := parseRecoverStamp(s); s != "2026-12-31T23-59-58-999Z" || !ok || !got.Equal(at) {
		t.Fatalf("recoverStamp = %q, parsed %v %v", s, got, ok)
	}
	for _, bad := range []string{"", "2026-12-31T23-59-58-999", "2026-12-31T23:59:58.999Z", "2026-12-31T23-59-58-999+01", "2026-02-30T23-59-58-999Z", "20261231T235958Z"} {
		if _, ok := parseRecoverStamp(bad); ok {
			t.Errorf("parseRecoverStamp(%q) accepted", bad)
		}
	}
	for _, id := range []string{"raw-2025-10-04T01-02-03Z", "2025-10-02-" + s + ".json/x", "bad id-" + s + ".json", "2025-13-01-" + s, "leftovers" + s, s} {
		if e, ok := parseQuarantineID(id); ok {
			t.Errorf("parseQuarantineID(%q) = %+v", id, e)
		}
	}
	dir := newRecoveryBackupDir(s)
	id := strings.TrimSuffix(strings.TrimPrefix(dir, backupsPrefix), "/")
	if b, ok := parseRecoveryBackupID(id); !ok || b.Path != dir || !b.At.Equal(at) || !strings.HasPrefix(id, "backup-"+s+"-") {
		t.Fatalf("newRecoveryBackupDir = %q, parsed %+v %v", dir, b, ok)
	}
	for _, id := range []string{"backup-" + s + "-ab1", "backup-" + s + "-AB12", "backup-" + s + "_ab12", "backup-" + s + "-ab12/", "backups-" + s, "backup" + s, "raw-" + s, s + "-ab12"} {
		if b, ok := parseRecoveryBackupID(id); ok {
			t.Errorf("parseRecoveryBackupID(%q) = %+v", id, b)
		}
	}
	if e, ok := parseQuarantineID(id); ok {
		t.Errorf("parseQuarantineID(%q), a backup's, = %+v", id, e)
	}
}

// Each Recover that changes the store first backs up current.json and an
// inventory of the store in recovery-backups/: RecoveryBackupList lists
// every such backup (and the predecessor's, named the same way) with what
// it holds, read back: the snapshot the backed-up current.json named (a
// problem when it does not read, nothing when there was none) and the
// inventory. Purge removes one backup and nothing else; Restore refuses
// them, naming where to look; what the store did not put in
// recovery-backups/ is neither listed nor purged.
func TestRecoveryBackupListAndPurge(t *testing.T) {
	ctx := context.Background()
	var clock atomic.Int64
	st := openTest(t, Options{Now: func() time.Time { return time.Unix(0, clock.Load()).UTC() }})
	ss, rc, objs := st.Snapshots(), st.Raw(), st.Objects()
	recoverAt := func(at time.Time) *RecoveryReport {
		t.Helper()
		clock.Store(at.UnixNano())
		rr, err := ss.Recover(ctx)
		must(t, err)
		if !rr.Recovered || rr.BackupDir == "" {
			t.Fatalf("Recover at %v: %+v", at, rr)
		}
		return rr
	}
	clock.Store(time.Date(2025, 10, 3, 0, 0, 0, 0, time.UTC).UnixNano())
	publish(t, ss, "2025-10-01", snapshot.StatusSuccess)
	publish(t, ss, "2025-10-02", snapshot.StatusSuccess)

	// 1: current.json names a damaged snapshot (2025-10-02); the repair
	// moves it aside and repoints current.json at 2025-10-01.
	must(t, objs.Delete(ctx, snapshotsPrefix+"2025-10-02/district_2.json"))
	at1 := time.Date(2025, 10, 4, 2, 2, 3, 5_000_678, time.UTC) // the stamp keeps milliseconds
	rr1 := recoverAt(at1)
	// 2: current.json is gone; the repair writes it again.
	must(t, objs.Delete(ctx, currentKey))
	at2 := at1.Add(time.Hour)
	rr2 := recoverAt(at2)
	// 3: current.json is not JSON; the repair backs up its bytes as they
	// are.
	must(t, objs.Write(ctx, currentKey, []byte("garbage")))
	at3 := at2.Add(time.Hour)
	rr3 := recoverAt(at3)
	if v, err := ss.Current(ctx); err != nil || v.ID != "2025-10-01" {
		t.Fatalf("Current after the repairs: %v %v", v, err)
	}

	// A backup the predecessor made before the data directory was
	// toaststats'.
	const oldID = "backup-2025-09-30T10-00-00-123Z"
	must(t, objs.Write(ctx, backupsPrefix+oldID+"/"+currentKey, []byte(`{"snapshot_id":"1700000000000","updated_at":"2025-09-30T09:00:00Z"}`)))
	must(t, objs.Write(ctx, backupsPrefix+oldID+"/"+inventoryFile, []byte(`{"backupCreatedAt":"2025-09-30T10:00:00.123Z","snapshotCount":1,"snapshotFiles":["1700000000000"],"backupReason":"Pre-recovery backup"}`)))
	// What the store did not put in recovery-backups/ (an operator's
	// note and copy, a folder or file named almost like a backup) is left
	// alone.
	stamp1 := "2025-10-04T02-02-03-005Z"
	foreign := []string{
		backupsPrefix + "notes.txt",
		backupsPrefix + "manual-copy/" + currentKey,
		backupsPrefix + "backup-" + stamp1 + "-AB12/" + currentKey,
		backupsPrefix + "backup-" + stamp1 + "-ab123/" + currentKey,
		backupsPrefix + "backup-2025-10-04T02-02-03Z/" + currentKey,
		backupsPrefix + "backup-" + stamp1 + "-ab12", // a file, not a folder
	}
	for _, k := range foreign {
		must(t, objs.Write(ctx, k, []byte(`{"snapshot_id":"2025-10-01"}`)))
	}

	idOf := func(rr *RecoveryReport) string {
		return strings.TrimSuffix(strings.TrimPrefix(rr.BackupDir, "recovery-backups/"), "/")
	}
	for i, c := range []struct {
		rr *RecoveryReport
		at time.Time
	}{{rr1, at1}, {rr2, at2}, {rr3, at3}} {
		id := idOf(c.rr)
		prefix := "backup-" + recoverStamp(c.at) + "-"
		if !strings.HasPrefix(id, prefix) || len(id) != len(prefix)+4 || strings.Trim(id[len(prefix):], "0123456789abcdef") != "" {
			t.Fatalf("backup %d is %s, want %s<4 hex digits>", i+1, c.rr.BackupDir, prefix)
		}
	}
	files := []string{currentKey, inventoryFile}
	pointer := func(present bool, id, problem string) *PointerCheck {
		return &PointerCheck{Present: present, SnapshotID: id, Problem: problem}
	}
	both := []string{"2025-10-01", "2025-10-02"}
	want := []RecoveryBackup{
		{ID: oldID, At: time.Date(2025, 9, 30, 10, 0, 0, 123_000_000, time.UTC), Path: backupsPrefix + oldID + "/", Files: files,
			CurrentSnapshotID: "1700000000000",
			Inventory: &RecoveryInventory{BackupCreatedAt: time.Date(2025, 9, 30, 10, 0, 0, 123_000_000, time.UTC), BackupReason: "Pre-recovery backup",
				SnapshotCount: 1, SnapshotFiles: []string{"1700000000000"}}},
		{ID: idOf(rr1), At: time.Date(2025, 10, 4, 2, 2, 3, 5_000_000, time.UTC), Path: rr1.BackupDir, Files: files,
			CurrentSnapshotID: "2025-10-02",
			Inventory: &RecoveryInventory{BackupCreatedAt: at1, BackupReason: "Pre-recovery backup", Corrupted: []string{"2025-10-02"},
				Pointer: pointer(true, "2025-10-02", "current.json names an incomplete snapshot"), SnapshotCount: 2, SnapshotFiles: both}},
		{ID: idOf(rr2), At: time.Date(2025, 10, 4, 3, 2, 3, 5_000_000, time.UTC), Path: rr2.BackupDir, Files: []string{inventoryFile},
			Inventory: &RecoveryInventory{BackupCreatedAt: at2, BackupReason: "Pre-recovery backup", Corrupted: []string{},
				Pointer: pointer(false, "", "current.json missing"), SnapshotCount: 1, SnapshotFiles: []string{"2025-10-01"}}},
		{ID: idOf(rr3), At: time.Date(2025, 10, 4, 4, 2, 3, 5_000_000, time.UTC), Path: rr3.BackupDir, Files: files,
			CurrentProblem: "store: corrupt file: current.json: invalid character 'g' looking for beginning of value",
			Inventory: &RecoveryInventory{BackupCreatedAt: at3, BackupReason: "Pre-recovery backup", Corrupted: []string{},
				Pointer: pointer(true, "", "store: corrupt file: current.json: invalid character 'g' looking for beginning of value"), SnapshotCount: 1, SnapshotFiles: []string{"2025-10-01"}}},
	}
	eq := func(a, b RecoveryBackup) bool {
		aj, _ := json.Marshal(a)
		bj, _ := json.Marshal(b)
		return string(aj) == string(bj)
	}
	list, err := rc.RecoveryBackupList(ctx)
	must(t, err)
	if !slices.EqualFunc(list, want, eq) {
		gj, _ := json.MarshalIndent(list, "", " ")
		wj, _ := json.MarshalIndent(want, "", " ")
		t.Fatalf("RecoveryBackupList =\n%s\nwant\n%s", gj, wj)
	}

	before := objectsDigest(t, st)
	for _, e := range want {
		_, err := rc.Restore(ctx, e.ID)
		if err == nil || !strings.Contains(err.Error(), "not restored") || !strings.Contains(err.Error(), "look at "+e.Path) ||
			!strings.Contains(err.Error(), "putting an old current.json back is an operator's decision, made by hand") {
			t.Errorf("Restore(%s) = %v, want a refusal naming %s", e.ID, err, e.Path)
		}
	}
	purgesRefused(t, st, before, "notes.txt", "manual-copy", "backup-"+stamp1+"-AB12", "backup-"+stamp1+"-ab123",
		"backup-2025-10-04T02-02-03Z", "backup-"+stamp1+"-ab12", "backup-"+stamp1+"-0000", "backup-"+stamp1, "../current.json")

	for i, e := range want {
		before = purgeExactly(t, st, e.ID, e.Path, before)
		if list, err := rc.RecoveryBackupList(ctx); err != nil || !slices.EqualFunc(list, want[i+1:], eq) {
			t.Fatalf("RecoveryBackupList after purging %s = %+v %v", e.ID, list, err)
		}
	}
	for _, k := range foreign {
		if _, ok := before[k]; !ok {
			t.Errorf("%s, not the store's, is gone", k)
		}
	}
	if q, err := rc.QuarantineList(ctx); err != nil || len(q) != 1 || q[0].SnapshotID != "2025-10-02" {
		t.Fatalf("QuarantineList after the purges: %+v %v", q, err)
	}
	if v, err := ss.Current(ctx); err != nil || v.ID != "2025-10-01" {
		t.Fatalf("Current after the purges: %v %v", v, err)
	}
}

// purgeExactly purges entry id, which is at path, and checks that exactly
// what was under path is gone from the store (before is objectsDigest
// before the purge) and that purging it again finds nothing. It returns
// the digest after the purge.
func purgeExactly(t *testing.T, st *Store, id, path string, before map[string]string) map[string]string {
	t.Helper()
	must(t, st.Raw().Purge(context.Background(), id))
	after := objectsDigest(t, st)
	for k := range before {
		_, kept := after[k]
		if under := strings.HasPrefix(k, path); kept == under {
			if kept {
				t.Errorf("Purge(%s) kept %s", id, k)
			} else {
				t.Errorf("Purge(%s) removed %s", id, k)
			}
		}
	}
	if err := st.Raw().Purge(context.Background(), id); !errors.Is(err, ErrTrashNotFound) {
		t.Fatalf("Purge of purged %s = %v, want ErrTrashNotFound", id, err)
	}
	return after
}

// purgesRefused checks that Purge refuses each id with ErrTrashNotFound
// and that the store is still as before (objectsDigest), refused Restores
// included.
func purgesRefused(t *testing.T, st *Store, before map[string]string, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if err := st.Raw().Purge(context.Background(), id); !errors.Is(err, ErrTrashNotFound) {
			t.Errorf("Purge(%q) = %v, want ErrTrashNotFound", id, err)
		}
	}
	if got := objectsDigest(t, st); !maps.Equal(got, before) {
		t.Fatal("a refused Restore or Purge changed the store")
	}
}
