package main

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats/store"
	"github.com/toaststats/toaststats/store/blobstore/blobtest"
)

func runTrashCLI(t *testing.T, args ...string) (string, int) {
	t.Helper()
	out, _, code := runCLI(t, nil, append([]string{"trash"}, args...)...)
	return out, code
}

// cachedSummaries opens a fresh data directory (closed when the test ends)
// and caches the same one-line summary report, csv, for each date.
func cachedSummaries(t *testing.T, dates ...string) (dir string, st *store.Store, csv []byte) {
	t.Helper()
	dir = t.TempDir()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	csv = []byte("REGION,DISTRICT\n05,42\n")
	for _, d := range dates {
		if err := st.Raw().Put(context.Background(), d, "", store.ReportSummary, csv, store.PutInfo{}); err != nil {
			t.Fatal(err)
		}
	}
	return dir, st, csv
}

// TestTrashCommand: a date deleted the way the server deletes it is listed,
// restored byte for byte, and purged only by the CLI.
func TestTrashCommand(t *testing.T) {
	ctx := context.Background()
	dir, st, csv := cachedSummaries(t, "2025-08-30", "2025-08-31")
	for _, d := range []string{"2025-08-30", "2025-08-31"} {
		if err := st.Raw().DeleteDate(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	out, code := runTrashCLI(t, "list", "--data-dir", dir, "--json")
	var got trashOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 || len(got.Trash) != 2 {
		t.Fatalf("list: %d %v %s", code, err, out)
	}
	first, second := got.Trash[0], got.Trash[1]
	if _, code := runTrashCLI(t, "restore", "--data-dir", dir, first.ID); code != 0 {
		t.Fatalf("restore: %d", code)
	}
	if b, err := st.Raw().Get(ctx, first.Date, "", store.ReportSummary); err != nil || !bytes.Equal(b, csv) {
		t.Fatalf("restored %s: %q %v", first.Date, b, err)
	}
	if _, code := runTrashCLI(t, "restore", "--data-dir", dir, "2025-01-01.1"); code != 1 {
		t.Fatalf("restore of an unknown id: exit %d, want 1", code)
	}
	for _, bad := range [][]string{{}, {"empty"}, {"purge", "--data-dir", dir}, {"restore", "--data-dir", dir}, {"list"}, {"purge", "--data-dir", dir, "--all", second.ID}} {
		if _, code := runTrashCLI(t, bad...); code != 2 {
			t.Errorf("trash %q: exit %d, want 2", bad, code)
		}
	}
	if out, code := runTrashCLI(t, "purge", "--data-dir", dir, "--all"); code != 0 || out != "purged "+second.ID+"\n" {
		t.Fatalf("purge --all: %d %q", code, out)
	}
	if list, _ := st.Raw().TrashList(ctx); len(list) != 0 {
		t.Fatalf("trash after purge: %v", list)
	}
}

// TestTrashPurgeInterrupted: an entry whose purge stopped half-way (killed
// while its files were deleted: raw-trash/<id>.purging is still there) is
// listed as such, saying how to finish it; restore refuses it (exit 1)
// rather than putting a date with reports missing into the raw cache;
// purging it again finishes the purge.
func TestTrashPurgeInterrupted(t *testing.T) {
	ctx := context.Background()
	dir, st, _ := cachedSummaries(t, "2025-08-30")
	e, err := st.Raw().Trash(ctx, "2025-08-30")
	if err != nil {
		t.Fatal(err)
	}
	// What a purge killed after its first delete leaves: the marker, and
	// the entry without its summary report.
	if err := st.Objects().Write(ctx, "raw-trash/"+e.ID+".purging", []byte("2026-01-01T00:00:00Z\n")); err != nil {
		t.Fatal(err)
	}
	if err := st.Objects().Delete(ctx, "raw-trash/"+e.ID+"/all-districts.csv"); err != nil {
		t.Fatal(err)
	}
	out, code := runTrashCLI(t, "list", "--data-dir", dir)
	want := e.ID + "  date 2025-08-30  deleted " + e.DeletedAt.Format("2006-01-02 15:04:05Z") +
		"  PURGE INTERRUPTED: some files may be gone, it cannot be restored; `toaststats trash purge " + e.ID + "` finishes the purge\n"
	if code != 0 || out != want {
		t.Fatalf("list: exit %d\n%q\nwant\n%q", code, out, want)
	}
	_, stderr, code := runCLI(t, nil, "trash", "restore", "--data-dir", dir, e.ID)
	if code != 1 || !strings.Contains(stderr, "began and did not finish") || !strings.Contains(stderr, "purge it again") {
		t.Fatalf("restore of a half-purged entry: exit %d, %q", code, stderr)
	}
	if dates, err := st.Raw().Dates(ctx); err != nil || len(dates) != 0 {
		t.Fatalf("raw cache after the refused restore: %v %v", dates, err)
	}
	if out, code := runTrashCLI(t, "purge", "--data-dir", dir, "--all"); code != 0 || out != "purged "+e.ID+"\n" {
		t.Fatalf("purge --all: %d %q", code, out)
	}
	if ents, err := st.Objects().List(ctx, "raw-trash/"); err != nil || len(ents) != 0 {
		t.Fatalf("raw-trash/ after the purge: %v %v", ents, err)
	}
}

// Damaged raw reports that scrape set aside (quarantine/raw-<time>/) are
// shown by verify, as a note that never changes its verdict, and listed
// and purged by trash like its other entries (by ID, or with --all); they
// are never restored.
func TestVerifyAndTrashShowReportsSetAside(t *testing.T) {
	ctx := context.Background()
	dir := fixtureDataDir(t, "2025-11-14")
	env := map[string]string{"TOASTSTATS_DATA_DIR": dir, "TOASTSTATS_NOW": snapshotTestNow}
	if _, stderr, code := runCLI(t, env, "build"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// What scrape does with a damaged cached report: set it aside, then
	// store the report downloaded again.
	const date, key = "2025-11-14", "raw-csv/2025-11-14/district-61/club-performance.csv"
	good, err := st.Raw().Get(ctx, date, "61", store.ReportClub)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Objects().Write(ctx, key, []byte("damaged\n")); err != nil {
		t.Fatal(err)
	}
	_, damage := st.Raw().Get(ctx, date, "61", store.ReportClub)
	_, to, err := st.Raw().SetAside(ctx, date, "61", store.ReportClub, damage)
	if err != nil || to == "" {
		t.Fatalf("set aside: %q %v", to, err)
	}
	if err := st.Raw().Put(ctx, date, "61", store.ReportClub, good, store.PutInfo{}); err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(to, "quarantine/"), "/"+key)

	stdout, _, code := runCLI(t, env, "verify")
	if code != 0 || !strings.Contains(stdout, "verdict: HEALTHY") || !strings.Contains(stdout, "damaged copy set aside") ||
		!strings.Contains(stdout, to) || !strings.Contains(stdout, "toaststats trash purge ID") {
		t.Fatalf("verify with a report set aside: exit %d\n%s", code, stdout)
	}
	stdout, _, code = runCLI(t, env, "verify", "--json")
	var v verifyOutput
	if err := json.Unmarshal([]byte(stdout), &v); err != nil || code != 0 || len(v.SetAside) != 1 || v.SetAside[0].ID != id ||
		len(v.SetAside[0].Files) != 1 || v.SetAside[0].Files[0] != key || len(v.Raw) != 0 {
		t.Fatalf("verify --json: exit %d %v\n%s", code, err, stdout)
	}

	out, code := runTrashCLI(t, "list", "--data-dir", dir)
	if code != 0 || !strings.HasPrefix(out, id+"  damaged "+key+"  set aside ") {
		t.Fatalf("trash list: exit %d\n%s", code, out)
	}
	out, code = runTrashCLI(t, "list", "--data-dir", dir, "--json")
	var got trashOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 || len(got.SetAside) != 1 || got.SetAside[0].ID != id || len(got.Trash) != 0 {
		t.Fatalf("trash list --json: exit %d %v\n%s", code, err, out)
	}
	if _, stderr, code := runCLI(t, nil, "trash", "restore", "--data-dir", dir, id); code != 1 || !strings.Contains(stderr, "not restored") {
		t.Fatalf("trash restore of reports set aside: exit %d\n%s", code, stderr)
	}
	if out, code := runTrashCLI(t, "purge", "--data-dir", dir, id); code != 0 || out != "purged "+id+"\n" {
		t.Fatalf("trash purge %s: exit %d %q", id, code, out)
	}
	if _, err := st.Objects().Read(ctx, to); err == nil {
		t.Fatalf("%s still there after the purge", to)
	}
	if b, err := st.Raw().Get(ctx, date, "61", store.ReportClub); err != nil || !bytes.Equal(b, good) {
		t.Fatalf("the cached report after the purge: %v", err)
	}
	if stdout, _, code := runCLI(t, env, "verify"); code != 0 || strings.Contains(stdout, "set aside") {
		t.Fatalf("verify after the purge: exit %d\n%s", code, stdout)
	}

	// --all purges every entry list shows: a trash entry and reports set
	// aside.
	if err := st.Raw().Put(ctx, "2025-11-13", "", store.ReportSummary, good, store.PutInfo{}); err != nil {
		t.Fatal(err)
	}
	trashed, err := st.Raw().Trash(ctx, "2025-11-13")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Objects().Write(ctx, key, []byte("damaged again\n")); err != nil {
		t.Fatal(err)
	}
	_, damage = st.Raw().Get(ctx, date, "61", store.ReportClub)
	if _, to, err = st.Raw().SetAside(ctx, date, "61", store.ReportClub, damage); err != nil {
		t.Fatal(err)
	}
	id = strings.TrimSuffix(strings.TrimPrefix(to, "quarantine/"), "/"+key)
	if out, code := runTrashCLI(t, "purge", "--data-dir", dir, "--all"); code != 0 || out != "purged "+trashed.ID+"\npurged "+id+"\n" {
		t.Fatalf("purge --all: exit %d %q", code, out)
	}
	if out, code := runTrashCLI(t, "list", "--data-dir", dir); code != 0 || out != "the raw-cache trash is empty\n" {
		t.Fatalf("trash list after purge --all: exit %d %q", code, out)
	}
}

// builtFixtureStore builds the fixture's two dates into a data directory
// and, for backend "s3", migrates it to a fresh bucket on a MinIO on
// loopback. It returns the environment that points the CLI at the store
// (with TOASTSTATS_NOW set to snapshotTestNow), the --data-dir or --store
// flag naming it, and the store's objects, for the test to damage.
func builtFixtureStore(t *testing.T, backend string) (env map[string]string, loc []string, objs store.Objects) {
	t.Helper()
	dir := fixtureDataDir(t, "2025-11-14", "2025-12-03")
	env = map[string]string{"TOASTSTATS_DATA_DIR": dir, "TOASTSTATS_NOW": snapshotTestNow}
	if _, stderr, code := runCLI(t, env, "build", "--all"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	loc = []string{"--data-dir", dir}
	if backend == "s3" {
		bucket := blobtest.New(t).NewBucketURL(t)
		if _, stderr, code := runCLI(t, nil, "migrate", "--from", dir, "--to", bucket); code != 0 {
			t.Fatalf("migrate: exit %d\n%s", code, stderr)
		}
		env = map[string]string{"TOASTSTATS_STORE": bucket, "TOASTSTATS_NOW": snapshotTestNow}
		loc = []string{"--store", bucket}
	}
	objs, err := store.OpenBackend(context.Background(), loc[1])
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := objs.(interface{ Close() error }); ok {
		t.Cleanup(func() { c.Close() })
	}
	return env, loc, objs
}

// What verify --repair moves to quarantine/ (a damaged snapshot, a
// damaged legacy snapshot, leftovers of interrupted writes) is shown by
// verify, as a note that never changes its verdict or exit code, and
// listed and purged by trash like its other entries (by ID, or with
// --all); restore refuses it, saying where to look at it. On a data
// directory and on object storage (MinIO on loopback).
func TestVerifyAndTrashShowQuarantine(t *testing.T) {
	for _, backend := range []string{"disk", "s3"} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			env, loc, objs := builtFixtureStore(t, backend)
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(objs.Delete(ctx, "snapshots/2025-11-30/district_61.json"))
			must(objs.Write(ctx, "snapshots/legacy_1.json", []byte("not json")))
			must(objs.Write(ctx, "snapshots/.gen-2025-12-04-zz/district_61.json", []byte("{}")))

			// The repair moves them aside; the store is healthy again.
			stdout, stderr, code := runCLI(t, env, "verify", "--repair", "--json")
			var v verifyOutput
			if err := json.Unmarshal([]byte(stdout), &v); err != nil || code != 0 || v.Recovery == nil || len(v.Quarantined) != 3 {
				t.Fatalf("verify --repair: exit %d %v\n%s%s", code, err, stdout, stderr)
			}
			movedTo := map[string]bool{}
			for _, a := range v.Recovery.Actions {
				movedTo[strings.TrimSuffix(a.To, "/")] = true
			}
			const stamp = "2026-01-02T03-04-05-000Z" // TOASTSTATS_NOW
			snapID, legacyID, leftID := "2025-11-30-"+stamp, "legacy_1-"+stamp+".json", "leftovers-"+stamp
			// path is where the entry is, moved where the repair said it
			// moved a snapshot or leftover folder.
			wantQ := []struct{ id, kind, snapshot, path, moved string }{
				{snapID, "snapshot", "2025-11-30", "quarantine/" + snapID + "/", "quarantine/" + snapID},
				{leftID, "leftovers", "", "quarantine/" + leftID + "/", "quarantine/" + leftID + "/gen-2025-12-04-zz"},
				{legacyID, "snapshot", "legacy_1", "quarantine/" + legacyID, "quarantine/" + legacyID},
			}
			checkQ := func(what string, got []store.QuarantineEntry) {
				t.Helper()
				if len(got) != len(wantQ) {
					t.Fatalf("%s: %+v", what, got)
				}
				for i, w := range wantQ {
					g := got[i]
					if g.ID != w.id || string(g.Kind) != w.kind || g.SnapshotID != w.snapshot || g.Path != w.path || !movedTo[w.moved] ||
						g.At.Format(time.RFC3339) != snapshotTestNow || (w.kind == "leftovers") != slices.Equal(g.Folders, []string{"gen-2025-12-04-zz"}) {
						t.Fatalf("%s [%d]: %+v, want %+v (moved to %v)", what, i, g, w, movedTo)
					}
				}
			}
			checkQ("verify --repair --json", v.Quarantined)
			// The repair backed up current.json first
			// (TestVerifyAndTrashShowRecoveryBackups): trash lists and
			// purges that backup too.
			backupID := strings.TrimSuffix(strings.TrimPrefix(v.Recovery.BackupDir, "recovery-backups/"), "/")

			stdout, _, code = runCLI(t, env, "verify")
			for _, want := range []string{
				"verdict: HEALTHY",
				"quarantine: damaged snapshot 2025-11-30, moved aside 2026-01-02 03:04:05Z: quarantine/" + snapID + "/\n",
				"quarantine: leftovers of interrupted writes (gen-2025-12-04-zz), moved aside 2026-01-02 03:04:05Z: quarantine/" + leftID + "/\n",
				"quarantine: damaged snapshot legacy_1, moved aside 2026-01-02 03:04:05Z: quarantine/" + legacyID + "\n",
				"`toaststats trash purge ID` removes them",
			} {
				if code != 0 || !strings.Contains(stdout, want) {
					t.Fatalf("verify with quarantined entries: exit %d, want %q in\n%s", code, want, stdout)
				}
			}
			stdout, _, code = runCLI(t, env, "verify", "--json")
			v = verifyOutput{}
			if err := json.Unmarshal([]byte(stdout), &v); err != nil || code != 0 || v.Verdict != "HEALTHY" || len(v.SetAside) != 0 {
				t.Fatalf("verify --json: exit %d %v\n%s", code, err, stdout)
			}
			checkQ("verify --json", v.Quarantined)

			out, code := runTrashCLI(t, append([]string{"list"}, loc...)...)
			wantList := snapID + "  damaged snapshot 2025-11-30  quarantined 2026-01-02 03:04:05Z  in quarantine/" + snapID + "/\n" +
				leftID + "  leftovers of interrupted writes (gen-2025-12-04-zz)  quarantined 2026-01-02 03:04:05Z  in quarantine/" + leftID + "/\n" +
				legacyID + "  damaged snapshot legacy_1  quarantined 2026-01-02 03:04:05Z  in quarantine/" + legacyID + "\n" +
				backupID + "  recovery backup: current.json naming 2025-11-30; inventory of 3 snapshot(s), corrupted 2025-11-30, legacy_1  backed up 2026-01-02 03:04:05Z  in recovery-backups/" + backupID + "/\n"
			if code != 0 || out != wantList {
				t.Fatalf("trash list: exit %d\n%s\nwant\n%s", code, out, wantList)
			}
			out, code = runTrashCLI(t, append([]string{"list", "--json"}, loc...)...)
			var got trashOutput
			if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 || len(got.Trash) != 0 || len(got.SetAside) != 0 {
				t.Fatalf("trash list --json: exit %d %v\n%s", code, err, out)
			}
			checkQ("trash list --json", got.Quarantined)

			for _, w := range wantQ {
				_, stderr, code := runCLI(t, nil, append(append([]string{"trash", "restore"}, loc...), w.id)...)
				if code != 1 || !strings.Contains(stderr, "not restored") || !strings.Contains(stderr, "look at "+w.path) {
					t.Fatalf("trash restore %s: exit %d\n%s", w.id, code, stderr)
				}
			}
			if out, code := runTrashCLI(t, append(append([]string{"purge"}, loc...), snapID)...); code != 0 || out != "purged "+snapID+"\n" {
				t.Fatalf("trash purge %s: exit %d %q", snapID, code, out)
			}
			if ents, err := objs.List(ctx, "quarantine/"+snapID+"/"); err != nil || len(ents) != 0 {
				t.Fatalf("quarantine/%s/ after the purge: %v %v", snapID, ents, err)
			}
			if _, err := objs.Read(ctx, "quarantine/"+legacyID); err != nil {
				t.Fatalf("purging %s removed %s: %v", snapID, legacyID, err)
			}
			if out, code := runTrashCLI(t, append(append([]string{"purge"}, loc...), snapID)...); code != 1 {
				t.Fatalf("trash purge of a purged entry: exit %d %q", code, out)
			}

			// --all purges every entry list shows.
			if out, code := runTrashCLI(t, append([]string{"purge", "--all"}, loc...)...); code != 0 || out != "purged "+leftID+"\npurged "+legacyID+"\npurged "+backupID+"\n" {
				t.Fatalf("purge --all: exit %d %q", code, out)
			}
			if out, code := runTrashCLI(t, append([]string{"list"}, loc...)...); code != 0 || out != "the raw-cache trash is empty\n" {
				t.Fatalf("trash list after purge --all: exit %d %q", code, out)
			}
			stdout, _, code = runCLI(t, env, "verify", "--json")
			v = verifyOutput{}
			if err := json.Unmarshal([]byte(stdout), &v); err != nil || code != 0 || v.Quarantined == nil || len(v.Quarantined) != 0 {
				t.Fatalf("verify --json after the purges: exit %d %v\n%s", code, err, stdout)
			}
			if stdout, _, code := runCLI(t, env, "verify"); code != 0 || strings.Contains(stdout, "quarantine") {
				t.Fatalf("verify after the purges: exit %d\n%s", code, stdout)
			}
		})
	}
}

// The backups verify --repair makes in recovery-backups/ before it
// changes anything (the current.json it found and an inventory) are shown
// by verify, as a note that never changes its verdict or exit code, and
// listed and purged by trash like its other entries (by ID, or with
// --all); restore refuses them, saying where to look and that putting an
// old current.json back is the operator's decision. What the store did
// not put in recovery-backups/ is neither listed nor purged. On a data
// directory and on object storage (MinIO on loopback).
func TestVerifyAndTrashShowRecoveryBackups(t *testing.T) {
	for _, backend := range []string{"disk", "s3"} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			env, loc, objs := builtFixtureStore(t, backend)
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			repair := func(now string) verifyOutput {
				t.Helper()
				env["TOASTSTATS_NOW"] = now
				stdout, stderr, code := runCLI(t, env, "verify", "--repair", "--json")
				var v verifyOutput
				if err := json.Unmarshal([]byte(stdout), &v); err != nil || code != 0 || v.Recovery == nil || v.Recovery.BackupDir == "" {
					t.Fatalf("verify --repair at %s: exit %d %v\n%s%s", now, code, err, stdout, stderr)
				}
				return v
			}
			// 1: current.json names a damaged snapshot; the repair
			// quarantines it and repoints current.json at 2025-11-14.
			must(objs.Delete(ctx, "snapshots/2025-11-30/district_61.json"))
			v1 := repair(snapshotTestNow)
			// 2: current.json is gone; the repair writes it again.
			must(objs.Delete(ctx, "current.json"))
			v2 := repair("2026-01-03T00:00:00Z")
			// Not the store's: an operator's note and copy.
			foreign := []string{"recovery-backups/notes.txt", "recovery-backups/manual/current.json"}
			for _, k := range foreign {
				must(objs.Write(ctx, k, []byte(`{"snapshot_id":"2025-11-14"}`)))
			}

			id1 := strings.TrimSuffix(strings.TrimPrefix(v1.Recovery.BackupDir, "recovery-backups/"), "/")
			id2 := strings.TrimSuffix(strings.TrimPrefix(v2.Recovery.BackupDir, "recovery-backups/"), "/")
			for id, stamp := range map[string]string{id1: "2026-01-02T03-04-05-000Z", id2: "2026-01-03T00-00-00-000Z"} {
				if !strings.HasPrefix(id, "backup-"+stamp+"-") || len(id) != len("backup-"+stamp+"-abcd") {
					t.Fatalf("backup %s, want backup-%s-<4 hex digits>", id, stamp)
				}
			}
			type want struct {
				id, at, current, corrupted, pointer string
				files, snapshots                    []string
			}
			wantB := []want{
				{id1, "2026-01-02T03:04:05Z", "2025-11-30", "2025-11-30", "current.json names an incomplete snapshot",
					[]string{"current.json", "snapshot-inventory.json"}, []string{"2025-11-14", "2025-11-30"}},
				{id2, "2026-01-03T00:00:00Z", "", "", "current.json missing",
					[]string{"snapshot-inventory.json"}, []string{"2025-11-14"}},
			}
			checkB := func(what string, got []store.RecoveryBackup) {
				t.Helper()
				if len(got) != len(wantB) {
					t.Fatalf("%s: %+v", what, got)
				}
				for i, w := range wantB {
					g := got[i]
					inv := g.Inventory
					if g.ID != w.id || g.At.Format(time.RFC3339) != w.at || g.Path != "recovery-backups/"+w.id+"/" || !slices.Equal(g.Files, w.files) ||
						g.CurrentSnapshotID != w.current || g.CurrentProblem != "" || g.InventoryProblem != "" || inv == nil ||
						inv.BackupCreatedAt.Format(time.RFC3339) != w.at || inv.SnapshotCount != len(w.snapshots) || !slices.Equal(inv.SnapshotFiles, w.snapshots) ||
						strings.Join(inv.Corrupted, ",") != w.corrupted || inv.Pointer == nil || inv.Pointer.Problem != w.pointer {
						t.Fatalf("%s [%d]: %+v (inventory %+v), want %+v", what, i, g, inv, w)
					}
				}
			}
			checkB("verify --repair --json", v2.RecoveryBackups)
			if len(v1.RecoveryBackups) != 1 || v1.RecoveryBackups[0].ID != id1 {
				t.Fatalf("the first verify --repair --json: %+v", v1.RecoveryBackups)
			}

			stdout, _, code := runCLI(t, env, "verify")
			for _, want := range []string{
				"verdict: HEALTHY",
				"recovery backup made 2026-01-02 03:04:05Z: recovery-backups/" + id1 + "/ (current.json naming 2025-11-30; inventory of 2 snapshot(s), corrupted 2025-11-30)\n",
				"recovery backup made 2026-01-03 00:00:00Z: recovery-backups/" + id2 + "/ (no current.json; inventory of 1 snapshot(s))\n",
				"putting an old current.json back is an operator's decision, made by hand): `toaststats trash list` shows them, `toaststats trash purge ID` removes them",
			} {
				if code != 0 || !strings.Contains(stdout, want) {
					t.Fatalf("verify with recovery backups: exit %d, want %q in\n%s", code, want, stdout)
				}
			}
			stdout, _, code = runCLI(t, env, "verify", "--json")
			var v verifyOutput
			if err := json.Unmarshal([]byte(stdout), &v); err != nil || code != 0 || v.Verdict != "HEALTHY" || len(v.Quarantined) != 1 {
				t.Fatalf("verify --json: exit %d %v\n%s", code, err, stdout)
			}
			checkB("verify --json", v.RecoveryBackups)

			qID := "2025-11-30-2026-01-02T03-04-05-000Z"
			out, code := runTrashCLI(t, append([]string{"list"}, loc...)...)
			wantList := qID + "  damaged snapshot 2025-11-30  quarantined 2026-01-02 03:04:05Z  in quarantine/" + qID + "/\n" +
				id1 + "  recovery backup: current.json naming 2025-11-30; inventory of 2 snapshot(s), corrupted 2025-11-30  backed up 2026-01-02 03:04:05Z  in recovery-backups/" + id1 + "/\n" +
				id2 + "  recovery backup: no current.json; inventory of 1 snapshot(s)  backed up 2026-01-03 00:00:00Z  in recovery-backups/" + id2 + "/\n"
			if code != 0 || out != wantList {
				t.Fatalf("trash list: exit %d\n%s\nwant\n%s", code, out, wantList)
			}
			out, code = runTrashCLI(t, append([]string{"list", "--json"}, loc...)...)
			var got trashOutput
			if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 || len(got.Trash) != 0 || len(got.Quarantined) != 1 {
				t.Fatalf("trash list --json: exit %d %v\n%s", code, err, out)
			}
			checkB("trash list --json", got.RecoveryBackups)

			for _, id := range []string{id1, id2} {
				_, stderr, code := runCLI(t, nil, append(append([]string{"trash", "restore"}, loc...), id)...)
				if code != 1 || !strings.Contains(stderr, "not restored") || !strings.Contains(stderr, "look at recovery-backups/"+id+"/") ||
					!strings.Contains(stderr, "putting an old current.json back is an operator's decision, made by hand") {
					t.Fatalf("trash restore %s: exit %d\n%s", id, code, stderr)
				}
			}
			if out, code := runTrashCLI(t, append(append([]string{"purge"}, loc...), id1)...); code != 0 || out != "purged "+id1+"\n" {
				t.Fatalf("trash purge %s: exit %d %q", id1, code, out)
			}
			if ents, err := objs.List(ctx, "recovery-backups/"+id1+"/"); err != nil || len(ents) != 0 {
				t.Fatalf("recovery-backups/%s/ after the purge: %v %v", id1, ents, err)
			}
			if _, err := objs.Read(ctx, "recovery-backups/"+id2+"/snapshot-inventory.json"); err != nil {
				t.Fatalf("purging %s removed %s: %v", id1, id2, err)
			}
			if out, code := runTrashCLI(t, append(append([]string{"purge"}, loc...), id1)...); code != 1 {
				t.Fatalf("trash purge of a purged backup: exit %d %q", code, out)
			}

			// --all purges every entry list shows, and nothing else.
			if out, code := runTrashCLI(t, append([]string{"purge", "--all"}, loc...)...); code != 0 || out != "purged "+qID+"\npurged "+id2+"\n" {
				t.Fatalf("purge --all: exit %d %q", code, out)
			}
			if out, code := runTrashCLI(t, append([]string{"list"}, loc...)...); code != 0 || out != "the raw-cache trash is empty\n" {
				t.Fatalf("trash list after purge --all: exit %d %q", code, out)
			}
			for _, k := range foreign {
				if _, err := objs.Read(ctx, k); err != nil {
					t.Errorf("%s, not the store's, after purge --all: %v", k, err)
				}
			}
			stdout, _, code = runCLI(t, env, "verify", "--json")
			v = verifyOutput{}
			if err := json.Unmarshal([]byte(stdout), &v); err != nil || code != 0 || v.RecoveryBackups == nil || len(v.RecoveryBackups) != 0 {
				t.Fatalf("verify --json after the purges: exit %d %v\n%s", code, err, stdout)
			}
			if stdout, _, code := runCLI(t, env, "verify"); code != 0 || strings.Contains(stdout, "recovery backup") {
				t.Fatalf("verify after the purges: exit %d\n%s", code, stdout)
			}
		})
	}
}

// interruptMove leaves what a move of the date's folder (the summary and
// metadata.json) cut short on object storage leaves: the marker, the
// source whole and the destination holding only the summary.
func interruptMove(t *testing.T, st *store.Store, m store.InterruptedMove) {
	t.Helper()
	ctx := context.Background()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	objs := st.Objects()
	if err := objs.Write(ctx, "raw-csv/"+m.Date+".moving", b); err != nil {
		t.Fatal(err)
	}
	from, to := "raw-csv/"+m.Date+"/", "raw-trash/"+m.TrashID+"/"
	if m.Move == store.MoveFromTrash {
		from, to = to, from
	}
	summary, err := objs.Read(ctx, from+"all-districts.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := objs.Write(ctx, to+"all-districts.csv", summary); err != nil {
		t.Fatal(err)
	}
}

// TestTrashMoveInterrupted: a delete of a date cut short part-way
// (raw-csv/<date>.moving still there, the trash entry partial) is listed
// as TRASH INTERRUPTED, saying how to finish it; the build of the date
// refuses it, naming it and what finishes the move, rather than building
// from a date that may be split; trash restore finishes the move and puts
// the date back whole.
func TestTrashMoveInterrupted(t *testing.T) {
	ctx := context.Background()
	const date = "2025-08-30"
	dir, st, csv := cachedSummaries(t, date)
	at := time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)
	id := date + ".1767614400000000000"
	interruptMove(t, st, store.InterruptedMove{Date: date, TrashID: id, Move: store.MoveToTrash, StartedAt: at})

	out, code := runTrashCLI(t, "list", "--data-dir", dir)
	want := id + "  date " + date + "  deleted 2026-01-05 12:00:00Z  TRASH INTERRUPTED: the date may be split between raw-csv/ and raw-trash/ and is not read from the cache; " +
		"`toaststats trash restore " + id + "` finishes the move and puts the date back, `toaststats verify --repair` finishes the move\n"
	if code != 0 || out != want {
		t.Fatalf("list: exit %d\n%q\nwant\n%q", code, out, want)
	}
	out, code = runTrashCLI(t, "list", "--data-dir", dir, "--json")
	var got trashOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 || len(got.Trash) != 1 ||
		!got.Trash[0].MoveInterrupted || got.Trash[0].InterruptedMove != store.MoveToTrash || got.Trash[0].ID != id {
		t.Fatalf("list --json: exit %d %v\n%s", code, err, out)
	}
	if !strings.Contains(out, `"moveInterrupted": true`) || !strings.Contains(out, `"interruptedMove": "trash"`) {
		t.Fatalf("list --json names the flag otherwise:\n%s", out)
	}
	_, stderr, code := runCLI(t, map[string]string{"TOASTSTATS_NOW": snapshotTestNow}, "build", "--data-dir", dir, "--date", date)
	if code == 0 || !strings.Contains(stderr, "raw-cache date "+date) || !strings.Contains(stderr, "toaststats verify --repair") {
		t.Fatalf("build of the date: exit %d, %q; want a failure naming the date and verify --repair", code, stderr)
	}

	out, code = runTrashCLI(t, "restore", "--data-dir", dir, id)
	if code != 0 || out != "restored "+id+" as raw-csv/"+date+"\n" {
		t.Fatalf("restore: exit %d %q", code, out)
	}
	if b, err := st.Raw().Get(ctx, date, "", store.ReportSummary); err != nil || !bytes.Equal(b, csv) {
		t.Fatalf("restored %s: %q %v", date, b, err)
	}
	if ents, err := st.Objects().List(ctx, "raw-trash/"); err != nil || len(ents) != 0 {
		t.Fatalf("raw-trash/ after the restore: %v %v", ents, err)
	}
	if ents, err := st.Objects().List(ctx, "raw-csv/"); err != nil || !slices.Equal(ents, []string{"raw-csv/" + date + "/"}) {
		t.Fatalf("raw-csv/ after the restore: %v %v, want only the date", ents, err)
	}
	if out, code := runTrashCLI(t, "list", "--data-dir", dir); code != 0 || out != "the raw-cache trash is empty\n" {
		t.Fatalf("list after the restore: exit %d %q", code, out)
	}
}

// TestVerifyRepairFinishesInterruptedRestore: a restore cut short part-way
// (the date partly back in raw-csv/) is reported by verify, as a note, and
// verify --repair finishes it: the date is whole in the cache again.
func TestVerifyRepairFinishesInterruptedRestore(t *testing.T) {
	ctx := context.Background()
	const date = "2025-08-30"
	dir, st, csv := cachedSummaries(t, date)
	e, err := st.Raw().Trash(ctx, date)
	if err != nil {
		t.Fatal(err)
	}
	interruptMove(t, st, store.InterruptedMove{Date: date, TrashID: e.ID, Move: store.MoveFromTrash, StartedAt: e.DeletedAt})
	env := map[string]string{"TOASTSTATS_DATA_DIR": dir, "TOASTSTATS_NOW": snapshotTestNow}

	stdout, _, _ := runCLI(t, env, "verify")
	want := "  raw cache: RESTORE INTERRUPTED: " + date + " from the trash entry " + e.ID + " (begun " + e.DeletedAt.Format("2006-01-02 15:04:05Z") +
		"): the date may be split between raw-trash/ and raw-csv/ and is not read from the cache; `toaststats verify --repair` finishes it\n"
	if !strings.Contains(stdout, want) {
		t.Fatalf("verify:\n%s\nwant the line\n%s", stdout, want)
	}
	stdout, _, _ = runCLI(t, env, "verify", "--json")
	var v verifyOutput
	if err := json.Unmarshal([]byte(stdout), &v); err != nil || len(v.InterruptedMoves) != 1 || v.InterruptedMoves[0].TrashID != e.ID ||
		v.InterruptedMoves[0].Move != store.MoveFromTrash || len(v.FinishedMoves) != 0 {
		t.Fatalf("verify --json: %v\n%s", err, stdout)
	}
	if dates, err := st.Raw().Dates(ctx); err != nil || len(dates) != 0 {
		t.Fatalf("dates before the repair: %v %v, want none", dates, err)
	}

	stdout, _, _ = runCLI(t, env, "verify", "--repair")
	want = "  raw cache: finished the interrupted restore of " + date + " from the trash entry " + e.ID + ": raw-csv/" + date + "/ is whole again\n"
	if !strings.Contains(stdout, want) || strings.Contains(stdout, "INTERRUPTED") {
		t.Fatalf("verify --repair:\n%s\nwant the line\n%s", stdout, want)
	}
	if dates, err := st.Raw().Dates(ctx); err != nil || !slices.Equal(dates, []string{date}) {
		t.Fatalf("dates after the repair: %v %v", dates, err)
	}
	if b, err := st.Raw().Get(ctx, date, "", store.ReportSummary); err != nil || !bytes.Equal(b, csv) {
		t.Fatalf("restored %s: %q %v", date, b, err)
	}
	if ents, err := st.Objects().List(ctx, "raw-trash/"); err != nil || len(ents) != 0 {
		t.Fatalf("raw-trash/ after the repair: %v %v", ents, err)
	}
	stdout, _, _ = runCLI(t, env, "verify", "--json")
	v = verifyOutput{}
	if err := json.Unmarshal([]byte(stdout), &v); err != nil || v.InterruptedMoves == nil || len(v.InterruptedMoves) != 0 {
		t.Fatalf("verify --json after the repair: %v\n%s", err, stdout)
	}
}
