package ranking

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// Version is the name of the algorithm this package implements, written into
// the rankings file as rankingVersion.
const Version = snapshot.RankingVersion

// Ranker computes Borda-count rankings. The zero value works; Now is used
// only to stamp RankingsMetadata.CalculatedAt in [Ranker.File] (time.Now when
// nil).
type Ranker struct {
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Rank ranks the real district rows of one summary report and returns one
// ranking row per distinct district, best first. See the package
// documentation for the algorithm and the tie-break. It never fails: rows
// that are not districts are skipped, and no rows give an empty (non-nil)
// slice.
func (r Ranker) Rank(rows []snapshot.SummaryRow) []snapshot.DistrictRanking {
	return Rank(rows)
}

// File ranks rows and wraps the result in a rankings file. It fills the
// metadata's RankingVersion and TotalDistricts, and CalculatedAt when it is
// zero; every other metadata field is taken from meta as given.
func (r Ranker) File(rows []snapshot.SummaryRow, meta snapshot.RankingsMetadata) *snapshot.RankingsFile {
	ranked := Rank(rows)
	meta.RankingVersion = Version
	meta.TotalDistricts = len(ranked)
	if meta.CalculatedAt.IsZero() {
		now := time.Now
		if r.Now != nil {
			now = r.Now
		}
		meta.CalculatedAt = now().UTC()
	}
	return &snapshot.RankingsFile{Metadata: meta, Rankings: ranked}
}

// Rank is Ranker{}.Rank.
func Rank(rows []snapshot.SummaryRow) []snapshot.DistrictRanking {
	districts := Districts(rows)
	n := len(districts)
	out := make([]snapshot.DistrictRanking, n)
	for i, row := range districts {
		out[i] = snapshot.DistrictRanking{
			DistrictID:              row.DistrictID,
			DistrictName:            "District " + row.DistrictID,
			Region:                  row.Region,
			PaidClubs:               row.PaidClubs,
			PaidClubBase:            row.PaidClubBase,
			ClubGrowthPercent:       finite(row.ClubGrowthPercent),
			TotalPayments:           row.TotalYTDPayments,
			PaymentBase:             row.PaymentBase,
			PaymentGrowthPercent:    finite(row.PaymentGrowthPercent),
			ActiveClubs:             row.ActiveClubs,
			DistinguishedClubs:      row.TotalDistinguishedClubs,
			SelectDistinguished:     row.SelectDistinguishedClubs,
			PresidentsDistinguished: row.PresidentsDistinguishedClubs,
			DistinguishedPercent:    DistinguishedPercent(row),
		}
		if row.SmedleyDistinguishedClubs != nil {
			m := *row.SmedleyDistinguishedClubs
			out[i].SmedleyDistinguished = &m
		}
	}
	ranks := make([]int, n)
	competitionRanks(out, func(d *snapshot.DistrictRanking) float64 { return d.ClubGrowthPercent }, ranks)
	for i := range out {
		out[i].ClubsRank = ranks[i]
	}
	competitionRanks(out, func(d *snapshot.DistrictRanking) float64 { return d.PaymentGrowthPercent }, ranks)
	for i := range out {
		out[i].PaymentsRank = ranks[i]
	}
	competitionRanks(out, func(d *snapshot.DistrictRanking) float64 { return d.DistinguishedPercent }, ranks)
	for i := range out {
		out[i].DistinguishedRank = ranks[i]
	}
	for i := range out {
		d := &out[i]
		d.AggregateScore = (n - d.ClubsRank + 1) + (n - d.PaymentsRank + 1) + (n - d.DistinguishedRank + 1)
	}

	slices.SortFunc(out, compareRows)

	// Overall and region ranks: competition ranks by aggregate score. out is
	// sorted by aggregate descending, so a row's rank is one more than the
	// number of rows before the first row with its score.
	regionSeen := make(map[string]int)    // rows of the region so far
	regionLast := make(map[string][2]int) // region -> {last score, last rank}
	for i := range out {
		d := &out[i]
		if i > 0 && out[i-1].AggregateScore == d.AggregateScore {
			d.OverallRank = out[i-1].OverallRank
		} else {
			d.OverallRank = i + 1
		}
		seen := regionSeen[d.Region]
		if last, ok := regionLast[d.Region]; ok && last[0] == d.AggregateScore {
			d.RegionRank = last[1]
		} else {
			d.RegionRank = seen + 1
		}
		regionSeen[d.Region] = seen + 1
		regionLast[d.Region] = [2]int{d.AggregateScore, d.RegionRank}
	}
	// Ranked and ordered on exact values; presented rounded.
	for i := range out {
		d := &out[i]
		d.ClubGrowthPercent = snapshot.RoundPercent(d.ClubGrowthPercent)
		d.PaymentGrowthPercent = snapshot.RoundPercent(d.PaymentGrowthPercent)
		d.DistinguishedPercent = snapshot.RoundPercent(d.DistinguishedPercent)
	}
	return out
}

// Districts returns the rows Rank ranks: the rows whose DistrictID is a
// district id ([IsDistrictID]), with the id upper-cased, the first row of
// each id only, in input order.
func Districts(rows []snapshot.SummaryRow) []snapshot.SummaryRow {
	out := make([]snapshot.SummaryRow, 0, len(rows))
	seen := make(map[string]bool, len(rows))
	for _, row := range rows {
		if !IsDistrictID(row.DistrictID) {
			continue
		}
		row.DistrictID = strings.ToUpper(row.DistrictID)
		if seen[row.DistrictID] {
			continue
		}
		seen[row.DistrictID] = true
		out = append(out, row)
	}
	return out
}

// DistinguishedPercent is the distinguished category's value for a row:
// snapshot.SummaryRow.DistinguishedPercent (the dashboard's own "%
// Distinguished Clubs"), 0 when it is not a finite number. Rank compares
// this value as it is and writes it with snapshot.RoundPercent.
func DistinguishedPercent(row snapshot.SummaryRow) float64 {
	return finite(row.DistinguishedPercent())
}

// IsDistrictID reports whether id is a district id as the summary report
// prints it ("02", "118", "F", "U"); the footer line, blanks and anything with
// spaces or punctuation are not. It is snapshot.IsDistrictID.
func IsDistrictID(id string) bool { return snapshot.IsDistrictID(id) }

// CompareDistrictIDs orders district ids naturally (numbers by value, then
// letters). It is snapshot.CompareDistrictIDs.
func CompareDistrictIDs(a, b string) int { return snapshot.CompareDistrictIDs(a, b) }

// compareRows is the final order: aggregate desc, distinguished % desc,
// payment growth desc, club growth desc, district id natural.
func compareRows(a, b snapshot.DistrictRanking) int {
	if c := cmp.Compare(b.AggregateScore, a.AggregateScore); c != 0 {
		return c
	}
	if c := cmp.Compare(b.DistinguishedPercent, a.DistinguishedPercent); c != 0 {
		return c
	}
	if c := cmp.Compare(b.PaymentGrowthPercent, a.PaymentGrowthPercent); c != 0 {
		return c
	}
	if c := cmp.Compare(b.ClubGrowthPercent, a.ClubGrowthPercent); c != 0 {
		return c
	}
	return CompareDistrictIDs(a.DistrictID, b.DistrictID)
}

// competitionRanks writes into ranks[i] the standard competition rank
// ("1224") of value(&rows[i]) among all rows, descending: one more than the
// number of rows with a strictly greater value.
func competitionRanks(rows []snapshot.DistrictRanking, value func(*snapshot.DistrictRanking) float64, ranks []int) {
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		return cmp.Compare(value(&rows[b]), value(&rows[a]))
	})
	for pos, i := range idx {
		if pos > 0 && value(&rows[idx[pos-1]]) == value(&rows[i]) {
			ranks[i] = ranks[idx[pos-1]]
		} else {
			ranks[i] = pos + 1
		}
	}
}

// finite maps NaN and ±Inf to 0 and -0 to 0.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v == 0 {
		return 0
	}
	return v
}
