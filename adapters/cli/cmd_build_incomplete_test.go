package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats/store"
)

// TestBuildAllAfterTrackingADistrict: after a district is added to the
// tracked set, the dates cached before lack its reports. build --all used
// to rebuild every one of them on every run, publish nothing (a partial
// build never replaces a successful snapshot) and exit 1; it now builds
// nothing, exits 0, and says which dates lack what and what collects it;
// status says the same of one date.
func TestBuildAllAfterTrackingADistrict(t *testing.T) {
	dir := fixtureDataDir(t, "2025-11-14", "2025-12-03")
	env := map[string]string{"TOASTSTATS_DATA_DIR": dir, "TOASTSTATS_NOW": snapshotTestNow}
	track := func(ids ...string) {
		t.Helper()
		now, _ := time.Parse(time.RFC3339, snapshotTestNow)
		st, err := store.Open(dir, store.Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Config().Replace(context.Background(), ids, "test"); err != nil {
			t.Fatal(err)
		}
	}
	track("42", "61")
	if stdout, stderr, code := runCLI(t, env, "build", "--all"); code != 0 {
		t.Fatalf("first build --all: exit %d\n%s\n%s", code, stdout, stderr)
	}
	track("42", "61", "99")
	for range 2 { // the second run reads what Pending kept
		stdout, stderr, code := runCLI(t, env, "build", "--all")
		if code != 0 {
			t.Fatalf("build --all with district 99 tracked: exit %d\n%s\n%s", code, stdout, stderr)
		}
		for _, want := range []string{
			"nothing to build\n",
			"not built, for lack of reports of district 99 (a successful build needs them; the successful snapshots stay as they are): collection dates 2025-11-14 … 2025-12-03 (2)\n",
			"  `toaststats backfill --from 2025-11-14 --to 2025-12-03` collects them (reports already cached are kept), then `toaststats build --all`.\n",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("build --all says no %q:\n%s", want, stdout)
			}
		}
		if strings.Contains(stdout, "snapshot 20") {
			t.Errorf("build --all built something:\n%s", stdout)
		}
	}
	stdout, _, code := runCLI(t, env, "build", "--all", "--json")
	var out buildOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || code != 0 {
		t.Fatalf("build --all --json: exit %d, %v\n%s", code, err, stdout)
	}
	if len(out.Results) != 0 || len(out.Incomplete) != 2 || out.Incomplete[1].CollectionDate != "2025-12-03" ||
		out.Incomplete[1].SnapshotID != "2025-11-30" || strings.Join(out.Incomplete[1].MissingDistricts, ",") != "99" {
		t.Errorf("build --all --json: %+v", out)
	}

	stdout, _, code = runCLI(t, env, "status", "--date", "2025-12-03")
	want := "not pending: a build would be partial and never replaces the successful snapshot; collection 2025-12-03 lacks the reports of district 99: " +
		"`toaststats backfill --from 2025-12-03 --to 2025-12-03` collects them (reports already cached are kept)\n"
	if code != 0 || !strings.Contains(stdout, want) || strings.Contains(stdout, "pending: run") {
		t.Errorf("status: exit %d, want %q:\n%s", code, want, stdout)
	}
}
