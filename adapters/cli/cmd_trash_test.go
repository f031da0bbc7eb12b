package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/store"
)

func runTrashCLI(t *testing.T, args ...string) (string, int) {
	t.Helper()
	out, _, code := runCLI(t, nil, append([]string{"trash"}, args...)...)
	return out, code
}

// TestTrashCommand: a date deleted the way the server deletes it is listed,
// restored byte for byte, and purged only by the CLI.
func TestTrashCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	csv := []byte("REGION,DISTRICT\n05,42\n")
	for _, d := range []string{"2025-08-30", "2025-08-31"} {
		if err := st.Raw().Put(ctx, d, "", store.ReportSummary, csv, store.PutInfo{}); err != nil {
			t.Fatal(err)
		}
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
