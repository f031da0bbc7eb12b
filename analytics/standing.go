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

// ceilPct is ⌈pct% of n⌉ for non-negative integers (snapshot.CeilPercent).
func ceilPct(pct, n int) int { return snapshot.CeilPercent(pct, n) }

// unitGoals returns the tier goals of a standing (snapshot.StandingGoals).
func unitGoals(st *snapshot.Standing, area bool) (paid, dist snapshot.TierGoals, source string) {
	return snapshot.StandingGoals(st, area)
}

// unitStanding applies the one standing rule (snapshot.StandingOn) on date
// and lists every tier's club gaps. A tier is Met exactly when the rule's
// Level reaches it (club goals and, for areas, both visit rounds).
func unitStanding(div, area string, st *snapshot.Standing, visits *snapshot.VisitCounts, date string) UnitStanding {
	isArea := area != ""
	judged := *st
	snapshot.StandingOn(&judged, isArea, visits, date)
	paid, dist, src := unitGoals(st, isArea)
	u := UnitStanding{DivisionID: div, AreaID: area, ClubBase: st.ClubBase, PaidClubs: st.PaidClubs,
		DistinguishedClubs: st.DistinguishedClubs, ReportedStatus: st.ReportedStatus, GoalsSource: src,
		Level: judged.Level, Next: judged.Next, Blocked: judged.Blocked}
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
		ts.Met = snapshot.LevelRank(judged.Level) >= snapshot.LevelRank(t.level)
		u.Tiers = append(u.Tiers, ts)
	}
	if visits != nil {
		rounds := snapshot.VisitRounds(st.ClubBase, *visits, date)
		req := rounds[0].Required
		met := rounds[0].Met && rounds[1].Met
		nov, may := visits.Nov, visits.May
		u.NovVisits, u.MayVisits, u.VisitsRequired, u.VisitsMet = &nov, &may, &req, &met
		u.VisitRounds = rounds[:]
	}
	return u
}

func areaDivisionStanding(d *snapshot.District, date string) *StandingReport {
	r := &StandingReport{Divisions: []DivisionStanding{}, Date: date}
	if d == nil {
		return r
	}
	r.DistrictID = d.DistrictID
	haveVisits := visitDataKnown(d)
	for i := range d.Divisions {
		dv := &d.Divisions[i]
		ds := DivisionStanding{UnitStanding: unitStanding(dv.DivisionID, "", &dv.Standing, nil, date), Areas: []UnitStanding{}}
		for j := range dv.Areas {
			a := &dv.Areas[j]
			div := a.DivisionID
			if div == "" {
				div = dv.DivisionID
			}
			var visits *snapshot.VisitCounts
			if haveVisits {
				visits = &snapshot.VisitCounts{Nov: a.NovVisits, May: a.MayVisits}
			}
			ds.Areas = append(ds.Areas, unitStanding(div, a.AreaID, &a.Standing, visits, date))
		}
		r.Divisions = append(r.Divisions, ds)
	}
	return r
}

// visitDataKnown reports whether the district's division report had the
// visit columns: some club carries a visit flag (a district given as
// divisions and areas only, without clubs, counts as having them).
func visitDataKnown(d *snapshot.District) bool {
	for i := range d.ClubDetails {
		if d.ClubDetails[i].NovVisit != nil || d.ClubDetails[i].MayVisit != nil {
			return true
		}
	}
	return len(d.ClubDetails) == 0
}

// districtTierRule is one Distinguished District tier's thresholds (spec
// §3.6). club < 0: no club-growth criterion; !netKnown: no net-club
// criterion.
type districtTierRule struct {
	name                        string
	payment, club, distPct, net int
	netKnown                    bool
}

var (
	// Spec §3.6, Item 1490 Rev. 04/2025 (PY 2025-26 onward): payment
	// growth, club growth, distinguished share and, for D and S, net clubs.
	districtTiers2025 = []districtTierRule{
		{TierDistinguished, 1, 1, 45, 0, true},
		{TierSelect, 3, 3, 50, 1, true},
		{TierPresidents, 5, 5, 55, 0, false},
		{TierSmedley, 8, 8, 60, 0, false},
	}
	// Spec §3.6, the ladder before 2025-26 (RG): distinguished share
	// 40/45/50/55 %, payment growth 1/3/5/8 %, and clubs — net paid clubs
	// ≥ 0 (D), ≥ +1 (S), club growth ≥ 3 % (P), ≥ 5 % (Smedley).
	districtTiersClassic = []districtTierRule{
		{TierDistinguished, 1, -1, 40, 0, true},
		{TierSelect, 3, -1, 45, 1, true},
		{TierPresidents, 5, 3, 50, 0, false},
		{TierSmedley, 8, 5, 55, 0, false},
	}
)

// districtPrerequisites returns the summary's Y/N prerequisites a
// district must meet in program year py before any Distinguished District
// tier counts (spec §3.6, §2.1): DSP and Training before 2025-26 (and for
// a year that cannot be read, like eraOf); in 2025-26 also Market Analysis,
// Communication Plan and Region Advisor Visit; from 2026-27 the Region
// Advisor Visit is retired (the summary no longer has its column).
func districtPrerequisites(py string) []string {
	if eraOf(py) == eraClassic {
		return []string{"DSP", "Training"}
	}
	prereqs := []string{"DSP", "Training", "Market Analysis", "Communication Plan", "Region Advisor Visit"}
	if y, ok := programYearStart(py); ok && y >= 2026 {
		prereqs = prereqs[:4]
	}
	return prereqs
}

// growthCriterion measures actual against base growing by pct percent.
func growthCriterion(name, unit string, pct, actual, base int) Criterion {
	c := Criterion{Name: name, Unit: unit, Threshold: float64(pct)}
	if base <= 0 {
		c.Reason = "no base to measure growth against"
		return c
	}
	c.Known = true
	c.Actual = round(float64(actual-base)/float64(base)*100, 2)
	c.Met = (actual-base)*100 >= pct*base
	c.Needed = max(0, base+ceilPct(pct, base)-actual)
	return c
}

// DistinguishedPercent is the one distinguished-club percentage of a
// district (snapshot.SummaryRow.DistinguishedPercent: the dashboard's own
// "% Distinguished Clubs"); ok is false without a summary row.
func DistinguishedPercent(s *snapshot.SummaryRow) (pct float64, ok bool) {
	if s == nil {
		return 0, false
	}
	return s.DistinguishedPercent(), true
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
	}
	prereqs := districtPrerequisites(r.ProgramYear)
	distKnown := false
	switch {
	case d.Summary != nil:
		s := d.Summary
		r.PaymentBase, r.Payments, r.PaidClubBase, r.PaidClubs = s.PaymentBase, s.TotalYTDPayments, s.PaidClubBase, s.PaidClubs
		r.DistinguishedClubs = s.TotalDistinguishedClubs
		r.DistinguishedPercent, distKnown = DistinguishedPercent(s)
		flags := map[string]*bool{"DSP": s.DSP, "Training": s.Training, "Market Analysis": s.MarketAnalysis,
			"Communication Plan": s.CommunicationPlan, "Region Advisor Visit": s.RegionAdvisorVisit}
		for _, name := range prereqs {
			if v := flags[name]; v != nil {
				r.Prerequisites = append(r.Prerequisites, Prerequisite{Name: name, Met: *v})
			} else {
				r.Notes = append(r.Notes, fmt.Sprintf("Prerequisite %s is not in the summary report: it cannot be checked.", name))
			}
		}
	case p.Ranking != nil:
		k := p.Ranking
		r.PaymentBase, r.Payments, r.PaidClubBase, r.PaidClubs = k.PaymentBase, k.TotalPayments, k.PaidClubBase, k.PaidClubs
		r.DistinguishedClubs = k.DistinguishedClubs
		r.DistinguishedPercent, distKnown = k.DistinguishedPercent, true
		r.Notes = append(r.Notes, "No summary row: figures from the ranking row (the same summary columns); prerequisites unknown, so no tier is met.")
	default:
		r.Payments = paymentTotal(d)
		if d.Membership.Payments.Base != nil {
			r.PaymentBase = *d.Membership.Payments.Base
		}
		r.Notes = append(r.Notes, "No summary row or ranking: club growth, the distinguished share and prerequisites are unknown, so no tier is met.")
	}
	if distKnown && r.DistinguishedClubs == 0 && recognitionOn(p.Date) != RecognitionConfirmed {
		r.Notes = append(r.Notes, "The summary reports no distinguished clubs before April (spec §2.1): the distinguished criterion cannot be met yet.")
	}
	r.PrerequisitesMet = len(r.Prerequisites) == len(prereqs)
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
		if distKnown {
			dc.Known = true
			dc.Actual = round(r.DistinguishedPercent, 2)
			dc.Met = dc.Actual >= float64(t.distPct)
			if !dc.Met {
				// Clubs still to become distinguished, against the paid clubs
				// the dashboard's percentage is measured on (at least 1).
				dc.Needed = max(1, ceilPct(t.distPct, r.PaidClubs)-r.DistinguishedClubs)
			}
		} else {
			dc.Reason = "no summary row: the dashboard's % Distinguished Clubs is unknown"
		}
		tier.Criteria = append(tier.Criteria, dc)
		if t.netKnown {
			nc := Criterion{Name: "netClubs", Unit: "paid clubs", Threshold: float64(t.net)}
			if r.PaidClubBase > 0 {
				nc.Known = true
				nc.Actual = float64(r.PaidClubs - r.PaidClubBase)
				nc.Met = r.PaidClubs-r.PaidClubBase >= t.net
				nc.Needed = max(0, r.PaidClubBase+t.net-r.PaidClubs)
			} else {
				nc.Reason = "no paid club base"
			}
			tier.Criteria = append(tier.Criteria, nc)
		}
		// Every criterion counts (spec §3.6): one unknown or unmet
		// criterion, or a prerequisite not met, and the tier is not earned.
		tier.Met = r.PrerequisitesMet
		for _, c := range tier.Criteria {
			if !c.Known || !c.Met {
				tier.Met = false
			}
		}
		if tier.Met {
			r.Level = t.name
		}
		r.Tiers = append(r.Tiers, tier)
	}
	return r
}
