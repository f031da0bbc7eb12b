package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

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
			file, err := pages.WriteCSV(&buf, pg)
			if errors.Is(err, pages.ErrNoCSV) {
				return nil, errorf(http.StatusBadRequest, "INVALID_FORMAT", "This page has no CSV download; use the export link", nil)
			}
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

// frame is the frame of a page rendered from rs.
func frame(rs *resolved, title string, crumbs []pages.Link, csv bool, json ...pages.Link) pages.Frame {
	return pages.NewFrame(rs.view.ID, rs.view.Metadata, rs.byDate, title, crumbs, csv, json...)
}

// rankMoves compares the rankings cur of date with those a week and a
// month older (analytics.RankMovesAgo).
func (s *Server) rankMoves(ctx context.Context, date string, cur []snapshot.DistrictRanking) (pages.Moves, error) {
	series, err := s.series.Rankings(ctx)
	if err != nil {
		return pages.Moves{}, internal("SNAPSHOT_READ_ERROR", err)
	}
	dated := make([]analytics.RankedDate, len(series))
	for i, r := range series {
		dated[i] = analytics.RankedDate{Date: r.ID, Rankings: r.Rankings}
	}
	var mv pages.Moves
	mv.Week, mv.Month, mv.WeekDate, mv.MonthDate = analytics.RankMovesAgo(dated, date, cur)
	return mv, nil
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
		mv, err := s.rankMoves(ctx, rs.view.ID, rf.Rankings)
		if err != nil {
			return nil, err
		}
		q := r.URL.Query()
		return pages.NewHomePage(frame(rs, "District rankings", nil, true, pages.Link{Label: "Rankings", Href: "/api/districts/rankings"}),
			rf.Rankings, mv, rs.view.DistrictIDs(), q.Get("region"), q.Get("sort")), nil
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
// program year and the whole series; the last point is the page's.
func (s *Server) districtPoints(ctx context.Context, rs *resolved, id string) (all, pts []analytics.Point, err error) {
	all, pts, err = s.seriesUpTo(ctx, rs, id, analytics.ProgramYearStartDate(rs.view.ID), "")
	if err != nil {
		return nil, nil, err
	}
	if len(pts) == 0 {
		return nil, nil, errorf(http.StatusNotFound, "DISTRICT_NOT_FOUND", "District not found", "No snapshot of this program year up to "+rs.view.ID+" contains district "+id)
	}
	return all, pts, nil
}

func districtCrumbs(id string) []pages.Link {
	return []pages.Link{{Label: "District " + id, Href: "/districts/" + url.PathEscape(id)}}
}

func (s *Server) handleDistrictPage() http.Handler {
	return s.pageRoute("district", checkDistrict, func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
		id := mustDistrict(r)
		all, pts, err := s.districtPoints(ctx, rs, id)
		if err != nil {
			return nil, err
		}
		in := pages.DistrictSeries{All: all, Year: pts}
		p := pts[len(pts)-1]
		if p.Ranking != nil {
			if rf, err := rs.view.RankingsShared(ctx); err == nil {
				if in.Moves, err = s.rankMoves(ctx, rs.view.ID, rf.Rankings); err != nil {
					return nil, err
				}
			}
		}
		in.LastYear = analytics.PreviousProgramYearPoints(all, p.Date)
		if in.Ranks, err = s.series.RankPoints(ctx, id, analytics.ProgramYearStartDate(rs.view.ID), rs.view.ID); err != nil {
			return nil, internal("RANK_HISTORY_ERROR", err)
		}
		api := "/api/districts/" + url.PathEscape(id)
		pg, err := pages.NewDistrictPage(frame(rs, "District "+id, nil, false,
			pages.Link{Label: "Statistics", Href: api + "/statistics"}, pages.Link{Label: "District analytics", Href: api + "/analytics"},
			pages.Link{Label: "Distinguished clubs", Href: api + "/distinguished-club-analytics"}, pages.Link{Label: "Rank history", Href: api + "/rank-history"},
			pages.Link{Label: "Membership history", Href: api + "/membership-history"}), id, in)
		if err != nil {
			return nil, analyticsError(err)
		}
		pg.CSV, pg.CSVLabel = api+"/export?format=csv", "Download the district analytics as CSV"
		if rs.byDate {
			pg.CSV += "&date=" + rs.view.ID
		}
		return pg, nil
	})
}

func (s *Server) handleClubsPage() http.Handler {
	return s.pageRoute("clubs", checkDistrict, func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
		id := mustDistrict(r)
		_, pts, err := s.districtPoints(ctx, rs, id)
		if err != nil {
			return nil, err
		}
		rows, err := pages.ClubRows(pts)
		if err != nil {
			return nil, analyticsError(err)
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
		_, pts, err := s.districtPoints(ctx, rs, id)
		if err != nil {
			return nil, err
		}
		trend, err := analytics.ClubTrendOf(pts, clubID)
		if err != nil {
			return nil, analyticsError(err)
		}
		need, _ := analytics.ClubNeedOf(pts[len(pts)-1], clubID)
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

// unitPage finds the division (and area) of the page and its clubs
// (pages.Unit).
func (s *Server) unitPage(ctx context.Context, r *http.Request, rs *resolved) (string, *analytics.DivisionStanding, *analytics.UnitStanding, []pages.ClubRow, error) {
	id, divID, areaID := mustDistrict(r), param(r, "divisionId"), param(r, "areaId")
	_, pts, err := s.districtPoints(ctx, rs, id)
	if err != nil {
		return id, nil, nil, nil, err
	}
	div, area, rows, err := pages.Unit(pts, divID, areaID)
	on := pts[len(pts)-1].Date
	switch {
	case errors.Is(err, pages.ErrDivisionNotFound):
		err = errorf(http.StatusNotFound, "DIVISION_NOT_FOUND", "Division "+divID+" is not in District "+id+" on "+on, nil)
	case errors.Is(err, pages.ErrAreaNotFound):
		err = errorf(http.StatusNotFound, "AREA_NOT_FOUND", "Area "+areaID+" is not in Division "+divID+" of District "+id+" on "+on, nil)
	case err != nil:
		err = analyticsError(err)
	}
	return id, div, area, rows, err
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
