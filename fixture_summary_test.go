package toaststats_test

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readFixtureCSV reads one report of testdata/cache as header-keyed rows,
// the footer line left off.
func readFixtureCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(recs) < 2 || !strings.HasPrefix(recs[len(recs)-1][0], "Month of ") {
		t.Fatalf("%s: no header or no footer", path)
	}
	var rows []map[string]string
	for _, rec := range recs[1 : len(recs)-1] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		rows = append(rows, m)
	}
	return rows
}

// TestFixtureSummaryDistinguishedPercentOnPaidClubs checks the hand-made
// raw-cache fixture (testdata/gen_fixture.py): in every all-districts.csv,
// "% Distinguished Clubs" is Total Distinguished Clubs / Paid Clubs, as the
// real dashboard's column is, and Paid Clubs and Total Distinguished Clubs
// agree with the district's own club report. Worked by hand: D42 on
// 2025-11-14 has 4 clubs, one of them Low (so 3 paid, 4 Active Clubs), and
// one distinguished club: 1/3 = "33.33%" (on Active Clubs it was "25%").
func TestFixtureSummaryDistinguishedPercentOnPaidClubs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "cache", "*", "all-districts.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixture summaries: %v", err)
	}
	n := func(where, s string) int {
		v, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("%s: not an integer: %q", where, s)
		}
		return v
	}
	checked := 0
	for _, file := range files {
		date := filepath.Base(filepath.Dir(file))
		for _, s := range readFixtureCSV(t, file) {
			id := s["DISTRICT"]
			where := date + " D" + id
			dist, paid := n(where, s["Total Distinguished Clubs"]), n(where, s["Paid Clubs"])
			var clubsPaid, clubsDist int
			for _, c := range readFixtureCSV(t, filepath.Join(filepath.Dir(file), "district-"+id, "club-performance.csv")) {
				if c["Club Status"] == "Active" {
					clubsPaid++
				}
				if c["Club Distinguished Status"] != "" {
					clubsDist++
				}
			}
			if paid != clubsPaid || dist != clubsDist {
				t.Errorf("%s: summary paid %d distinguished %d, club report %d and %d", where, paid, dist, clubsPaid, clubsDist)
			}
			cell := s["% Distinguished Clubs"]
			got, err := strconv.ParseFloat(strings.TrimSuffix(cell, "%"), 64)
			if err != nil || !strings.HasSuffix(cell, "%") {
				t.Fatalf("%s: %% Distinguished Clubs = %q", where, cell)
			}
			want := 0.0
			if paid > 0 {
				want = float64(dist) * 100 / float64(paid)
			}
			if math.Abs(got-want) > 0.005001 || (want == 0) != (cell == "0%") {
				t.Errorf("%s: %% Distinguished Clubs = %q, want %d/%d paid clubs = %.4f", where, cell, dist, paid, want)
			}
			if date == "2025-11-14" && id == "42" && cell != "33.33%" {
				t.Errorf("%s: %% Distinguished Clubs = %q, want 33.33%% (1 of 3 paid clubs)", where, cell)
			}
			checked++
		}
	}
	if checked != 12 {
		t.Errorf("checked %d summary rows, want 12 (3 dates × 4 districts)", checked)
	}
}
