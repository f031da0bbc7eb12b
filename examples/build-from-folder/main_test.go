package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/ranking"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// asOf is the newest date of the test world: April data (after the March
// closing period), so distinguished clubs count.
const asOf = "2026-04-12"

func newWorld() *dashboardtest.World {
	return dashboardtest.NewWorld(dashboardtest.Config{
		Districts: 3, ClubsPerDistrict: 8, From: "2026-03-20", To: "2026-04-12",
	})
}

// writeFolder writes the dashboard's exports of date into a new folder with
// the raw cache's layout and returns the folder.
func writeFolder(t *testing.T, w *dashboardtest.World, date string) string {
	t.Helper()
	dir := t.TempDir()
	write := func(rel string, kind normalize.ReportKind, id string) {
		b, err := w.CSV(kind, id, date)
		if err != nil {
			t.Fatalf("CSV(%s, %s, %s): %v", kind, id, date, err)
		}
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("all-districts.csv", normalize.ReportSummary, "")
	for _, id := range w.Districts(date) {
		for _, k := range []normalize.ReportKind{normalize.ReportClub, normalize.ReportDivision, normalize.ReportDistrict} {
			write(filepath.Join("district-"+id, k.FileName()), k, id)
		}
	}
	return dir
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestRunBuildsTheSnapshot(t *testing.T) {
	w := newWorld()
	if got := w.Newest(); got != asOf {
		t.Fatalf("world's newest date = %s, want %s", got, asOf)
	}
	if got, want := w.Districts(asOf), []string{"02", "61", "118"}; !slices.Equal(got, want) {
		t.Fatalf("world's districts = %q, want %q", got, want)
	}
	folder := writeFolder(t, w, asOf)
	dataDir := filepath.Join(t.TempDir(), "data")

	var stdout, stderr bytes.Buffer
	if err := run([]string{"-top", "2", folder, dataDir}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\nstderr: %s", err, stderr.String())
	}
	out := stdout.String()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for i, want := range []string{
		"Cached 10 files from " + folder + " as of 2026-04-12 (data month 2026-04)",
		"Snapshot 2026-04-12: success",
		"Districts: 02 61 118",
		"",
		"Top 2 of 3 districts:",
	} {
		if i >= len(lines) || lines[i] != want {
			t.Fatalf("line %d: want %q; output:\n%s", i, want, out)
		}
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %s", stderr.String())
	}

	// The printed table is the Borda count of the summary's rows.
	summary, err := os.ReadFile(filepath.Join(folder, "all-districts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	report, err := normalize.ReadSummary("all-districts.csv", summary)
	if err != nil {
		t.Fatal(err)
	}
	want := ranking.Rank(report.Rows)
	if len(want) != 3 {
		t.Fatalf("ranked %d districts, want 3", len(want))
	}
	var gotTable [][2]string // district, score
	for _, l := range lines[6:8] {
		f := strings.Fields(l)
		gotTable = append(gotTable, [2]string{f[1], f[len(f)-1]})
	}
	for i, r := range want[:2] {
		if gotTable[i][0] != r.DistrictID || gotTable[i][1] != itoa(r.AggregateScore) {
			t.Errorf("table row %d = %q, want district %s score %d", i, gotTable[i], r.DistrictID, r.AggregateScore)
		}
	}
	if last := lines[len(lines)-1]; last != "Published "+filepath.Join(dataDir, "snapshots", asOf) {
		t.Errorf("last line = %q", last)
	}

	// The published files exist and parse.
	snapDir := filepath.Join(dataDir, "snapshots", asOf)
	var meta snapshot.Metadata
	readJSON(t, filepath.Join(snapDir, "metadata.json"), &meta)
	if meta.SnapshotID != asOf || meta.Status != snapshot.StatusSuccess || meta.DataAsOfDate != asOf ||
		meta.DataMonth != "2026-04" || !slices.Equal(meta.SuccessfulDistricts, []string{"02", "61", "118"}) {
		t.Errorf("metadata = %+v", meta)
	}
	var rankings snapshot.RankingsFile
	readJSON(t, filepath.Join(snapDir, "all-districts-rankings.json"), &rankings)
	if rankings.Metadata.TotalDistricts != 3 || len(rankings.Rankings) != 3 || rankings.Metadata.SourceCsvDate != asOf {
		t.Errorf("rankings metadata = %+v, %d rows", rankings.Metadata, len(rankings.Rankings))
	}
	for i, r := range rankings.Rankings {
		if r.DistrictID != want[i].DistrictID || r.AggregateScore != want[i].AggregateScore {
			t.Errorf("rankings[%d] = %s/%d, want %s/%d", i, r.DistrictID, r.AggregateScore, want[i].DistrictID, want[i].AggregateScore)
		}
	}
	for _, id := range []string{"02", "61", "118"} {
		var df snapshot.DistrictFile
		readJSON(t, filepath.Join(snapDir, store.DistrictFileName(id)), &df)
		if df.DistrictID != id || df.Status != snapshot.StatusSuccess {
			t.Errorf("%s: districtId %q status %q", store.DistrictFileName(id), df.DistrictID, df.Status)
		}
	}
	var cur snapshot.CurrentPointer
	readJSON(t, filepath.Join(dataDir, "current.json"), &cur)
	if cur.SnapshotID != asOf {
		t.Errorf("current.json names %q, want %s", cur.SnapshotID, asOf)
	}

	// The raw cache holds the bytes verbatim.
	cached, err := os.ReadFile(filepath.Join(dataDir, "raw-csv", asOf, "district-118", "club-performance.csv"))
	if err != nil {
		t.Fatal(err)
	}
	orig, _ := os.ReadFile(filepath.Join(folder, "district-118", "club-performance.csv"))
	if !bytes.Equal(cached, orig) {
		t.Error("the cached club report differs from the file read")
	}
}

// A district with a report missing still gets a snapshot: the district is in
// it with what its other reports say, its error is reported, and the snapshot
// is partial (so it does not become current).
func TestRunMissingReport(t *testing.T) {
	folder := writeFolder(t, newWorld(), asOf)
	if err := os.Remove(filepath.Join(folder, "district-61", "division-performance.csv")); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(t.TempDir(), "data")
	var stdout, stderr bytes.Buffer
	if err := run([]string{folder, dataDir}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\nstderr: %s", err, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dataDir, "current.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a partial snapshot became current (stat current.json: %v)", err)
	}
	for _, want := range []string{"Cached 9 files", "Snapshot 2026-04-12: partial\n", "Districts: 02 61 118\n", "Top 3 of 3 districts:"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, stdout.String())
		}
	}
	for _, want := range []string{"division-performance.csv is missing", "district 61: missing_report"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}

func TestRunErrors(t *testing.T) {
	w := newWorld()
	empty := t.TempDir()
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}

	// A district report from another day than the summary.
	mixed := writeFolder(t, w, asOf)
	old, err := w.CSV(normalize.ReportClub, "02", "2026-04-11")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mixed, "district-02", "club-performance.csv"), old, 0o644); err != nil {
		t.Fatal(err)
	}
	// Another district's club report, of the right day, in district-02's folder.
	swapped := writeFolder(t, w, asOf)
	ids := w.Districts(asOf)
	other := ids[len(ids)-1]
	if other == "02" {
		t.Fatal("setup: the world's last district is 02")
	}
	theirs, err := w.CSV(normalize.ReportClub, other, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(swapped, "district-02", "club-performance.csv"), theirs, 0o644); err != nil {
		t.Fatal(err)
	}
	// An HTML error page saved as the summary.
	html := t.TempDir()
	if err := os.WriteFile(filepath.Join(html, "all-districts.csv"), []byte("<!DOCTYPE html>\r\n<html><body>Error</body></html>\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A summary without its footer line.
	noFooter := t.TempDir()
	sum, _ := w.CSV(normalize.ReportSummary, "", asOf)
	sum = bytes.TrimRight(sum, "\r\n")
	sum = sum[:bytes.LastIndexByte(sum, '\n')+1]
	if err := os.WriteFile(filepath.Join(noFooter, "all-districts.csv"), sum, 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		args  []string
		check func(error) bool
	}{
		{"no arguments", nil, isUsage},
		{"one argument", []string{empty}, isUsage},
		{"bad flag", []string{"-nope", empty, empty}, isUsage},
		{"empty folder", []string{empty, t.TempDir()}, func(err error) bool {
			return strings.Contains(err.Error(), "folder "+empty+" has no all-districts.csv")
		}},
		{"missing folder", []string{filepath.Join(empty, "none"), t.TempDir()}, func(err error) bool {
			return errors.Is(err, os.ErrNotExist) && strings.Contains(err.Error(), filepath.Join(empty, "none"))
		}},
		{"not a folder", []string{notDir, t.TempDir()}, func(err error) bool {
			return strings.Contains(err.Error(), notDir+" is not a directory")
		}},
		{"report of another date", []string{mixed, t.TempDir()}, func(err error) bool {
			return errors.Is(err, normalize.ErrFooterMismatch) && strings.Contains(err.Error(), "club-performance.csv")
		}},
		{"report of another district", []string{swapped, t.TempDir()}, func(err error) bool {
			return errors.Is(err, normalize.ErrWrongDistrict) && strings.Contains(err.Error(), filepath.Join("district-02", "club-performance.csv"))
		}},
		{"HTML page", []string{html, t.TempDir()}, func(err error) bool { return errors.Is(err, normalize.ErrHTMLPage) }},
		{"no footer", []string{noFooter, t.TempDir()}, func(err error) bool {
			return strings.Contains(err.Error(), "has no footer line")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(tc.args, &stdout, &stderr)
			if err == nil || !tc.check(err) {
				t.Errorf("run(%q) = %v", tc.args, err)
			}
			if strings.Contains(stdout.String(), "Snapshot") {
				t.Errorf("built a snapshot anyway:\n%s", stdout.String())
			}
		})
	}
}

func isUsage(err error) bool { return errors.Is(err, errUsage) }

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
