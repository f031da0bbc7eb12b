package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/adapters/httpkit"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// checkDistrict validates the :districtId parameter.
func checkDistrict(r *http.Request) *apiError {
	_, ae := districtID(r)
	return ae
}

// mustDistrict returns the validated district id (checked already).
func mustDistrict(r *http.Request) string {
	id, _ := districtID(r)
	return id
}

func (s *Server) handleDistrictList() http.Handler {
	return s.serveSnapshot(snapRoute{
		name: "districts",
		build: func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
			list := make([]apitypes.DistrictSummary, 0, len(rs.view.Manifest.Districts))
			for _, d := range rs.view.Manifest.Districts {
				list = append(list, apitypes.DistrictSummary{ID: d.DistrictID, Name: "District " + d.DistrictID, Status: d.Status, LastUpdated: d.LastModified})
			}
			return wrap(rs, apitypes.DistrictList{Districts: list}), nil
		},
	})
}

func (s *Server) handleRankings() http.Handler {
	return s.serveSnapshot(snapRoute{
		name:     "rankings",
		fallback: true,
		check: func(r *http.Request) *apiError {
			switch v := r.URL.Query().Get("fallback"); v {
			case "", "true", "false":
				return nil
			default:
				return errorf(http.StatusBadRequest, "INVALID_FALLBACK_PARAMETER", "fallback must be true or false", "Received: "+truncate(v, 40))
			}
		},
		build: func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
			rf, err := rs.view.RankingsShared(ctx)
			if err != nil {
				if errors.Is(err, store.ErrNoRankings) {
					return nil, errorf(http.StatusInternalServerError, "RANKINGS_DATA_NOT_FOUND", "Rankings data not found in snapshot", "The snapshot does not contain all-districts-rankings data")
				}
				if errors.Is(err, store.ErrCorrupt) {
					return nil, snapshotReadError(rs.view.ID, err)
				}
				return nil, internal("RANKINGS_ERROR", err)
			}
			meta := apitypes.RankingsMeta{
				SnapshotMeta:   *rs.meta(),
				DataSource:     "all-districts-rankings-file",
				FromCache:      rf.Metadata.FromCache,
				RankingVersion: rf.Metadata.RankingVersion,
			}
			if rf.Metadata.CalculationVersion != "" {
				meta.CalculationVersion = rf.Metadata.CalculationVersion
			}
			rows := rf.Rankings
			if rows == nil {
				rows = []snapshot.DistrictRanking{}
			}
			return apitypes.Rankings{Rankings: rows, Date: rf.Metadata.SourceCsvDate, Meta: meta}, nil
		},
	})
}

func (s *Server) handleStatistics() http.Handler {
	return s.serveSnapshot(snapRoute{
		name:  "statistics",
		check: checkDistrict,
		build: func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
			df, err := districtFile(ctx, rs, mustDistrict(r))
			if err != nil {
				return nil, err
			}
			return wrap(rs, df.Data), nil
		},
	})
}

func (s *Server) handleClubs() http.Handler {
	return s.serveSnapshot(snapRoute{
		name:  "clubs",
		check: checkDistrict,
		build: func(ctx context.Context, r *http.Request, rs *resolved) (any, error) {
			df, err := districtFile(ctx, rs, mustDistrict(r))
			if err != nil {
				return nil, err
			}
			clubs := df.Data.ClubDetails
			if clubs == nil {
				clubs = []snapshot.Club{}
			}
			return wrap(rs, apitypes.ClubList{DistrictID: df.DistrictID, Clubs: clubs, TotalClubs: len(clubs)}), nil
		},
	})
}

// handleSnapshotDates lists the successful snapshot ids, newest first.
func (s *Server) handleSnapshotDates() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		list, fp, err := s.series.Successful(r.Context())
		if err != nil {
			return nil, internal("FETCH_ERROR", err)
		}
		er, err := s.resps.Get("snapshot-dates|"+fp, func() (*httpkit.Response, error) {
			dates := make([]string, 0, len(list))
			for i := len(list) - 1; i >= 0; i-- {
				dates = append(dates, list[i].SnapshotID)
			}
			return httpkit.JSON(http.StatusOK, apitypes.Data[apitypes.SnapshotDates]{Data: apitypes.SnapshotDates{Dates: dates, Count: len(dates)}}, "public, max-age=60")
		})
		if err != nil {
			return nil, err
		}
		er.ServeHTTP(w, r)
		return nil, nil
	})
}

// handleCachedDates lists the successful snapshots whose manifest has the
// district as successful, oldest first.
func (s *Server) handleCachedDates() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		id, ae := districtID(r)
		if ae != nil {
			return nil, ae
		}
		ctx := r.Context()
		_, fp, err := s.series.Successful(ctx)
		if err != nil {
			return nil, internal("SNAPSHOT_ERROR", err)
		}
		er, err := s.resps.Get("cached-dates|"+id+"|"+fp, func() (*httpkit.Response, error) {
			ids, err := s.series.SuccessfulIDs(ctx)
			if err != nil {
				return nil, internal("SNAPSHOT_ERROR", err)
			}
			dates, err := s.store.Snapshots().DatesWithDistrict(ctx, ids, id)
			if err != nil {
				return nil, internal("SNAPSHOT_ERROR", err)
			}
			body := apitypes.CachedDates{DistrictID: id, Dates: dates}
			body.Count = len(body.Dates)
			if n := len(body.Dates); n > 0 {
				body.DateRange = &apitypes.DateRange{StartDate: body.Dates[0], EndDate: body.Dates[n-1]}
			}
			return httpkit.JSON(http.StatusOK, apitypes.Data[apitypes.CachedDates]{Data: body}, "public, max-age=60")
		})
		if err != nil {
			return nil, err
		}
		er.ServeHTTP(w, r)
		return nil, nil
	})
}

// queryInt reads an integer query parameter within [min, max]; def when
// absent.
func queryInt(r *http.Request, name string, def, min, max int, code string) (int, *apiError) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, errorf(http.StatusBadRequest, code, name+" must be an integer between "+strconv.Itoa(min)+" and "+strconv.Itoa(max), "Received: "+truncate(v, 40))
	}
	return n, nil
}

// dateRangeQuery reads optional startDate/endDate and checks their order.
func dateRangeQuery(r *http.Request) (start, end string, ae *apiError) {
	if start, ae = queryDate(r, "startDate"); ae != nil {
		return "", "", ae
	}
	if end, ae = queryDate(r, "endDate"); ae != nil {
		return "", "", ae
	}
	if start != "" && end != "" && start > end {
		return "", "", errorf(http.StatusBadRequest, "INVALID_DATE_RANGE", "startDate must be before or equal to endDate", nil)
	}
	return start, end, nil
}
