package analytics

import (
	"fmt"

	"github.com/toaststats/toaststats/snapshot"
)

// The fixture: district 61 on five logical dates around the 2025 program-year
// boundary — 2025-06-28 (PY 2024-25, classic rules), 2025-06-30 (June's
// month-end close, collected 2025-07-12), 2025-07-05 (PY 2025-26, counters
// restarted, CSP column present), 2025-07-31 (July's close, collected
// 2025-08-06) and 2025-08-15 — plus 2024-08-15 for year-over-year.
//
// Nine clubs in divisions A and B; both divisions have an area "01", so an
// analysis that keys areas by area number alone merges them.

type clubSeed struct {
	id, name, div, area string
	base24              int     // Mem. Base of PY 2024-25
	growth              float64 // members gained per month
	newRate             float64 // new members per month
	goalRate            float64 // other goals per month
	csp                 bool
}

var fixtureSeeds = []clubSeed{
	{"00000101", "Alpha Speakers", "A", "01", 24, 0.4, 1.2, 1.0, true},
	{"00000102", "Bravo Orators", "A", "01", 18, 0.1, 0.8, 0.7, true},
	{"00000103", "Charlie Club", "A", "02", 30, 0.2, 0.6, 1.1, true},
	{"00000104", "Delta =HYPERLINK(\"x\")", "A", "02", 21, 0.0, 0.3, 0.6, false},
	{"00000105", "Echo Toastmasters", "A", "02", 13, -0.2, 0.2, 0.3, true},
	{"00000106", "Foxtrot Talkers", "B", "01", 8, -0.1, 0.1, 0.2, true},
	{"00000107", "Golf Gavel Club", "B", "01", 16, -0.3, 0.3, 0.5, true},
	{"00000108", "Hotel Communicators", "B", "02", 22, 0.5, 1.5, 0.9, true},
}

// charterSeed is chartered on 2025-08-10 and appears on 2025-08-15.
var charterSeed = clubSeed{"00000109", "India New Club", "B", "02", 0, 0, 0, 0, true}

// goalOrder is the order in which the fixture's clubs meet the eight goals
// that are not about new members (1-based goal numbers).
var goalOrder = []int{9, 10, 1, 2, 4, 5, 3, 6}

type fixtureDate struct {
	date, asOf, dataMonth string
	closing               bool
}

var fixtureDates = []fixtureDate{
	{"2025-06-28", "2025-06-28", "2025-06", false},
	{"2025-06-30", "2025-07-12", "2025-06", true},
	{"2025-07-05", "2025-07-05", "2025-07", false},
	{"2025-07-31", "2025-08-06", "2025-07", true},
	{"2025-08-15", "2025-08-15", "2025-08", false},
}

var fixturePrevYear = fixtureDate{"2024-08-15", "2024-08-15", "2024-08", false}

func boolp(b bool) *bool { return &b }
func intp(i int) *int    { return &i }

// fixtureClub is a club's record on a date, t days into the program year.
func fixtureClub(s clubSeed, fd fixtureDate) snapshot.Club {
	py := programYearOf(fd.dataMonth)
	start, _ := dayNumber(programYearBounds(py).StartDate)
	now, _ := dayNumber(fd.date)
	t := now - start
	months := float64(t) / 30.4
	// Mem. Base of 2025-26 is the membership at the end of 2024-25.
	base := max(0, s.base24+int(s.growth*364/30.4))
	if py == "2024-2025" {
		base = s.base24
	}
	n := int(s.newRate * months)
	members := max(0, base+int(s.growth*months))
	others := min(8, int(s.goalRate*months))
	c := snapshot.Club{
		ClubID: s.id, ClubName: s.name, DivisionID: s.div, AreaID: s.area, Status: snapshot.ClubActive,
		MembershipBase: base, ActiveMembers: members, NetGrowth: members - base,
	}
	if py != "2024-2025" {
		c.CSP = boolp(s.csp)
	}
	g := &c.Goals
	g.NewMembers = min(4, n)
	g.AddNewMembers = n - g.NewMembers
	for _, goal := range goalOrder[:others] {
		switch goal {
		case 1:
			g.Level1s = 4 + t%3
		case 2:
			g.Level2s = 2
		case 3:
			g.AddLevel2s = 2
		case 4:
			g.Level3s = 2
		case 5:
			g.Level4s = 1
		case 6:
			g.AddLevel4s = 1
		case 9:
			g.OfficersRound1, g.OfficersRound2 = 4, 4
		case 10:
			g.OfficerListOnTime, g.DuesOnTimeOct = 1, 1
		}
	}
	if others < 3 && t > 20 {
		g.Level1s = 2 // some awards that do not yet meet goal 1
	}
	c.DCPGoals = computeGoals(*g)
	c.GoalsMet = c.GoalsComputed()
	if members < 12 {
		c.Status = snapshot.ClubLow
	}
	p := &snapshot.ClubPayments{New: n}
	if t >= 92 {
		p.OctRenewals = base * 9 / 10
	}
	if t >= 274 {
		p.AprRenewals = members * 8 / 10
	}
	if t >= 20 {
		p.LateRenewals = 1
	}
	p.TotalRenewals = p.OctRenewals + p.AprRenewals + p.LateRenewals
	p.TotalToDate = p.New + p.TotalRenewals + p.Charter
	c.Payments = p
	novVisit, mayVisit := t >= 150, t >= 330
	c.NovVisit, c.MayVisit = boolp(novVisit), boolp(mayVisit)
	// Story events.
	switch {
	case s.id == "00000105" && fd.date >= "2025-07-31":
		c.Status = snapshot.ClubSuspended
		c.ActiveMembers, c.NetGrowth, c.GoalsMet = 0, -base, 0
		c.Goals = snapshot.GoalCounts{}
		c.DCPGoals = [10]bool{}
		c.Payments = &snapshot.ClubPayments{}
		c.SuspendDate = "2025-07-28"
	case s.id == "00000107" && fd.date >= "2025-07-31":
		c.Status = snapshot.ClubLow
	case s.id == "00000108" && fd.date >= "2025-08-15":
		// A recruiting drive: three members joined in August.
		c.ActiveMembers += 3
		c.NetGrowth += 3
	case s.id == "00000102" && fd.date >= "2025-07-31":
		c.ActiveMembers -= 2 // two members left in July
		c.NetGrowth -= 2
	case s.id == "00000109":
		c.CharterDate = "2025-08-10"
		c.Status = snapshot.ClubActive
		c.ActiveMembers, c.NetGrowth = 21, 21
		c.Goals.NewMembers, c.Goals.AddNewMembers = 0, 0
		c.Payments = &snapshot.ClubPayments{Charter: 21, TotalToDate: 21}
	}
	c.DistinguishedLevel = levelOf(&c, py)
	c.DistinguishedStatus = c.DistinguishedLevel
	return c
}

var levelWords = map[string]string{"": "", "D": "Distinguished", "S": "Select Distinguished", "P": "President's Distinguished"}

func fixtureStanding(clubs []*snapshot.Club, area bool) snapshot.Standing {
	st := snapshot.Standing{}
	for _, c := range clubs {
		if c.MembershipBase > 0 {
			st.ClubBase++
		}
		if c.Status == snapshot.ClubActive {
			st.PaidClubs++
			if snapshot.LevelRank(c.DistinguishedStatus) > 0 {
				st.DistinguishedClubs++
			}
		}
	}
	st.PaidGoals, st.DistinguishedGoals, _ = unitGoals(&snapshot.Standing{ClubBase: st.ClubBase}, area)
	for _, t := range []struct {
		l       string
		p, dist int
	}{{"D", st.PaidGoals.Distinguished, st.DistinguishedGoals.Distinguished},
		{"S", st.PaidGoals.Select, st.DistinguishedGoals.Select},
		{"P", st.PaidGoals.Presidents, st.DistinguishedGoals.Presidents}} {
		if st.PaidClubs >= t.p && st.DistinguishedClubs >= t.dist {
			st.Level = t.l
		}
	}
	st.ReportedStatus = levelWords[st.Level]
	return st
}

// fixtureDistrict assembles the district on one date, as normalize would.
func fixtureDistrict(fd fixtureDate) *snapshot.District {
	d := &snapshot.District{DistrictID: "61", AsOfDate: fd.asOf, DataMonth: fd.dataMonth,
		ProgramYear: programYearOf(fd.dataMonth), IsClosingPeriod: boolp(fd.closing), Region: "01"}
	seeds := append([]clubSeed{}, fixtureSeeds...)
	if fd.date >= "2025-08-15" {
		seeds = append(seeds, charterSeed)
	}
	for _, s := range seeds {
		d.ClubDetails = append(d.ClubDetails, fixtureClub(s, fd))
	}
	m := &d.Membership
	for i := range d.ClubDetails {
		c := &d.ClubDetails[i]
		m.Total += c.ActiveMembers
		m.Base += c.MembershipBase
		m.ByClub = append(m.ByClub, snapshot.ClubMembership{ClubID: c.ClubID, ClubName: c.ClubName, MemberCount: c.ActiveMembers})
		p := c.Payments
		m.Payments.New += p.New
		m.Payments.October += p.OctRenewals
		m.Payments.April += p.AprRenewals
		m.Payments.Late += p.LateRenewals
		m.Payments.Charter += p.Charter
		m.Payments.Total += p.TotalToDate
		d.Clubs.Total++
		switch c.Status {
		case snapshot.ClubActive:
			d.Clubs.Active++
		case snapshot.ClubLow:
			d.Clubs.Low++
		case snapshot.ClubSuspended:
			d.Clubs.Suspended++
		}
		switch c.DistinguishedStatus {
		case "D":
			d.Clubs.DistinguishedOnly++
		case "S":
			d.Clubs.Select++
		case "P":
			d.Clubs.Presidents++
		case "M":
			d.Clubs.Smedley++
		}
		d.Education.TotalAwards += clubAwardCount(c.Goals)
	}
	m.Change = m.Total - m.Base
	d.Clubs.Distinguished = d.Clubs.DistinguishedOnly + d.Clubs.Select + d.Clubs.Presidents + d.Clubs.Smedley
	d.Education.ByType = awardsByType(d)
	d.Education.TopClubs = topAwardClubs(d)
	// Divisions and areas.
	for _, div := range []string{"A", "B"} {
		var divClubs []*snapshot.Club
		dv := snapshot.Division{DivisionID: div}
		for _, area := range []string{"01", "02"} {
			var areaClubs []*snapshot.Club
			a := snapshot.Area{AreaID: area, DivisionID: div}
			for i := range d.ClubDetails {
				c := &d.ClubDetails[i]
				if c.DivisionID == div && c.AreaID == area {
					areaClubs = append(areaClubs, c)
					a.ClubIDs = append(a.ClubIDs, c.ClubID)
					if *c.NovVisit {
						a.NovVisits++
					}
					if *c.MayVisit {
						a.MayVisits++
					}
				}
			}
			a.Standing = fixtureStanding(areaClubs, true)
			divClubs = append(divClubs, areaClubs...)
			dv.Areas = append(dv.Areas, a)
		}
		dv.Standing = fixtureStanding(divClubs, false)
		d.Divisions = append(d.Divisions, dv)
	}
	// Summary row: distinguished counts stay 0 before April (spec §2.1).
	_, month, _ := parseYM(fd.date)
	s := &snapshot.SummaryRow{Region: "01", DistrictID: "61", DSP: boolp(true), Training: boolp(true),
		NewPayments: m.Payments.New, OctoberPayments: m.Payments.October, AprilPayments: m.Payments.April,
		LatePayments: m.Payments.Late, CharterPayments: m.Payments.Charter, TotalYTDPayments: m.Payments.Total,
		PaymentBase: 300, PaidClubBase: 8, PaidClubs: d.Clubs.Active, ActiveClubs: d.Clubs.Active + d.Clubs.Low}
	if d.ProgramYear == "2025-2026" {
		s.MarketAnalysis, s.CommunicationPlan, s.RegionAdvisorVisit = boolp(true), boolp(fd.date >= "2025-07-31"), boolp(true)
	}
	if month >= 4 && month <= 6 {
		s.DistinguishedClubs = d.Clubs.DistinguishedOnly
		s.SelectDistinguishedClubs = d.Clubs.Select
		s.PresidentsDistinguishedClubs = d.Clubs.Presidents
		s.TotalDistinguishedClubs = d.Clubs.Distinguished
		if s.PaidClubs > 0 {
			// The report prints its own share, to 2 decimals.
			s.DistinguishedClubsPercent = round(float64(s.TotalDistinguishedClubs)/float64(s.PaidClubs)*100, 2)
		}
	}
	d.Summary = s
	m.Payments.Base = intp(300)
	return d
}

func fixturePoint(fd fixtureDate, rank int) Point {
	d := fixtureDistrict(fd)
	return Point{
		Date: fd.date,
		Metadata: snapshot.Metadata{SnapshotID: fd.date, Status: snapshot.StatusSuccess, DataAsOfDate: fd.asOf,
			IsClosingPeriodData: boolp(fd.closing), LogicalDate: fd.date, DataMonth: fd.dataMonth, ProgramYear: d.ProgramYear},
		District: d,
		Ranking: &snapshot.DistrictRanking{DistrictID: "61", DistrictName: "District 61", Region: "01",
			PaidClubs: d.Summary.PaidClubs, PaidClubBase: 8, TotalPayments: d.Summary.TotalYTDPayments, PaymentBase: 300,
			ClubsRank: rank, PaymentsRank: rank + 3, DistinguishedRank: rank + 1, AggregateScore: 384 - 3*rank - 4,
			OverallRank: rank, RegionRank: 1 + rank/10},
		TotalDistricts: 128,
	}
}

// fixtureSeries returns the five points of the fixture, in date order.
func fixtureSeries() []Point {
	out := make([]Point, len(fixtureDates))
	for i, fd := range fixtureDates {
		out[i] = fixturePoint(fd, 20-2*i)
	}
	return out
}

func fixturePrevious() *Point {
	p := fixturePoint(fixturePrevYear, 30)
	return &p
}

// bigSeries is n daily points of one district with clubs clubs, for
// benchmarks.
func bigSeries(n, clubs int) []Point {
	seeds := make([]clubSeed, clubs)
	for i := range seeds {
		s := fixtureSeeds[i%len(fixtureSeeds)]
		s.id = fmt.Sprintf("%08d", 1000+i)
		s.div = string(rune('A' + i/30))
		s.area = fmt.Sprintf("%02d", 1+(i/6)%5)
		seeds[i] = s
	}
	start, _ := dayNumber("2025-07-01")
	out := make([]Point, 0, n)
	for k := 0; k < n; k++ {
		date := dateOfDay(start + k)
		fd := fixtureDate{date, date, date[:7], false}
		d := &snapshot.District{DistrictID: "61", AsOfDate: date, DataMonth: date[:7], ProgramYear: programYearOf(date)}
		for _, s := range seeds {
			d.ClubDetails = append(d.ClubDetails, fixtureClub(s, fd))
		}
		for i := range d.ClubDetails {
			d.Membership.Total += d.ClubDetails[i].ActiveMembers
		}
		out = append(out, Point{Date: date, District: d,
			Ranking: &snapshot.DistrictRanking{DistrictID: "61", OverallRank: 1 + k%50}, TotalDistricts: 128})
	}
	return out
}

// dateOfDay inverts dayNumber.
func dateOfDay(n int) string {
	// Civil-from-days for the day numbering of dayNumber (March-based years).
	y := (10000*n + 14780) / 3652425
	ddd := n - (365*y + y/4 - y/100 + y/400)
	if ddd < 0 {
		y--
		ddd = n - (365*y + y/4 - y/100 + y/400)
	}
	mi := (100*ddd + 52) / 3060
	mm := (mi+2)%12 + 1
	y += (mi + 2) / 12
	dd := ddd - (mi*306+5)/10 + 1
	return fmt.Sprintf("%04d-%02d-%02d", y, mm, dd)
}
