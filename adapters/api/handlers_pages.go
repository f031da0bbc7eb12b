package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/toaststats/toaststats/adapters/httpkit"
	"github.com/toaststats/toaststats/adapters/pages"
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
	m.kit.Handle(http.MethodGet, path, m.wrap(ri, h))
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
			er := httpkit.NewResponse(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes(), cc)
			er.SetHeader("Content-Disposition", `attachment; filename="`+file+"_"+rs.view.ID+`.csv"`)
			return er, nil
		}
		if err := pages.Render(&buf, pg); err != nil {
			return nil, internal("PAGE_RENDER_ERROR", err)
		}
		return httpkit.NewResponse(http.StatusOK, "text/html; charset=utf-8", buf.Bytes(), cc), nil
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
	er := httpkit.NewResponse(ae.Status, "text/html; charset=utf-8", buf.Bytes(), "no-store")
	if ae.RetryAfter > 0 {
		er.SetHeader("Retry-After", fmt.Sprint(ae.RetryAfter))
	}
	er.ServeHTTP(w, r)
}

// at is the snapshot rs as package pages takes it; a date answered from an
// earlier snapshot (a fallback) is named so the page can say so.
func at(rs *resolved) pages.At {
	a := pages.At{View: rs.view, ID: rs.view.ID, Metadata: rs.view.Metadata, ByDate: rs.byDate}
	if rs.fallback != nil {
		a.Requested = rs.fallback.RequestedDate
	}
	return a
}

// readCodes are the error codes of the pages' failed reads (pages.ReadError),
// as the JSON routes reading the same thing answer them.
var readCodes = map[string]string{pages.OpRankedSeries: "SNAPSHOT_READ_ERROR", pages.OpSeries: "ANALYTICS_ERROR", pages.OpRankHistory: "RANK_HISTORY_ERROR"}

// pageError maps the errors of package pages' loaders to answers.
func pageError(rs *resolved, err error) error {
	var nf *pages.NotFoundError
	var re *pages.ReadError
	switch {
	case errors.As(err, &nf) && errors.Is(err, pages.ErrDistrictNotFound):
		return errorf(http.StatusNotFound, "DISTRICT_NOT_FOUND", "District not found", nf.Detail)
	case errors.As(err, &nf) && errors.Is(err, pages.ErrDivisionNotFound):
		return errorf(http.StatusNotFound, "DIVISION_NOT_FOUND", nf.Detail, nil)
	case errors.As(err, &nf) && errors.Is(err, pages.ErrAreaNotFound):
		return errorf(http.StatusNotFound, "AREA_NOT_FOUND", nf.Detail, nil)
	case errors.Is(err, store.ErrNoRankings):
		return errorf(http.StatusNotFound, "RANKINGS_DATA_NOT_FOUND", "This snapshot has no rankings", nil)
	case errors.As(err, &re) && re.Op == pages.OpRankings:
		return snapshotReadError(rs.view.ID, re.Err)
	case errors.As(err, &re):
		return internal(readCodes[re.Op], re.Err)
	}
	return analyticsError(err)
}

// loaded adapts a page loader to pageRoute, mapping its errors.
func loaded[P any](load func(r *http.Request, at pages.At) (P, error)) func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
	return func(_ context.Context, r *http.Request, rs *resolved) (any, error) {
		pg, err := load(r, at(rs))
		if err != nil {
			return nil, pageError(rs, err)
		}
		return pg, nil
	}
}

func (s *Server) handleHomePage() http.Handler {
	return s.pageRoute("home", nil, loaded(func(r *http.Request, at pages.At) (*pages.HomePage, error) {
		return pages.Home(r.Context(), s.series, at, r.URL.Query())
	}))
}

// handleDistrictSearch sends the search box to the district page (of the
// searching page's snapshot when that page was chosen with ?date=).
func (s *Server) handleDistrictSearch() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw := r.URL.Query().Get("id")
		id, err := store.ValidDistrictID(raw)
		if err != nil {
			respondPageError(w, r, errorf(http.StatusBadRequest, "INVALID_DISTRICT_ID", "Not a district id: "+truncate(raw, 40), "district ids are numbers or one or two letters, like 61 or F"))
			return
		}
		to := "/districts/" + url.PathEscape(id)
		// The form of a page of a past snapshot sends its date along.
		if d := r.URL.Query().Get("date"); d != "" && store.ValidDate(d) == nil {
			to = pages.Dated(to, d)
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, to, http.StatusSeeOther)
	})
}

func (s *Server) handleDistrictPage() http.Handler {
	return s.pageRoute("district", checkDistrict, loaded(func(r *http.Request, at pages.At) (*pages.DistrictPage, error) {
		return pages.District(r.Context(), s.series, at, mustDistrict(r))
	}))
}

func (s *Server) handleClubsPage() http.Handler {
	return s.pageRoute("clubs", checkDistrict, loaded(func(r *http.Request, at pages.At) (*pages.ClubsPage, error) {
		return pages.Clubs(r.Context(), s.series, at, mustDistrict(r), r.URL.Query())
	}))
}

func checkClubPage(r *http.Request) *apiError {
	if ae := checkDistrict(r); ae != nil {
		return ae
	}
	if c := param(r, "clubId"); !clubIDPattern().MatchString(c) {
		return errorf(http.StatusBadRequest, "INVALID_CLUB_ID", "Invalid club ID format", "Received: "+truncate(c, 40))
	}
	return nil
}

func (s *Server) handleClubPage() http.Handler {
	return s.pageRoute("club", checkClubPage, loaded(func(r *http.Request, at pages.At) (*pages.ClubPage, error) {
		return pages.Club(r.Context(), s.series, at, mustDistrict(r), param(r, "clubId"))
	}))
}

func checkUnitPage(r *http.Request) *apiError {
	if ae := checkDistrict(r); ae != nil {
		return ae
	}
	for _, name := range []string{"divisionId", "areaId"} {
		if v := param(r, name); v != "" && !unitIDPattern().MatchString(v) {
			return errorf(http.StatusBadRequest, "INVALID_SCOPE", "Invalid "+name, "Received: "+truncate(v, 40))
		}
	}
	return nil
}

func (s *Server) handleDivisionPage() http.Handler {
	return s.pageRoute("division", checkUnitPage, loaded(func(r *http.Request, at pages.At) (*pages.DivisionPage, error) {
		return pages.Division(r.Context(), s.series, at, mustDistrict(r), param(r, "divisionId"), r.URL.Query())
	}))
}

func (s *Server) handleAreaPage() http.Handler {
	return s.pageRoute("area", checkUnitPage, loaded(func(r *http.Request, at pages.At) (*pages.AreaPage, error) {
		return pages.Area(r.Context(), s.series, at, mustDistrict(r), param(r, "divisionId"), param(r, "areaId"), r.URL.Query())
	}))
}
