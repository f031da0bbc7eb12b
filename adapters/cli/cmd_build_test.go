package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats/internal/hugeheap"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// The -update flag may be shared with other test files of this package, so
// it is registered only once, by whoever comes first.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/")
	}
}

// updateGolden reports whether -update was given.
func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// snapshotTestNow is the fixed clock of the build tests (TOASTSTATS_NOW).
const snapshotTestNow = "2026-01-02T03:04:05Z"

// fixtureDataDir fills a fresh data directory with the raw-cache fixture of
// the root package (testdata/cache/<date>/), through the store.
func fixtureDataDir(t testing.TB, dates ...string) string {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	now, _ := time.Parse(time.RFC3339, snapshotTestNow)
	st, err := store.Open(dir, store.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	for _, date := range dates {
		root := filepath.Join("..", "..", "testdata", "cache", date)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			district, report := "", strings.TrimSuffix(rel, ".csv")
			if i := strings.IndexByte(rel, '/'); i >= 0 {
				district = strings.TrimPrefix(rel[:i], "district-")
				report = strings.TrimSuffix(rel[i+1:], ".csv")
			}
			return st.Raw().Put(ctx, date, district, store.Report(report), data, store.PutInfo{Source: "fixture"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runCLI runs the program in-process and returns stdout, stderr and the
// exit code main would use.
func runCLI(t *testing.T, environ map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return environ[k] }
	err := run(context.Background(), args, getenv, strings.NewReader(""), &stdout, &stderr)
	code := exitCodeOf(err)
	if err != nil {
		stderr.WriteString(err.Error())
	}
	return stdout.String(), stderr.String(), code
}

// publishedFiles reads snapshots/<id>/* and current.json of a data dir.
func publishedFiles(t *testing.T, dir, id string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	ents, err := os.ReadDir(filepath.Join(dir, "snapshots", id))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, "snapshots", id, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	if b, err := os.ReadFile(filepath.Join(dir, "current.json")); err == nil {
		out["current.json"] = b
	}
	return out
}

// compareGolden compares files with testdata/golden/<name>/ (rewritten with
// -update).
func compareGolden(t *testing.T, name string, files map[string][]byte) {
	t.Helper()
	gdir := filepath.Join("testdata", "golden", name)
	if updateGolden() {
		_ = os.RemoveAll(gdir)
		if err := os.MkdirAll(gdir, 0o755); err != nil {
			t.Fatal(err)
		}
		for n, b := range files {
			if err := os.WriteFile(filepath.Join(gdir, n), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	ents, err := os.ReadDir(gdir)
	if err != nil {
		t.Fatalf("golden %s: %v (run go test -update)", gdir, err)
	}
	if len(ents) != len(files) {
		t.Errorf("%s: %d files written, %d golden", name, len(files), len(ents))
	}
	for _, e := range ents {
		want, err := os.ReadFile(filepath.Join(gdir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if got := files[e.Name()]; !bytes.Equal(got, want) {
			t.Errorf("%s: %s differs from its golden copy:\n%s", name, e.Name(), got)
		}
	}
}

func TestBuildCommandPublishesGoldenFiles(t *testing.T) {
	dir := fixtureDataDir(t, "2025-11-14")
	env := map[string]string{"TOASTSTATS_NOW": snapshotTestNow}
	stdout, stderr, code := runCLI(t, env, "build", "--data-dir", dir, "--date", "2025-11-14")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"snapshot 2025-11-14", "status success", "districts included: 4 [02 42 61 F]", "districts missing:  0", "took "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	compareGolden(t, "build-2025-11-14", publishedFiles(t, dir, "2025-11-14"))
}

func TestBuildCommandExitCodes(t *testing.T) {
	env := map[string]string{"TOASTSTATS_NOW": snapshotTestNow}
	t.Run("usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"build", "--date", "2025-02-30"},
			{"build", "--date", "2025-11-14", "--all"},
			{"build", "--bogus"},
			{"build", "extra"},
			{"status", "--date", "yesterday"},
			{"verify", "--nope"},
		} {
			if _, _, code := runCLI(t, env, append(args, "--data-dir", t.TempDir())...); code != 2 {
				t.Errorf("%q: exit %d, want 2", args, code)
			}
		}
		if _, _, code := runCLI(t, map[string]string{"TOASTSTATS_NOW": "soon"}, "build", "--data-dir", t.TempDir()); code != 2 {
			t.Errorf("bad TOASTSTATS_NOW: exit %d, want 2", code)
		}
	})
	t.Run("nothing cached", func(t *testing.T) {
		dir := t.TempDir()
		for _, args := range [][]string{{"build"}, {"build", "--all"}, {"build", "--date", "2025-11-14"}} {
			_, stderr, code := runCLI(t, env, append(args, "--data-dir", dir)...)
			if code != 1 || !strings.Contains(stderr, "toaststats scrape") {
				t.Errorf("%q: exit %d, stderr %q; want 1 and a hint to scrape", args, code, stderr)
			}
		}
	})
	t.Run("mistyped data dir", func(t *testing.T) {
		typo := filepath.Join(t.TempDir(), "dtaa")
		for _, cmd := range []string{"build", "status", "verify"} {
			_, stderr, code := runCLI(t, env, cmd, "--data-dir", typo)
			if code != 2 || !strings.Contains(stderr, "does not exist") || !strings.Contains(stderr, "toaststats init") {
				t.Errorf("%s on a missing directory: exit %d, stderr %q; want 2 naming it", cmd, code, stderr)
			}
			if _, err := os.Stat(typo); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("%s created the mistyped directory %s", cmd, typo)
			}
		}
	})
	t.Run("empty data dir", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "fresh")
		if out, stderr, code := runCLI(t, env, "init", "--data-dir", dir); code != 0 || !strings.Contains(out, "created") {
			t.Fatalf("init: exit %d %s %s", code, out, stderr)
		}
		if out, _, code := runCLI(t, env, "status", "--data-dir", dir); code != 1 || !strings.Contains(out, "holds nothing yet") {
			t.Errorf("status of an empty directory: exit %d\n%s", code, out)
		}
		if out, _, code := runCLI(t, env, "verify", "--data-dir", dir); code != 1 || !strings.Contains(out, "EMPTY") {
			t.Errorf("verify of an empty directory: exit %d\n%s", code, out)
		}
		if out, _, code := runCLI(t, env, "init", "--data-dir", dir, "--districts", "61,42"); code != 0 || !strings.Contains(out, "exists") ||
			!strings.Contains(out, "tracking 42,61 districts") {
			t.Errorf("init again with --districts: exit %d\n%s", code, out)
		}
		if out, _, code := runCLI(t, env, "status", "--data-dir", dir, "--json"); code != 1 || !strings.Contains(out, `"trackedDistricts": [
    "42",
    "61"
  ]`) {
			t.Errorf("status after init --districts: exit %d\n%s", code, out)
		}
	})
	t.Run("bad district configuration", func(t *testing.T) {
		for _, body := range []string{`{garbage`, `{"configuredDistricts":["4/2"]}`} {
			dir := fixtureDataDir(t, "2025-11-14")
			cfg := filepath.Join(dir, "config", "districts.json")
			if err := os.MkdirAll(filepath.Dir(cfg), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"build"}, {"build", "--all"}, {"status"}, {"verify"}} {
				_, stderr, code := runCLI(t, env, append(args, "--data-dir", dir)...)
				if code != 2 || !strings.Contains(stderr, "config/districts.json") || !strings.Contains(stderr, "invalid district configuration") {
					t.Errorf("%q with config %s: exit %d, stderr %q; want 2 naming the file", args, body, code, stderr)
				}
			}
			if got, err := os.ReadFile(cfg); err != nil || string(got) != body {
				t.Errorf("the bad configuration was changed: %q %v", got, err)
			}
			if _, err := os.Stat(filepath.Join(dir, "snapshots")); err == nil {
				if ents, _ := os.ReadDir(filepath.Join(dir, "snapshots")); len(ents) > 0 {
					t.Errorf("a build with a bad configuration published %d entries", len(ents))
				}
			}
		}
	})
	t.Run("partial", func(t *testing.T) {
		dir := fixtureDataDir(t, "2025-11-14")
		if err := os.Remove(filepath.Join(dir, "raw-csv", "2025-11-14", "district-42", "club-performance.csv")); err != nil {
			t.Fatal(err)
		}
		stdout, _, code := runCLI(t, env, "build", "--data-dir", dir, "--json")
		if code != 1 {
			t.Fatalf("exit %d, want 1\n%s", code, stdout)
		}
		var out buildOutput
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("--json output: %v\n%s", err, stdout)
		}
		if len(out.Results) != 1 || out.Results[0].Status != snapshot.StatusPartial ||
			len(out.Results[0].DistrictErrors) != 1 || out.Results[0].DistrictErrors[0].Reason != "missing_report" {
			t.Errorf("result: %+v", out.Results)
		}
	})
	t.Run("all then nothing pending", func(t *testing.T) {
		dir := fixtureDataDir(t, "2025-11-14", "2025-12-03", "2025-12-05")
		stdout, _, code := runCLI(t, env, "build", "--data-dir", dir, "--all", "--json")
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stdout)
		}
		var out buildOutput
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatal(err)
		}
		if len(out.Results) != 3 || out.Results[2].SnapshotID != "2025-11-30" {
			t.Fatalf("results %+v", out.Results)
		}
		stdout, _, code = runCLI(t, env, "build", "--data-dir", dir, "--all")
		if code != 0 || !strings.Contains(stdout, "nothing to build") {
			t.Errorf("second --all: exit %d\n%s", code, stdout)
		}
		// An older collection is skipped, which is not a failure; its line
		// says it was not built (no blank status).
		stdout, _, code = runCLI(t, env, "build", "--data-dir", dir, "--date", "2025-12-03")
		if code != 0 || !strings.Contains(stdout, "not published") || !strings.Contains(stdout, "snapshot 2025-11-30  status not built  (collection 2025-12-03)\n") {
			t.Errorf("older collection: exit %d\n%s", code, stdout)
		}
	})
}

func TestStatusCommand(t *testing.T) {
	dir := fixtureDataDir(t, "2025-12-03")
	env := map[string]string{"TOASTSTATS_DATA_DIR": dir, "TOASTSTATS_NOW": snapshotTestNow}
	stdout, stderr, code := runCLI(t, env, "status", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out statusOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	s := out.Status
	if s == nil || s.CollectionDate != "2025-12-03" || s.LogicalDate != "2025-11-30" || !s.Pending || s.Snapshot != nil || len(s.Districts) != 4 {
		t.Fatalf("status %+v", s)
	}
	if _, _, code := runCLI(t, env, "build"); code != 0 {
		t.Fatalf("build exit %d", code)
	}
	stdout, _, code = runCLI(t, env, "status", "--date", "2025-12-03")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"current:        2025-11-30", "-> snapshot 2025-11-30", "closing period true",
		"district 61   club ok, division ok, district ok", "snapshot 2025-11-30: success, from collection 2025-12-03", "up to date true"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, stdout)
		}
	}
	// An older collection of the same month-end close: its snapshot is not
	// up to date with it, and status says that nothing is to be done.
	dir2 := fixtureDataDir(t, "2025-12-03", "2025-12-05")
	env2 := map[string]string{"TOASTSTATS_DATA_DIR": dir2, "TOASTSTATS_NOW": snapshotTestNow}
	if _, _, code := runCLI(t, env2, "build", "--all"); code != 0 {
		t.Fatalf("build --all exit %d", code)
	}
	stdout, _, code = runCLI(t, env2, "status", "--date", "2025-12-03")
	if want := "  collection 2025-12-03 is not built: the snapshot comes from the newer collection 2025-12-05 (the newest collection of a date wins; nothing to do)\n"; code != 0 ||
		!strings.Contains(stdout, "from collection 2025-12-05") || !strings.Contains(stdout, want) || strings.Contains(stdout, "pending:") {
		t.Errorf("status of an older collection: exit %d, want the line %q\n%s", code, want, stdout)
	}
	stdout, _, code = runCLI(t, env, "status", "--date", "2024-01-01")
	if code != 0 || !strings.Contains(stdout, "nothing cached for 2024-01-01") {
		t.Errorf("status of an uncached date: exit %d\n%s", code, stdout)
	}
	// An unreadable current.json is named as such, never "snapshot  is
	// damaged" with an empty id.
	if err := os.WriteFile(filepath.Join(dir, "current.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code = runCLI(t, env, "status")
	if code != 1 || !strings.Contains(stdout, "current:        (none)") || !strings.Contains(stdout, "DAMAGED: current.json unreadable") ||
		!strings.Contains(stderr, "current.json, which names the current snapshot, cannot be read") || strings.Contains(stderr, "snapshot  is") {
		t.Errorf("status with current.json unreadable: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

func TestVerifyCommand(t *testing.T) {
	dir := fixtureDataDir(t, "2025-11-14")
	env := map[string]string{"TOASTSTATS_DATA_DIR": dir, "TOASTSTATS_NOW": snapshotTestNow}
	if _, _, code := runCLI(t, env, "build"); code != 0 {
		t.Fatalf("build exit %d", code)
	}
	stdout, _, code := runCLI(t, env, "verify")
	if code != 0 || !strings.Contains(stdout, "HEALTHY") {
		t.Fatalf("verify of a healthy store: exit %d\n%s", code, stdout)
	}
	// Damage a district file: the check fails, the repair quarantines it.
	f := filepath.Join(dir, "snapshots", "2025-11-14", "district_61.json")
	if err := os.WriteFile(f, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, _, code = runCLI(t, env, "status")
	if code != 1 || !strings.Contains(stdout, "DAMAGED") || !strings.Contains(stdout, "district_61.json") {
		t.Errorf("status with a damaged current snapshot: exit %d\n%s", code, stdout)
	}
	stdout, _, code = runCLI(t, env, "verify", "--json")
	if code != 1 {
		t.Fatalf("verify of a damaged store: exit %d\n%s", code, stdout)
	}
	var out verifyOutput
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	if out.Check == nil || out.Check.Healthy || len(out.Check.Corrupted) != 1 || out.Check.Corrupted[0] != "2025-11-14" {
		t.Fatalf("check %+v", out.Check)
	}
	stdout, _, code = runCLI(t, env, "verify", "--repair")
	if !strings.Contains(stdout, "quarantine") {
		t.Errorf("repair did not quarantine (exit %d):\n%s", code, stdout)
	}
}

// TestBinaryBuildsGoldenFiles builds the real toaststats binary and runs
// it with TOASTSTATS_NOW fixed: the published files are the same golden
// copies the in-process test checks.
func TestBinaryBuildsGoldenFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "toaststats")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := fixtureDataDir(t, "2025-11-14")
	cmd := exec.Command(bin, "build", "--date", "2025-11-14")
	cmd.Env = append(os.Environ(), "TOASTSTATS_DATA_DIR="+dir, "TOASTSTATS_NOW="+snapshotTestNow)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("toaststats build: %v\n%s", err, out)
	}
	compareGolden(t, "build-2025-11-14", publishedFiles(t, dir, "2025-11-14"))

	// Exit status 1 when nothing is cached.
	cmd = exec.Command(bin, "build", "--data-dir", t.TempDir())
	cmd.Env = os.Environ()
	out, err = cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(out), "toaststats scrape") {
		t.Errorf("empty cache: %v\n%s", err, out)
	}
}

func TestRepairActionLines(t *testing.T) {
	for _, tc := range []struct {
		a    store.RecoveryAction
		want string
	}{
		{store.RecoveryAction{Action: "repoint", SnapshotID: "2026-04-12", To: "2026-04-12", Reason: "current.json missing"},
			"repoint current.json: (none) -> 2026-04-12 (current.json missing)"},
		{store.RecoveryAction{Action: "repoint", SnapshotID: "2026-04-11", From: "2026-04-12", To: "2026-04-11"},
			"repoint current.json: 2026-04-12 -> 2026-04-11"},
		{store.RecoveryAction{Action: "remove-pointer", From: "2026-04-12", Reason: "no snapshot"},
			"remove-pointer current.json: was 2026-04-12 (no snapshot)"},
		{store.RecoveryAction{Action: "quarantine-leftover", From: "snapshots/.old-x/", To: "quarantine/leftovers-t/old-x/"},
			"quarantine-leftover: snapshots/.old-x/ -> quarantine/leftovers-t/old-x/"},
	} {
		if got := actionLine(tc.a); got != tc.want {
			t.Errorf("actionLine(%+v) = %q, want %q", tc.a, got, tc.want)
		}
	}
}

// TestBuildGzipAfterDays: the fixture's 2025-11-14 snapshot is built at
// 2026-01-02 (TOASTSTATS_NOW), 49 days after its date. With
// --gzip-after-days 45 its files are stored gzipped (magic 1f 8b), with 60
// they are not; status reads both.
func TestBuildGzipAfterDays(t *testing.T) {
	for days, wantGzip := range map[string]bool{"45": true, "60": false} {
		dir := fixtureDataDir(t, "2025-11-14")
		env := map[string]string{"TOASTSTATS_NOW": snapshotTestNow}
		if _, stderr, code := runCLI(t, env, "build", "--data-dir", dir, "--gzip-after-days", days); code != 0 {
			t.Fatalf("build --gzip-after-days %s: exit %d: %s", days, code, stderr)
		}
		b, err := os.ReadFile(filepath.Join(dir, "snapshots", "2025-11-14", "district_61.json"))
		if err != nil {
			t.Fatal(err)
		}
		if gz := len(b) > 2 && b[0] == 0x1f && b[1] == 0x8b; gz != wantGzip {
			t.Errorf("--gzip-after-days %s: district file gzipped = %v, want %v", days, gz, wantGzip)
		}
		if out, stderr, code := runCLI(t, env, "status", "--data-dir", dir); code != 0 || !strings.Contains(out, "2025-11-14") {
			t.Errorf("status after --gzip-after-days %s: exit %d\n%s\n%s", days, code, out, stderr)
		}
		// The raw reports of the settled date are gzipped after the build
		// (and the plain files removed); a second build finds the snapshot
		// up to date (same checksums), and verify reads every report back.
		raw := filepath.Join(dir, "raw-csv", "2025-11-14", "district-61", "club-performance.csv")
		_, plainErr := os.Stat(raw)
		_, gzErr := os.Stat(raw + ".gz")
		if (gzErr == nil) != wantGzip || (plainErr == nil) == wantGzip {
			t.Errorf("--gzip-after-days %s: raw .csv present %v, .csv.gz present %v", days, plainErr == nil, gzErr == nil)
		}
		out, stderr, code := runCLI(t, env, "build", "--data-dir", dir, "--gzip-after-days", days)
		if code != 0 || !strings.Contains(out, "up to date") {
			t.Errorf("second build --gzip-after-days %s: exit %d\n%s\n%s", days, code, out, stderr)
		}
		out, stderr, code = runCLI(t, env, "verify", "--data-dir", dir, "--json")
		if code != 0 || !strings.Contains(out, `"raw": []`) {
			t.Errorf("verify after --gzip-after-days %s: exit %d\n%s\n%s", days, code, out, stderr)
		}
	}
	if _, _, code := runCLI(t, nil, "build", "--data-dir", t.TempDir(), "--gzip-after-days", "-1"); code != 2 {
		t.Errorf("--gzip-after-days -1: exit %d, want 2", code)
	}
}

// A build runs the collector at buildGCPercent, unless $GOGC is set, and
// asks for its heap in huge pages where the system has them.
func TestBuildMemory(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	if err := buildMemory(env{getenv: func(string) string { return "" }}); err != nil && !errors.Is(err, hugeheap.ErrUnavailable) {
		t.Errorf("buildMemory: the heap was not prepared: %v", err)
	}
	if got := debug.SetGCPercent(100); got != buildGCPercent {
		t.Errorf("GC percent %d, want %d", got, buildGCPercent)
	}
	_ = buildMemory(env{getenv: func(k string) string { return map[string]string{"GOGC": "50"}[k] }})
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with $GOGC set the GC percent was changed to %d", got)
	}
}

// A build stopped by a lost lock lease (object storage) fails with exit
// status 1 and a message that says what happened and that running it again
// is safe, keeping the store's error (and its cause) for errors.Is.
func TestBuildLeaseLostMessage(t *testing.T) {
	cause := fmt.Errorf("build 2025-11-14: publish snapshot 2025-11-14: store: publish 2025-11-14: %w: lock lease .locks/snapshots.lease was taken over by host-b/42/abc", store.ErrLeaseLost)
	err := exitCode(exitFailed, leaseLost(cause))
	if !errors.Is(err, store.ErrLeaseLost) || exitCodeOf(err) != exitFailed {
		t.Fatalf("error %v, exit %d; want store.ErrLeaseLost and exit %d", err, exitCodeOf(err), exitFailed)
	}
	msg := err.Error()
	for _, want := range []string{"build stopped", "lock lease was lost", "another process may be publishing", "Running the build again is safe", "taken over by host-b/42/abc"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

// TestBuildNamesADateLeftPlain: built at 2026-01-02 with
// --gzip-after-days 25, both fixture dates are settled (49 and 30 days
// old). A settled date whose raw metadata.json
// does not parse cannot be verified, so build --gzip-after-days leaves its
// reports plain, says which date and why, and compresses the others; the
// build still exits 0 (nothing it was asked to publish failed).
func TestBuildNamesADateLeftPlain(t *testing.T) {
	dir := fixtureDataDir(t, "2025-11-14", "2025-12-03")
	env := map[string]string{"TOASTSTATS_NOW": snapshotTestNow}
	md := filepath.Join(dir, "raw-csv", "2025-11-14", "metadata.json")
	if err := os.WriteFile(md, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runCLI(t, env, "build", "--data-dir", dir, "--gzip-after-days", "25")
	if code != 0 {
		t.Fatalf("build: exit %d\n%s\n%s", code, out, stderr)
	}
	if !regexp.MustCompile(`(?m)^raw cache: 2025-11-14 left plain: .*metadata\.json`).MatchString(out) {
		t.Errorf("build did not name the date left plain:\n%s", out)
	}
	if !strings.Contains(out, "raw cache: gzipped 13 reports of 1 dates") {
		t.Errorf("build did not compress the other date's 13 reports:\n%s", out)
	}
	for date, wantGz := range map[string]bool{"2025-11-14": false, "2025-12-03": true} {
		_, err := os.Stat(filepath.Join(dir, "raw-csv", date, "district-61", "club-performance.csv.gz"))
		if (err == nil) != wantGz {
			t.Errorf("%s: club report gzipped = %v, want %v", date, err == nil, wantGz)
		}
	}
}
