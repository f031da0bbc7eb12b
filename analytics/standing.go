package analytics

import (
	"fmt"

	"github.com/toaststats/toaststats/snapshot"
)

// Tier names of areas, divisions and districts.
const (
	TierDistinguished = "Distinguished"
	TierSelect        = "Select Distinguished"
	TierPresidents    = "President's Distinguished"
	TierSmedley       = "Smedley Distinguished"
)

// ceilPct is ⌈pct% of n⌉ for non-negative integers.
func ceilPct(pct, n int) int { return (pct*n + 99) / 100 }

// unitGoals returns the tier goals of a standing: the dashboard's own, or
// the spec §3.6 formulas on the club base when the columns were absent.
func unitGoals(st *snapshot.Standing, area bool) (paid, dist snapshot.TierGoals, source string) {
	if st.PaidGoals != (snapshot.TierGoals{}) || st.DistinguishedGoals != (snapshot.TierGoals{}) {
		return st.PaidGoals, st.DistinguishedGoals, "dashboard"
	}
	b := st.ClubBase
	if area {
		half := ceilPct(50, b)
		return snapshot.TierGoals{Distinguished: b, Select: b, Presidents: b + 1},
			snapshot.TierGoals{Distinguished: half, Select: half + 1, Presidents: half + 1}, "derived"
	}
	return snapshot.TierGoals{Distinguished: b, Select: b + 1, Presidents: b + 2},
		snapshot.TierGoals{Distinguished: ceilPct(45, b), Select: ceilPct(50, b), Presidents: ceilPct(55, b)}, "derived"
}

func unitStanding(div, area string, st *snapshot.Standing, isArea bool) UnitStanding {
	paid, dist, src := unitGoals(st, isArea)
	u := UnitStanding{DivisionID: div, AreaID: area, ClubBase: st.ClubBase, PaidClubs: st.PaidClubs,
		DistinguishedClubs: st.DistinguishedClubs, ReportedStatus: st.ReportedStatus, GoalsSource: src}
	tiers := []struct {
		name        string
		level       string
		paid, distG int
	}{
		{TierDistinguished, snapshot.LevelDistinguished, paid.Distinguished, dist.Distinguished},
		{TierSelect, snapshot.LevelSelect, paid.Select, dist.Select},
		{TierPresidents, snapshot.LevelPresidents, paid.Presidents, dist.Presidents},
	}
	for _, t := range tiers {
		ts := TierStatus{Tier: t.name, PaidClubsGoal: t.paid, DistinguishedClubsGoal: t.distG,
			PaidClubsNeeded: max(0, t.paid-st.PaidClubs), DistinguishedClubsNeeded: max(0, t.distG-st.DistinguishedClubs)}
		ts.Met = ts.PaidClubsNeeded == 0 && ts.DistinguishedClubsNeeded == 0
		if ts.Met {
			u.Level = t.level
		}
		u.Tiers = append(u.Tiers, ts)
	}
	return u
}

func areaDivisionStanding(d *snapshot.District) *StandingReport {
	r := &StandingReport{Divisions: []DivisionStanding{}}
	if d == nil {
		return r
	}
	r.DistrictID = d.DistrictID
	for i := range d.Divisions {
		dv := &d.Divisions[i]
		ds := DivisionStanding{UnitStanding: unitStanding(dv.DivisionID, "", &dv.Standing, false), Areas: []UnitStanding{}}
		for j := range dv.Areas {
			a := &dv.Areas[j]
			div := a.DivisionID
			if div == "" {
				div = dv.DivisionID
			}
			u := unitStanding(div, a.AreaID, &a.Standing, true)
			req := ceilPct(75, a.ClubBase)
			nov, may := a.NovVisits, a.MayVisits
			novNeed, mayNeed := max(0, req-nov), max(0, req-may)
			met := novNeed == 0 && mayNeed == 0
			u.NovVisits, u.MayVisits, u.VisitsRequired = &nov, &may, &req
			u.NovVisitsNeeded, u.MayVisitsNeeded, u.VisitsMet = &novNeed, &mayNeed, &met
			ds.Areas = append(ds.Areas, u)
		}
		r.Divisions = append(r.Divisions, ds)
	}
	return r
}

// districtTierRule is one Distinguished District tier's thresholds;
// negative values are unknown for the era.
type districtTierRule struct {
	name                        string
	payment, club, distPct, net int
	netKnown                    bool
}

var (
	// Spec §3.6, Item 1490 Rev. 04/2025 (PY 2025-26 onward).
	districtTiers2025 = []districtTierRule{
		{TierDistinguished, 1, 1, 45, 0, true},
		{TierSelect, 3, 3, 50, 1, true},
		{TierPresidents, 5, 5, 55, 0, false},
		{TierSmedley, 8, 8, 60, 0, false},
	}
	// Spec §3.6: the 2024-era ladder recovered by RG gives payment growth
	// and distinguished percentages only; club growth is not known.
	districtTiersClassic = []districtTierRule{
		{TierDistinguished, 1, -1, 40, 0, false},
		{TierSelect, 3, -1, 45, 0, false},
		{TierPresidents, 5, -1, 50, 0, false},
		{TierSmedley, 8, -1, 55, 0, false},
	}
)

// growthCriterion measures actual against base growing by pct percent.
func growthCriterion(name, unit string, pct, actual, base int) Criterion {
	c := Criterion{Name: name, Unit: unit, Threshold: float64(pct)}
	if base <= 0 {
		return c
	}
	c.Known = true
	c.Actual = round(float64(actual-base)/float64(base)*100, 2)
	c.Met = (actual-base)*100 >= pct*base
	c.Needed = max(0, base+ceilPct(pct, base)-actual)
	return c
}

func districtRecognition(p Point) *DistrictRecognitionReport {
	r := &DistrictRecognitionReport{Date: p.Date, Prerequisites: []Prerequisite{}, Tiers: []DistrictTier{}}
	if p.District == nil {
		r.Notes = append(r.Notes, "no district data")
		return r
	}
	d := p.District
	r.DistrictID = d.DistrictID
	r.ProgramYear = pointProgramYear(&p)
	r.Era = eraOf(r.ProgramYear)
	rules := districtTiers2025
	if r.Era == eraClassic {
		rules = districtTiersClassic
		r.Notes = append(r.Notes, "Before 2025-26 only the payment-growth and distinguished-club thresholds are known (spec §3.6); club growth and net clubs are not evaluated.")
	}
	clubDist := levelCounts(d).Total
	switch {
	case d.Summary != nil:
		s := d.Summary
		r.PaymentBase, r.Payments, r.PaidClubBase, r.PaidClubs = s.PaymentBase, s.TotalYTDPayments, s.PaidClubBase, s.PaidClubs
		r.DistinguishedClubs = s.TotalDistinguishedClubs
		for _, f := range []struct {
			name string
			v    *bool
		}{{"DSP", s.DSP}, {"Training", s.Training}, {"Market Analysis", s.MarketAnalysis},
			{"Communication Plan", s.CommunicationPlan}, {"Region Advisor Visit", s.RegionAdvisorVisit}} {
			if f.v != nil {
				r.Prerequisites = append(r.Prerequisites, Prerequisite{Name: f.name, Met: *f.v})
			}
		}
	case p.Ranking != nil:
		k := p.Ranking
		r.PaymentBase, r.Payments, r.PaidClubBase, r.PaidClubs = k.PaymentBase, k.TotalPayments, k.PaidClubBase, k.PaidClubs
		r.DistinguishedClubs = k.DistinguishedClubs
		r.Notes = append(r.Notes, "No summary row: figures from the ranking row; prerequisites unknown.")
	default:
		r.Payments = paymentTotal(d)
		if d.Membership.Payments.Base != nil {
			r.PaymentBase = *d.Membership.Payments.Base
		}
		r.Notes = append(r.Notes, "No summary row or ranking: club growth and prerequisites unknown.")
	}
	if r.DistinguishedClubs == 0 && clubDist > 0 {
		r.DistinguishedClubs = clubDist
		r.Notes = append(r.Notes, fmt.Sprintf("The summary reports 0 distinguished clubs (as before April); the %d distinguished clubs of the club report are used.", clubDist))
	}
	r.PrerequisitesMet = len(r.Prerequisites) > 0
	for _, pr := range r.Prerequisites {
		r.PrerequisitesMet = r.PrerequisitesMet && pr.Met
	}
	for _, t := range rules {
		tier := DistrictTier{Tier: t.name}
		tier.Criteria = append(tier.Criteria, growthCriterion("paymentGrowth", "payments", t.payment, r.Payments, r.PaymentBase))
		if t.club >= 0 {
			tier.Criteria = append(tier.Criteria, growthCriterion("clubGrowth", "paid clubs", t.club, r.PaidClubs, r.PaidClubBase))
		}
		dc := Criterion{Name: "distinguishedClubs", Unit: "distinguished clubs", Threshold: float64(t.distPct)}
		if r.PaidClubBase > 0 {
			dc.Known = true
			dc.Actual = round(float64(r.DistinguishedClubs)/float64(r.PaidClubBase)*100, 2)
			dc.Met = r.DistinguishedClubs*100 >= t.distPct*r.PaidClubBase
			dc.Needed = max(0, ceilPct(t.distPct, r.PaidClubBase)-r.DistinguishedClubs)
		}
		tier.Criteria = append(tier.Criteria, dc)
		if t.netKnown {
			nc := Criterion{Name: "netClubs", Unit: "paid clubs", Threshold: float64(t.net)}
			if r.PaidClubBase > 0 {
				nc.Known = true
				nc.Actual = float64(r.PaidClubs - r.PaidClubBase)
				nc.Met = r.PaidClubs-r.PaidClubBase >= t.net
				nc.Needed = max(0, r.PaidClubBase+t.net-r.PaidClubs)
			}
			tier.Criteria = append(tier.Criteria, nc)
		}
		tier.Met = r.PrerequisitesMet
		for _, c := range tier.Criteria {
			if c.Known && !c.Met || !c.Known && c.Name == "paymentGrowth" {
				tier.Met = false
			}
		}
		if tier.Met {
			r.Level = t.name
		}
		r.Tiers = append(r.Tiers, tier)
	}
	if r.PaidClubBase > 0 {
		r.Notes = append(r.Notes, "Distinguished share is measured against the paid club base.")
	}
	return r
}
