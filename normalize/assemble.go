package normalize

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/toaststats/toaststats/snapshot"
)

// ErrNoReports: Assemble was given none of the three per-district reports.
var ErrNoReports = errors.New("no per-district report to assemble")

// TopClubsCount is the number of clubs listed in Education.TopClubs.
const TopClubsCount = 10

// sameDistrict compares district ids as printed ("02" and "2" are the same
// district, "f" and "F" too).
func sameDistrict(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if strings.EqualFold(a, b) {
		return true
	}
	x, err1 := strconv.Atoi(a)
	y, err2 := strconv.Atoi(b)
	return err1 == nil && err2 == nil && x == y
}

// checkDistrict checks the district ids of n rows (id(i) is row i's).
func checkDistrict(kind ReportKind, districtID string, n int, id func(int) string) error {
	for i := range n {
		if id := id(i); id != "" && !sameDistrict(id, districtID) {
			return reportErr(kind, kind.FileName(), ErrWrongDistrict, "rows of district %q, assembling district %q", id, districtID)
		}
	}
	return nil
}

// Assemble merges the reports of one district into the model. Any of club,
// division and district may be nil (at least one must be given); summary is
// the district's row of the all-districts summary, or nil. It computes
// membership (members from the club report, payments from the district
// report or else the summary row), club counts by status and by reported
// letter, education awards, divisions and areas with standing (from the
// division report), the club details in report order, and Sources for
// cross-report checks. The warnings are Assemble's own (cross-report
// disagreements); each report carries its own reading warnings. Errors:
// ErrNoReports, or a *ReportError wrapping ErrWrongDistrict when a report
// belongs to another district.
func Assemble(districtID string, club *ClubReport, division *DivisionReport, district *DistrictReport, summary *snapshot.SummaryRow) (*snapshot.District, []string, error) {
	return assemble(districtID, club, division, district, summary, false)
}

// AssembleOwning is Assemble for a caller that is done with the reports:
// the district's ClubDetails are club.Clubs itself rather than a copy, and
// are completed in place, so the club report must not be used afterwards.
// (The Builder saves a copy of every club: ~5 MB for the world.)
func AssembleOwning(districtID string, club *ClubReport, division *DivisionReport, district *DistrictReport, summary *snapshot.SummaryRow) (*snapshot.District, []string, error) {
	return assemble(districtID, club, division, district, summary, true)
}

// assemble is Assemble; with own it takes club.Clubs (AssembleOwning).
func assemble(districtID string, club *ClubReport, division *DivisionReport, district *DistrictReport, summary *snapshot.SummaryRow, own bool) (*snapshot.District, []string, error) {
	districtID = strings.TrimSpace(districtID)
	if districtID == "" {
		return nil, nil, fmt.Errorf("assemble: empty district id")
	}
	if club == nil && division == nil && district == nil {
		return nil, nil, fmt.Errorf("assemble district %s: %w", districtID, ErrNoReports)
	}
	if summary != nil && !sameDistrict(summary.DistrictID, districtID) {
		return nil, nil, reportErr(ReportSummary, ReportSummary.FileName(), ErrWrongDistrict, "summary row of district %q, assembling district %q", summary.DistrictID, districtID)
	}
	var err error
	if club != nil {
		if err = checkDistrict(ReportClub, districtID, 1, func(int) string { return club.DistrictID }); err != nil {
			return nil, nil, err
		}
	}
	if division != nil {
		if err = checkDistrict(ReportDivision, districtID, len(division.Clubs), func(i int) string { return division.Clubs[i].DistrictID }); err != nil {
			return nil, nil, err
		}
	}
	if district != nil {
		if err = checkDistrict(ReportDistrict, districtID, len(district.Clubs), func(i int) string { return district.Clubs[i].DistrictID }); err != nil {
			return nil, nil, err
		}
	}

	var warnings []string
	d := &snapshot.District{DistrictID: districtID, Divisions: []snapshot.Division{}, ClubDetails: []snapshot.Club{}}

	// Dates from the footers: the club report's first, then the others.
	type footed struct {
		kind ReportKind
		f    Footer
	}
	var footers []footed
	if club != nil {
		footers = append(footers, footed{ReportClub, club.Footer})
	}
	if division != nil {
		footers = append(footers, footed{ReportDivision, division.Footer})
	}
	if district != nil {
		footers = append(footers, footed{ReportDistrict, district.Footer})
	}
	var main Footer
	var mainKind ReportKind
	for _, f := range footers {
		if !f.f.Found {
			continue
		}
		if !main.Found {
			main, mainKind = f.f, f.kind
			continue
		}
		if f.f != main {
			warnings = append(warnings, fmt.Sprintf("district %s: %s footer %q differs from %s footer %q", districtID, f.kind.FileName(), f.f.String(), mainKind.FileName(), main.String()))
		}
	}
	if main.Found {
		d.AsOfDate = main.AsOfDate
		d.DataMonth = main.DataMonth
		d.ProgramYear = main.ProgramYear()
		if club != nil && club.Footer.Found && club.ProgramYear != club.Footer.ProgramYear() {
			// The club report's footer contradicts its header's era (its
			// warning says so) and its levels follow the era's year: the
			// district carries that year, so that validate and analytics
			// judge the levels by the rules normalize applied.
			d.ProgramYear = club.ProgramYear
		}
		if closing, known := main.IsClosingPeriod(); known {
			d.IsClosingPeriod = &closing
		}
	} else {
		warnings = append(warnings, fmt.Sprintf("district %s: no report has a footer; the as-of date and closing period are unknown", districtID))
	}
	if summary != nil {
		row := *summary
		d.Summary = &row
		d.Region = summary.Region
	}

	// The clubs: the club report's, else the division's, else the district's.
	var base ReportKind
	switch {
	case club != nil:
		base = ReportClub
		if own && club.Clubs != nil {
			d.ClubDetails = club.Clubs
		} else {
			d.ClubDetails = make([]snapshot.Club, len(club.Clubs))
			copy(d.ClubDetails, club.Clubs)
		}
	case division != nil:
		base = ReportDivision
		for _, r := range division.Clubs {
			c := snapshot.Club{ClubID: r.ClubID, ClubName: r.ClubName, DivisionID: r.DivisionID, AreaID: r.AreaID, DistinguishedStatus: r.DistinguishedClub}
			if r.MembershipToDate >= 0 {
				c.ActiveMembers = r.MembershipToDate
			}
			if r.GoalsMet >= 0 {
				c.GoalsMet = r.GoalsMet
			}
			d.ClubDetails = append(d.ClubDetails, c)
		}
		warnings = append(warnings, fmt.Sprintf("district %s: no club-performance report; club status, goals and levels are unknown", districtID))
	default:
		base = ReportDistrict
		for _, r := range district.Clubs {
			d.ClubDetails = append(d.ClubDetails, snapshot.Club{ClubID: r.ClubID, ClubName: r.ClubName, DivisionID: r.DivisionID, AreaID: r.AreaID, DistinguishedStatus: r.DistinguishedStatus})
		}
		warnings = append(warnings, fmt.Sprintf("district %s: no club-performance report; club status, goals and levels are unknown", districtID))
	}
	index := make(map[string]int, len(d.ClubDetails))
	for i, c := range d.ClubDetails {
		index[c.ClubID] = i
	}
	source := func(kind ReportKind, f Footer, ids []string, members, payments int, dups []string) snapshot.ReportSource {
		s := snapshot.ReportSource{Report: kind.FileName(), AsOfDate: f.AsOfDate, DataMonth: f.DataMonth,
			Clubs: len(ids), Members: members, Payments: payments, Duplicates: dups}
		if kind != base {
			// seen[index[id]]: id is listed (index holds every club's id).
			seen := make([]bool, len(d.ClubDetails))
			for _, id := range ids {
				if j, ok := index[id]; ok {
					seen[j] = true
				} else {
					s.ExtraClubs = append(s.ExtraClubs, id)
				}
			}
			for _, c := range d.ClubDetails {
				if !seen[index[c.ClubID]] {
					s.MissingClubs = append(s.MissingClubs, c.ClubID)
				}
			}
			if len(s.MissingClubs) > 0 {
				warnings = append(warnings, summarise("district "+districtID+": "+kind.FileName(), "missing that "+base.FileName()+" lists", s.MissingClubs))
			}
			if len(s.ExtraClubs) > 0 {
				warnings = append(warnings, summarise("district "+districtID+": "+kind.FileName(), "not in "+base.FileName()+" (left out of clubDetails)", s.ExtraClubs))
			}
		}
		return s
	}

	if club != nil {
		ids := make([]string, len(club.Clubs))
		members := 0
		for i, c := range club.Clubs {
			ids[i] = c.ClubID
			members += c.ActiveMembers
		}
		d.Sources = append(d.Sources, source(ReportClub, club.Footer, ids, members, -1, club.Duplicates))
	}
	if division != nil {
		ids := make([]string, len(division.Clubs))
		members := 0
		visits := make([]bool, 2*len(division.Clubs)) // the clubs' NovVisit and MayVisit
		for i, r := range division.Clubs {
			ids[i] = r.ClubID
			if r.MembershipToDate < 0 {
				members = -1
			} else if members >= 0 {
				members += r.MembershipToDate
			}
			if j, ok := index[r.ClubID]; ok {
				c := &d.ClubDetails[j]
				c.NovVisit, c.MayVisit = copyBool(r.NovVisit, &visits[2*i]), copyBool(r.MayVisit, &visits[2*i+1])
				if c.CharterDate == "" {
					c.CharterDate = r.CharterDate
				}
				if c.SuspendDate == "" {
					c.SuspendDate = r.SuspendDate
				}
			}
		}
		d.Sources = append(d.Sources, source(ReportDivision, division.Footer, ids, members, -1, division.Duplicates))
	}
	var pay snapshot.Payments
	if district != nil {
		ids := make([]string, len(district.Clubs))
		pays := make([]snapshot.ClubPayments, len(district.Clubs))
		for i, r := range district.Clubs {
			ids[i] = r.ClubID
			p := &pays[i]
			*p = r.Payments
			pay.New += p.New
			pay.October += p.OctRenewals
			pay.April += p.AprRenewals
			pay.Late += p.LateRenewals
			pay.Charter += p.Charter
			pay.Total += p.TotalToDate
			if j, ok := index[r.ClubID]; ok {
				c := &d.ClubDetails[j]
				c.Payments = p
				if r.CharterDate != "" {
					c.CharterDate = r.CharterDate
				}
				if r.SuspendDate != "" {
					c.SuspendDate = r.SuspendDate
				}
			}
		}
		d.Sources = append(d.Sources, source(ReportDistrict, district.Footer, ids, -1, pay.Total, district.Duplicates))
	}
	if summary != nil {
		d.Sources = append(d.Sources, snapshot.ReportSource{Report: ReportSummary.FileName(), Clubs: summary.ActiveClubs, Members: -1, Payments: summary.TotalYTDPayments})
		b, g := summary.PaymentBase, summary.PaymentGrowthPercent
		if district == nil {
			pay = snapshot.Payments{New: summary.NewPayments, October: summary.OctoberPayments, April: summary.AprilPayments,
				Late: summary.LatePayments, Charter: summary.CharterPayments, Total: summary.TotalYTDPayments}
		} else if pay.Total != summary.TotalYTDPayments {
			warnings = append(warnings, fmt.Sprintf("district %s: district-performance payments total %d, the summary says %d", districtID, pay.Total, summary.TotalYTDPayments))
		}
		pay.Base, pay.GrowthPercent = &b, &g
	}

	// New-club credits need the charter dates merged above (spec §2.4).
	if club != nil {
		for i := range d.ClubDetails {
			ApplyNewClubRules(&d.ClubDetails[i], club.ProgramYear)
		}
	}

	// Membership and counts.
	m := &d.Membership
	m.Payments = pay
	m.ByClub = make([]snapshot.ClubMembership, 0, len(d.ClubDetails))
	cc := &d.Clubs
	for _, c := range d.ClubDetails {
		m.Total += c.ActiveMembers
		m.Base += c.MembershipBase
		m.ByClub = append(m.ByClub, snapshot.ClubMembership{ClubID: c.ClubID, ClubName: c.ClubName, MemberCount: c.ActiveMembers})
		cc.Total++
		switch c.Status {
		case snapshot.ClubActive:
			cc.Active++
		case snapshot.ClubLow:
			cc.Low++
		case snapshot.ClubIneligible:
			cc.Ineligible++
		case snapshot.ClubSuspended:
			cc.Suspended++
		}
		switch c.DistinguishedStatus {
		case snapshot.LevelDistinguished:
			cc.DistinguishedOnly++
		case snapshot.LevelSelect:
			cc.Select++
		case snapshot.LevelPresidents:
			cc.Presidents++
		case snapshot.LevelSmedley:
			cc.Smedley++
		}
	}
	cc.Distinguished = cc.DistinguishedOnly + cc.Select + cc.Presidents + cc.Smedley
	m.Change = m.Total - m.Base
	if m.Base > 0 {
		m.ChangePercent = snapshot.RoundPercent(float64(m.Change) / float64(m.Base) * 100)
	}

	// Education awards, from the club report.
	d.Education = education(club, d.ClubDetails)

	// Divisions and areas.
	if division != nil {
		d.Divisions = copyDivisions(division.Divisions)
	} else {
		d.Divisions = divisionsFromClubs(d.ClubDetails)
		warnings = append(warnings, fmt.Sprintf("district %s: no division-performance report; area and division standing are unknown", districtID))
	}
	return d, warnings, nil
}

// copyBool copies *b into *to and returns to (nil when b is).
func copyBool(b, to *bool) *bool {
	if b == nil {
		return nil
	}
	*to = *b
	return to
}

func education(club *ClubReport, clubs []snapshot.Club) snapshot.Education {
	e := snapshot.Education{ByType: []snapshot.AwardCount{}, TopClubs: []snapshot.ClubAwards{}}
	if club == nil {
		return e
	}
	var counts [6]int
	type ca struct {
		i, n int
	}
	per := make([]ca, 0, len(clubs))
	for i, c := range clubs {
		g := c.Goals
		v := [6]int{g.Level1s, g.Level2s, g.AddLevel2s, g.Level3s, g.Level4s, g.AddLevel4s}
		n := 0
		for k := range v {
			counts[k] += v[k]
			n += v[k]
		}
		if n > 0 {
			per = append(per, ca{i, n})
		}
	}
	for k, name := range club.AwardColumns {
		if name == "" {
			continue
		}
		e.ByType = append(e.ByType, snapshot.AwardCount{Type: name, Count: counts[k]})
		e.TotalAwards += counts[k]
	}
	sort.SliceStable(per, func(a, b int) bool { return per[a].n > per[b].n })
	if len(per) > TopClubsCount {
		per = per[:TopClubsCount]
	}
	for _, p := range per {
		e.TopClubs = append(e.TopClubs, snapshot.ClubAwards{ClubID: clubs[p.i].ClubID, ClubName: clubs[p.i].ClubName, Awards: p.n})
	}
	return e
}

func copyDivisions(in []snapshot.Division) []snapshot.Division {
	out := make([]snapshot.Division, len(in))
	for i, dv := range in {
		out[i] = dv
		if dv.Next != nil {
			n := *dv.Next
			out[i].Next = &n
		}
		out[i].Areas = make([]snapshot.Area, len(dv.Areas))
		for j, a := range dv.Areas {
			out[i].Areas[j] = a
			if a.Next != nil {
				n := *a.Next
				out[i].Areas[j].Next = &n
			}
			out[i].Areas[j].ClubIDs = append([]string(nil), a.ClubIDs...)
		}
	}
	return out
}

// divisionsFromClubs builds the division/area structure (club ids only, no
// standing) when there is no division report.
func divisionsFromClubs(clubs []snapshot.Club) []snapshot.Division {
	divs := []snapshot.Division{}
	di := map[string]int{}
	ai := map[[2]string]int{}
	for _, c := range clubs {
		i, ok := di[c.DivisionID]
		if !ok {
			i = len(divs)
			di[c.DivisionID] = i
			divs = append(divs, snapshot.Division{DivisionID: c.DivisionID})
		}
		key := [2]string{c.DivisionID, c.AreaID}
		j, ok := ai[key]
		if !ok {
			j = len(divs[i].Areas)
			ai[key] = j
			divs[i].Areas = append(divs[i].Areas, snapshot.Area{AreaID: c.AreaID, DivisionID: c.DivisionID})
		}
		a := &divs[i].Areas[j]
		a.ClubIDs = append(a.ClubIDs, c.ClubID)
		if c.NovVisit != nil && *c.NovVisit {
			a.NovVisits++
		}
		if c.MayVisit != nil && *c.MayVisit {
			a.MayVisits++
		}
	}
	return divs
}
