package ranking

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestRankingsFileGolden pins the JSON of all-districts-rankings.json for
// predecessor §1's worked example (with the footer row leaked in): field
// names, order and values.
func TestRankingsFileGolden(t *testing.T) {
	rows := workedExample()
	for i := range rows {
		rows[i].PaidClubs, rows[i].PaidClubBase = 100+i, 98
		rows[i].TotalYTDPayments, rows[i].PaymentBase = 5000+i, 4900
		rows[i].SelectDistinguishedClubs, rows[i].PresidentsDistinguishedClubs = i, i/2
	}
	rows = append(rows, snapshot.SummaryRow{DistrictID: "Month of Dec", Region: "As of 01/05/2026"})
	at := time.Date(2026, 1, 5, 10, 30, 0, 0, time.UTC)
	f := Ranker{Now: func() time.Time { return at }}.File(rows, snapshot.RankingsMetadata{
		SnapshotID: "2026-01-05", SchemaVersion: snapshot.SchemaVersion, CalculationVersion: snapshot.CalculationVersion,
		SourceCsvDate: "2026-01-05", CsvFetchedAt: at.Add(-time.Hour), FromCache: true,
	})
	got, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "worked-example-rankings.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("rankings JSON differs from %s (go test -update rewrites it):\n%s", golden, got)
	}
}

// FuzzRank feeds arbitrary ids and values to Rank and checks the invariants
// that must hold for any input: no panic, only district ids, N distinct
// districts, scores in [3, 3N], every value JSON-encodable.
func FuzzRank(f *testing.F) {
	f.Add("A", 5.0, 3.5, 100, 40, "B", 2.5, 3.5, 50, 25, "Month of Dec")
	f.Add("02", math.NaN(), math.Inf(-1), 0, 5, "02", -0.0, 1e308, -3, -7, "")
	f.Fuzz(func(t *testing.T, id1 string, c1, p1 float64, a1, d1 int, id2 string, c2, p2 float64, a2, d2 int, id3 string) {
		rows := []snapshot.SummaryRow{
			{DistrictID: id1, Region: id2, ClubGrowthPercent: c1, PaymentGrowthPercent: p1, ActiveClubs: a1, TotalDistinguishedClubs: d1},
			{DistrictID: id2, Region: id1, ClubGrowthPercent: c2, PaymentGrowthPercent: p2, ActiveClubs: a2, TotalDistinguishedClubs: d2},
			{DistrictID: id3, ClubGrowthPercent: c1, PaymentGrowthPercent: p2, ActiveClubs: a2, TotalDistinguishedClubs: d1},
			{DistrictID: "61", ClubGrowthPercent: c2, PaymentGrowthPercent: p1, ActiveClubs: a1, TotalDistinguishedClubs: d2},
		}
		got := Rank(rows)
		n := len(got)
		seen := map[string]bool{}
		for _, d := range got {
			if !IsDistrictID(d.DistrictID) || seen[d.DistrictID] {
				t.Fatalf("bad or repeated id %q", d.DistrictID)
			}
			seen[d.DistrictID] = true
			if d.AggregateScore < 3 || d.AggregateScore > 3*n || d.OverallRank < 1 || d.OverallRank > n || d.RegionRank < 1 || d.RegionRank > d.OverallRank {
				t.Fatalf("out of range: %+v (N=%d)", d, n)
			}
		}
		if n != len(Districts(rows)) {
			t.Fatalf("N = %d, districts = %d", n, len(Districts(rows)))
		}
		if _, err := json.Marshal(got); err != nil {
			t.Fatalf("not encodable: %v", err)
		}
	})
}
