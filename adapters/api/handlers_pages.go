package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/toaststats/toaststats/adapters/pages"
	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// The leader pages (issue 14): HTML for district, division and area
// directors, rendered by package pages from the same analytics the JSON
// routes return, and served from the same per-snapshot response cache
// (ETag/304, Cache-Control). Every page takes ?date= like the API and
// ?format=csv for its table.

// page registers a GET (and HEAD) page route. Pages are HTML, not part of
// the JSON API, so they are not listed in the OpenAPI document.
func (m *mux) page(path string, h http.Handler) {
	ri := routeInfo{Method: http.MethodGet, Path: path, Access: public}
	h = m.wrap(ri, h)
	m.hr.Handler(http.MethodGet, path, h)
	m.hr.Handler(http.MethodHead, path, h)
}

// pageQuery are the query parameters that change a page (besides date).
var pageQuery = []string{"format", "region", "sort", "division", "area", "health"}

// pageRoute serves one leader page through serveSnapshot: build returns the
// page struct, rendered here as HTML or, with ?format=csv, as its CSV.
func (s *Server) pageRoute(name string, check func(*http.Request) *apiError, build func(ctx context.Context, r *http.Request, rs *resolved) (any, error)) http.Handler {
	sr := snapRoute{name: "page-" + name, series: true, query: pageQuery, fallback: true, fail: respondPageError}
	sr.check = func(r *http.Request) *apiError {
		if f := r.URL.Query().Get("format"); f != "" && f != "csv" && f != "html" {
			return errorf(http.StatusBadRequest, "INVALID_FORMAT", "format must be html or csv", "Received: "+truncate(f, 40))
		}
		if check != nil {
			return check(r)
		}
		return nil
	}
	sr.build = func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
		pg, err := build(ctx, r, rs)
		if err != nil {
			return nil, err
		}
		cc := s.routeCacheControl(&sr, rs)
		var buf bytes.Buffer
		if r.URL.Query().Get("format") == "csv" {
			file, err := writePageCSV(&buf, pg)
			if err != nil {
				return nil, err
			}
			er := newEncoded(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes(), cc)
			er.header = map[string]string{"Content-Disposition": `attachment; filename="` + file + "_" + rs.view.ID + `.csv"`}
			return er, nil
		}
		if err := pages.Render(&buf, pg); err != nil {
			return nil, internal("PAGE_RENDER_ERROR", err)
		}
		return newEncoded(http.StatusOK, "text/html; charset=utf-8", buf.Bytes(), cc), nil
	}
	return s.serveSnapshot(sr)
}

// writePageCSV writes the page's table as CSV and names the file.
func writePageCSV(buf *bytes.Buffer, pg any) (string, error) {
	switch p := pg.(type) {
	case *pages.HomePage:
		return "district_rankings", pages.WriteHomeCSV(buf, p)
	case *pages.ClubsPage:
		return "district_" + p.DistrictID + "_clubs", pages.WriteClubsCSV(buf, p.ClubsRows())
	case *pages.ClubPage:
		return "district_" + p.DistrictID + "_club_" + p.Club.ClubID, pages.WriteClubCSV(buf, p)
	case *pages.DivisionPage:
		return "district_" + p.DistrictID + "_division_" + p.Division.DivisionID, pages.WriteClubsCSV(buf, pages.SortedClubs(p.Clubs, p.Sort))
	case *pages.AreaPage:
		return "district_" + p.DistrictID + "_area_" + p.Area.DivisionID + p.Area.AreaID, pages.WriteClubsCSV(buf, pages.SortedClubs(p.Clubs, p.Sort))
	}
	return "", errorf(http.StatusBadRequest, "INVALID_FORMAT", "This page has no CSV download; use the export link", nil)
}

// respondPageError answers an error of a page route as an HTML page.
func respondPageError(w http.ResponseWriter, r *http.Request, err error) {
	ae := noteAPIError(r, err)
	msg := ae.Message
	if d, ok := ae.Details.(string); ok && d != "" {
		msg += " (" + d + ")"
	}
	var buf bytes.Buffer
	if rerr := pages.Render(&buf, &pages.ErrorPage{Frame: pages.Frame{Title: http.StatusText(ae.Status)}, Status: ae.Status, Message: msg}); rerr != nil {
		respondError(w, r, ae)
		return
	}
	er := newEncoded(ae.Status, "text/html; charset=utf-8", buf.Bytes(), "no-store")
	if ae.RetryAfter > 0 {
		er.header = map[string]string{"Retry-After": fmt.Sprint(ae.RetryAfter)}
	}
	er.write(w, r)
}

// frame is the common part of a page rendered from rs.
func frame(rs *resolved, title string, crumbs []pages.Link, csv bool, json ...pages.Link) pages.Frame {
	m := rs.view.Metadata
	f := pages.Frame{Title: title, Crumbs: crumbs, AsOf: pages.AsOf{SnapshotID: rs.view.ID, DataAsOf: m.DataAsOfDate, DataMonth: m.DataMonth,
		ClosingPeriod: m.IsClosingPeriodData != nil && *m.IsClosingPeriodData}}
	dateQ := ""
	if rs.byDate {
		dateQ = "date=" + rs.view.ID
	}
	for _, l := range json {
		if dateQ != "" {
			sep := "?"
			if u, err := url.Parse(l.Href); err == nil && u.RawQuery != "" {
				sep = "&"
			}
			l.Href += sep + dateQ
		}
		f.JSON = append(f.JSON, l)
	}
	if csv {
		f.CSV = "?format=csv"
		if dateQ != "" {
			f.CSV += "&" + dateQ
		}
	}
	return f
}

// rankMoves compares the rankings of date with those of the newest
// snapshots at least a week and a month older.
func (s *Server) rankMoves(ctx context.Context, date string, cur []snapshot.DistrictRanking) (week, month map[string]int, weekDate, monthDate string, err error) {
	series, err := s.rankingsSeries(ctx)
	if err != nil {
		return nil, nil, "", "", err
	}
	t, perr := time.Parse(time.DateOnly, date)
	if perr != nil {
		return nil, nil, "", "", nil
	}
	at := func(limit string) ([]snapshot.DistrictRanking, string) {
		for i := len(series) - 1; i >= 0; i-- {
			if series[i].id <= limit {
				return series[i].rows, series[i].id
			}
		}
		return nil, ""
	}
	wr, wd := at(t.AddDate(0, 0, -7).Format(time.DateOnly))
	mr, md := at(t.AddDate(0, -1, 0).Format(time.DateOnly))
	if wd != "" {
		week = analytics.RankMoves(cur, wr)
	}
	if md != "" {
		month = analytics.RankMoves(cur, mr)
	}
	return week, month, wd, md, nil
}

func moveOf(m map[string]int, id string) *int {
	if v, ok := m[id]; ok {
		return &v
	}
	return nil
}

func (s *Server) handleHomePage() http.Handler {
	return s.pageRoute("home", nil, func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
		rf, err := rs.view.RankingsShared(ctx)
		if err != nil {
			if errors.Is(err, store.ErrNoRankings) {
				return nil, errorf(http.StatusNotFound, "RANKINGS_DATA_NOT_FOUND", "This snapshot has no rankings", nil)
			}
			return nil, snapshotReadError(rs.view.ID, err)
		}
		week, month, wd, md, err := s.rankMoves(ctx, rs.view.ID, rf.Rankings)
		if err != nil {
			return nil, internal("SNAPSHOT_READ_ERROR", err)
		}
		detailed := map[string]bool{}
		for _, id := range rs.view.DistrictIDs() {
			detailed[id] = true
		}
		q := r.URL.Query()
		p := &pages.HomePage{Frame: frame(rs, "District rankings", nil, true, pages.Link{Label: "Rankings", Href: "/api/districts/rankings"}),
			Region: q.Get("region"), Sort: q.Get("sort"), WeekDate: wd, MonthDate: md}
		regions := map[string]bool{}
		for _, row := range rf.Rankings {
			p.Rows = append(p.Rows, pages.HomeRow{DistrictRanking: row, WeekMove: moveOf(week, row.DistrictID), MonthMove: moveOf(month, row.DistrictID), HasPage: detailed[row.DistrictID]})
			if row.Region != "" && !regions[row.Region] {
				regions[row.Region] = true
				p.Regions = append(p.Regions, row.Region)
			}
		}
		sort.Slice(p.Regions, func(i, j int) bool { return snapshot.CompareDistrictIDs(p.Regions[i], p.Regions[j]) < 0 })
		return p, nil
	})
}

// handleDistrictSearch sends the home page's search box to the district
// page.
func (s *Server) handleDistrictSearch() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw := r.URL.Query().Get("id")
		id, err := store.ValidDistrictID(raw)
		if err != nil {
			respondPageError(w, r, errorf(http.StatusBadRequest, "INVALID_DISTRICT_ID", "Not a district id: "+truncate(raw, 40), "district ids are numbers or one or two letters, like 61 or F"))
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, "/districts/"+url.PathEscape(id), http.StatusSeeOther)
	})
}

// districtPoints is the district's series of the resolved snapshot's
// program year, the whole series, and the point of the page.
func (s *Server) districtPoints(ctx context.Context, rs *resolved, id string) (all, pts []analytics.Point, p analytics.Point, err error) {
	all, pts, err = s.seriesUpTo(ctx, rs, id, programYearStart(rs.view.ID), "")
	if err != nil {
		return nil, nil, p, err
	}
	if len(pts) == 0 {
		return nil, nil, p, errorf(http.StatusNotFound, "DISTRICT_NOT_FOUND", "District not found", "No snapshot of this program year up to "+rs.view.ID+" contains district "+id)
	}
	return all, pts, pts[len(pts)-1], nil
}

func districtCrumbs(id string) []pages.Link {
	return []pages.Link{{Label: "District " + id, Href: "/districts/" + url.PathEscape(id)}}
}

func (s *Server) handleDistrictPage() http.Handler {
	return s.pageRoute("district", checkDistrict, func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
		id := mustDistrict(r)
		all, pts, p, err := s.districtPoints(ctx, rs, id)
		if err != nil {
			return nil, err
		}
		api := "/api/districts/" + url.PathEscape(id)
		pg := &pages.DistrictPage{Frame: frame(rs, "District "+id, nil, false,
			pages.Link{Label: "Statistics", Href: api + "/statistics"}, pages.Link{Label: "District analytics", Href: api + "/analytics"},
			pages.Link{Label: "Distinguished clubs", Href: api + "/distinguished-club-analytics"}, pages.Link{Label: "Rank history", Href: api + "/rank-history"},
			pages.Link{Label: "Membership history", Href: api + "/membership-history"}), DistrictID: id}
		pg.CSV, pg.CSVLabel = api+"/export?format=csv", "Download the district analytics as CSV"
		if rs.byDate {
			pg.CSV += "&date=" + rs.view.ID
		}
		pg.Ranking = p.Ranking
		if p.Ranking != nil {
			if rf, err := rs.view.RankingsShared(ctx); err == nil {
				week, month, _, _, err := s.rankMoves(ctx, rs.view.ID, rf.Rankings)
				if err != nil {
					return nil, internal("SNAPSHOT_READ_ERROR", err)
				}
				pg.WeekMove, pg.MonthMove = moveOf(week, id), moveOf(month, id)
			}
			pg.Recognition = analytics.DistrictRecognition(p)
		}
		if pg.ThisYear, err = analytics.MembershipHistory(pts, analytics.Scope{}); err != nil {
			return nil, analyticsError(err)
		}
		py := analytics.ProgramYearOf(p.Date)
		if prev := analytics.ProgramYearBounds(analytics.ProgramYearOf(analytics.PreviousYearDate(p.Date))); prev.StartDate != "" {
			if last := pointsBetween(all, prev.StartDate, prev.EndDate); len(last) > 0 {
				pg.LastYear, _ = analytics.MembershipHistory(last, analytics.Scope{})
			}
		}
		pg.Levels = analytics.LevelCountsOver(pts)
		if pg.Distinguished, err = analytics.DistinguishedClubAnalytics(pts, analytics.PreviousYearPoint(all, p.Date)); err != nil {
			return nil, analyticsError(err)
		}
		bounds := analytics.ProgramYearBounds(py)
		rp, err := s.rankPoints(ctx, id, bounds.StartDate, rs.view.ID)
		if err != nil {
			return nil, internal("RANK_HISTORY_ERROR", err)
		}
		pg.Ranks = analytics.RankHistory(rp, py)
		// What changed since the previous snapshot and since a week earlier.
		var prev, weekAgo *analytics.Point
		if t, err := time.Parse(time.DateOnly, p.Date); err == nil {
			limit := t.AddDate(0, 0, -7).Format(time.DateOnly)
			for i := len(all) - 1; i >= 0; i-- {
				if all[i].Date < p.Date && prev == nil {
					prev = &all[i]
				}
				if all[i].Date <= limit {
					weekAgo = &all[i]
					break
				}
			}
		}
		pg.Changes = []pages.Change{{Label: "Since the previous snapshot", Report: analytics.WhatChanged(prev, p)}}
		if weekAgo != nil {
			pg.Changes = append(pg.Changes, pages.Change{Label: "Since a week earlier", Report: analytics.WhatChanged(weekAgo, p)})
		} else {
			pg.Changes = append(pg.Changes, pages.Change{Label: "Since a week earlier"})
		}
		pg.Standing = analytics.AreaDivisionStanding(p.District, p.Date)
		return pg, nil
	})
}

// clubRows are the clubs of the point with their health and needs.
func clubRows(pts []analytics.Point, p analytics.Point) ([]pages.ClubRow, error) {
	rep, err := analytics.DistrictAnalytics(pts, nil)
	if err != nil {
		return nil, analyticsError(err)
	}
	needs := map[string]*analytics.ClubNeed{}
	for _, n := range analytics.ClubNeeds(p) {
		needs[n.ClubID] = &n
	}
	rows := make([]pages.ClubRow, 0, len(rep.AllClubs))
	for _, c := range rep.AllClubs {
		rows = append(rows, pages.ClubRow{ClubTrend: c, Need: needs[c.ClubID]})
	}
	return rows, nil
}

func (s *Server) handleClubsPage() http.Handler {
	return s.pageRoute("clubs", checkDistrict, func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
		id := mustDistrict(r)
		_, pts, p, err := s.districtPoints(ctx, rs, id)
		if err != nil {
			return nil, err
		}
		rows, err := clubRows(pts, p)
		if err != nil {
			return nil, err
		}
		api := "/api/districts/" + url.PathEscape(id)
		q := r.URL.Query()
		return &pages.ClubsPage{Frame: frame(rs, "Clubs of District "+id, districtCrumbs(id), true,
			pages.Link{Label: "Clubs", Href: api + "/clubs"}, pages.Link{Label: "Club health (district analytics)", Href: api + "/analytics"},
			pages.Link{Label: "Vulnerable clubs", Href: api + "/vulnerable-clubs"}),
			DistrictID: id, Clubs: rows, Division: q.Get("division"), Area: q.Get("area"), Health: q.Get("health"), Sort: q.Get("sort")}, nil
	})
}

func checkClubPage(r *http.Request) *apiError {
	if ae := checkDistrict(r); ae != nil {
		return ae
	}
	if c := param(r, "clubId"); !clubIDPattern.MatchString(c) {
		return errorf(http.StatusBadRequest, "INVALID_CLUB_ID", "Invalid club ID format", "Received: "+truncate(c, 40))
	}
	return nil
}

func (s *Server) handleClubPage() http.Handler {
	return s.pageRoute("club", checkClubPage, func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
		id, clubID := mustDistrict(r), param(r, "clubId")
		_, pts, p, err := s.districtPoints(ctx, rs, id)
		if err != nil {
			return nil, err
		}
		trend, err := analytics.ClubTrendOf(pts, clubID)
		if err != nil {
			return nil, analyticsError(err)
		}
		need, _ := analytics.ClubNeedOf(p, clubID)
		api := "/api/districts/" + url.PathEscape(id) + "/clubs/" + url.PathEscape(clubID)
		crumbs := append(districtCrumbs(id), pages.Link{Label: "Clubs", Href: "/districts/" + url.PathEscape(id) + "/clubs"})
		return &pages.ClubPage{Frame: frame(rs, trend.ClubName, crumbs, true, pages.Link{Label: "Club trends", Href: api + "/trends"}, pages.Link{Label: "Club needs", Href: api + "/needs"}),
			DistrictID: id, Club: trend, Need: need}, nil
	})
}

func checkUnitPage(r *http.Request) *apiError {
	if ae := checkDistrict(r); ae != nil {
		return ae
	}
	for _, name := range []string{"divisionId", "areaId"} {
		if v := param(r, name); v != "" && !unitIDPattern.MatchString(v) {
			return errorf(http.StatusBadRequest, "INVALID_SCOPE", "Invalid "+name, "Received: "+truncate(v, 40))
		}
	}
	return nil
}

// unitPage finds the division (and area) of the page and its clubs.
func (s *Server) unitPage(ctx context.Context, r *http.Request, rs *resolved) (string, *analytics.DivisionStanding, *analytics.UnitStanding, []pages.ClubRow, error) {
	id, divID, areaID := mustDistrict(r), param(r, "divisionId"), param(r, "areaId")
	_, pts, p, err := s.districtPoints(ctx, rs, id)
	if err != nil {
		return id, nil, nil, nil, err
	}
	var div *analytics.DivisionStanding
	for _, d := range analytics.AreaDivisionStanding(p.District, p.Date).Divisions {
		if d.DivisionID == divID {
			div = &d
			break
		}
	}
	if div == nil {
		return id, nil, nil, nil, errorf(http.StatusNotFound, "DIVISION_NOT_FOUND", "Division "+divID+" is not in District "+id+" on "+p.Date, nil)
	}
	var area *analytics.UnitStanding
	if areaID != "" {
		for i := range div.Areas {
			if div.Areas[i].AreaID == areaID {
				area = &div.Areas[i]
			}
		}
		if area == nil {
			return id, nil, nil, nil, errorf(http.StatusNotFound, "AREA_NOT_FOUND", "Area "+areaID+" is not in Division "+divID+" of District "+id+" on "+p.Date, nil)
		}
	}
	all, err := clubRows(pts, p)
	if err != nil {
		return id, nil, nil, nil, err
	}
	var rows []pages.ClubRow
	for _, c := range all {
		if c.DivisionID == divID && (areaID == "" || c.AreaID == areaID) {
			rows = append(rows, c)
		}
	}
	return id, div, area, rows, nil
}

func (s *Server) handleDivisionPage() http.Handler {
	return s.pageRoute("division", checkUnitPage, func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
		id, div, _, rows, err := s.unitPage(ctx, r, rs)
		if err != nil {
			return nil, err
		}
		api := "/api/districts/" + url.PathEscape(id)
		return &pages.DivisionPage{Frame: frame(rs, "Division "+div.DivisionID+" of District "+id, districtCrumbs(id), true,
			pages.Link{Label: "Division and area standing (district analytics)", Href: api + "/analytics"},
			pages.Link{Label: "Membership history of the division", Href: api + "/membership-history?divisionId=" + url.QueryEscape(div.DivisionID)}),
			DistrictID: id, Division: div, Clubs: rows, Sort: r.URL.Query().Get("sort")}, nil
	})
}

func (s *Server) handleAreaPage() http.Handler {
	return s.pageRoute("area", checkUnitPage, func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
		id, div, area, rows, err := s.unitPage(ctx, r, rs)
		if err != nil {
			return nil, err
		}
		api := "/api/districts/" + url.PathEscape(id)
		crumbs := append(districtCrumbs(id), pages.Link{Label: "Division " + div.DivisionID, Href: "/districts/" + url.PathEscape(id) + "/divisions/" + url.PathEscape(div.DivisionID)})
		return &pages.AreaPage{Frame: frame(rs, "Area "+area.AreaID+" of Division "+div.DivisionID+", District "+id, crumbs, true,
			pages.Link{Label: "Division and area standing (district analytics)", Href: api + "/analytics"},
			pages.Link{Label: "Membership history of the area", Href: api + "/membership-history?divisionId=" + url.QueryEscape(div.DivisionID) + "&areaId=" + url.QueryEscape(area.AreaID)}),
			DistrictID: id, Area: area, Clubs: rows, Sort: r.URL.Query().Get("sort")}, nil
	})
}
