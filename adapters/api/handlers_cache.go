package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/readcheck"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// The cache-management routes look after the raw CSV cache (raw-csv/ in
// the data directory). They are admin routes.

func (s *Server) handleCacheStatistics() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		st, err := s.store.CacheStatistics(r.Context())
		if err != nil {
			return nil, internal("CACHE_STATISTICS_ERROR", err)
		}
		return apitypes.CacheStatistics{Statistics: *st, Metadata: s.stamp(r, start, "retrieved_at", "retrieval_duration_ms")}, nil
	})
}

func (s *Server) handleCacheStats() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		dates, err := s.store.CachedDates(r.Context())
		if err != nil {
			return nil, internal("CACHE_STATS_ERROR", err)
		}
		out := apitypes.CacheStats{Metadata: s.stamp(r, start, "retrieved_at", "retrieval_duration_ms")}
		out.Stats.Dates, out.Stats.SnapshotStore = dates, readcheck.Performance(s.store.Snapshots().Stats())
		return out, nil
	})
}

func (s *Server) handleCacheMetadata() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		date, ae := pathDate(r, "date")
		if ae != nil {
			return nil, ae
		}
		md, av, err := s.store.CachedDateDetail(r.Context(), date)
		if errors.Is(err, store.ErrNotCached) {
			return nil, errorf(http.StatusNotFound, "CACHE_DATE_NOT_FOUND", "No cached data for "+date, nil)
		}
		if errors.Is(err, store.ErrMoveInterrupted) {
			// Not a server fault: the date may be split between the cache
			// and the trash until an operator finishes the move.
			return nil, errorf(http.StatusConflict, "CACHE_DATE_MOVING", "The move of "+date+" to or from the raw-cache trash has not finished", err.Error())
		}
		if err != nil {
			return nil, internal("CACHE_METADATA_ERROR", err)
		}
		return apitypes.CacheMetadata{Date: date, Metadata: md, Availability: av}, nil
	})
}

func (s *Server) handleCacheVersion() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		ctx := r.Context()
		body := apitypes.CacheVersion{SchemaVersion: snapshot.SchemaVersion, CalculationVersion: snapshot.CalculationVersion, RankingVersion: snapshot.RankingVersion}
		dates, err := s.store.Raw().Dates(ctx)
		if err != nil {
			return nil, internal("CACHE_VERSION_ERROR", err)
		}
		if n := len(dates); n > 0 {
			body.NewestCacheDate = &dates[n-1]
			if md, err := s.store.Raw().Metadata(ctx, dates[n-1]); err == nil {
				body.CacheVersion = &md.CacheVersion
			}
		}
		return body, nil
	})
}

// handleCacheDelete moves raw cache dates to the raw-cache trash (the
// dashboard keeps no history, so nothing is destroyed over HTTP: the
// operator lists, restores or purges with "toaststats trash"). It never
// acts without an explicit choice: ?date=YYYY-MM-DD for that date;
// ?all=true together with ?confirm=delete-all-raw-cache for every date.
// Snapshots are not touched.
func (s *Server) handleCacheDelete() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		ctx := r.Context()
		q := r.URL.Query()
		var trashed []store.TrashEntry
		var err error
		switch {
		case q.Get("date") != "":
			d, ae := queryDate(r, "date")
			if ae != nil {
				return nil, ae
			}
			var e store.TrashEntry
			if e, err = s.store.Raw().Trash(ctx, d); errors.Is(err, store.ErrNotCached) {
				return nil, errorf(http.StatusNotFound, "CACHE_DATE_NOT_FOUND", "No cached data for "+d, nil)
			}
			trashed = []store.TrashEntry{e}
		case q.Get("all") == "true" && q.Get("confirm") == "delete-all-raw-cache":
			trashed, err = s.store.Raw().TrashAll(ctx)
		default:
			return nil, errorf(http.StatusBadRequest, "CONFIRMATION_REQUIRED",
				"Pass ?date=YYYY-MM-DD to delete one date, or ?all=true&confirm=delete-all-raw-cache to delete the whole raw cache", nil)
		}
		if err != nil {
			return nil, internal("CACHE_DELETE_FAILED", err)
		}
		deleted := make([]string, len(trashed))
		for i, e := range trashed {
			deleted[i] = e.Date
		}
		s.log.Warn("raw cache dates moved to trash", "dates", deleted, "by", clientIP(r))
		return apitypes.CacheDeleted{Success: true, DeletedDates: deleted, Trash: trashed,
			Note:     "moved to the raw-cache trash under the data directory; restore with: toaststats trash restore --data-dir DIR ID",
			Metadata: s.stamp(r, start, "deleted_at", "operation_duration_ms")}, nil
	})
}
