package ranking_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/toaststats/toaststats/ranking"
	"github.com/toaststats/toaststats/snapshot"
)

// Three districts of a summary report, ranked in the three categories. Club
// growth: 02 and 118 share rank 1 (5.00), 61 is third. Payment growth: 118
// first, 02 and 61 share rank 2. Distinguished share (distinguished clubs /
// active clubs): 61 first (50%), 02 second (40%), 118 third (25%). With N = 3
// a rank r is worth 3 − r + 1 points; the score is the sum of the three.
// 02 and 118 tie on 7 points and share overall rank 1; the tie-break that
// orders them is the distinguished share (02's 40% beats 118's 25%).
func ExampleRanker_Rank() {
	rows := []snapshot.SummaryRow{
		{DistrictID: "02", Region: "01", ClubGrowthPercent: 5, PaymentGrowthPercent: 3.5, ActiveClubs: 50, TotalDistinguishedClubs: 20},
		{DistrictID: "61", Region: "01", ClubGrowthPercent: 2.5, PaymentGrowthPercent: 3.5, ActiveClubs: 40, TotalDistinguishedClubs: 20},
		{DistrictID: "118", Region: "02", ClubGrowthPercent: 5, PaymentGrowthPercent: 7.25, ActiveClubs: 80, TotalDistinguishedClubs: 20},
	}
	for _, r := range (ranking.Ranker{}).Rank(rows) {
		fmt.Printf("#%d %-3s clubs %d, payments %d, distinguished %d (%.0f%%): score %d, region %s #%d\n",
			r.OverallRank, r.DistrictID, r.ClubsRank, r.PaymentsRank, r.DistinguishedRank,
			r.DistinguishedPercent, r.AggregateScore, r.Region, r.RegionRank)
	}
	// Output:
	// #1 02  clubs 1, payments 2, distinguished 2 (40%): score 7, region 01 #1
	// #1 118 clubs 1, payments 1, distinguished 3 (25%): score 7, region 02 #1
	// #3 61  clubs 3, payments 2, distinguished 1 (50%): score 6, region 01 #2
}

// File wraps the rankings in all-districts-rankings.json's shape. A fixed
// clock makes calculatedAt reproducible.
func ExampleRanker_File() {
	r := ranking.Ranker{Now: func() time.Time { return time.Date(2026, 4, 12, 6, 0, 0, 0, time.UTC) }}
	f := r.File([]snapshot.SummaryRow{
		{DistrictID: "F", ClubGrowthPercent: -1},
		{DistrictID: "09", ClubGrowthPercent: 2},
		{DistrictID: "Month of Mar, As of 04/12/2026"}, // a leaked footer line is not a district
	}, snapshot.RankingsMetadata{SnapshotID: "2026-04-12", SourceCsvDate: "2026-04-12"})
	fmt.Println(f.Metadata.RankingVersion, f.Metadata.TotalDistricts, f.Metadata.CalculatedAt.Format(time.RFC3339))
	for _, row := range f.Rankings {
		fmt.Println(row.OverallRank, row.DistrictID, row.AggregateScore)
	}
	// Output:
	// borda-count-v1 2 2026-04-12T06:00:00Z
	// 1 09 6
	// 2 F 5
}

// District ids sort numerically first, then alphabetically.
func ExampleCompareDistrictIDs() {
	ids := []string{"U", "118", "F", "61", "02"}
	slices.SortFunc(ids, ranking.CompareDistrictIDs)
	fmt.Println(ids)
	// Output:
	// [02 61 118 F U]
}
