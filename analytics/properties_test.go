package analytics

import (
	"fmt"
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/toaststats/toaststats/snapshot"
)

var (
	genStatuses = []string{snapshot.ClubActive, snapshot.ClubActive, snapshot.ClubLow, snapshot.ClubIneligible, snapshot.ClubSuspended}
	genLevels   = []string{"", "D", "S", "P", "M"}
)

// genClub generates a club whose goal flags and Goals Met agree with its
// columns (as normalize produces them).
func genClub() gopter.Gen {
	return gopter.CombineGens(
		gen.IntRange(0, 40),  // members
		gen.IntRange(0, 40),  // base
		gen.IntRange(0, 4),   // new members (capped column)
		gen.IntRange(0, 8),   // add. new members
		gen.IntRange(0, 255), // the other eight goals
		gen.IntRange(0, 2),   // CSP: unknown, Y, N
		gen.IntRange(0, len(genStatuses)-1),
		gen.IntRange(0, len(genLevels)-1),
		gen.IntRange(0, 60), // renewals
		gen.IntRange(0, 2),  // division
		gen.IntRange(1, 3),  // area
	).Map(func(v []any) snapshot.Club {
		c := snapshot.Club{ActiveMembers: v[0].(int), MembershipBase: v[1].(int), Status: genStatuses[v[6].(int)],
			DistinguishedStatus: genLevels[v[7].(int)], DivisionID: string(rune('A' + v[9].(int))), AreaID: fmt.Sprintf("%02d", v[10].(int))}
		c.NetGrowth = c.ActiveMembers - c.MembershipBase
		g := &c.Goals
		g.NewMembers = v[2].(int)
		if g.NewMembers == 4 {
			g.AddNewMembers = v[3].(int)
		}
		bits := v[4].(int)
		set := func(i int) bool { return bits&(1<<i) != 0 }
		if set(0) {
			g.Level1s = 4
		}
		if set(1) {
			g.Level2s = 2
			if set(2) {
				g.AddLevel2s = 2
			}
		}
		if set(3) {
			g.Level3s = 2
		}
		if set(4) {
			g.Level4s = 1
			if set(5) {
				g.AddLevel4s = 1
			}
		}
		if set(6) {
			g.OfficersRound1, g.OfficersRound2 = 4, 4
		}
		if set(7) {
			g.OfficerListOnTime, g.DuesOnTimeApr = 1, 1
		}
		c.DCPGoals = computeGoals(*g)
		c.GoalsMet = c.GoalsComputed()
		switch v[5].(int) {
		case 1:
			c.CSP = boolp(true)
		case 2:
			c.CSP = boolp(false)
		}
		r := v[8].(int)
		c.Payments = &snapshot.ClubPayments{New: g.NewMembers + g.AddNewMembers, OctRenewals: r, TotalRenewals: r,
			TotalToDate: r + g.NewMembers + g.AddNewMembers}
		return c
	})
}

func genPoint() gopter.Gen {
	return gopter.CombineGens(
		gen.SliceOfN(25, genClub()),
		gen.IntRange(0, 2*365), // day after 2024-07-01
	).Map(func(v []any) Point {
		clubs := v[0].([]snapshot.Club)
		start, _ := dayNumber("2024-07-01")
		date := dateOfDay(start + v[1].(int))
		d := &snapshot.District{DistrictID: "7", AsOfDate: date, DataMonth: date[:7], ProgramYear: programYearOf(date)}
		for i := range clubs {
			clubs[i].ClubID = fmt.Sprintf("%08d", i+1)
			clubs[i].ClubName = fmt.Sprintf("Club %d", i+1)
			d.Membership.Total += clubs[i].ActiveMembers
		}
		d.ClubDetails = clubs
		return Point{Date: date, District: d}
	})
}

func properties() *gopter.Properties {
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 200
	return gopter.NewProperties(params)
}

func TestPropertyWhatChangedWithItselfIsEmpty(t *testing.T) {
	ps := properties()
	ps.Property("a snapshot compared with itself has no changes", prop.ForAll(func(p Point) bool {
		r := WhatChanged(&p, p)
		return len(r.NewMembers) == 0 && len(r.Renewals) == 0 && len(r.ClubChanges) == 0 &&
			len(r.Awards) == 0 && r.Summary != nil && *r.Summary.TotalNewMembers == 0 && *r.Summary.TotalRenewals == 0 &&
			*r.Summary.TotalAwards == 0 && r.Summary.NetMembershipChange == 0 && r.Summary.ClubsChanged == 0 && !r.ProgramYearBoundary
	}, genPoint()))
	ps.TestingRun(t)
}

func TestPropertyLevelCountsSumToTotal(t *testing.T) {
	ps := properties()
	ps.Property("counts by level sum to the distinguished total", prop.ForAll(func(p Point) bool {
		r, err := DistinguishedClubAnalytics([]Point{p}, nil)
		if err != nil {
			return false
		}
		lc := r.DistinguishedClubs
		want := 0
		for i := range p.District.ClubDetails {
			c := &p.District.ClubDetails[i]
			if c.Status != snapshot.ClubSuspended && snapshot.LevelRank(c.DistinguishedStatus) > 0 {
				want++
			}
		}
		pr := r.DistinguishedProjection.Projected
		return lc.Smedley+lc.Presidents+lc.Select+lc.Distinguished == lc.Total && lc.Total == want &&
			pr.Smedley+pr.Presidents+pr.Select+pr.Distinguished == pr.Total
	}, genPoint()))
	ps.TestingRun(t)
}

func TestPropertyProjectedLevelsNest(t *testing.T) {
	ps := properties()
	ps.Property("projected levels are never negative, sum to the total and fit in the clubs", prop.ForAll(func(a, b, c Point) bool {
		pts := []Point{a, b, c}
		for i, date := range []string{"2025-08-01", "2025-08-11", "2025-08-21"} {
			d := *pts[i].District
			d.AsOfDate, d.DataMonth, d.ProgramYear = date, date[:7], "2025-2026"
			pts[i] = Point{Date: date, District: &d}
		}
		r, err := DistinguishedClubAnalytics(pts, nil)
		if err != nil {
			return false
		}
		pr := r.DistinguishedProjection.Projected
		return r.DistinguishedProjection.Method == MethodLinearTrend &&
			pr.Smedley >= 0 && pr.Presidents >= 0 && pr.Select >= 0 && pr.Distinguished >= 0 &&
			pr.Smedley+pr.Presidents+pr.Select+pr.Distinguished == pr.Total && pr.Total <= activeClubCount(pts[2].District)
	}, genPoint(), genPoint(), genPoint()))
	ps.TestingRun(t)
}

func TestPropertyNeeds(t *testing.T) {
	ps := properties()
	pys := []string{"2023-2024", "2024-2025", "2025-2026", "2026-2027"}
	targets := []string{"D", "S", "P", "M"}
	args := []gopter.Gen{genClub(), gen.IntRange(0, len(pys)-1), gen.IntRange(0, len(targets)-1)}
	ps.Property("needs are never negative and are zero once the level is reached", prop.ForAll(
		func(c snapshot.Club, pyi, ti int) bool {
			py, target := pys[pyi], targets[ti]
			n := NeedsFor(&c, py, target)
			if n.GoalsNeeded < 0 || n.MembersNeeded < 0 || n.NewMembersNeeded < 0 || n.OtherGoalsNeeded < 0 {
				return false
			}
			if snapshot.LevelRank(LevelOf(&c, py)) >= snapshot.LevelRank(target) {
				return n.GoalsNeeded == 0 && n.MembersNeeded == 0 && n.NewMembersNeeded == 0 &&
					n.OtherGoalsNeeded == 0 && !n.CSPNeeded && n.Kind == NeedNone
			}
			return true
		}, args...))
	ps.Property("following the plan reaches the level", prop.ForAll(
		func(c snapshot.Club, pyi, ti int) bool {
			py, target := pys[pyi], targets[ti]
			if eraOf(py) == eraClassic && target == "M" {
				return true // no Smedley level before 2025-26
			}
			n := NeedsFor(&c, py, target)
			after := c
			k := n.NewMembersNeeded
			after.ActiveMembers += k
			after.NetGrowth += k
			total := c.Goals.NewMembers + c.Goals.AddNewMembers + k
			after.Goals.NewMembers = min(4, total)
			after.Goals.AddNewMembers = total - after.Goals.NewMembers
			gained := 0
			before, now := computeGoals(c.Goals), computeGoals(after.Goals)
			for _, i := range []int{6, 7} {
				if now[i] && !before[i] {
					gained++
				}
			}
			after.GoalsMet += gained + n.OtherGoalsNeeded
			if n.CSPNeeded {
				after.CSP = boolp(true)
			}
			// Members are counted once: never more recruits than the two
			// needs added together, and at least the larger of them.
			if k > n.MembersNeeded+8 || k < n.MembersNeeded {
				return false
			}
			return snapshot.LevelRank(LevelOf(&after, py)) >= snapshot.LevelRank(target)
		}, args...))
	ps.TestingRun(t)
}
