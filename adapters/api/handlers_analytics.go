package api

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/adapters/httpkit"
	"github.com/toaststats/toaststats/analytics"
)

// The routes in this file answer from the district's series of successful
// snapshots, up to the resolved snapshot (?date= or the current one). Their
// answers are cached per generation of the snapshot list, so a new or
// rebuilt snapshot is visible at once.

var (
	clubIDPattern = lazyRegexp(`^[0-9A-Za-z]{1,12}$`)
	unitIDPattern = lazyRegexp(`^[0-9A-Za-z]{1,10}$`)
)

// maxDailyReportDays is the longest range of /daily-reports.
const maxDailyReportDays = 90

// seriesUpTo loads the district's series and keeps the points in
// [start, end], end defaulting to the resolved snapshot. No point at all
// means the district is unknown.
func (s *Server) seriesUpTo(ctx context.Context, rs *resolved, id, start, end string) ([]analytics.Point, []analytics.Point, error) {
	all, _, err := s.series.District(ctx, id)
	if err != nil {
		return nil, nil, internal("ANALYTICS_ERROR", err)
	}
	if len(all) == 0 {
		return nil, nil, errorf(http.StatusNotFound, "DISTRICT_NOT_FOUND", "District not found", "No snapshot contains district "+id)
	}
	if end == "" || end > rs.view.ID {
		end = rs.view.ID
	}
	return all, analytics.PointsBetween(all, start, end), nil
}

// seriesToPathDate returns the {date} of a route's path and the district's
// series up to the resolved snapshot. A snapshot chosen with ?date= holds
// nothing after it, so a path date after it contradicts the request: 400,
// never the later data under that snapshot's _snapshot_metadata.
func (s *Server) seriesToPathDate(ctx context.Context, r *http.Request, rs *resolved) (string, []analytics.Point, error) {
	date := param(r, "date")
	if rs.byDate && date > rs.view.ID {
		return "", nil, errorf(http.StatusBadRequest, "INVALID_DATE_RANGE", "Date must be on or before the snapshot read with ?date= ("+rs.view.ID+")", "Received: "+date)
	}
	_, pts, err := s.seriesUpTo(ctx, rs, mustDistrict(r), "", "")
	return date, pts, err
}

// analyticsError maps the analytics package's sentinel errors.
func analyticsError(err error) error {
	// Most specific first: a club not found is also a scope not found,
	// and a scope not found is also no data.
	switch {
	case errors.Is(err, analytics.ErrClubNotFound):
		return errorf(http.StatusNotFound, "CLUB_NOT_FOUND", "Club not found", nil)
	case errors.Is(err, analytics.ErrScopeNotFound):
		return errorf(http.StatusNotFound, "SCOPE_NOT_FOUND", "No club of the division or area asked for in the requested range", "The district has data; check divisionId and areaId against GET /api/districts/{districtId}/statistics")
	case errors.Is(err, analytics.ErrNoData):
		return errorf(http.StatusNotFound, "NO_DATA_AVAILABLE", "No cached data available for analytics", "No snapshot in the requested range contains this district")
	}
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	return internal("ANALYTICS_ERROR", err)
}

// checkRange validates districtId and optional startDate/endDate.
func checkRange(r *http.Request) *apiError {
	if ae := checkDistrict(r); ae != nil {
		return ae
	}
	_, _, ae := dateRangeQuery(r)
	return ae
}

// rangeQuery is the validated optional startDate/endDate.
func rangeQuery(r *http.Request) (string, string) {
	start, end, _ := dateRangeQuery(r)
	return start, end
}

// analyticsRoute builds a series route over [startDate|program-year start,
// endDate|resolved snapshot]; fn's answer is the envelope's data.
func analyticsRoute[T any](s *Server, name string, fn func(all, pts []analytics.Point, r *http.Request) (T, error)) http.Handler {
	return s.serveSnapshot(snapRoute{
		name:   name,
		series: true,
		query:  []string{"startDate", "endDate"},
		check:  checkRange,
		build: func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
			start, end := rangeQuery(r)
			start, end = analytics.AnalyticsRange(rs.view.ID, start, end)
			all, pts, err := s.seriesUpTo(ctx, rs, mustDistrict(r), start, end)
			if err != nil {
				return nil, err
			}
			v, err := fn(all, pts, r)
			if err != nil {
				return nil, analyticsError(err)
			}
			if er, ok := any(v).(*httpkit.Response); ok {
				return er, nil
			}
			return wrap(rs, v), nil
		},
	})
}

func (s *Server) handleMembershipAnalytics() http.Handler {
	return analyticsRoute(s, "membership-analytics", func(all, pts []analytics.Point, r *http.Request) (*analytics.MembershipReport, error) {
		return analytics.MembershipAnalytics(pts, analytics.PreviousYearPoint(all, analytics.LastDate(pts)))
	})
}

func (s *Server) handleDistrictAnalytics() http.Handler {
	return analyticsRoute(s, "analytics", func(all, pts []analytics.Point, r *http.Request) (*analytics.DistrictReport, error) {
		return analytics.DistrictAnalytics(pts, analytics.PreviousYearPoint(all, analytics.LastDate(pts)))
	})
}

func (s *Server) handleClubTrends() http.Handler {
	h := analyticsRoute(s, "club-trends", func(all, pts []analytics.Point, r *http.Request) (*analytics.ClubTrend, error) {
		return analytics.ClubTrendOf(pts, param(r, "clubId"))
	})
	return withClubID(h)
}

func (s *Server) handleClubNeeds() http.Handler {
	h := analyticsRoute(s, "club-needs", func(all, pts []analytics.Point, r *http.Request) (*apitypes.ClubNeed, error) {
		if len(pts) == 0 {
			return nil, analytics.ErrNoData
		}
		p := pts[len(pts)-1]
		n, err := analytics.ClubNeedOf(p, param(r, "clubId"))
		if err != nil {
			return nil, err
		}
		return &apitypes.ClubNeed{DistrictID: mustDistrict(r), Date: p.Date, ClubNeed: *n}, nil
	})
	return withClubID(h)
}

// withClubID validates :districtId and :clubId before h.
func withClubID(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ae := checkDistrict(r); ae != nil {
			respondError(w, r, ae)
			return
		}
		if c := param(r, "clubId"); !clubIDPattern().MatchString(c) {
			respondError(w, r, errorf(http.StatusBadRequest, "INVALID_CLUB_ID", "Invalid club ID format", "Received: "+truncate(c, 40)))
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) handleVulnerableClubs() http.Handler {
	return analyticsRoute(s, "vulnerable-clubs", func(all, pts []analytics.Point, r *http.Request) (*analytics.VulnerableReport, error) {
		return analytics.VulnerableClubs(pts)
	})
}

func (s *Server) handleLeadershipInsights() http.Handler {
	return analyticsRoute(s, "leadership-insights", func(all, pts []analytics.Point, r *http.Request) (*analytics.LeadershipReport, error) {
		return analytics.LeadershipInsights(pts)
	})
}

func (s *Server) handleDistinguishedAnalytics() http.Handler {
	return analyticsRoute(s, "distinguished-club-analytics", func(all, pts []analytics.Point, r *http.Request) (*analytics.DistinguishedReport, error) {
		return analytics.DistinguishedClubAnalytics(pts, analytics.PreviousYearPoint(all, analytics.LastDate(pts)))
	})
}

func (s *Server) handleExport() http.Handler {
	h := analyticsRoute(s, "export", func(all, pts []analytics.Point, r *http.Request) (*httpkit.Response, error) {
		if len(pts) == 0 {
			return nil, analytics.ErrNoData
		}
		var buf bytes.Buffer
		if err := analytics.ExportCSV(&buf, pts); err != nil {
			return nil, err
		}
		er := httpkit.NewResponse(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes(), "no-cache")
		er.SetHeader("Content-Disposition", `attachment; filename="district_`+pts[0].District.DistrictID+
			"_analytics_"+pts[0].Date+"_to_"+analytics.LastDate(pts)+`.csv"`)
		return er, nil
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f := r.URL.Query().Get("format"); f != "csv" {
			respondError(w, r, errorf(http.StatusBadRequest, "INVALID_FORMAT", "format must be csv", "Received: "+truncate(f, 40)))
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (s *Server) handleYearOverYear() http.Handler {
	return s.serveSnapshot(snapRoute{
		name:   "year-over-year",
		series: true,
		check: func(r *http.Request) *apiError {
			if ae := checkDistrict(r); ae != nil {
				return ae
			}
			_, ae := pathDate(r, "date")
			return ae
		},
		build: func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
			date, pts, err := s.seriesToPathDate(ctx, r, rs)
			if err != nil {
				return nil, err
			}
			rep := analytics.YearOverYearOn(pts, date)
			if rep == nil {
				return nil, errorf(http.StatusNotFound, "SNAPSHOT_NOT_FOUND", "No snapshot of this district for date "+date, nil)
			}
			return wrap(rs, rep), nil
		},
	})
}

// scopeQuery reads the optional divisionId/areaId/clubId scope.
func scopeQuery(r *http.Request) (analytics.Scope, *apiError) {
	q := r.URL.Query()
	sc := analytics.Scope{DivisionID: q.Get("divisionId"), AreaID: q.Get("areaId"), ClubID: q.Get("clubId")}
	for name, v := range map[string]string{"divisionId": sc.DivisionID, "areaId": sc.AreaID} {
		if v != "" && !unitIDPattern().MatchString(v) {
			return sc, errorf(http.StatusBadRequest, "INVALID_SCOPE", "Invalid "+name, "Received: "+truncate(v, 40))
		}
	}
	if sc.ClubID != "" && !clubIDPattern().MatchString(sc.ClubID) {
		return sc, errorf(http.StatusBadRequest, "INVALID_CLUB_ID", "Invalid club ID format", "Received: "+truncate(sc.ClubID, 40))
	}
	if sc.AreaID != "" && sc.DivisionID == "" {
		return sc, errorf(http.StatusBadRequest, "INVALID_SCOPE", "areaId needs divisionId", nil)
	}
	return sc, nil
}

func checkMonths(r *http.Request) *apiError {
	if ae := checkDistrict(r); ae != nil {
		return ae
	}
	_, ae := queryInt(r, "months", 12, 1, 24, "INVALID_MONTHS_PARAMETER")
	return ae
}

// monthsRoute builds a series route over the last ?months= months (default
// 12) up to the resolved snapshot; fn's answer is the envelope's data.
func monthsRoute[T any](s *Server, name string, query []string, check func(*http.Request) *apiError, fn func(pts []analytics.Point, r *http.Request) (T, error)) http.Handler {
	return s.serveSnapshot(snapRoute{
		name:   name,
		series: true,
		query:  query,
		check:  check,
		build: func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
			months, _ := queryInt(r, "months", 12, 1, 24, "INVALID_MONTHS_PARAMETER")
			_, pts, err := s.seriesUpTo(ctx, rs, mustDistrict(r), analytics.MonthsBefore(rs.view.ID, months), "")
			if err != nil {
				return nil, err
			}
			v, err := fn(pts, r)
			if err != nil {
				return nil, analyticsError(err)
			}
			return wrap(rs, v), nil
		},
	})
}

func (s *Server) handleMembershipHistory() http.Handler {
	check := func(r *http.Request) *apiError {
		if ae := checkMonths(r); ae != nil {
			return ae
		}
		_, ae := scopeQuery(r)
		return ae
	}
	return monthsRoute(s, "membership-history", []string{"months", "divisionId", "areaId", "clubId"}, check,
		func(pts []analytics.Point, r *http.Request) (*analytics.MembershipHistoryReport, error) {
			sc, _ := scopeQuery(r)
			return analytics.MembershipHistory(pts, sc)
		})
}

func (s *Server) handleEducationalAwards() http.Handler {
	return monthsRoute(s, "educational-awards", []string{"months"}, checkMonths,
		func(pts []analytics.Point, r *http.Request) (*analytics.EducationalAwardsReport, error) {
			return analytics.EducationalAwards(pts)
		})
}

func (s *Server) handleDailyReports() http.Handler {
	return s.serveSnapshot(snapRoute{
		name:   "daily-reports",
		series: true,
		query:  []string{"startDate", "endDate"},
		check: func(r *http.Request) *apiError {
			if ae := checkDistrict(r); ae != nil {
				return ae
			}
			q := r.URL.Query()
			if q.Get("startDate") == "" || q.Get("endDate") == "" {
				return errorf(http.StatusBadRequest, "MISSING_DATE_PARAMETERS", "startDate and endDate are required", nil)
			}
			start, end, ae := dateRangeQuery(r)
			if ae != nil {
				return ae
			}
			a, _ := time.Parse(time.DateOnly, start)
			b, _ := time.Parse(time.DateOnly, end)
			if b.Sub(a) > maxDailyReportDays*24*time.Hour {
				return errorf(http.StatusBadRequest, "DATE_RANGE_TOO_LARGE", "Date range cannot exceed 90 days", nil)
			}
			return nil
		},
		build: func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
			start, end := rangeQuery(r)
			all, pts, err := s.seriesUpTo(ctx, rs, mustDistrict(r), start, end)
			if err != nil {
				return nil, err
			}
			reports := analytics.DailyReports(analytics.PointBefore(all, start), pts)
			if reports == nil {
				reports = []analytics.DailyReport{}
			}
			return wrap(rs, apitypes.DailyReportList{DistrictID: mustDistrict(r), StartDate: start, EndDate: end, DailyReports: reports}), nil
		},
	})
}

func (s *Server) handleDailyReport() http.Handler {
	return s.serveSnapshot(snapRoute{
		name:   "daily-report",
		series: true,
		check: func(r *http.Request) *apiError {
			if ae := checkDistrict(r); ae != nil {
				return ae
			}
			d, ae := pathDate(r, "date")
			if ae != nil {
				return ae
			}
			if d > s.now().UTC().Format(time.DateOnly) {
				return errorf(http.StatusBadRequest, "FUTURE_DATE_NOT_ALLOWED", "Date cannot be in the future", "Received: "+d)
			}
			return nil
		},
		build: func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
			date, pts, err := s.seriesToPathDate(ctx, r, rs)
			if err != nil {
				return nil, err
			}
			cur, prev := analytics.PointOn(pts, date)
			if cur == nil {
				return nil, errorf(http.StatusNotFound, "SNAPSHOT_NOT_FOUND", "No snapshot of this district for date "+date, nil)
			}
			return wrap(rs, analytics.WhatChanged(prev, *cur)), nil
		},
	})
}

func (s *Server) handleRankHistory() http.Handler {
	return s.serveSnapshot(snapRoute{
		name:   "rank-history",
		series: true,
		query:  []string{"startDate", "endDate"},
		check:  checkRange,
		build: func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
			id := mustDistrict(r)
			start, end := rangeQuery(r)
			py, start, end := analytics.RankHistoryRange(rs.view.ID, start, end)
			pts, err := s.series.RankPoints(ctx, id, start, end)
			if err != nil {
				return nil, internal("RANK_HISTORY_ERROR", err)
			}
			// Every point of the range, which may span July 1; the
			// program year labels it (that of startDate, else of the
			// snapshot), as the predecessor's did.
			rep := analytics.RankHistoryOf(pts, py)
			if rep == nil {
				return nil, internal("RANK_HISTORY_ERROR", errors.New("no rank history computed"))
			}
			rep.DistrictID = id
			if rep.DistrictName == "" {
				rep.DistrictName = "District " + id
			}
			return wrap(rs, rep), nil
		},
	})
}
