package analytics

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// SafeCell neutralises spreadsheet formula injection: a cell starting with
// = + - @ tab or carriage return gets a leading apostrophe, unless the whole
// cell is a plain number (such as "-3" or "-1.5"), which no spreadsheet reads
// as a formula.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if _, err := strconv.ParseFloat(s, 64); err == nil && s[0] == '-' && !strings.ContainsAny(s, "eEnN") {
			return s
		}
		return "'" + s
	}
	return s
}

// csvOut writes sanitised rows and remembers the first error.
type csvOut struct {
	w   *csv.Writer
	err error
}

func (o *csvOut) row(cells ...any) {
	if o.err != nil {
		return
	}
	rec := make([]string, len(cells))
	for i, c := range cells {
		var s string
		switch v := c.(type) {
		case string:
			s = v
		case int:
			s = strconv.Itoa(v)
		case float64:
			s = strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			s = strconv.FormatBool(v)
		default:
			s = fmt.Sprint(v)
		}
		rec[i] = SafeCell(s)
	}
	o.err = o.w.Write(rec)
}

func (o *csvOut) section(title string, header ...any) {
	o.row()
	o.row(title)
	o.row(header...)
}

func exportCSV(w io.Writer, points []Point) error {
	r, err := districtAnalytics(points, nil)
	if err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	o := &csvOut{w: csv.NewWriter(w)}
	o.row("District Analytics Export")
	o.row("District", r.DistrictID)
	o.row("Date Range", r.DateRange.Start, r.DateRange.End)

	o.section("Summary Statistics", "Metric", "Value")
	o.row("Total Membership", r.TotalMembership)
	if r.MembershipChange != nil {
		o.row("Membership Change", *r.MembershipChange, "from "+r.DateRange.Start+" to "+r.DateRange.End)
	} else {
		o.row("Membership Change", "n/a", r.MembershipChangeNote)
	}
	o.row("Membership Base", r.MembershipBase)
	o.row("Members vs Base", r.MembersVsBase)
	o.row("Total Payments", r.TotalPayments)
	o.row("Total Clubs", len(r.AllClubs))
	o.row("Thriving Clubs", len(r.ThrivingClubs))
	o.row("Vulnerable Clubs", len(r.VulnerableClubs))
	o.row("Intervention Required Clubs", len(r.InterventionRequiredClubs))
	o.row("Distinguished Clubs", r.DistinguishedClubs.Total)
	o.row("Distinguished Recognition", r.DistinguishedClubAnalytics.Recognition)
	o.row("Projected Distinguished Clubs", r.DistinguishedProjection.Projected.Total)
	o.row("Projection Method", r.DistinguishedProjection.Method)

	if len(r.MembershipTrend) > 0 {
		o.section("Membership Trend", "Date", "Members")
		for _, t := range r.MembershipTrend {
			o.row(t.Date, t.Count)
		}
	}
	if len(r.PaymentsTrend) > 0 {
		o.section("Payments Trend", "Date", "Payments")
		for _, t := range r.PaymentsTrend {
			o.row(t.Date, t.Count)
		}
	}
	if len(r.TopGrowthClubs) > 0 {
		o.section("Top Growth Clubs", "Club ID", "Club Name", "Growth")
		for _, g := range r.TopGrowthClubs {
			o.row(g.ClubID, g.ClubName, g.Growth)
		}
	}
	vul := append(append([]ClubTrend{}, r.VulnerableClubs...), r.InterventionRequiredClubs...)
	if len(vul) > 0 {
		o.section("Vulnerable Clubs", "Club ID", "Club Name", "Division", "Area", "Status", "Members", "Goals", "Risk Factors")
		for _, c := range vul {
			o.row(c.ClubID, c.ClubName, c.DivisionID, c.AreaID, c.Status, c.ActiveMembers, lastGoals(c), strings.Join(c.RiskFactors, "; "))
		}
	}
	if len(r.AllClubs) > 0 {
		o.section("All Clubs Performance", "Club ID", "Club Name", "Division", "Area", "Club Status", "Members", "Membership Base", "Net Growth", "Goals", "Distinguished", "Health")
		for _, c := range r.AllClubs {
			o.row(c.ClubID, c.ClubName, c.DivisionID, c.AreaID, c.ClubStatus, c.ActiveMembers, c.MembershipBase, c.NetGrowth, lastGoals(c), c.DistinguishedLevel, c.Status)
		}
	}
	if len(r.DivisionRankings) > 0 {
		o.section("Division Rankings", "Rank", "Division", "Clubs", "DCP Goals", "Average Club Health", "Trend")
		for _, d := range r.DivisionRankings {
			o.row(d.Rank, d.DivisionID, d.TotalClubs, d.TotalDcpGoals, d.AverageClubHealth, d.Trend)
		}
	}
	if len(r.TopPerformingAreas) > 0 {
		o.section("Top Performing Areas", "Division", "Area", "Clubs", "DCP Goals", "Average Club Health", "Score")
		for _, a := range r.TopPerformingAreas {
			o.row(a.DivisionID, a.AreaID, a.TotalClubs, a.TotalDcpGoals, a.AverageClubHealth, a.NormalizedScore)
		}
	}
	if o.err != nil {
		return fmt.Errorf("export csv: %w", o.err)
	}
	o.w.Flush()
	if err := o.w.Error(); err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	return nil
}

func lastGoals(c ClubTrend) int {
	if n := len(c.DCPGoalsTrend); n > 0 {
		return c.DCPGoalsTrend[n-1].GoalsAchieved
	}
	return 0
}
