package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReindexCommand(t *testing.T) {
	dir := fixtureDataDir(t, "2025-11-14", "2025-12-03")
	env := map[string]string{"TOASTSTATS_DATA_DIR": dir, "TOASTSTATS_NOW": snapshotTestNow}
	if _, _, code := runCLI(t, env, "build", "--all"); code != 0 {
		t.Fatalf("build exit %d", code)
	}
	verify := func() verifyOutput {
		t.Helper()
		stdout, _, code := runCLI(t, env, "verify", "--json")
		var out verifyOutput
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("verify --json: %v\n%s", err, stdout)
		}
		if code != 0 || out.Verdict != verdictHealthy {
			t.Fatalf("verify: exit %d verdict %s", code, out.Verdict)
		}
		return out
	}
	// The build indexed both snapshots.
	if out := verify(); len(out.History) != 0 {
		t.Fatalf("history problems after build: %+v", out.History)
	}
	// Without the index: verify notes every snapshot's district as missing
	// (a note: the verdict stays HEALTHY), reindex restores it.
	if err := os.RemoveAll(filepath.Join(dir, "history")); err != nil {
		t.Fatal(err)
	}
	out := verify()
	if len(out.History) == 0 || out.History[0].Problem != "missing" {
		t.Fatalf("history problems without an index: %+v", out.History)
	}
	stdout, _, code := runCLI(t, env, "verify")
	if code != 0 || !strings.Contains(stdout, "toaststats reindex") {
		t.Fatalf("verify text without an index: exit %d\n%s", code, stdout)
	}
	stdout, _, code = runCLI(t, env, "reindex", "--json")
	var res reindexOutput
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || code != 0 {
		t.Fatalf("reindex: exit %d %v\n%s", code, err, stdout)
	}
	// Two snapshots of one program year (2025-2026): one log per district.
	if res.Result.Snapshots != 2 || res.Result.Logs == 0 || len(res.Before) != len(out.History) {
		t.Fatalf("reindex result %+v (%d problems before)", res.Result, len(res.Before))
	}
	if out := verify(); len(out.History) != 0 {
		t.Fatalf("history problems after reindex: %+v", out.History)
	}
	if _, _, code := runCLI(t, env, "reindex", "--data-dir", filepath.Join(dir, "nope")); code != 2 {
		t.Fatalf("reindex of a missing data directory: exit %d", code)
	}
}

// TestReindexSkipsADamagedSnapshot: one snapshot whose district file no
// longer matches its manifest does not stop the rebuild: the others are
// indexed, the damaged one is listed, and the exit status (1) and message
// send the operator to verify --repair.
func TestReindexSkipsADamagedSnapshot(t *testing.T) {
	dir := fixtureDataDir(t, "2025-11-14", "2025-12-03")
	env := map[string]string{"TOASTSTATS_DATA_DIR": dir, "TOASTSTATS_NOW": snapshotTestNow}
	if _, _, code := runCLI(t, env, "build", "--all"); code != 0 {
		t.Fatalf("build exit %d", code)
	}
	rankings := filepath.Join(dir, "snapshots", "2025-11-14", "all-districts-rankings.json")
	if err := os.WriteFile(rankings, []byte(`{"damaged":true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "history")); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI(t, env, "reindex", "--json")
	var res reindexOutput
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || code != 1 {
		t.Fatalf("reindex: exit %d %v\n%s\n%s", code, err, stdout, stderr)
	}
	if res.Result.Snapshots != 1 || len(res.Result.Skipped) != 1 || res.Result.Skipped[0].SnapshotID != "2025-11-14" || res.Result.Logs == 0 {
		t.Fatalf("reindex result %+v", res.Result)
	}
	if !strings.Contains(stderr, "verify --repair") {
		t.Errorf("stderr does not point to verify --repair: %s", stderr)
	}
	stdout, _, code = runCLI(t, env, "reindex")
	if code != 1 || !strings.Contains(stdout, "SKIPPED 2025-11-14: ") {
		t.Errorf("reindex text: exit %d\n%s", code, stdout)
	}
}
