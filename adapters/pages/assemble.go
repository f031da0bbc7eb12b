package pages

import (
	"errors"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/snapshot"
)

// The constructors below put on pages what the store and the analytics
// package return; the caller (the API server) reads the snapshot and the
// district's series and maps errors to answers.

// ErrDivisionNotFound and ErrAreaNotFound are returned by Unit for a
// division or area the district does not have on the snapshot date.
var (
	ErrDivisionNotFound = errors.New("division not found")
	ErrAreaNotFound     = errors.New("area not found")
)

// ErrNoCSV is returned by WriteCSV for a page without a CSV download.
var ErrNoCSV = errors.New("this page has no CSV download")

// NewFrame is the frame of a page rendered from snapshot id with metadata
// m. With byDate (the snapshot was chosen by ?date=) the crumbs, the JSON
// links and the CSV download carry date=id, and Frame.Date is id so the
// page's own links do too; csv adds the page's own CSV download.
func NewFrame(id string, m snapshot.Metadata, byDate bool, title string, crumbs []Link, csv bool, json ...Link) Frame {
	f := Frame{Title: title, Crumbs: crumbs, AsOf: AsOf{SnapshotID: id, DataAsOf: m.DataAsOfDate, DataMonth: m.DataMonth,
		ClosingPeriod: m.IsClosingPeriodData != nil && *m.IsClosingPeriodData}}
	if byDate {
		f.Date = id
	}
	if f.Date != "" && len(crumbs) > 0 {
		f.Crumbs = make([]Link, len(crumbs))
		for i, l := range crumbs {
			f.Crumbs[i] = Link{Label: l.Label, Href: Dated(l.Href, f.Date)}
		}
	}
	for _, l := range json {
		l.Href = Dated(l.Href, f.Date)
		f.JSON = append(f.JSON, l)
	}
	if csv {
		f.CSV = Dated("?format=csv", f.Date)
	}
	return f
}

// Dated is href with date=date added to its query (href unchanged when
// date is ""): the link to another leader page of the same snapshot.
func Dated(href, date string) string {
	if date == "" {
		return href
	}
	sep := "?"
	if strings.Contains(href, "?") {
		sep = "&"
	}
	return href + sep + "date=" + url.QueryEscape(date)
}

// Moves are the rank moves of every district since the rankings a week and
// a month earlier (analytics.RankMovesAgo).
type Moves struct {
	Week, Month         map[string]int
	WeekDate, MonthDate string
}

func moveOf(m map[string]int, id string) *int {
	if v, ok := m[id]; ok {
		return &v
	}
	return nil
}

// NewHomePage is the ranking of all districts: rankings with their moves;
// detailed are the districts whose statistics the snapshot holds (they get
// a link to their page). region and sortKey are the page's filter and sort.
func NewHomePage(f Frame, rankings []snapshot.DistrictRanking, mv Moves, detailed []string, region, sortKey string) *HomePage {
	has := make(map[string]bool, len(detailed))
	for _, id := range detailed {
		has[id] = true
	}
	p := &HomePage{Frame: f, Region: region, Sort: sortKey, WeekDate: mv.WeekDate, MonthDate: mv.MonthDate}
	regions := map[string]bool{}
	for _, row := range rankings {
		p.Rows = append(p.Rows, HomeRow{DistrictRanking: row, WeekMove: moveOf(mv.Week, row.DistrictID), MonthMove: moveOf(mv.Month, row.DistrictID), HasPage: has[row.DistrictID]})
		if row.Region != "" && !regions[row.Region] {
			regions[row.Region] = true
			p.Regions = append(p.Regions, row.Region)
		}
	}
	sort.Slice(p.Regions, func(i, j int) bool { return snapshot.CompareDistrictIDs(p.Regions[i], p.Regions[j]) < 0 })
	return p
}

// DistrictSeries is what a district page is drawn from.
type DistrictSeries struct {
	// All is the district's whole series, Year its points of the page's
	// program year up to the page's snapshot (the last one is the page's
	// point), LastYear its points of the previous program year.
	All, Year, LastYear []analytics.Point
	// Ranks are the district's points of the program year that carry a
	// ranking (for analytics.RankHistory).
	Ranks []analytics.Point
	// Moves are the rank moves; used only when the district is ranked.
	Moves Moves
}

// NewDistrictPage is where district id stands on the last point of
// s.Year (which must not be empty) and how it got there. The errors are
// the analytics package's.
func NewDistrictPage(f Frame, id string, s DistrictSeries) (*DistrictPage, error) {
	p := s.Year[len(s.Year)-1]
	pg := &DistrictPage{Frame: f, DistrictID: id, Ranking: p.Ranking}
	if p.Ranking != nil {
		pg.WeekMove, pg.MonthMove = moveOf(s.Moves.Week, id), moveOf(s.Moves.Month, id)
		pg.WeekDate, pg.MonthDate = s.Moves.WeekDate, s.Moves.MonthDate
		pg.Recognition = analytics.DistrictRecognition(p)
	}
	var err error
	if pg.ThisYear, err = analytics.MembershipHistory(s.Year, analytics.Scope{}); err != nil {
		return nil, err
	}
	if len(s.LastYear) > 0 {
		pg.LastYear, _ = analytics.MembershipHistory(s.LastYear, analytics.Scope{})
	}
	pg.Levels = analytics.LevelCountsOver(s.Year)
	if pg.Distinguished, err = analytics.DistinguishedClubAnalytics(s.Year, analytics.PreviousYearPoint(s.All, p.Date)); err != nil {
		return nil, err
	}
	pg.Ranks = analytics.RankHistory(s.Ranks, analytics.ProgramYearOf(p.Date))
	// What changed since the previous snapshot and since a week earlier.
	var prev, weekAgo *analytics.Point
	if t, err := time.Parse(time.DateOnly, p.Date); err == nil {
		limit := t.AddDate(0, 0, -7).Format(time.DateOnly)
		for i := len(s.All) - 1; i >= 0; i-- {
			if s.All[i].Date < p.Date && prev == nil {
				prev = &s.All[i]
			}
			if s.All[i].Date <= limit {
				weekAgo = &s.All[i]
				break
			}
		}
	}
	pg.Changes = []Change{{Label: "Since the previous snapshot", Report: analytics.WhatChanged(prev, p)}, {Label: "Since a week earlier"}}
	if weekAgo != nil {
		pg.Changes[1].Report = analytics.WhatChanged(weekAgo, p)
	}
	pg.Standing = analytics.AreaDivisionStanding(p.District, p.Date)
	return pg, nil
}

// ClubRows are the clubs of the last point of year with their trends,
// health and what each still needs. The errors are the analytics package's.
func ClubRows(year []analytics.Point) ([]ClubRow, error) {
	rep, err := analytics.DistrictAnalytics(year, nil)
	if err != nil {
		return nil, err
	}
	last := year[len(year)-1]
	needs := map[string]*analytics.ClubNeed{}
	for _, n := range analytics.ClubNeeds(last) {
		needs[n.ClubID] = &n
	}
	rows := make([]ClubRow, 0, len(rep.AllClubs))
	for _, c := range rep.AllClubs {
		need := needs[c.ClubID]
		if need == nil {
			// ClubNeeds leaves suspended clubs out; the row says, as the
			// club's page does, that it is suspended.
			need, _ = analytics.ClubNeedOf(last, c.ClubID)
		}
		rows = append(rows, ClubRow{ClubTrend: c, Need: need})
	}
	return rows, nil
}

// Unit finds division divID (and area areaID unless "") on the last point
// of year and the rows of their clubs: ErrDivisionNotFound or
// ErrAreaNotFound when the district has no such unit that day.
func Unit(year []analytics.Point, divID, areaID string) (*analytics.DivisionStanding, *analytics.UnitStanding, []ClubRow, error) {
	p := year[len(year)-1]
	var div *analytics.DivisionStanding
	for _, d := range analytics.AreaDivisionStanding(p.District, p.Date).Divisions {
		if d.DivisionID == divID {
			div = &d
			break
		}
	}
	if div == nil {
		return nil, nil, nil, ErrDivisionNotFound
	}
	var area *analytics.UnitStanding
	if areaID != "" {
		for i := range div.Areas {
			if div.Areas[i].AreaID == areaID {
				area = &div.Areas[i]
			}
		}
		if area == nil {
			return nil, nil, nil, ErrAreaNotFound
		}
	}
	all, err := ClubRows(year)
	if err != nil {
		return nil, nil, nil, err
	}
	var rows []ClubRow
	for _, c := range all {
		if c.DivisionID == divID && (areaID == "" || c.AreaID == areaID) {
			rows = append(rows, c)
		}
	}
	return div, area, rows, nil
}

// WriteCSV writes the table of page as CSV (as filtered and sorted on the
// page) and returns the file's base name; ErrNoCSV for a page without one.
func WriteCSV(w io.Writer, page any) (string, error) {
	switch p := page.(type) {
	case *HomePage:
		return "district_rankings", WriteHomeCSV(w, p)
	case *ClubsPage:
		return "district_" + p.DistrictID + "_clubs", WriteClubsCSV(w, p.ClubsRows())
	case *ClubPage:
		return "district_" + p.DistrictID + "_club_" + p.Club.ClubID, WriteClubCSV(w, p)
	case *DivisionPage:
		return "district_" + p.DistrictID + "_division_" + p.Division.DivisionID, WriteClubsCSV(w, SortedClubs(p.Clubs, p.Sort))
	case *AreaPage:
		return "district_" + p.DistrictID + "_area_" + p.Area.DivisionID + p.Area.AreaID, WriteClubsCSV(w, SortedClubs(p.Clubs, p.Sort))
	}
	return "", ErrNoCSV
}
