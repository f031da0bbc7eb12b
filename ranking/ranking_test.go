package ranking

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// row builds a summary row with the ranked metrics.
func row(region, id string, clubGrowth, paymentGrowth float64, active, dist int) snapshot.SummaryRow {
	return snapshot.SummaryRow{
		Region:                  region,
		DistrictID:              id,
		ClubGrowthPercent:       clubGrowth,
		PaymentGrowthPercent:    paymentGrowth,
		ActiveClubs:             active,
		TotalDistinguishedClubs: dist,
	}
}

// want is the expected ranking of one district.
type want struct {
	id                          string
	clubs, payments, dist, aggr int
	overall, region             int
}

func check(t *testing.T, got []snapshot.DistrictRanking, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("got %d rows, want %d: %+v", len(got), len(wants), got)
	}
	for i, w := range wants {
		g := got[i]
		gw := want{g.DistrictID, g.ClubsRank, g.PaymentsRank, g.DistinguishedRank, g.AggregateScore, g.OverallRank, g.RegionRank}
		if gw != w {
			t.Errorf("row %d: got %+v, want %+v", i, gw, w)
		}
	}
}

// workedExample is predecessor.md §1's worked example.
func workedExample() []snapshot.SummaryRow {
	return []snapshot.SummaryRow{
		row("R1", "A", 5.00, 3.5, 100, 40),
		row("R1", "B", 2.50, 3.5, 50, 25),
		row("R2", "C", 5.00, -1.2, 80, 20),
		row("R2", "D", -3.00, 10.0, 0, 0),
	}
}

func TestRankWorkedExample(t *testing.T) {
	got := Rank(workedExample())
	// Peer output: A 1 2 2 10, B 3 2 1 9, C 1 4 3 7, D 4 1 4 6.
	check(t, got, []want{
		{"A", 1, 2, 2, 10, 1, 1},
		{"B", 3, 2, 1, 9, 2, 2},
		{"C", 1, 4, 3, 7, 3, 1},
		{"D", 4, 1, 4, 6, 4, 2},
	})
	wantPct := map[string]float64{"A": 40, "B": 50, "C": 25, "D": 0}
	for _, g := range got {
		if g.DistinguishedPercent != wantPct[g.DistrictID] {
			t.Errorf("%s distinguishedPercent = %v, want %v", g.DistrictID, g.DistinguishedPercent, wantPct[g.DistrictID])
		}
	}
}

func TestRankHandComputed(t *testing.T) {
	tests := []struct {
		name  string
		rows  []snapshot.SummaryRow
		wants []want
	}{
		{
			// N=5. Clubs: F 5 (1), 02 2 and 61 2 (2, 2), 118 0 (4), U -1 (5).
			// Payments: 118 3 (1), 02 1 and 61 1 (2, 2), F 0 (4), U -2 (5).
			// Distinguished: 02 and 61 50% (1, 1), 118 25% (3), F 0% (no
			// active clubs) and U 0% (4, 4).
			// Points: 02 4+4+5=13, 61 13, 118 2+5+3=10, F 5+2+2=9, U 1+1+2=4.
			// 02 and 61 tie on everything but the id: 02 first, both overall 1.
			name: "ties and regions",
			rows: []snapshot.SummaryRow{
				row("01", "61", 2, 1, 20, 10),
				row("02", "F", 5, 0, 0, 0),
				row("DNAR", "U", -1, -2, 10, 0),
				row("02", "118", 0, 3, 4, 1),
				row("01", "02", 2, 1, 10, 5),
			},
			wants: []want{
				{"02", 2, 2, 1, 13, 1, 1},
				{"61", 2, 2, 1, 13, 1, 1},
				{"118", 4, 1, 3, 10, 3, 1},
				{"F", 1, 4, 4, 9, 4, 2},
				{"U", 5, 5, 4, 4, 5, 1},
			},
		},
		{
			// Pre-April: every district 0 distinguished, all share
			// distinguished rank 1 (3 points each). X and Y tie on 5 points;
			// equal distinguished %, so payment growth decides: Y first.
			name: "pre-April all zero distinguished, tie broken by payment growth",
			rows: []snapshot.SummaryRow{
				row("01", "X", 1, 0, 10, 0),
				row("01", "Y", 0, 1, 10, 0),
				row("02", "Z", -1, -1, 10, 0),
			},
			// Clubs: X1 Y2 Z3; payments Y1 X2 Z3; dist all 1.
			// X = 3+2+3 = 8, Y = 2+3+3 = 8, Z = 1+1+3 = 5.
			wants: []want{
				{"Y", 2, 1, 1, 8, 1, 1},
				{"X", 1, 2, 1, 8, 1, 1},
				{"Z", 3, 3, 1, 5, 3, 1},
			},
		},
		{
			// Clubs: P 9 (1), R 5 (2), Q 0 (3). Payments: Q 9 (1), R 5 (2), P 0 (3).
			// Dist: R 60% (1), Q 50% (2), P 40% (3).
			// P = 3+1+1 = 5, Q = 1+3+2 = 6, R = 2+2+3 = 7.
			name: "distinct scores",
			rows: []snapshot.SummaryRow{
				row("01", "P", 9, 0, 10, 4),
				row("01", "Q", 0, 9, 10, 5),
				row("01", "R", 5, 5, 10, 6),
			},
			wants: []want{
				{"R", 2, 2, 1, 7, 1, 1},
				{"Q", 3, 1, 2, 6, 2, 2},
				{"P", 1, 3, 3, 5, 3, 3},
			},
		},
		{
			// All three identical: everyone rank 1 everywhere, 3N = 9
			// points; natural id order 9 < 10 < 100.
			name: "all identical, natural id order",
			rows: []snapshot.SummaryRow{
				row("01", "100", 1, 1, 10, 1),
				row("01", "9", 1, 1, 10, 1),
				row("01", "10", 1, 1, 10, 1),
			},
			wants: []want{
				{"9", 1, 1, 1, 9, 1, 1},
				{"10", 1, 1, 1, 9, 1, 1},
				{"100", 1, 1, 1, 9, 1, 1},
			},
		},
		{
			name:  "single district",
			rows:  []snapshot.SummaryRow{row("01", "42", -5, -5, 0, 0)},
			wants: []want{{"42", 1, 1, 1, 3, 1, 1}},
		},
		{
			name:  "no rows",
			rows:  nil,
			wants: nil,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			check(t, Rank(tc.rows), tc.wants)
			// The same rows in reverse order give the same result.
			rev := slices.Clone(tc.rows)
			slices.Reverse(rev)
			check(t, Rank(rev), tc.wants)
		})
	}
}

func TestRankNeverRanksFooterOrJunk(t *testing.T) {
	rows := workedExample()
	// The footer as the predecessor's csv-parse saw it, and as gocsv puts it
	// into DISTRICT, plus other junk.
	junk := []snapshot.SummaryRow{
		{DistrictID: "Month of Dec", Region: "As of 01/05/2026"},
		{DistrictID: " As of 01/05/2026", Region: "Month of Dec"},
		{DistrictID: "", Region: "01"},
		{DistrictID: "d-12", Region: "01", ClubGrowthPercent: 99},
		{DistrictID: "12 ", Region: "01", ClubGrowthPercent: 99},
	}
	withJunk := append(slices.Clone(rows[:2]), junk[0], junk[1])
	withJunk = append(withJunk, rows[2:]...)
	withJunk = append(withJunk, junk[2], junk[3], junk[4])

	got := Rank(withJunk)
	check(t, got, []want{
		{"A", 1, 2, 2, 10, 1, 1},
		{"B", 3, 2, 1, 9, 2, 2},
		{"C", 1, 4, 3, 7, 3, 1},
		{"D", 4, 1, 4, 6, 4, 2},
	})
	f := Ranker{}.File(withJunk, snapshot.RankingsMetadata{SnapshotID: "2026-01-05"})
	if f.Metadata.TotalDistricts != 4 {
		t.Errorf("TotalDistricts = %d, want 4 (footer must not count)", f.Metadata.TotalDistricts)
	}
}

func TestRankDuplicateDistrictKeepsFirst(t *testing.T) {
	rows := workedExample()
	// A later duplicate of B with much better numbers is dropped.
	rows = append(rows, row("R9", "B", 100, 100, 1, 1))
	got := Rank(rows)
	check(t, got, []want{
		{"A", 1, 2, 2, 10, 1, 1},
		{"B", 3, 2, 1, 9, 2, 2},
		{"C", 1, 4, 3, 7, 3, 1},
		{"D", 4, 1, 4, 6, 4, 2},
	})
	if got[1].Region != "R1" {
		t.Errorf("B region = %q, want the first row's R1", got[1].Region)
	}
}

func TestRankUpperCasesIDs(t *testing.T) {
	rows := []snapshot.SummaryRow{row("01", "f", 1, 1, 1, 1), row("01", "F", 9, 9, 1, 1), row("01", "u", 0, 0, 1, 0)}
	got := Rank(rows)
	check(t, got, []want{
		{"F", 1, 1, 1, 6, 1, 1},
		{"U", 2, 2, 2, 3, 2, 2},
	})
	if got[0].DistrictName != "District F" || got[0].ClubGrowthPercent != 1 {
		t.Errorf("first row of F (written f) must be kept: %+v", got[0])
	}
}

func TestRankCopiesFields(t *testing.T) {
	smedley := 3
	in := snapshot.SummaryRow{
		Region: "05", DistrictID: "42",
		TotalYTDPayments: 12500, PaymentBase: 12000, PaymentGrowthPercent: 4.17,
		PaidClubBase: 240, PaidClubs: 245, ClubGrowthPercent: 2.08, ActiveClubs: 243,
		DistinguishedClubs: 120, SelectDistinguishedClubs: 45, PresidentsDistinguishedClubs: 12,
		SmedleyDistinguishedClubs: &smedley, TotalDistinguishedClubs: 180, DistinguishedClubsPercent: 74.07,
	}
	got := Rank([]snapshot.SummaryRow{in})
	wantRow := snapshot.DistrictRanking{
		DistrictID: "42", DistrictName: "District 42", Region: "05",
		PaidClubs: 245, PaidClubBase: 240, ClubGrowthPercent: 2.08,
		TotalPayments: 12500, PaymentBase: 12000, PaymentGrowthPercent: 4.17,
		ActiveClubs: 243, DistinguishedClubs: 180, SelectDistinguished: 45, PresidentsDistinguished: 12,
		SmedleyDistinguished: &smedley,
		// The dashboard's own % Distinguished Clubs (74.07, printed with
		// two decimals), not a quotient of our own.
		DistinguishedPercent: 74.07,
		ClubsRank:            1, PaymentsRank: 1, DistinguishedRank: 1, AggregateScore: 3,
		OverallRank: 1, RegionRank: 1,
	}
	if !reflect.DeepEqual(got, []snapshot.DistrictRanking{wantRow}) {
		t.Errorf("got %+v\nwant %+v", got, wantRow)
	}
}

// Ranks compare exact values; only the written percentages are rounded.
// District 1: 2 of 3 clubs distinguished = 66.666…%; district 2: 6667 of
// 10000 = 66.67%. Both are presented as 66.67, yet 2 ranks first in the
// distinguished category (66.67 > 66.666…) and 1 second.
func TestRankComparesExactPresentsRounded(t *testing.T) {
	rows := []snapshot.SummaryRow{
		{Region: "01", DistrictID: "1", ActiveClubs: 3, TotalDistinguishedClubs: 2, ClubGrowthPercent: 1.005, PaymentGrowthPercent: -2.004},
		{Region: "01", DistrictID: "2", ActiveClubs: 10000, TotalDistinguishedClubs: 6667},
	}
	got := Rank(rows)
	byID := map[string]snapshot.DistrictRanking{}
	for _, r := range got {
		byID[r.DistrictID] = r
	}
	if byID["1"].DistinguishedPercent != 66.67 || byID["2"].DistinguishedPercent != 66.67 {
		t.Errorf("presented: %v and %v, want 66.67 both", byID["1"].DistinguishedPercent, byID["2"].DistinguishedPercent)
	}
	if byID["2"].DistinguishedRank != 1 || byID["1"].DistinguishedRank != 2 {
		t.Errorf("distinguished ranks: 1 → %d, 2 → %d; want 2 and 1 (exact values compared)", byID["1"].DistinguishedRank, byID["2"].DistinguishedRank)
	}
	// 1.005 and -2.004 are written with two decimals (math.Round of
	// 100.49999… is 100, so 1.005 → 1; -200.4 → -200, so -2.004 → -2).
	if byID["1"].ClubGrowthPercent != 1 || byID["1"].PaymentGrowthPercent != -2 {
		t.Errorf("growth percents: %v %v", byID["1"].ClubGrowthPercent, byID["1"].PaymentGrowthPercent)
	}
}

func TestDistinguishedPercentNotRounded(t *testing.T) {
	tests := []struct {
		active, dist int
		want         float64
	}{
		// 25/75*100 in IEEE doubles (Go and JS alike) is 33.33333333333333;
		// predecessor.md's 33.333333333333336 is 25*100/75, not its formula.
		{75, 25, 33.33333333333333},
		{60, 20, 33.33333333333333},
		{100, 40, 40},
		{0, 0, 0},
		{0, 5, 0},
	}
	for _, tc := range tests {
		got := DistinguishedPercent(snapshot.SummaryRow{ActiveClubs: tc.active, TotalDistinguishedClubs: tc.dist})
		if got != tc.want {
			t.Errorf("%d/%d = %v, want %v", tc.dist, tc.active, got, tc.want)
		}
	}
}

// The distinguished category ranks the dashboard's own % Distinguished
// Clubs when the row has it. D91 2024-25: 99 distinguished clubs, 173 paid,
// the dashboard prints 57.23 % (99/173 = 57.225…); 99/175 active would be
// 56.57 %, which must not be used.
func TestDistinguishedPercentIsTheDashboards(t *testing.T) {
	row := snapshot.SummaryRow{PaidClubs: 173, ActiveClubs: 175, TotalDistinguishedClubs: 99, DistinguishedClubsPercent: 57.23}
	if got := DistinguishedPercent(row); got != 57.23 {
		t.Fatalf("got %v, want 57.23", got)
	}
}

func TestRankNonFiniteValues(t *testing.T) {
	rows := []snapshot.SummaryRow{
		row("01", "1", math.NaN(), math.Inf(1), 10, 5),
		row("01", "2", 0, 0, 10, 5),
		row("01", "3", math.Copysign(0, -1), 1, 10, 5),
	}
	got := Rank(rows)
	// NaN and +Inf count as 0: clubs all tie at 0; payments 3 (1), 1 and 2 (2, 2).
	check(t, got, []want{
		{"3", 1, 1, 1, 9, 1, 1},
		{"1", 1, 2, 1, 8, 2, 2},
		{"2", 1, 2, 1, 8, 2, 2},
	})
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	if slices.Contains([]byte(string(b)), '-') {
		t.Errorf("JSON has a negative zero or NaN: %s", b)
	}
}

func TestIsDistrictID(t *testing.T) {
	tests := map[string]bool{
		"02": true, "61": true, "118": true, "F": true, "U": true, "201": true,
		"": false, "Month of Dec": false, " As of 01/05/2026": false, "As of 01/05/2026": false,
		"f": true, "1a": true, "12 ": false, "D-1": false, "District 42": false,
	}
	for id, w := range tests {
		if got := IsDistrictID(id); got != w {
			t.Errorf("IsDistrictID(%q) = %v, want %v", id, got, w)
		}
	}
}

func TestCompareDistrictIDs(t *testing.T) {
	ids := []string{"U", "118", "F", "2", "61", "02", "1A", "9", "201", "99999999999999999999999"}
	slices.SortFunc(ids, CompareDistrictIDs)
	want := []string{"02", "2", "9", "61", "118", "201", "99999999999999999999999", "1A", "F", "U"}
	if !slices.Equal(ids, want) {
		t.Errorf("sorted = %v, want %v", ids, want)
	}
	if CompareDistrictIDs("61", "61") != 0 {
		t.Error("equal ids must compare 0")
	}
}

func TestRankerFile(t *testing.T) {
	at := time.Date(2026, 1, 5, 10, 30, 0, 0, time.UTC)
	r := Ranker{Now: func() time.Time { return at }}
	f := r.File(workedExample(), snapshot.RankingsMetadata{SnapshotID: "2026-01-05", SourceCsvDate: "2026-01-05", FromCache: true})
	if f.Metadata.RankingVersion != "borda-count-v1" || f.Metadata.TotalDistricts != 4 ||
		!f.Metadata.CalculatedAt.Equal(at) || f.Metadata.SnapshotID != "2026-01-05" || !f.Metadata.FromCache {
		t.Errorf("metadata = %+v", f.Metadata)
	}
	if len(f.Rankings) != 4 || f.Rankings[0].DistrictID != "A" {
		t.Errorf("rankings = %+v", f.Rankings)
	}
	fixed := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	f = r.File(nil, snapshot.RankingsMetadata{CalculatedAt: fixed})
	if !f.Metadata.CalculatedAt.Equal(fixed) || f.Rankings == nil || len(f.Rankings) != 0 {
		t.Errorf("given CalculatedAt must stay and rankings be an empty list: %+v", f)
	}
	if Ranker.Rank(Ranker{}, nil) == nil {
		t.Error("Rank(nil) must be an empty, non-nil slice (JSON [])")
	}
}

func BenchmarkRank128(b *testing.B) {
	rows := make([]snapshot.SummaryRow, 0, 129)
	for i := 1; i <= 128; i++ {
		id := fmt.Sprintf("%02d", i)
		if i == 127 {
			id = "F"
		} else if i == 128 {
			id = "U"
		}
		rows = append(rows, row(fmt.Sprintf("%02d", i%14+1), id,
			float64(i*37%23)-10, float64(i*53%41)-20, 50+i%150, i*7%50))
	}
	rows = append(rows, snapshot.SummaryRow{DistrictID: "Month of Dec", Region: "As of 01/05/2026"})
	b.ReportAllocs()
	for b.Loop() {
		if got := Rank(rows); len(got) != 128 {
			b.Fatalf("ranked %d", len(got))
		}
	}
}
