package analytics

import (
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
			Areas:    []snapshot.Area{{AreaID: "01", DivisionID: "A", Standing: goals(c.paid, c.dist), NovVisits: 2, MayVisits: 3}}}}}
		r := AreaDivisionStanding(d)
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
		// 75% of a base of 4 is 3 visits per round.
		if *a.VisitsRequired != 3 || *a.NovVisitsNeeded != 1 || *a.MayVisitsNeeded != 0 || *a.VisitsMet {
			t.Errorf("visits: req %d nov %d may %d met %v", *a.VisitsRequired, *a.NovVisitsNeeded, *a.MayVisitsNeeded, *a.VisitsMet)
		}
	}
}

func recognitionPoint(py string, pay, payBase, paid, paidBase, dist int, flags ...bool) Point {
	s := &snapshot.SummaryRow{DistrictID: "9", TotalYTDPayments: pay, PaymentBase: payBase,
		PaidClubs: paid, PaidClubBase: paidBase, TotalDistinguishedClubs: dist}
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
		{"distinguished 44%", 1010, 101, 44, all, "", 0, 0, 1, 0},
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

func TestDistrictTiersClassicEra(t *testing.T) {
	// Before 2025-26 the distinguished ladder is 40/45/50/55% with payment
	// growth 1/3/5/8%; club growth is not known and not evaluated.
	r := DistrictRecognition(recognitionPoint("2024-2025", 1010, 1000, 90, 100, 40, true, true))
	if r.Era != eraClassic || r.Level != TierDistinguished {
		t.Fatalf("era %s level %q", r.Era, r.Level)
	}
	if _, cr := tierMet(r, TierDistinguished); len(cr) != 2 {
		t.Fatalf("classic era criteria: %+v", cr)
	}
	r = DistrictRecognition(recognitionPoint("2024-2025", 1010, 1000, 90, 100, 39, true, true))
	if _, cr := tierMet(r, TierDistinguished); r.Level != "" || cr["distinguishedClubs"].Needed != 1 {
		t.Fatalf("39%%: level %q %+v", r.Level, cr)
	}
	r = DistrictRecognition(recognitionPoint("2024-2025", 1080, 1000, 90, 100, 55, true, true))
	if r.Level != TierSmedley {
		t.Fatalf("55%%/8%%: level %q", r.Level)
	}
}

func TestDistrictRecognitionUsesClubDataBeforeApril(t *testing.T) {
	pts := fixtureSeries()
	// 2025-06-28: the summary reports distinguished clubs (June); 2025-08-15:
	// it reports 0, so the club report's letters are used.
	r := DistrictRecognition(pts[0])
	if r.DistinguishedClubs != pts[0].District.Summary.TotalDistinguishedClubs || r.DistinguishedClubs == 0 {
		t.Fatalf("June: %d", r.DistinguishedClubs)
	}
	if r := DistrictRecognition(pts[4]); r.DistinguishedClubs != levelCounts(pts[4].District).Total {
		t.Fatalf("August: %d", r.DistinguishedClubs)
	}
}
