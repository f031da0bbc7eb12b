package analytics

import (
	"strings"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

func tg(d, s, p int) snapshot.TierGoals {
	return snapshot.TierGoals{Distinguished: d, Select: s, Presidents: p}
}

func TestUnitGoalsMatchPublishedColumns(t *testing.T) {
	// Spec §2.3: area base 4/5/6 → paid 4/4/5, 5/5/6, 6/6/7 and dist 2/3/3,
	// 3/4/4, 3/4/4; division base 18 → 18/19/20 and 9/9/10, base 28 →
	// 28/29/30 and 13/14/16.
	areas := map[int][2]snapshot.TierGoals{
		4: {tg(4, 4, 5), tg(2, 3, 3)}, 5: {tg(5, 5, 6), tg(3, 4, 4)}, 6: {tg(6, 6, 7), tg(3, 4, 4)},
	}
	for base, w := range areas {
		p, d, src := unitGoals(&snapshot.Standing{ClubBase: base}, true)
		if p != w[0] || d != w[1] || src != "derived" {
			t.Errorf("area base %d: %v %v %s, want %v", base, p, d, src, w)
		}
	}
	divs := map[int][2]snapshot.TierGoals{18: {tg(18, 19, 20), tg(9, 9, 10)}, 28: {tg(28, 29, 30), tg(13, 14, 16)}}
	for base, w := range divs {
		p, d, _ := unitGoals(&snapshot.Standing{ClubBase: base}, false)
		if p != w[0] || d != w[1] {
			t.Errorf("division base %d: %v %v, want %v", base, p, d, w)
		}
	}
	// The dashboard's own columns win over the formulas.
	own := snapshot.Standing{ClubBase: 4, PaidGoals: tg(3, 4, 5), DistinguishedGoals: tg(1, 2, 3)}
	if p, d, src := unitGoals(&own, true); p != own.PaidGoals || d != own.DistinguishedGoals || src != "dashboard" {
		t.Errorf("own goals not used: %v %v %s", p, d, src)
	}
}

func TestAreaGapsAtEdges(t *testing.T) {
	goals := func(paid, dist int) snapshot.Standing {
		return snapshot.Standing{ClubBase: 4, PaidClubs: paid, DistinguishedClubs: dist,
			PaidGoals: tg(4, 4, 5), DistinguishedGoals: tg(2, 3, 3)}
	}
	type gap struct {
		paid, dist int
		met        bool
	}
	cases := []struct {
		paid, dist int
		level      string
		tiers      [3]gap
	}{
		{3, 2, "", [3]gap{{1, 0, false}, {1, 1, false}, {2, 1, false}}},
		{4, 1, "", [3]gap{{0, 1, false}, {0, 2, false}, {1, 2, false}}},
		{4, 2, "D", [3]gap{{0, 0, true}, {0, 1, false}, {1, 1, false}}},
		{4, 3, "S", [3]gap{{0, 0, true}, {0, 0, true}, {1, 0, false}}},
		{5, 3, "P", [3]gap{{0, 0, true}, {0, 0, true}, {0, 0, true}}},
	}
	for _, c := range cases {
		d := &snapshot.District{DistrictID: "1", Divisions: []snapshot.Division{{DivisionID: "A",
			Standing: goals(c.paid, c.dist),
			Areas:    []snapshot.Area{{AreaID: "01", DivisionID: "A", Standing: goals(c.paid, c.dist), NovVisits: 3, MayVisits: 3}}}}}
		r := AreaDivisionStanding(d, "2026-06-30")
		a := r.Divisions[0].Areas[0]
		if a.Level != c.level {
			t.Errorf("paid %d dist %d: level %q, want %q", c.paid, c.dist, a.Level, c.level)
		}
		for i, w := range c.tiers {
			ts := a.Tiers[i]
			if (gap{ts.PaidClubsNeeded, ts.DistinguishedClubsNeeded, ts.Met}) != w {
				t.Errorf("paid %d dist %d tier %s: %+v, want %+v", c.paid, c.dist, ts.Tier, ts, w)
			}
		}
		// 75% of a base of 4 is 3 visits per round: both rounds met.
		if *a.VisitsRequired != 3 || !*a.VisitsMet || len(a.VisitRounds) != 2 || !a.VisitRounds[0].Closed || !a.VisitRounds[1].Closed {
			t.Errorf("visits: req %d met %v rounds %+v", *a.VisitsRequired, *a.VisitsMet, a.VisitRounds)
		}
	}
}

// The area 71 of D61 (June 2026 capture): its club numbers meet
// the Distinguished tier, but the November round ended with 2 of the 3
// visits required (base 4). The dashboard pages (normalize) and analytics
// give the same answer from the one rule: no level, the closed round as the
// reason, and no November visit listed as a need.
func TestAreaStandingOneRule(t *testing.T) {
	st := snapshot.Standing{ClubBase: 4, PaidGoals: tg(4, 4, 5), DistinguishedGoals: tg(2, 3, 3), PaidClubs: 4, DistinguishedClubs: 2}
	d := &snapshot.District{DistrictID: "61", Divisions: []snapshot.Division{{DivisionID: "G",
		Areas: []snapshot.Area{{AreaID: "71", DivisionID: "G", Standing: st, NovVisits: 2, MayVisits: 3}}}}}
	stored := st
	snapshot.StandingOn(&stored, true, &snapshot.VisitCounts{Nov: 2, May: 3}, "2026-06-09")
	a := AreaDivisionStanding(d, "2026-06-09").Divisions[0].Areas[0]
	const why = "November club visits: 2 of 3 required by 2025-11-30; the round has closed"
	if a.Level != "" || stored.Level != "" || a.Blocked != why || stored.Blocked != why || a.Next != nil || *a.VisitsMet {
		t.Fatalf("analytics %q %q %+v; stored %q %q", a.Level, a.Blocked, a.Next, stored.Level, stored.Blocked)
	}
	if a.Tiers[0].Met || a.Tiers[0].PaidClubsNeeded != 0 || a.Tiers[0].DistinguishedClubsNeeded != 0 {
		t.Errorf("tier D: %+v (club goals met, tier not met)", a.Tiers[0])
	}
	// On 2025-11-15 the November round is open: one more visit (3 − 2) is
	// a need, and the May round's 3 − 3 = 0.
	a = AreaDivisionStanding(d, "2025-11-15").Divisions[0].Areas[0]
	if a.Level != "" || a.Blocked != "" || a.Next == nil || a.Next.VisitsNeeded != 1 {
		t.Fatalf("November: %q %q %+v", a.Level, a.Blocked, a.Next)
	}
}

// recognitionPoint is a summary row; distPct is the dashboard's own %
// Distinguished Clubs, and the distinguished count is that share of the
// paid clubs, rounded down.
func recognitionPoint(py string, pay, payBase, paid, paidBase, distPct int, flags ...bool) Point {
	s := &snapshot.SummaryRow{DistrictID: "9", TotalYTDPayments: pay, PaymentBase: payBase,
		PaidClubs: paid, PaidClubBase: paidBase, TotalDistinguishedClubs: distPct * paid / 100,
		DistinguishedClubsPercent: float64(distPct)}
	ptrs := []**bool{&s.DSP, &s.Training, &s.MarketAnalysis, &s.CommunicationPlan, &s.RegionAdvisorVisit}
	for i, f := range flags {
		*ptrs[i] = boolp(f)
	}
	date := py[5:] + "-05-15"
	return Point{Date: date, District: &snapshot.District{DistrictID: "9", ProgramYear: py, Summary: s}}
}

func tierMet(r *DistrictRecognitionReport, tier string) (bool, map[string]Criterion) {
	for _, t := range r.Tiers {
		if t.Tier == tier {
			m := map[string]Criterion{}
			for _, c := range t.Criteria {
				m[c.Name] = c
			}
			return t.Met, m
		}
	}
	return false, nil
}

func TestDistrictTiers2025(t *testing.T) {
	all := []bool{true, true, true, true, true}
	cases := []struct {
		name                               string
		pay, paid, dist                    int
		flags                              []bool
		level                              string
		payNeed, clubNeed, distNeed, netNd int // for the Distinguished tier
	}{
		{"payments 0.9%", 1009, 101, 45, all, "", 1, 0, 0, 0},
		{"all at 1% / 45%", 1010, 101, 45, all, TierDistinguished, 0, 0, 0, 0},
		{"club growth 0%", 1010, 100, 45, all, "", 0, 1, 0, 0},
		// 44 % of 101 paid clubs is 44 clubs; 45 % needs ⌈45.45⌉ = 46: 2 more.
		{"distinguished 44%", 1010, 101, 44, all, "", 0, 0, 2, 0},
		{"net club loss", 1010, 99, 45, all, "", 0, 2, 0, 1},
		{"select at 3%/3%/50%", 1030, 103, 50, all, TierSelect, 0, 0, 0, 0},
		{"president's at 5%/5%/55%", 1050, 105, 55, all, TierPresidents, 0, 0, 0, 0},
		{"smedley just short", 1080, 108, 59, all, TierPresidents, 0, 0, 0, 0},
		{"smedley at 8%/8%/60%", 1080, 108, 60, all, TierSmedley, 0, 0, 0, 0},
		{"prerequisite missing", 1080, 108, 60, []bool{true, true, true, false, true}, "", 0, 0, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := DistrictRecognition(recognitionPoint("2025-2026", c.pay, 1000, c.paid, 100, c.dist, c.flags...))
			if r.Era != eraSmedley || r.Level != c.level {
				t.Fatalf("era %s level %q, want %q", r.Era, r.Level, c.level)
			}
			_, cr := tierMet(r, TierDistinguished)
			if cr["paymentGrowth"].Needed != c.payNeed || cr["clubGrowth"].Needed != c.clubNeed ||
				cr["distinguishedClubs"].Needed != c.distNeed || cr["netClubs"].Needed != c.netNd {
				t.Fatalf("gaps: %+v", cr)
			}
		})
	}
	// Select needs net +1 club: 100 → 100 paid clubs fails it even with all else met.
	r := DistrictRecognition(recognitionPoint("2025-2026", 1030, 1000, 100, 100, 50, all...))
	if met, cr := tierMet(r, TierSelect); met || cr["netClubs"].Needed != 1 || cr["clubGrowth"].Needed != 3 {
		t.Fatalf("select with no net club: met %v %+v", met, cr)
	}
}

// The prerequisites follow the program year (spec §2.1, §3.6): from
// 2026-27 the summary has no Region Advisor Visit column (the requirement
// was retired), so four Y/N flags are all a district needs; in 2025-26 the
// fifth still counts, and its absence leaves the prerequisites unmet.
func TestDistrictPrerequisitesByYear(t *testing.T) {
	four := []bool{true, true, true, true} // RegionAdvisorVisit nil, as read from a 2026-27 summary
	r := DistrictRecognition(recognitionPoint("2026-2027", 1080, 1000, 108, 100, 60, four...))
	if !r.PrerequisitesMet || r.Level != TierSmedley || len(r.Prerequisites) != 4 || len(r.Notes) != 0 {
		t.Fatalf("2026-27 with four Y flags: met %v level %q prereqs %+v notes %q", r.PrerequisitesMet, r.Level, r.Prerequisites, r.Notes)
	}
	for i, name := range []string{"DSP", "Training", "Market Analysis", "Communication Plan"} {
		if p := r.Prerequisites[i]; p.Name != name || !p.Met {
			t.Errorf("2026-27 prerequisite %d = %+v, want %s met", i, p, name)
		}
	}
	// A 2026-27 district with one of the four at N earns no tier.
	r = DistrictRecognition(recognitionPoint("2026-2027", 1080, 1000, 108, 100, 60, true, true, false, true))
	if r.PrerequisitesMet || r.Level != "" {
		t.Fatalf("2026-27 with Market Analysis N: met %v level %q", r.PrerequisitesMet, r.Level)
	}
	// A Region Advisor Visit flag in a 2026-27 row (not in the real header)
	// is not a prerequisite of that year.
	r = DistrictRecognition(recognitionPoint("2026-2027", 1080, 1000, 108, 100, 60, true, true, true, true, false))
	if !r.PrerequisitesMet || r.Level != TierSmedley {
		t.Fatalf("2026-27 with a stray Region Advisor Visit N: met %v level %q", r.PrerequisitesMet, r.Level)
	}
	// 2025-26 still needs all five: without the fifth column nothing is met.
	r = DistrictRecognition(recognitionPoint("2025-2026", 1080, 1000, 108, 100, 60, four...))
	if r.PrerequisitesMet || r.Level != "" || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "Region Advisor Visit") {
		t.Fatalf("2025-26 without Region Advisor Visit: met %v level %q notes %q", r.PrerequisitesMet, r.Level, r.Notes)
	}
}

// Before 2025-26 (spec §3.6, RG's ladder): prerequisites DSP and Training;
// distinguished share 40/45/50/55 %; payment growth 1/3/5/8 %; net paid
// clubs ≥ 0 (D) and ≥ +1 (S); club growth ≥ 3 % (P) and ≥ 5 % (Smedley).
func TestDistrictTiersClassicEra(t *testing.T) {
	// District 91, PY 2024-25 year end, as the issue reports it: 173 paid
	// clubs against a paid-club base of 180, 99 distinguished clubs, the
	// dashboard's own % Distinguished Clubs 57.23. (Payments here are
	// illustrative: 9,180 against a base of 8,500 = +8 %, every payment
	// criterion met.) Every tier fails on clubs, so the district earns no
	// tier although its distinguished share passes even Smedley's 55 %.
	d91 := Point{Date: "2025-06-30", District: &snapshot.District{DistrictID: "91", ProgramYear: "2024-2025",
		Summary: &snapshot.SummaryRow{DistrictID: "91", DSP: boolp(true), Training: boolp(true),
			TotalYTDPayments: 9180, PaymentBase: 8500, PaidClubs: 173, PaidClubBase: 180,
			TotalDistinguishedClubs: 99, DistinguishedClubsPercent: 57.23}}}
	r := DistrictRecognition(d91)
	if r.Era != eraClassic || r.Level != "" || r.DistinguishedPercent != 57.23 || !r.PrerequisitesMet {
		t.Fatalf("D91: era %s level %q dist%% %v prereq %v", r.Era, r.Level, r.DistinguishedPercent, r.PrerequisitesMet)
	}
	type crit struct {
		name              string
		actual, threshold float64
		met               bool
		needed            int
	}
	want := map[string][]crit{
		// net 173 − 180 = −7: 7 clubs short of 0, 8 short of +1.
		TierDistinguished: {{"paymentGrowth", 8, 1, true, 0}, {"distinguishedClubs", 57.23, 40, true, 0}, {"netClubs", -7, 0, false, 7}},
		TierSelect:        {{"paymentGrowth", 8, 3, true, 0}, {"distinguishedClubs", 57.23, 45, true, 0}, {"netClubs", -7, 1, false, 8}},
		// club growth (173 − 180) / 180 = −3.89 %; 3 % of 180 = 5.4 → 6
		// clubs, 186 − 173 = 13 short; 5 % of 180 = 9, 189 − 173 = 16 short.
		TierPresidents: {{"paymentGrowth", 8, 5, true, 0}, {"clubGrowth", -3.89, 3, false, 13}, {"distinguishedClubs", 57.23, 50, true, 0}},
		TierSmedley:    {{"paymentGrowth", 8, 8, true, 0}, {"clubGrowth", -3.89, 5, false, 16}, {"distinguishedClubs", 57.23, 55, true, 0}},
	}
	for _, tier := range r.Tiers {
		if tier.Met {
			t.Errorf("D91 tier %s met", tier.Tier)
		}
		w := want[tier.Tier]
		if len(tier.Criteria) != len(w) {
			t.Fatalf("%s: criteria %+v", tier.Tier, tier.Criteria)
		}
		for i, c := range tier.Criteria {
			if got := (crit{c.Name, c.Actual, c.Threshold, c.Met, c.Needed}); got != w[i] || !c.Known {
				t.Errorf("%s: %+v, want %+v", tier.Tier, got, w[i])
			}
		}
	}
	// Net +2 clubs (182 of 180) passes D and S; club growth 2/180 = 1.11 %
	// fails President's (3 %: 186 − 182 = 4 short): Select.
	r = DistrictRecognition(recognitionPoint("2024-2025", 1050, 1000, 182, 180, 57, true, true))
	if _, cr := tierMet(r, TierPresidents); r.Level != TierSelect || cr["clubGrowth"].Needed != 4 || cr["clubGrowth"].Actual != 1.11 {
		t.Fatalf("+2 clubs: level %q %+v", r.Level, cr)
	}
	// 189 of 180 = +5 %, payments +8 %, 55 %: Smedley.
	if r = DistrictRecognition(recognitionPoint("2024-2025", 1080, 1000, 189, 180, 55, true, true)); r.Level != TierSmedley {
		t.Fatalf("5%%/8%%/55%%: level %q", r.Level)
	}
	// 39 % misses the 40 % of Distinguished.
	r = DistrictRecognition(recognitionPoint("2024-2025", 1010, 1000, 100, 100, 39, true, true))
	if _, cr := tierMet(r, TierDistinguished); r.Level != "" || cr["distinguishedClubs"].Met {
		t.Fatalf("39%%: level %q %+v", r.Level, cr)
	}
	// Training not done: no tier, whatever the numbers.
	if r = DistrictRecognition(recognitionPoint("2024-2025", 1080, 1000, 189, 180, 55, true, false)); r.Level != "" || r.PrerequisitesMet {
		t.Fatalf("no training: level %q", r.Level)
	}
}

// The distinguished share is the dashboard's own percentage, never a count
// recomputed from the club report: before April the summary reports 0 and
// no tier can be met on it.
func TestDistrictRecognitionUsesDashboardPercent(t *testing.T) {
	pts := fixtureSeries()
	r := DistrictRecognition(pts[0])
	if r.DistinguishedPercent != pts[0].District.Summary.DistinguishedClubsPercent {
		t.Fatalf("June: %v", r.DistinguishedPercent)
	}
	if r := DistrictRecognition(pts[4]); r.DistinguishedClubs != 0 || r.DistinguishedPercent != 0 || r.Level != "" {
		t.Fatalf("August: %d %v %q", r.DistinguishedClubs, r.DistinguishedPercent, r.Level)
	}
}
