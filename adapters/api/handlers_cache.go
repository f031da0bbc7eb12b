package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/toaststats/toaststats/readcheck"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// The cache-management routes look after the raw CSV cache (raw-csv/ in
// the data directory). They are admin routes.

// cacheStatistics is the answer of GET /api/districts/cache/statistics.
type cacheStatistics struct {
	Statistics struct {
		TotalDates           int        `json:"total_dates"`
		TotalBytes           int64      `json:"total_bytes"`
		OldestDate           *string    `json:"oldest_date"`
		NewestDate           *string    `json:"newest_date"`
		LatestModified       *time.Time `json:"latest_modified"`
		DatesWithoutSnapshot []string   `json:"dates_without_snapshot"`
	} `json:"statistics"`
	Metadata opMeta `json:"metadata"`
}

// cacheStats is the answer of GET /api/districts/cache/stats.
type cacheStats struct {
	Stats struct {
		Dates         []store.CachedDate         `json:"dates"`
		SnapshotStore readcheck.StorePerformance `json:"snapshot_store"`
	} `json:"stats"`
	Metadata opMeta `json:"metadata"`
}

// cacheMetadata is the answer of GET /api/districts/cache/metadata/:date.
type cacheMetadata struct {
	Date         string             `json:"date"`
	Metadata     *store.RawMetadata `json:"metadata"`
	Availability struct {
		HasSummary bool                      `json:"has_summary"`
		Districts  map[string][]store.Report `json:"districts"`
	} `json:"availability"`
}

// cacheVersion is the answer of GET /api/districts/cache/version.
type cacheVersion struct {
	SchemaVersion      string  `json:"schema_version"`
	CalculationVersion string  `json:"calculation_version"`
	RankingVersion     string  `json:"ranking_version"`
	CacheVersion       *int    `json:"cache_version"`
	NewestCacheDate    *string `json:"newest_cache_date"`
}

// cacheDeleted is the answer of DELETE /api/districts/cache.
type cacheDeleted struct {
	Success      bool               `json:"success"`
	DeletedDates []string           `json:"deleted_dates"`
	Trash        []store.TrashEntry `json:"trash"`
	Note         string             `json:"note"`
	Metadata     opMeta             `json:"metadata"`
}

func (s *Server) handleCacheStatistics() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		ctx := r.Context()
		dates, err := s.store.CachedDates(ctx)
		if err != nil {
			return nil, internal("CACHE_STATISTICS_ERROR", err)
		}
		latest, err := s.store.Raw().LatestModified(ctx)
		if err != nil {
			return nil, internal("CACHE_STATISTICS_ERROR", err)
		}
		var total int64
		unbuilt := []string{}
		for _, d := range dates {
			total += d.TotalBytes
			if !d.HasSnapshot {
				unbuilt = append(unbuilt, d.Date)
			}
		}
		out := cacheStatistics{Metadata: s.opMeta(r, start, "retrieved_at", "retrieval_duration_ms")}
		st := &out.Statistics
		st.TotalDates, st.TotalBytes, st.DatesWithoutSnapshot = len(dates), total, unbuilt
		if n := len(dates); n > 0 {
			st.OldestDate, st.NewestDate = &dates[0].Date, &dates[n-1].Date
		}
		if !latest.IsZero() {
			t := latest.UTC()
			st.LatestModified = &t
		}
		return out, nil
	})
}

func (s *Server) handleCacheStats() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		dates, err := s.store.CachedDates(r.Context())
		if err != nil {
			return nil, internal("CACHE_STATS_ERROR", err)
		}
		out := cacheStats{Metadata: s.opMeta(r, start, "retrieved_at", "retrieval_duration_ms")}
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
		ctx := r.Context()
		md, err := s.store.Raw().Metadata(ctx, date)
		if err != nil {
			if errors.Is(err, store.ErrNotCached) {
				return nil, errorf(http.StatusNotFound, "CACHE_DATE_NOT_FOUND", "No cached data for "+date, nil)
			}
			return nil, internal("CACHE_METADATA_ERROR", err)
		}
		av, err := s.store.Raw().Availability(ctx, date)
		if err != nil {
			return nil, internal("CACHE_METADATA_ERROR", err)
		}
		districts := map[string][]store.Report{}
		for id, reps := range av.Districts {
			districts[id] = reps
		}
		out := cacheMetadata{Date: date, Metadata: md}
		out.Availability.HasSummary, out.Availability.Districts = av.HasSummary, districts
		return out, nil
	})
}

func (s *Server) handleCacheVersion() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		ctx := r.Context()
		body := cacheVersion{SchemaVersion: snapshot.SchemaVersion, CalculationVersion: snapshot.CalculationVersion, RankingVersion: snapshot.RankingVersion}
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
		raw := s.store.Raw()
		var targets []string
		switch {
		case q.Get("date") != "":
			d, ae := queryDate(r, "date")
			if ae != nil {
				return nil, ae
			}
			md, err := raw.Metadata(ctx, d)
			if err != nil || md == nil {
				dates, derr := raw.Dates(ctx)
				found := false
				for _, x := range dates {
					found = found || x == d
				}
				if derr != nil || !found {
					return nil, errorf(http.StatusNotFound, "CACHE_DATE_NOT_FOUND", "No cached data for "+d, nil)
				}
			}
			targets = []string{d}
		case q.Get("all") == "true" && q.Get("confirm") == "delete-all-raw-cache":
			dates, err := raw.Dates(ctx)
			if err != nil {
				return nil, internal("CACHE_DELETE_FAILED", err)
			}
			targets = dates
		default:
			return nil, errorf(http.StatusBadRequest, "CONFIRMATION_REQUIRED",
				"Pass ?date=YYYY-MM-DD to delete one date, or ?all=true&confirm=delete-all-raw-cache to delete the whole raw cache", nil)
		}
		deleted, trashed := []string{}, []store.TrashEntry{}
		for _, d := range targets {
			e, err := raw.Trash(ctx, d)
			if err != nil {
				return nil, internal("CACHE_DELETE_FAILED", err)
			}
			deleted = append(deleted, d)
			trashed = append(trashed, e)
		}
		s.log.Warn("raw cache dates moved to trash", "dates", deleted, "by", clientIP(r))
		return cacheDeleted{Success: true, DeletedDates: deleted, Trash: trashed,
			Note:     "moved to the raw-cache trash under the data directory; restore with: toaststats trash restore --data-dir DIR ID",
			Metadata: s.opMeta(r, start, "deleted_at", "operation_duration_ms")}, nil
	})
}
