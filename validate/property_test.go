package validate

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/toaststats/toaststats/snapshot"
)

// clubSpec is one generated club.
type clubSpec struct {
	Status  int // index into statuses
	Base    int
	Members int
	Goals   int
	Awards  int
	Paid    int
}

var (
	statuses = []string{snapshot.ClubActive, snapshot.ClubLow, snapshot.ClubIneligible, snapshot.ClubSuspended}
)

var genClub = gen.Struct(reflect.TypeFor[clubSpec](), map[string]gopter.Gen{
	"Status":  gen.IntRange(0, 3),
	"Base":    gen.IntRange(0, 60),
	"Members": gen.IntRange(0, 60),
	"Goals":   gen.IntRange(0, 10),
	"Awards":  gen.IntRange(0, 20),
	"Paid":    gen.IntRange(0, 120),
})

// genDistrictClubs generates the clubs of 1 to 4 districts.
var genDistrictClubs = gen.SliceOfN(4, gen.SliceOf(genClub))

// consistentDistrict builds a district in which every rule holds from the
// generated clubs, and its summary row.
func consistentDistrict(id, asOf string, specs []clubSpec) (snapshot.District, snapshot.SummaryRow) {
	d := snapshot.District{DistrictID: id, AsOfDate: asOf, DataMonth: asOf[:7], Region: "03", ClubDetails: []snapshot.Club{}}
	row := snapshot.SummaryRow{Region: "03", DistrictID: id}
	for i, s := range specs {
		status := statuses[s.Status]
		members := s.Members
		if status == snapshot.ClubSuspended || status == snapshot.ClubIneligible {
			members = 0 // as the dashboard prints them
		}
		c := snapshot.Club{
			ClubID: fmt.Sprintf("%08d", 1000+i), ClubName: "Club " + strconv.Itoa(i), DivisionID: "A", AreaID: "01",
			Status: status, MembershipBase: s.Base, ActiveMembers: members, NetGrowth: members - s.Base,
			GoalsMet: s.Goals, DCPGoals: goals(s.Goals),
			Payments: &snapshot.ClubPayments{New: s.Paid / 4, OctRenewals: s.Paid / 2, AprRenewals: s.Paid - s.Paid/4 - s.Paid/2},
		}
		// The dashboard's letter is the one the rules give (snapshot.ClubLevelOf).
		level := snapshot.ClubLevelOf(&c, snapshot.ProgramYearOf(d.DataMonth))
		c.DistinguishedStatus, c.DistinguishedLevel = level, level
		d.ClubDetails = append(d.ClubDetails, c)

		d.Clubs.Total++
		switch status {
		case snapshot.ClubActive:
			d.Clubs.Active++
		case snapshot.ClubLow:
			d.Clubs.Low++
		case snapshot.ClubIneligible:
			d.Clubs.Ineligible++
		case snapshot.ClubSuspended:
			d.Clubs.Suspended++
		}
		switch level {
		case snapshot.LevelDistinguished:
			d.Clubs.DistinguishedOnly++
		case snapshot.LevelSelect:
			d.Clubs.Select++
		case snapshot.LevelPresidents:
			d.Clubs.Presidents++
		case snapshot.LevelSmedley:
			d.Clubs.Smedley++
		}
		if level != "" {
			d.Clubs.Distinguished++
		}
		d.Membership.Total += members
		d.Membership.Base += s.Base
		d.Membership.ByClub = append(d.Membership.ByClub, snapshot.ClubMembership{ClubID: c.ClubID, ClubName: c.ClubName, MemberCount: members})
		p := &d.Membership.Payments
		p.New += c.Payments.New
		p.October += c.Payments.OctRenewals
		p.April += c.Payments.AprRenewals
		p.Total += s.Paid
		d.Education.TotalAwards += s.Awards
		if s.Awards > 0 {
			d.Education.ByType = append(d.Education.ByType, snapshot.AwardCount{Type: "Level 1s", Count: s.Awards})
		}
		if i < 3 {
			d.Education.TopClubs = append(d.Education.TopClubs, snapshot.ClubAwards{ClubID: c.ClubID, Awards: s.Awards})
		}
	}
	m := &d.Membership
	m.Change = m.Total - m.Base
	if m.Base != 0 {
		m.ChangePercent = math.Round(float64(m.Change)/float64(m.Base)*10000) / 100
	}
	p := m.Payments
	row.NewPayments, row.OctoberPayments, row.AprilPayments, row.TotalYTDPayments = p.New, p.October, p.April, p.Total
	for _, r := range []string{"club-performance.csv", "division-performance.csv", "district-performance.csv"} {
		src := snapshot.ReportSource{Report: r, AsOfDate: asOf, DataMonth: d.DataMonth, Clubs: d.Clubs.Total, Members: m.Total, Payments: -1}
		if r == "district-performance.csv" {
			src.Members, src.Payments = -1, p.Total
		}
		d.Sources = append(d.Sources, src)
	}
	row.ActiveClubs = d.Clubs.Total - d.Clubs.Suspended
	row.PaidClubs = d.Clubs.Active
	// Pre-April the summary reports no distinguished clubs; later the
	// official count never exceeds the clubs in good standing.
	row.TotalDistinguishedClubs = min(d.Clubs.Distinguished, row.ActiveClubs)
	return d, row
}

// consistentInput builds an input of up to four consistent districts.
func consistentInput(clubs [][]clubSpec) Input {
	in := Input{DataAsOfDate: "2026-03-10", CollectionDate: "2026-03-11", Now: time.Date(2026, 3, 11, 8, 0, 0, 0, time.UTC)}
	ids := []string{"09", "61", "118", "F"}
	for i, specs := range clubs {
		d, row := consistentDistrict(ids[i], in.DataAsOfDate, specs)
		// A district with active clubs but no members at all draws the
		// CLUBS_WITHOUT_MEMBERSHIP warning; leave such a district out.
		if d.Clubs.Active > 0 && d.Membership.Total == 0 {
			continue
		}
		in.Districts = append(in.Districts, d)
		in.Summary = append(in.Summary, row)
	}
	// A summary-only district, as for every district not configured.
	in.Summary = append(in.Summary, snapshot.SummaryRow{Region: "14", DistrictID: "U"})
	return in
}

func TestValidateProperties(t *testing.T) {
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 150
	params.MaxSize = 30
	props := gopter.NewProperties(params)

	props.Property("a consistent generated snapshot yields no findings", prop.ForAll(
		func(clubs [][]clubSpec) bool {
			got := Validate(consistentInput(clubs))
			if len(got) != 0 {
				t.Logf("findings: %+v", got)
			}
			return len(got) == 0 && !HasErrors(got)
		},
		genDistrictClubs,
	))

	props.Property("a wrong club total is always a CLUB_STATUS_SUM error", prop.ForAll(
		func(clubs [][]clubSpec, delta int) bool {
			in := consistentInput(clubs)
			if len(in.Districts) == 0 || delta == 0 {
				return true
			}
			in.Districts[0].Clubs.Total += delta
			got := Validate(in)
			return HasErrors(got) && slices.ContainsFunc(got, func(x snapshot.Finding) bool {
				return x.Code == CodeClubStatusSum && x.DistrictID == in.Districts[0].DistrictID && x.Severity == snapshot.SeverityError
			})
		},
		genDistrictClubs, gen.IntRange(-3, 3),
	))

	props.Property("findings do not depend on the order of districts", prop.ForAll(
		func(clubs [][]clubSpec, bump int) bool {
			in := consistentInput(clubs)
			for i := range in.Districts {
				in.Districts[i].Clubs.Low += bump // make every district draw findings
			}
			a := Validate(in)
			slices.Reverse(in.Districts)
			slices.Reverse(in.Summary)
			return reflect.DeepEqual(a, Validate(in))
		},
		genDistrictClubs, gen.IntRange(0, 2),
	))

	props.TestingRun(t)
}

// BenchmarkValidateWorld validates a world-sized snapshot: 128 districts of
// 110 clubs (about 14,000 clubs) with their summary rows and sources.
func BenchmarkValidateWorld(b *testing.B) {
	in := Input{DataAsOfDate: "2026-03-10", CollectionDate: "2026-03-11", Now: time.Date(2026, 3, 11, 8, 0, 0, 0, time.UTC)}
	for i := range 128 {
		specs := make([]clubSpec, 110)
		for j := range specs {
			specs[j] = clubSpec{Status: (i + j) % 4, Base: 10 + j%30, Members: 8 + (i*j)%40, Goals: j % 11, Awards: j % 7, Paid: 20 + j%50}
		}
		d, row := consistentDistrict(strconv.Itoa(i+1), in.DataAsOfDate, specs)
		in.Districts = append(in.Districts, d)
		in.Summary = append(in.Summary, row)
	}
	b.ReportAllocs()
	for b.Loop() {
		if f := Validate(in); len(f) != 0 {
			b.Fatalf("findings: %v", f[0])
		}
	}
}
