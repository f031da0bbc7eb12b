package ranking

import (
	"math/rand"
	"reflect"
	"strconv"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/toaststats/toaststats/snapshot"
)

// metrics are the generated values of one district. Small ranges make ties
// frequent, which is where ranking goes wrong.
type metrics struct {
	Club   int // club growth in half percent steps
	Pay    int // payment growth in half percent steps
	Active int
	Dist   int
	Region int
}

var genMetrics = gen.Struct(reflect.TypeFor[metrics](), map[string]gopter.Gen{
	"Club":   gen.IntRange(-6, 6),
	"Pay":    gen.IntRange(-6, 6),
	"Active": gen.IntRange(0, 6),
	"Dist":   gen.IntRange(0, 6),
	"Region": gen.IntRange(1, 3),
})

var genDistricts = gen.SliceOf(genMetrics).SuchThat(func(m []metrics) bool { return len(m) > 0 })

// toRows turns generated metrics into summary rows with unique ids, mixing
// numeric and letter ids.
func toRows(ms []metrics) []snapshot.SummaryRow {
	rows := make([]snapshot.SummaryRow, len(ms))
	for i, m := range ms {
		id := strconv.Itoa(i + 1)
		if i%5 == 4 {
			id = "L" + id
		}
		rows[i] = snapshot.SummaryRow{
			Region:                  "0" + strconv.Itoa(m.Region),
			DistrictID:              id,
			ClubGrowthPercent:       float64(m.Club) / 2,
			PaymentGrowthPercent:    float64(m.Pay) / 2,
			ActiveClubs:             m.Active,
			TotalDistinguishedClubs: min(m.Dist, m.Active),
		}
	}
	return rows
}

func properties(t *testing.T) *gopter.Properties {
	p := gopter.DefaultTestParameters()
	p.MinSuccessfulTests = 300
	p.MaxSize = 40
	return gopter.NewProperties(p)
}

func TestRankProperties(t *testing.T) {
	props := properties(t)

	props.Property("invariant under permutation of the input rows", prop.ForAll(
		func(ms []metrics, seed int64) bool {
			rows := toRows(ms)
			perm := make([]snapshot.SummaryRow, len(rows))
			for i, j := range rand.New(rand.NewSource(seed)).Perm(len(rows)) {
				perm[i] = rows[j]
			}
			return reflect.DeepEqual(Rank(rows), Rank(perm))
		},
		genDistricts, gen.Int64(),
	))

	props.Property("improving one district's metric never worsens its rank in that category", prop.ForAll(
		func(ms []metrics, pick, category, delta int) bool {
			rows := toRows(ms)
			i := pick % len(rows)
			id := rows[i].DistrictID
			before := byID(Rank(rows))[id]
			better := append([]snapshot.SummaryRow(nil), rows...)
			r := &better[i]
			switch category {
			case 0:
				r.ClubGrowthPercent += float64(delta) / 2
			case 1:
				r.PaymentGrowthPercent += float64(delta) / 2
			default:
				// One more distinguished club (never more than active).
				switch {
				case r.ActiveClubs == 0:
					r.ActiveClubs, r.TotalDistinguishedClubs = 1, 1
				case r.TotalDistinguishedClubs < r.ActiveClubs:
					r.TotalDistinguishedClubs++
				default:
					return true // already 100%: nothing to improve
				}
			}
			after := byID(Rank(better))[id]
			switch category {
			case 0:
				return after.ClubsRank <= before.ClubsRank
			case 1:
				return after.PaymentsRank <= before.PaymentsRank
			default:
				return after.DistinguishedRank <= before.DistinguishedRank
			}
		},
		genDistricts, gen.IntRange(0, 1000), gen.IntRange(0, 2), gen.IntRange(1, 6),
	))

	props.Property("ranks are competition ranks: ties share, next rank skips", prop.ForAll(
		func(ms []metrics) bool {
			got := Rank(toRows(ms))
			for _, d := range got {
				var clubs, pays, dists, aggr, region = 1, 1, 1, 1, 1
				for _, o := range got {
					if o.ClubGrowthPercent > d.ClubGrowthPercent {
						clubs++
					}
					if o.PaymentGrowthPercent > d.PaymentGrowthPercent {
						pays++
					}
					if o.DistinguishedPercent > d.DistinguishedPercent {
						dists++
					}
					if o.AggregateScore > d.AggregateScore {
						aggr++
						if o.Region == d.Region {
							region++
						}
					}
				}
				if d.ClubsRank != clubs || d.PaymentsRank != pays || d.DistinguishedRank != dists ||
					d.OverallRank != aggr || d.RegionRank != region {
					t.Logf("district %s: got %d/%d/%d overall %d region %d, want %d/%d/%d %d %d",
						d.DistrictID, d.ClubsRank, d.PaymentsRank, d.DistinguishedRank, d.OverallRank, d.RegionRank,
						clubs, pays, dists, aggr, region)
					return false
				}
			}
			return true
		},
		genDistricts,
	))

	props.Property("every score lies in [3, 3N] and is the sum of the Borda points", prop.ForAll(
		func(ms []metrics) bool {
			got := Rank(toRows(ms))
			n := len(got)
			if n != len(ms) {
				return false
			}
			for _, d := range got {
				sum := (n - d.ClubsRank + 1) + (n - d.PaymentsRank + 1) + (n - d.DistinguishedRank + 1)
				if d.AggregateScore != sum || d.AggregateScore < 3 || d.AggregateScore > 3*n {
					return false
				}
			}
			return true
		},
		genDistricts,
	))

	props.Property("output is sorted by aggregate score, then the documented tie-break", prop.ForAll(
		func(ms []metrics) bool {
			got := Rank(toRows(ms))
			for i := 1; i < len(got); i++ {
				if compareRows(got[i-1], got[i]) >= 0 {
					return false
				}
				if got[i-1].AggregateScore < got[i].AggregateScore {
					return false
				}
			}
			return true
		},
		genDistricts,
	))

	props.Property("junk rows never change the result", prop.ForAll(
		func(ms []metrics, at int) bool {
			rows := toRows(ms)
			at %= len(rows) + 1
			junk := []snapshot.SummaryRow{
				{DistrictID: "Month of Dec", Region: "As of 01/05/2026", ClubGrowthPercent: 50},
				{DistrictID: "", ActiveClubs: 1, TotalDistinguishedClubs: 1},
			}
			with := append(append(append([]snapshot.SummaryRow(nil), rows[:at]...), junk...), rows[at:]...)
			return reflect.DeepEqual(Rank(rows), Rank(with))
		},
		genDistricts, gen.IntRange(0, 1000),
	))

	props.TestingRun(t)
}

func byID(rs []snapshot.DistrictRanking) map[string]snapshot.DistrictRanking {
	m := make(map[string]snapshot.DistrictRanking, len(rs))
	for _, r := range rs {
		m[r.DistrictID] = r
	}
	return m
}
