package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/adapters/httpkit"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// wrap puts v in the envelope of the snapshot rs.
func wrap[T any](rs *resolved, v T) apitypes.Envelope[T] {
	return apitypes.Envelope[T]{Data: v, Meta: rs.meta()}
}

// resolved is the snapshot a data request is answered from.
type resolved struct {
	view     *store.View
	fallback *store.Fallback
	byDate   bool // chosen by ?date= rather than the current pointer
}

func (rs *resolved) meta() *apitypes.SnapshotMeta {
	m := rs.view.Metadata
	return &apitypes.SnapshotMeta{
		SnapshotID:          rs.view.ID,
		CreatedAt:           m.CreatedAt,
		SchemaVersion:       m.SchemaVersion,
		CalculationVersion:  m.CalculationVersion,
		DataAsOf:            m.DataAsOfDate,
		IsClosingPeriodData: m.IsClosingPeriodData,
		CollectionDate:      m.CollectionDate,
		LogicalDate:         m.LogicalDate,
		Fallback:            rs.fallback,
	}
}

// generation names one published version of the resolved snapshot: a
// rebuilt snapshot id gets a new creation time, so cached answers keyed by
// generation are never stale.
func (rs *resolved) generation() string {
	return rs.view.ID + "@" + rs.view.Generation() + "@" + strconv.FormatInt(rs.view.Metadata.CreatedAt.UnixNano(), 36)
}

var errNoSnapshot = &apiError{
	Status:  http.StatusServiceUnavailable,
	Code:    "NO_SNAPSHOT_AVAILABLE",
	Message: "No data snapshot available yet",
	Details: "Run a refresh operation to create the first snapshot",
}

// queryDate reads and validates a date query parameter ("" when absent).
func queryDate(r *http.Request, name string) (string, *apiError) {
	v := query(r).Get(name)
	if v == "" {
		return "", nil
	}
	if err := store.ValidDate(v); err != nil {
		return "", errorf(http.StatusBadRequest, "INVALID_DATE_FORMAT", "Invalid "+name+": expected a calendar date YYYY-MM-DD", "Received: "+truncate(v, 40))
	}
	return v, nil
}

// pathDate validates a date path parameter.
func pathDate(r *http.Request, name string) (string, *apiError) {
	v := param(r, name)
	if err := store.ValidDate(v); err != nil {
		return "", errorf(http.StatusBadRequest, "INVALID_DATE_FORMAT", "Invalid date: expected a calendar date YYYY-MM-DD", "Received: "+truncate(v, 40))
	}
	return v, nil
}

// districtID validates the :districtId parameter and returns it in its
// canonical (upper-case) form.
func districtID(r *http.Request) (string, *apiError) {
	raw := param(r, "districtId")
	id, err := store.ValidDistrictID(raw)
	if err != nil {
		return "", errorf(http.StatusBadRequest, "INVALID_DISTRICT_ID", "Invalid district ID format", "Received: "+truncate(raw, 40))
	}
	return id, nil
}

// resolve picks the snapshot a data request reads (store.Resolve): ?date=
// names a stored successful snapshot; without it the current snapshot.
// With fallback, a date with no snapshot is answered from the newest
// successful snapshot before it.
func (s *Server) resolve(ctx context.Context, r *http.Request, allowFallback bool) (*resolved, *apiError) {
	date, ae := queryDate(r, "date")
	if ae != nil {
		return nil, ae
	}
	v, fb, err := s.store.Snapshots().Resolve(ctx, date, store.ResolveOptions{Fallback: allowFallback, Now: s.now, SuccessIDs: s.series.SuccessfulIDs})
	switch {
	case err == nil:
		return &resolved{view: v, byDate: date != "", fallback: fb}, nil
	case errors.Is(err, store.ErrNoSnapshot):
		return nil, errNoSnapshot
	case errors.Is(err, store.ErrSnapshotNotFound) && !allowFallback:
		return nil, errorf(http.StatusNotFound, "SNAPSHOT_NOT_FOUND", "No snapshot available for date "+date, "Pass a date listed by /api/districts/cache/dates")
	case errors.Is(err, store.ErrSnapshotNotFound):
		return nil, errorf(http.StatusNotFound, "SNAPSHOT_NOT_FOUND", "No snapshot available for date "+date, "No successful snapshot exists on or before this date")
	}
	return nil, internal("SNAPSHOT_READ_ERROR", err)
}

// cacheControl says how long clients may keep an answer: long and immutable
// for a settled snapshot chosen by date or id, short for the current one and
// for recent dates that a closing-period collection may still republish.
func (s *Server) cacheControl(rs *resolved) string {
	if rs != nil && rs.byDate && rs.fallback == nil {
		if snapshot.Settled(rs.view.ID, s.now()) {
			return "public, max-age=31536000, immutable"
		}
		return "public, max-age=3600"
	}
	return "public, max-age=60"
}

// snapRoute describes a data route answered from one snapshot.
type snapRoute struct {
	name string
	// query lists the query parameters that change the answer (besides
	// date and fallback); they become part of the cache key.
	query []string
	// fallback allows ?date= to fall back to the newest earlier snapshot
	// unless the request says ?fallback=false.
	fallback bool
	// check validates path and query before any snapshot is read.
	check func(r *http.Request) *apiError
	// series marks answers computed from the whole series of snapshots:
	// their cache key includes the fingerprint of the snapshot list.
	series bool
	// build computes the response body from the resolved snapshot.
	build func(ctx context.Context, r *http.Request, rs *resolved) (any, error)
	// fail writes errors (default respondError, the JSON envelope; the
	// leader pages answer HTML).
	fail func(w http.ResponseWriter, r *http.Request, err error)
}

// routeCacheControl is the Cache-Control of an answer of sr from rs.
func (s *Server) routeCacheControl(sr *snapRoute, rs *resolved) string {
	if sr.series && rs.byDate {
		// A series answer also depends on the other snapshots
		// (a backfilled older date changes it): never immutable.
		return "public, max-age=3600"
	}
	return s.cacheControl(rs)
}

// serveSnapshot makes the handler of a snapshot data route: validate,
// resolve the snapshot, then serve the cached encoding for this snapshot
// generation or build it.
func (s *Server) serveSnapshot(sr snapRoute) http.Handler {
	fail := sr.fail
	if fail == nil {
		fail = respondError
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		defer func() { s.reads.Record(time.Since(start), s.builds.Running()) }()
		if sr.check != nil {
			if ae := sr.check(r); ae != nil {
				fail(w, r, ae)
				return
			}
		}
		ctx := r.Context()
		q := query(r)
		rs, ae := s.resolve(ctx, r, sr.fallback && q.Get("fallback") != "false")
		if ae != nil {
			fail(w, r, ae)
			return
		}
		var key strings.Builder
		key.WriteString(sr.name)
		for _, p := range httprouterParams(r) {
			key.WriteString("|" + p)
		}
		for _, name := range sr.query {
			key.WriteString("|" + name + "=" + q.Get(name))
		}
		if rs.fallback != nil {
			key.WriteString("|fb=" + rs.fallback.RequestedDate)
		}
		key.WriteString("|" + rs.generation())
		// The answer carries its Cache-Control: the same snapshot asked for
		// by date (kept long) and as the current one (kept a minute) are
		// two answers.
		cc := s.routeCacheControl(&sr, rs)
		key.WriteString("|cc=" + cc)
		if id, ae := districtID(r); ae == nil && param(r, "districtId") != "" {
			// A district file damaged or rewritten on disk changes the key.
			key.WriteString("|f=" + rs.view.FileStamp(ctx, id))
		}
		if sr.series {
			fp, err := s.series.Fingerprint(ctx)
			if err != nil {
				fail(w, r, internal("SNAPSHOT_READ_ERROR", err))
				return
			}
			key.WriteString("|list=" + fp)
		}
		er, err := s.resps.Get(key.String(), func() (*httpkit.Response, error) {
			v, err := sr.build(ctx, r, rs)
			if err != nil {
				return nil, err
			}
			if er, ok := v.(*httpkit.Response); ok {
				return er, nil
			}
			return httpkit.JSON(http.StatusOK, v, cc)
		})
		if err != nil {
			fail(w, r, err)
			return
		}
		er.ServeHTTP(w, r)
	})
}

// query is the request's query; nil (whose Get answers "") when there is
// none, sparing the hot routes a parse.
func query(r *http.Request) url.Values {
	if r.URL.RawQuery == "" {
		return nil
	}
	return r.URL.Query()
}

// httprouterParams returns the route parameter values in order.
func httprouterParams(r *http.Request) []string {
	ps := paramsOf(r)
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Key + "=" + p.Value
	}
	return out
}

// districtFile reads one district of the resolved snapshot.
func districtFile(ctx context.Context, rs *resolved, id string) (*snapshot.DistrictFile, error) {
	df, err := rs.view.DistrictShared(ctx, id)
	if err != nil {
		if errors.Is(err, store.ErrDistrictNotFound) {
			return nil, errorf(http.StatusNotFound, "DISTRICT_NOT_FOUND", "District not found", fmt.Sprintf("District %s is not in snapshot %s", id, rs.view.ID))
		}
		return nil, snapshotReadError(rs.view.ID, err)
	}
	return df, nil
}

// snapshotReadError answers a failed snapshot read: a damaged file (missing,
// wrong sha256, not JSON) is 503 SNAPSHOT_DAMAGED naming the snapshot and
// the problem, so that a client and an operator know what is wrong and what
// to run; anything else is 500 SNAPSHOT_READ_ERROR. /health reports the
// damage as "degraded" and `toaststats status` lists the file.
func snapshotReadError(snapshotID string, err error) *apiError {
	if errors.Is(err, store.ErrCorrupt) {
		ae := errorf(http.StatusServiceUnavailable, "SNAPSHOT_DAMAGED",
			"A file of snapshot "+snapshotID+" is damaged; the operator must run `toaststats verify --repair`",
			map[string]string{"snapshotId": snapshotID, "problem": err.Error()})
		ae.Err = err
		return ae
	}
	return internal("SNAPSHOT_READ_ERROR", err)
}
