package normalize

import (
	"reflect"
	"strings"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
	"github.com/toaststats/toaststats/snapshot"
)

func goalCountsGen() gopter.Gen {
	g := gen.IntRange(0, 12)
	return gen.Struct(reflect.TypeOf(snapshot.GoalCounts{}), map[string]gopter.Gen{
		"Level1s": g, "Level2s": gen.IntRange(0, 3), "AddLevel2s": g, "Level3s": g, "Level4s": gen.IntRange(0, 2), "AddLevel4s": g,
		"NewMembers": gen.IntRange(0, 5), "AddNewMembers": g, "OfficersRound1": g, "OfficersRound2": g,
		"DuesOnTimeOct": gen.IntRange(0, 1), "DuesOnTimeApr": gen.IntRange(0, 1), "OfficerListOnTime": gen.IntRange(0, 2),
	})
}

func properties(t *testing.T) *gopter.Properties {
	p := gopter.DefaultTestParameters()
	p.MinSuccessfulTests = 300
	p.Rng.Seed(20260701) // reproducible
	return gopter.NewProperties(p)
}

func cspOf(i int) *bool {
	switch i {
	case 0:
		return nil
	case 1:
		return boolp(true)
	}
	return boolp(false)
}

func TestGoalAndLevelProperties(t *testing.T) {
	props := properties(t)
	props.Property("goal count is 0..10 and the number of true goals", prop.ForAll(
		func(g snapshot.GoalCounts) bool {
			goals := ComputeGoals(g)
			n := 0
			for _, b := range goals {
				if b {
					n++
				}
			}
			c := CountGoals(goals)
			club := snapshot.Club{DCPGoals: goals}
			return c == n && c >= 0 && c <= 10 && club.GoalsComputed() == c
		}, goalCountsGen()))
	props.Property("raising one column never un-meets a goal", prop.ForAll(
		func(g snapshot.GoalCounts, field int) bool {
			before := ComputeGoals(g)
			v := reflect.ValueOf(&g).Elem().Field(field)
			v.SetInt(v.Int() + 1)
			after := ComputeGoals(g)
			for i := range before {
				if before[i] && !after[i] {
					return false
				}
			}
			return true
		}, goalCountsGen(), gen.IntRange(0, reflect.TypeOf(snapshot.GoalCounts{}).NumField()-1)))
	pyGen := gen.OneConstOf("2022-2023", "2024-2025", "2025-2026", "2026-2027", "")
	props.Property("the level never falls when a goal is added", prop.ForAll(
		func(py string, goals, active, net, csp int) bool {
			a := ComputeLevel(py, goals, active, net, cspOf(csp))
			b := ComputeLevel(py, goals+1, active, net, cspOf(csp))
			return snapshot.LevelRank(b) >= snapshot.LevelRank(a) && snapshot.LevelRank(a) >= 0
		}, pyGen, gen.IntRange(0, 9), gen.IntRange(0, 60), gen.IntRange(-30, 30), gen.IntRange(0, 2)))
	props.Property("the level never falls when a member is added", prop.ForAll(
		func(py string, goals, active, net, csp int) bool {
			a := ComputeLevel(py, goals, active, net, cspOf(csp))
			b := ComputeLevel(py, goals, active+1, net+1, cspOf(csp))
			return snapshot.LevelRank(b) >= snapshot.LevelRank(a)
		}, pyGen, gen.IntRange(0, 10), gen.IntRange(0, 60), gen.IntRange(-30, 30), gen.IntRange(0, 2)))
	props.Property("no level below 5 goals; Smedley only from 2025-26 with 10 goals", prop.ForAll(
		func(py string, goals, active, net, csp int) bool {
			l := ComputeLevel(py, goals, active, net, cspOf(csp))
			if goals < 5 && l != "" {
				return false
			}
			if l == "M" && (goals < 10 || active < 25 || (py != "" && startYear(py) < 2025)) {
				return false
			}
			return true
		}, pyGen, gen.IntRange(0, 10), gen.IntRange(0, 60), gen.IntRange(-30, 30), gen.IntRange(0, 2)))
	props.TestingRun(t)
}

func TestReportRoundTripProperties(t *testing.T) {
	p := gopter.DefaultTestParameters()
	p.MinSuccessfulTests = 60
	p.Rng.Seed(42)
	props := gopter.NewProperties(p)
	eras := map[string]string{EraPathways: "2024-2025", EraCSP: "2025-2026", EraEOM: "2026-2027", EraTransition: "2019-2020"}
	footers := map[string]string{EraPathways: "Month of Jun, As of 07/18/2024", EraCSP: "Month of Dec, As of 01/08/2026", EraEOM: "Month of Aug, As of 08/31/2026", EraTransition: "Month of Jan, As of 01/31/2020"}
	props.Property("a generated club report reads back to the same clubs", prop.ForAll(
		func(seed int64, n int, era string) bool {
			clubs := randomClubs(seed, n, eras[era], era == EraCSP || era == EraEOM)
			rep, err := ReadClubPerformance("gen.csv", clubCSV(era, "F", clubs, footers[era]))
			if err != nil || rep.Era != era || len(rep.Clubs) != n || len(rep.Warnings) != 0 {
				t.Logf("seed %d n %d era %s: %v %v", seed, n, era, err, rep)
				return false
			}
			for i, got := range rep.Clubs {
				want := clubs[i]
				want.ClubName = strings.TrimSpace(want.ClubName)
				want.GoalsApproximate = era == EraTransition
				if !reflect.DeepEqual(got, want) {
					t.Logf("club %d:\n got %+v\nwant %+v", i, got, want)
					return false
				}
			}
			return true
		}, gen.Int64(), gen.IntRange(1, 40), gen.OneConstOf(EraPathways, EraCSP, EraEOM, EraTransition)))
	props.Property("a generated district report reads back to the same rows", prop.ForAll(
		func(seed int64, n int) bool {
			clubs := randomClubs(seed, n, "2024-2025", false)
			rows := make([]DistrictClubRow, n)
			for i, c := range clubs {
				p := snapshot.ClubPayments{New: c.Goals.AddNewMembers, LateRenewals: i % 2, OctRenewals: c.MembershipBase, AprRenewals: c.ActiveMembers, Charter: 20 * (i % 5 / 4)}
				p.TotalRenewals = p.LateRenewals + p.OctRenewals + p.AprRenewals
				p.TotalToDate = p.New + p.TotalRenewals + p.Charter
				rows[i] = DistrictClubRow{DistrictID: "118", DivisionID: c.DivisionID, AreaID: c.AreaID, ClubID: c.ClubID, ClubName: strings.TrimSpace(c.ClubName), Payments: p, DistinguishedStatus: c.DistinguishedStatus}
			}
			rep, err := ReadDistrictPerformance("gen.csv", districtCSV("118", rows, nil, "Month of Jun, As of 07/20/2025"))
			if err != nil || len(rep.Warnings) != 0 || !rep.Footer.Found {
				t.Logf("%v %v", err, rep)
				return false
			}
			return reflect.DeepEqual(rep.Clubs, rows)
		}, gen.Int64(), gen.IntRange(1, 40)))
	props.TestingRun(t)
}
