package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/adapters/static"
)

// exportStatic runs `toaststats export-static --json` and decodes its
// summary.
func exportStatic(t *testing.T, env map[string]string, wantCode int, args ...string) exportStaticOutput {
	t.Helper()
	stdout, stderr, code := runCLI(t, env, append([]string{"export-static", "--json"}, args...)...)
	if code != wantCode {
		t.Fatalf("export-static %v: exit %d, want %d\n%s\n%s", args, code, wantCode, stdout, stderr)
	}
	var out exportStaticOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("export-static --json: %v\n%s", err, stdout)
	}
	return out
}

func TestExportStaticCommand(t *testing.T) {
	dir := fixtureDataDir(t, "2025-11-14", "2025-12-03")
	env := map[string]string{"TOASTSTATS_DATA_DIR": dir, "TOASTSTATS_NOW": snapshotTestNow}
	if _, _, code := runCLI(t, env, "build", "--all"); code != 0 {
		t.Fatalf("build exit %d", code)
	}
	to := filepath.Join(t.TempDir(), "site")

	first := exportStatic(t, env, 0, "--to", to)
	r := first.Result
	// The fixture: districts 02, 42, 61 and F on 2025-11-14 and on
	// 2025-12-03, a collection during November's close, so its snapshot is
	// 2025-11-30. Files: 3 lists + 4 districts × 11 answers for the current
	// snapshot, and 2 + 4 × 2 per date: 47 + 20 = 67.
	if r.SnapshotID != "2025-11-30" || r.Files != 67 || r.Written != r.Files || r.Absent != 0 || !r.IndexWritten || first.Error != "" {
		t.Fatalf("first export: %+v %+v", first, r)
	}
	idx, err := static.ParseIndex(mustRead(t, filepath.Join(to, "index.json")))
	if err != nil || len(idx.Files) != r.Files || idx.SnapshotID != "2025-11-30" || !idx.Complete || idx.Failures != nil {
		t.Fatalf("index: %v", err)
	}
	for _, d := range []string{"02", "42", "61", "F"} {
		if _, err := os.Stat(filepath.Join(to, "api", "districts", d, "statistics.json")); err != nil {
			t.Errorf("district %s: %v", d, err)
		}
		for _, date := range []string{"2025-11-14", "2025-11-30"} {
			if _, err := os.Stat(filepath.Join(to, "api", "snapshots", date, "districts", d, "clubs.json")); err != nil {
				t.Errorf("district %s on %s: %v", d, date, err)
			}
		}
	}

	// Again: nothing to write. Then without the history: the per-date
	// files go (2 dates × (rankings + district list + 4 districts × 2)).
	if again := exportStatic(t, env, 0, "--to", to).Result; again.Written != 0 || again.IndexWritten || again.Unchanged != r.Files {
		t.Fatalf("second export: %+v", again)
	}
	if nh := exportStatic(t, env, 0, "--to", to, "--no-history").Result; nh.Deleted != 2*(2+4*2) || nh.Written != 0 {
		t.Fatalf("export --no-history: %+v", nh)
	}
	if _, err := os.Stat(filepath.Join(to, "api", "snapshots")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("api/snapshots after --no-history: %v", err)
	}

	// The human summary.
	stdout, _, code := runCLI(t, env, "export-static", "--to", to, "--no-history")
	if code != 0 || !strings.Contains(stdout, "exported snapshot 2025-11-30") || !strings.Contains(stdout, "0 written") {
		t.Fatalf("export-static text: exit %d\n%s", code, stdout)
	}
}

// TestExportStaticIncomplete: when answers fail (a damaged snapshot file:
// 503), the command exits 1, index.json says it is not complete and lists
// what failed, and the text output ends saying the export is incomplete.
func TestExportStaticIncomplete(t *testing.T) {
	dir := fixtureDataDir(t, "2025-11-14", "2025-12-03")
	env := map[string]string{"TOASTSTATS_DATA_DIR": dir, "TOASTSTATS_NOW": snapshotTestNow}
	if _, _, code := runCLI(t, env, "build", "--all"); code != 0 {
		t.Fatalf("build exit %d", code)
	}
	if err := os.WriteFile(filepath.Join(dir, "snapshots", "2025-11-14", "district_61.json"), []byte(`{"broken":`), 0o644); err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "site")
	stdout, stderr, code := runCLI(t, env, "export-static", "--to", to)
	if code != 1 || !strings.Contains(stderr, "some answers could not be exported") {
		t.Fatalf("export-static with a damaged snapshot: exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "INCOMPLETE export: 2 answers could not be exported") || !strings.Contains(last, `"complete": false`) {
		t.Errorf("last line of the output: %q, want it to say the export is incomplete\n%s", last, stdout)
	}
	idx, err := static.ParseIndex(mustRead(t, filepath.Join(to, "index.json")))
	if err != nil {
		t.Fatal(err)
	}
	if idx.Complete || len(idx.Failures) != 2 {
		t.Fatalf("index: complete %v, failures %+v", idx.Complete, idx.Failures)
	}
	for i, name := range []string{"clubs", "statistics"} {
		if f := idx.Failures[i]; f.Path != "api/snapshots/2025-11-14/districts/61/"+name+".json" || f.Status != 503 || !strings.HasPrefix(f.Error, "SNAPSHOT_DAMAGED: ") {
			t.Errorf("index failure %d: %+v", i, f)
		}
	}
	// --json says the same.
	out := exportStatic(t, env, 1, "--to", to)
	if len(out.Result.Failed) != 2 || out.Error == "" {
		t.Errorf("export-static --json: %+v", out)
	}
}

func TestExportStaticErrors(t *testing.T) {
	empty := t.TempDir()
	if _, _, code := runCLI(t, nil, "init", "--data-dir", empty); code != 0 {
		t.Fatalf("init exit %d", code)
	}
	to := filepath.Join(t.TempDir(), "site")
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--data-dir", empty}, 2, "--to is required"},
		{[]string{"--data-dir", filepath.Join(empty, "nope"), "--to", to}, 2, "does not exist"},
		{[]string{"--data-dir", empty, "--to", empty}, 2, "is the data directory"},
		{[]string{"--data-dir", empty, "--to", to, "--since", "2025-13-01"}, 2, "--since"},
		{[]string{"--data-dir", empty, "--to", to, "--since", "2025-11-01", "--no-history"}, 2, "exclude each other"},
		{[]string{"--data-dir", empty, "--to", to}, 1, "no snapshot to export yet"},
	} {
		_, stderr, code := runCLI(t, nil, append([]string{"export-static"}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("export-static %v: exit %d, want %d with %q\n%s", c.args, code, c.code, c.msg, stderr)
		}
	}
	if ents, _ := os.ReadDir(to); len(ents) != 0 {
		t.Errorf("failed exports wrote %d entries into --to", len(ents))
	}
}

// TestExportStaticNothingExported: an export that fails before writing
// anything (no snapshot yet) says so in its text output, instead of a
// summary of an "exported snapshot" with no id; the exit status stays 1.
func TestExportStaticNothingExported(t *testing.T) {
	empty := t.TempDir()
	if _, _, code := runCLI(t, nil, "init", "--data-dir", empty); code != 0 {
		t.Fatalf("init exit %d", code)
	}
	to := filepath.Join(t.TempDir(), "site")
	stdout, stderr, code := runCLI(t, nil, "export-static", "--data-dir", empty, "--to", to)
	want := "nothing exported: " + empty + " has no snapshot yet; nothing was written to " + to + "\n"
	if code != 1 || stdout != want || !strings.Contains(stderr, "no snapshot to export yet") {
		t.Fatalf("export-static with no snapshot: exit %d, want 1\nstdout %q\nwant   %q\nstderr %s", code, stdout, want, stderr)
	}
	// --json still carries the error, and a result that names no snapshot.
	out := exportStatic(t, nil, 1, "--data-dir", empty, "--to", to)
	if out.Error == "" || out.Result == nil || out.Result.SnapshotID != "" || out.Result.Written != 0 {
		t.Fatalf("export-static --json with no snapshot: %+v %+v", out, out.Result)
	}
}

func mustRead(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
