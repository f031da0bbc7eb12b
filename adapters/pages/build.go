package pages

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/toaststats/toaststats/analytics"
)

// shiftYear moves a date one year later, so last year's curve lies under
// this year's on the same day of the program year (Feb 29 becomes Mar 1).
func shiftYear(date string) string {
	t, ok := parseDay(date)
	if !ok {
		return date
	}
	return t.AddDate(1, 0, 0).Format(time.DateOnly)
}

func historySeries(name string, h *analytics.MembershipHistoryReport, payments, shift bool) Series {
	s := Series{Name: name, Dashed: shift}
	if h == nil {
		return s
	}
	for _, p := range h.History {
		d := p.Date
		if shift {
			d = shiftYear(d)
		}
		switch {
		case !payments:
			s.Values = append(s.Values, DatedValue{Date: d, Value: float64(p.Members)})
		case p.Payments != nil:
			s.Values = append(s.Values, DatedValue{Date: d, Value: float64(*p.Payments)})
		}
	}
	return s
}

func (p *DistrictPage) charts() map[string]chartView {
	out := map[string]chartView{}
	this, last := "This program year", "Last program year (same day)"
	for _, c := range []struct {
		id, title, ylabel string
		payments          bool
	}{{"members", "Members over the program year", "Members", false}, {"payments", "Membership payments over the program year", "Payments (year to date)", true}} {
		series := []Series{historySeries(this, p.ThisYear, c.payments, false)}
		if p.LastYear != nil {
			series = append(series, historySeries(last, p.LastYear, c.payments, true))
		}
		out[c.id] = LineChart{ID: c.id, Title: c.title, YLabel: c.ylabel, Series: series, TableDateLabel: "Date (this year)",
			Desc: c.title + " of District " + p.DistrictID + ", this program year as a solid line and last program year's values on the same day as a dashed line."}.render()
	}
	lv := LineChart{ID: "levels", Title: "Distinguished clubs by level", YLabel: "Clubs", FromZero: true,
		Desc: "Clubs of District " + p.DistrictID + " at each distinguished level on each date of the program year (the dashboard's letters)."}
	names := []string{"Distinguished", "Select", "President's", "Smedley", "All levels"}
	for k, name := range names {
		s := Series{Name: name}
		for _, d := range p.Levels {
			v := [...]int{d.Distinguished, d.Select, d.Presidents, d.Smedley, d.Total}[k]
			s.Values = append(s.Values, DatedValue{Date: d.Date, Value: float64(v)})
		}
		lv.Series = append(lv.Series, s)
	}
	out["levels"] = lv.render()
	if p.Distinguished != nil {
		pr := p.Distinguished.DistinguishedProjection
		bar := func(label string, f func(analytics.LevelCounts) int) Bar {
			return Bar{Label: label, Values: []float64{float64(f(pr.Current)), float64(f(pr.Projected))}}
		}
		totalBar := bar("All levels", func(l analytics.LevelCounts) int { return l.Total })
		if b := pr.TotalBand; b != nil {
			totalBar.Ranges = []*[2]float64{nil, {float64(b.Low), float64(b.High)}}
		}
		out["projection"] = BarChart{ID: "projection", Title: "Distinguished clubs now and projected for " + pr.TargetDate, YLabel: "Clubs",
			Desc: "Distinguished clubs by level on " + pr.ToDate + " beside the year-end projection (" + pr.Method + "); the whisker on the projected total is its 95 % band.",
			Keys: []string{"Now (" + pr.ToDate + ")", "Projected (" + pr.TargetDate + ")"},
			Bars: []Bar{
				bar("Distinguished", func(l analytics.LevelCounts) int { return l.Distinguished }),
				bar("Select", func(l analytics.LevelCounts) int { return l.Select }),
				bar("President's", func(l analytics.LevelCounts) int { return l.Presidents }),
				bar("Smedley", func(l analytics.LevelCounts) int { return l.Smedley }),
				totalBar,
			}}.render()
	}
	rk := LineChart{ID: "ranks", Title: "Rank among all districts", YLabel: "Rank (1 = best)", InvertY: true,
		Desc: "District " + p.DistrictID + "'s overall Borda rank and its rank in each category on each date of the program year; higher on the chart is better."}
	if p.Ranks != nil {
		for k, name := range []string{"Overall", "Paid clubs", "Payments", "Distinguished"} {
			s := Series{Name: name}
			for _, r := range p.Ranks.History {
				v := [...]int{r.OverallRank, r.ClubsRank, r.PaymentsRank, r.DistinguishedRank}[k]
				s.Values = append(s.Values, DatedValue{Date: r.Date, Value: float64(v)})
			}
			rk.Series = append(rk.Series, s)
		}
	}
	out["ranks"] = rk.render()
	return out
}

func (p *ClubPage) charts() map[string]chartView {
	out := map[string]chartView{}
	if p.Club == nil {
		return out
	}
	c := p.Club
	dc := func(name string, in []analytics.DatedCount) Series {
		s := Series{Name: name}
		for _, v := range in {
			s.Values = append(s.Values, DatedValue{Date: v.Date, Value: float64(v.Count)})
		}
		return s
	}
	out["members"] = LineChart{ID: "members", Title: "Members", YLabel: "Active members", Series: []Series{dc("Active members", c.MembershipTrend)},
		Desc: "Active members of the club on each date of the program year."}.render()
	goals := Series{Name: "DCP goals met"}
	for _, g := range c.DCPGoalsTrend {
		goals.Values = append(goals.Values, DatedValue{Date: g.Date, Value: float64(g.GoalsAchieved)})
	}
	out["goals"] = LineChart{ID: "goals", Title: "DCP goals met", YLabel: "Goals (of 10)", Series: []Series{goals}, FromZero: true,
		Desc: "Distinguished Club Program goals the club had met on each date of the program year."}.render()
	if len(c.PaymentsTrend) > 0 {
		out["payments"] = LineChart{ID: "payments", Title: "Payments (year to date)", YLabel: "Payments", Series: []Series{dc("Payments", c.PaymentsTrend)},
			Desc: "The club's membership payments so far this program year, on each date."}.render()
	}
	return out
}

// WriteHomeCSV writes the ranking rows of the home page (after its region
// filter and sort) as CSV.
func WriteHomeCSV(w io.Writer, p *HomePage) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"Overall rank", "Region rank", "District", "Region", "Paid clubs", "Paid club base", "Club growth %", "Payments", "Payment base",
		"Payment growth %", "Distinguished %", "Clubs rank", "Payments rank", "Distinguished rank", "Aggregate score", "Move since " + p.WeekDate, "Move since " + p.MonthDate})
	for _, r := range p.rows() {
		_ = cw.Write([]string{strconv.Itoa(r.OverallRank), strconv.Itoa(r.RegionRank), analytics.SafeCell(r.DistrictID), analytics.SafeCell(r.Region),
			strconv.Itoa(r.PaidClubs), strconv.Itoa(r.PaidClubBase), ff(r.ClubGrowthPercent), strconv.Itoa(r.TotalPayments), strconv.Itoa(r.PaymentBase),
			ff(r.PaymentGrowthPercent), ff(r.DistinguishedPercent), strconv.Itoa(r.ClubsRank), strconv.Itoa(r.PaymentsRank), strconv.Itoa(r.DistinguishedRank),
			strconv.Itoa(r.AggregateScore), intOrEmpty(r.WeekMove), intOrEmpty(r.MonthMove)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write rankings csv: %w", err)
	}
	return nil
}

// WriteClubsCSV writes club rows (filtered and sorted as on the page) as CSV.
func WriteClubsCSV(w io.Writer, rows []ClubRow) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"Club", "Club name", "Division", "Area", "Status", "Members", "Membership base", "Net growth", "Goals met", "Level", "Health", "Risk factors", "Next level", "Still needs"})
	for _, c := range rows {
		target := ""
		if c.Need != nil {
			target = c.Need.TargetLevel
		}
		risks := ""
		for i, r := range c.RiskFactors {
			if i > 0 {
				risks += "; "
			}
			risks += r
		}
		_ = cw.Write([]string{analytics.SafeCell(c.ClubID), analytics.SafeCell(c.ClubName), analytics.SafeCell(c.DivisionID), analytics.SafeCell(c.AreaID),
			analytics.SafeCell(c.ClubStatus), strconv.Itoa(c.ActiveMembers), strconv.Itoa(c.MembershipBase), strconv.Itoa(c.NetGrowth),
			strconv.Itoa(goalsOf(&c)), c.DistinguishedLevel, c.Status, analytics.SafeCell(risks), target, analytics.SafeCell(needText(c.Need))})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write clubs csv: %w", err)
	}
	return nil
}

// ClubsRows returns the clubs page's rows after its filters and sort (what
// the page and its CSV show).
func (p *ClubsPage) ClubsRows() []ClubRow { return p.rows() }

// SortedClubs returns rows in the order of sort key (see ClubSorts).
func SortedClubs(rows []ClubRow, key string) []ClubRow { return sortClubs(rows, key) }

// WriteClubCSV writes one club's history (members, goals, payments by date).
func WriteClubCSV(w io.Writer, p *ClubPage) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"Date", "Active members", "DCP goals met", "Payments"})
	if p.Club != nil {
		goals, pays := map[string]int{}, map[string]int{}
		for _, g := range p.Club.DCPGoalsTrend {
			goals[g.Date] = g.GoalsAchieved
		}
		for _, v := range p.Club.PaymentsTrend {
			pays[v.Date] = v.Count
		}
		for _, m := range p.Club.MembershipTrend {
			pay := ""
			if v, ok := pays[m.Date]; ok {
				pay = strconv.Itoa(v)
			}
			_ = cw.Write([]string{m.Date, strconv.Itoa(m.Count), strconv.Itoa(goals[m.Date]), pay})
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write club csv: %w", err)
	}
	return nil
}

func ff(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func intOrEmpty(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}
