package toaststats

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats/store"
)

// TestDeferredReadsBuildTheSame: a build that reads the district reports
// as it normalises them (loadDeferred) publishes byte for byte the snapshot
// a build that reads every report first publishes, and returns the same
// result, also with a report missing, one corrupted on disk, one whose
// footer is of another date (a warning), one without a recorded checksum
// (digested from its bytes), a configured district with no reports, and a
// date whose summary has no footer (nothing is deferred then).
func TestDeferredReadsBuildTheSame(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2025, 12, 6, 7, 0, 0, 0, time.UTC)
	clock := func() time.Time { return at }
	fill := func(t *testing.T) string {
		dir := t.TempDir()
		st, err := store.Open(dir, store.Options{Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		for _, date := range []string{"2025-11-14", "2025-12-03", "2025-12-05"} {
			root := filepath.Join("testdata", "cache", date)
			err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(root, path)
				rel = filepath.ToSlash(rel)
				if date == "2025-11-14" && rel == "district-F/division-performance.csv" {
					return nil // missing
				}
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				if date == "2025-11-14" && rel == "district-42/district-performance.csv" {
					data = bytes.Replace(data, []byte("As of 11/14/2025"), []byte("As of 11/13/2025"), 1)
				}
				if date == "2025-12-05" && rel == "all-districts.csv" {
					i := bytes.LastIndex(bytes.TrimRight(data, "\r\n"), []byte("\n"))
					data = data[:i+1] // no footer
				}
				district, report := "", store.Report(strings.TrimSuffix(rel, ".csv"))
				if i := strings.IndexByte(rel, '/'); i >= 0 {
					district = strings.TrimPrefix(rel[:i], "district-")
					report = store.Report(strings.TrimSuffix(rel[i+1:], ".csv"))
				}
				return st.Raw().Put(ctx, date, district, report, data, store.PutInfo{RequestedDate: date, Source: "fixture"})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		// Corrupted on disk after it was recorded.
		club := filepath.Join(dir, "raw-csv", "2025-11-14", "district-02", "club-performance.csv")
		b, _ := os.ReadFile(club)
		if err := os.WriteFile(club, bytes.Replace(b, []byte(`"1"`), []byte(`"2"`), 1), 0o600); err != nil {
			t.Fatal(err)
		}
		// No recorded checksum for one report.
		mdPath := filepath.Join(dir, "raw-csv", "2025-11-14", "metadata.json")
		var raw map[string]any
		mb, _ := os.ReadFile(mdPath)
		if err := json.Unmarshal(mb, &raw); err != nil {
			t.Fatal(err)
		}
		delete(raw["integrity"].(map[string]any)["checksums"].(map[string]any), "district-61/division-performance.csv")
		mb, _ = json.Marshal(raw)
		if err := os.WriteFile(mdPath, mb, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Config().Replace(ctx, []string{"02", "42", "61", "F", "99"}, "test"); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	build := func(t *testing.T, deferred bool) (string, []*BuildResult) {
		t.Helper()
		defer func(d bool) { deferReads = d }(deferReads)
		deferReads = deferred
		dir := fill(t)
		st, err := store.Open(dir, store.Options{Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		b := NewBuilder(st, BuilderOptions{Now: clock, Workers: 2})
		var results []*BuildResult
		for _, date := range []string{"2025-11-14", "2025-12-03", "2025-12-05"} {
			res, err := b.Build(ctx, date)
			if err != nil {
				t.Fatal(err)
			}
			res.Duration = 0
			results = append(results, res)
		}
		return dir, results
	}
	dirA, resA := build(t, true)
	dirB, resB := build(t, false)
	ja, _ := json.Marshal(resA)
	jb, _ := json.Marshal(resB)
	if !bytes.Equal(ja, jb) {
		t.Errorf("results differ:\ndeferred %s\nread first %s", ja, jb)
	}
	if !strings.Contains(string(ja), "as of 2025-11-13") || !strings.Contains(string(ja), "checksum_mismatch") {
		t.Errorf("the fixture lacks the footer warning or the corrupt report: %s", ja)
	}
	files := 0
	err := filepath.WalkDir(filepath.Join(dirB, "snapshots"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dirB, path)
		if strings.Contains(rel, ".old-") {
			return nil
		}
		want, _ := os.ReadFile(path)
		got, err := os.ReadFile(filepath.Join(dirA, rel))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs (%v)", rel, err)
		}
		files++
		return nil
	})
	if err != nil || files < 10 {
		t.Fatalf("compared %d files: %v", files, err)
	}
}
