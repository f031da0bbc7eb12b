package pages

import (
	"context"
	"errors"
	"net/url"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/snapshot"
)

// The loaders below compute each leader page from a snapshot and the
// series of snapshots around it, so a server only checks the request,
// calls one of them and renders the page (Render or WriteCSV).

// Source is the history of snapshots the pages read: every district's
// series and every snapshot's rankings. *toaststats.Series satisfies it.
type Source interface {
	// District is the district's series of points of every successful
	// snapshot, oldest first.
	District(ctx context.Context, districtID string) ([]analytics.Point, string, error)
	// Rankings are the rankings of every successful snapshot, oldest
	// first.
	Rankings(ctx context.Context) ([]toaststats.RankedSnapshot, error)
	// RankPoints are the district's points in [start, end] that carry a
	// ranking.
	RankPoints(ctx context.Context, districtID, start, end string) ([]analytics.Point, error)
}

// View is what a page reads of its own snapshot. *store.View satisfies
// it.
type View interface {
	// RankingsShared reads the snapshot's rankings (store.ErrNoRankings
	// when it has none).
	RankingsShared(ctx context.Context) (*snapshot.RankingsFile, error)
	// DistrictIDs are the districts whose statistics the snapshot holds.
	DistrictIDs() []string
}

// At is the snapshot a page is drawn from.
type At struct {
	View     View
	ID       string // the snapshot id, its logical date
	Metadata snapshot.Metadata
	// ByDate says the request chose the snapshot with ?date=: the page's
	// links then carry the date (NewFrame).
	ByDate bool
	// Requested is the ?date= asked for when no snapshot has that date and
	// View is the newest one before it ("" otherwise); AsOf.Requested.
	Requested string
}

// frame is the frame of a page drawn from at.
func (at At) frame(title string, crumbs []Link, csv bool, json ...Link) Frame {
	f := NewFrame(at.ID, at.Metadata, at.ByDate, title, crumbs, csv, json...)
	if at.Requested != at.ID {
		f.AsOf.Requested = at.Requested
	}
	return f
}

// ErrDistrictNotFound is the Err of a NotFoundError for a district no
// snapshot of the page's program year holds.
var ErrDistrictNotFound = errors.New("district not found")

// NotFoundError is returned by the loaders when the page names a district,
// division or area the snapshots do not have. Err is ErrDistrictNotFound,
// ErrDivisionNotFound or ErrAreaNotFound; Detail says which, and where,
// for the reader.
type NotFoundError struct {
	Err    error
	Detail string
}

func (e *NotFoundError) Error() string { return e.Detail }

// Unwrap returns Err, for errors.Is.
func (e *NotFoundError) Unwrap() error { return e.Err }

// ReadError is returned by the loaders when reading the snapshots failed;
// Op names what was read.
type ReadError struct {
	Op  string
	Err error
}

// The Ops of a ReadError.
const (
	// OpRankings: the page's own snapshot's rankings (Err is
	// store.ErrNoRankings when it has none).
	OpRankings = "rankings"
	// OpRankedSeries: the rankings of every snapshot (Source.Rankings).
	OpRankedSeries = "ranked series"
	// OpSeries: the district's series (Source.District).
	OpSeries = "series"
	// OpRankHistory: the district's rank points (Source.RankPoints).
	OpRankHistory = "rank history"
)

func (e *ReadError) Error() string { return "read " + e.Op + ": " + e.Err.Error() }

// Unwrap returns Err, for errors.Is.
func (e *ReadError) Unwrap() error { return e.Err }

// moves compares the rankings cur of date with those a week and a month
// older (analytics.RankMovesAgo).
func moves(ctx context.Context, src Source, date string, cur []snapshot.DistrictRanking) (Moves, error) {
	series, err := src.Rankings(ctx)
	if err != nil {
		return Moves{}, &ReadError{Op: OpRankedSeries, Err: err}
	}
	dated := make([]analytics.RankedDate, len(series))
	for i, r := range series {
		dated[i] = analytics.RankedDate{Date: r.ID, Rankings: r.Rankings}
	}
	var mv Moves
	mv.Week, mv.Month, mv.WeekDate, mv.MonthDate = analytics.RankMovesAgo(dated, date, cur)
	return mv, nil
}

// Home is the home page: the rankings of all districts on at, with their
// moves; q's region and sort filter and sort the table.
func Home(ctx context.Context, src Source, at At, q url.Values) (*HomePage, error) {
	rf, err := at.View.RankingsShared(ctx)
	if err != nil {
		return nil, &ReadError{Op: OpRankings, Err: err}
	}
	mv, err := moves(ctx, src, at.ID, rf.Rankings)
	if err != nil {
		return nil, err
	}
	return NewHomePage(at.frame("District rankings", nil, true, Link{Label: "Rankings", Href: "/api/districts/rankings"}),
		rf.Rankings, mv, at.View.DistrictIDs(), q.Get("region"), q.Get("sort")), nil
}

// districtPoints is the district's whole series and its points of at's
// program year up to at; the last point is the page's.
func districtPoints(ctx context.Context, src Source, at At, id string) (all, year []analytics.Point, err error) {
	all, _, err = src.District(ctx, id)
	if err != nil {
		return nil, nil, &ReadError{Op: OpSeries, Err: err}
	}
	if len(all) == 0 {
		return nil, nil, &NotFoundError{Err: ErrDistrictNotFound, Detail: "No snapshot contains district " + id}
	}
	year = analytics.PointsBetween(all, analytics.ProgramYearStartDate(at.ID), at.ID)
	if len(year) == 0 {
		return nil, nil, &NotFoundError{Err: ErrDistrictNotFound, Detail: "No snapshot of this program year up to " + at.ID + " contains district " + id}
	}
	return all, year, nil
}

// districtCrumbs lead back to the district page.
func districtCrumbs(id string) []Link {
	return []Link{{Label: "District " + id, Href: "/districts/" + url.PathEscape(id)}}
}

// District is district id's page on at. The errors besides NotFoundError
// and ReadError are the analytics package's.
func District(ctx context.Context, src Source, at At, id string) (*DistrictPage, error) {
	all, pts, err := districtPoints(ctx, src, at, id)
	if err != nil {
		return nil, err
	}
	in := DistrictSeries{All: all, Year: pts}
	p := pts[len(pts)-1]
	if p.Ranking != nil {
		if rf, err := at.View.RankingsShared(ctx); err == nil {
			if in.Moves, err = moves(ctx, src, at.ID, rf.Rankings); err != nil {
				return nil, err
			}
		}
	}
	in.LastYear = analytics.PreviousProgramYearPoints(all, p.Date)
	if in.Ranks, err = src.RankPoints(ctx, id, analytics.ProgramYearStartDate(at.ID), at.ID); err != nil {
		return nil, &ReadError{Op: OpRankHistory, Err: err}
	}
	api := "/api/districts/" + url.PathEscape(id)
	pg, err := NewDistrictPage(at.frame("District "+id, nil, false,
		Link{Label: "Statistics", Href: api + "/statistics"}, Link{Label: "District analytics", Href: api + "/analytics"},
		Link{Label: "Distinguished clubs", Href: api + "/distinguished-club-analytics"}, Link{Label: "Rank history", Href: api + "/rank-history"},
		Link{Label: "Membership history", Href: api + "/membership-history"}), id, in)
	if err != nil {
		return nil, err
	}
	pg.CSV, pg.CSVLabel = api+"/export?format=csv", "Download the district analytics as CSV"
	if at.ByDate {
		pg.CSV += "&date=" + at.ID
	}
	return pg, nil
}

// Clubs is the page of district id's clubs on at; q's division, area,
// health and sort filter and sort the table. The errors besides
// NotFoundError and ReadError are the analytics package's.
func Clubs(ctx context.Context, src Source, at At, id string, q url.Values) (*ClubsPage, error) {
	_, pts, err := districtPoints(ctx, src, at, id)
	if err != nil {
		return nil, err
	}
	rows, err := ClubRows(pts)
	if err != nil {
		return nil, err
	}
	api := "/api/districts/" + url.PathEscape(id)
	return &ClubsPage{Frame: at.frame("Clubs of District "+id, districtCrumbs(id), true,
		Link{Label: "Clubs", Href: api + "/clubs"}, Link{Label: "Club health (district analytics)", Href: api + "/analytics"},
		Link{Label: "Vulnerable clubs", Href: api + "/vulnerable-clubs"}),
		DistrictID: id, Clubs: rows, Division: q.Get("division"), Area: q.Get("area"), Health: q.Get("health"), Sort: q.Get("sort")}, nil
}

// Club is the page of club clubID of district id on at: its trend over
// the program year and what it still needs. The errors besides
// NotFoundError and ReadError are the analytics package's
// (analytics.ErrClubNotFound for a club the district does not have).
func Club(ctx context.Context, src Source, at At, id, clubID string) (*ClubPage, error) {
	_, pts, err := districtPoints(ctx, src, at, id)
	if err != nil {
		return nil, err
	}
	trend, err := analytics.ClubTrendOf(pts, clubID)
	if err != nil {
		return nil, err
	}
	need, _ := analytics.ClubNeedOf(pts[len(pts)-1], clubID)
	api := "/api/districts/" + url.PathEscape(id) + "/clubs/" + url.PathEscape(clubID)
	crumbs := append(districtCrumbs(id), Link{Label: "Clubs", Href: "/districts/" + url.PathEscape(id) + "/clubs"})
	return &ClubPage{Frame: at.frame(trend.ClubName, crumbs, true, Link{Label: "Club trends", Href: api + "/trends"}, Link{Label: "Club needs", Href: api + "/needs"}),
		DistrictID: id, Club: trend, Need: need}, nil
}

// unit finds division divID (and area areaID unless "") of district id on
// at and the rows of their clubs (Unit), as NotFoundErrors naming the
// unit when the district has no such unit that day.
func unit(ctx context.Context, src Source, at At, id, divID, areaID string) (*analytics.DivisionStanding, *analytics.UnitStanding, []ClubRow, error) {
	_, pts, err := districtPoints(ctx, src, at, id)
	if err != nil {
		return nil, nil, nil, err
	}
	div, area, rows, err := Unit(pts, divID, areaID)
	on := pts[len(pts)-1].Date
	switch {
	case errors.Is(err, ErrDivisionNotFound):
		err = &NotFoundError{Err: err, Detail: "Division " + divID + " is not in District " + id + " on " + on}
	case errors.Is(err, ErrAreaNotFound):
		err = &NotFoundError{Err: err, Detail: "Area " + areaID + " is not in Division " + divID + " of District " + id + " on " + on}
	}
	return div, area, rows, err
}

// Division is the page of division divID of district id on at; q's sort
// sorts its clubs. The errors besides NotFoundError and ReadError are the
// analytics package's.
func Division(ctx context.Context, src Source, at At, id, divID string, q url.Values) (*DivisionPage, error) {
	div, _, rows, err := unit(ctx, src, at, id, divID, "")
	if err != nil {
		return nil, err
	}
	api := "/api/districts/" + url.PathEscape(id)
	return &DivisionPage{Frame: at.frame("Division "+div.DivisionID+" of District "+id, districtCrumbs(id), true,
		Link{Label: "Division and area standing (district analytics)", Href: api + "/analytics"},
		Link{Label: "Membership history of the division", Href: api + "/membership-history?divisionId=" + url.QueryEscape(div.DivisionID)}),
		DistrictID: id, Division: div, Clubs: rows, Sort: q.Get("sort")}, nil
}

// Area is the page of area areaID of division divID of district id on
// at; q's sort sorts its clubs. The errors besides NotFoundError and
// ReadError are the analytics package's.
func Area(ctx context.Context, src Source, at At, id, divID, areaID string, q url.Values) (*AreaPage, error) {
	div, area, rows, err := unit(ctx, src, at, id, divID, areaID)
	if err != nil {
		return nil, err
	}
	api := "/api/districts/" + url.PathEscape(id)
	crumbs := append(districtCrumbs(id), Link{Label: "Division " + div.DivisionID, Href: "/districts/" + url.PathEscape(id) + "/divisions/" + url.PathEscape(div.DivisionID)})
	return &AreaPage{Frame: at.frame("Area "+area.AreaID+" of Division "+div.DivisionID+", District "+id, crumbs, true,
		Link{Label: "Division and area standing (district analytics)", Href: api + "/analytics"},
		Link{Label: "Membership history of the area", Href: api + "/membership-history?divisionId=" + url.QueryEscape(div.DivisionID) + "&areaId=" + url.QueryEscape(area.AreaID)}),
		DistrictID: id, Area: area, Clubs: rows, Sort: q.Get("sort")}, nil
}
