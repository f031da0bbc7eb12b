package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/adapters/httpkit"
	"github.com/toaststats/toaststats/readcheck"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// The snapshot administration routes list, inspect and check the snapshot
// store; every answer carries apitypes.OpMeta.

// stamp makes the metadata block of an admin answer: at names its time
// field, dur its duration field.
func (s *Server) stamp(r *http.Request, start time.Time, at, dur string) apitypes.OpMeta {
	m := apitypes.OpMeta{}
	if ri := httpkit.InfoOf(r.Context()); ri != nil {
		m.OperationID = ri.ID
	}
	now, ms := s.now().UTC(), float64(time.Since(start).Microseconds())/1000
	*map[string]**time.Time{"generated_at": &m.GeneratedAt, "inspected_at": &m.InspectedAt, "retrieved_at": &m.RetrievedAt, "checked_at": &m.CheckedAt,
		"reset_at": &m.ResetAt, "validated_at": &m.ValidatedAt, "monitored_at": &m.MonitoredAt, "updated_at": &m.UpdatedAt, "deleted_at": &m.DeletedAt}[at] = &now
	*map[string]**float64{"query_duration_ms": &m.QueryDurationMs, "inspection_duration_ms": &m.InspectionDurationMs, "retrieval_duration_ms": &m.RetrievalDurationMs,
		"check_duration_ms": &m.CheckDurationMs, "operation_duration_ms": &m.OperationDurationMs, "validation_duration_ms": &m.ValidationDurationMs,
		"monitoring_duration_ms": &m.MonitoringDurationMs}[dur] = &ms
	return m
}

var legacySnapshotID = lazyRegexp(`^(snapshot_)?[0-9]{1,20}$`)

// snapshotID validates the :snapshotId parameter: a date id, or a legacy
// numeric id of the predecessor.
func snapshotID(r *http.Request) (string, *apiError) {
	id := param(r, "snapshotId")
	if store.ValidDate(id) == nil || legacySnapshotID().MatchString(id) {
		return id, nil
	}
	return "", errorf(http.StatusBadRequest, "INVALID_SNAPSHOT_ID", "Invalid snapshot ID: expected YYYY-MM-DD", "Received: "+truncate(id, 40))
}

// forSnapshot validates :snapshotId and opens the snapshot before h.
func (s *Server) forSnapshot(h func(w http.ResponseWriter, r *http.Request, v *store.View) (any, error)) http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		id, ae := snapshotID(r)
		if ae != nil {
			return nil, ae
		}
		v, ae := s.getSnapshot(r.Context(), id)
		if ae != nil {
			return nil, ae
		}
		return h(w, r, v)
	})
}

func (s *Server) getSnapshot(ctx context.Context, id string) (*store.View, *apiError) {
	v, err := s.store.Snapshots().Get(ctx, id)
	if err != nil {
		if errors.Is(err, store.ErrSnapshotNotFound) {
			return nil, errorf(http.StatusNotFound, "SNAPSHOT_NOT_FOUND", "Snapshot "+id+" not found", nil)
		}
		return nil, internal("SNAPSHOT_READ_ERROR", err)
	}
	return v, nil
}

var versionPattern = lazyRegexp(`^[0-9A-Za-z][0-9A-Za-z.\-]{0,31}$`)

// queryTime reads a timestamp query parameter: RFC 3339 or YYYY-MM-DD.
func queryTime(r *http.Request, name string) (time.Time, *apiError) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if store.ValidDate(v) == nil {
		t, _ := time.Parse(time.DateOnly, v)
		return t, nil
	}
	return time.Time{}, errorf(http.StatusBadRequest, "INVALID_DATE_FORMAT", name+" must be RFC 3339 or YYYY-MM-DD", "Received: "+truncate(v, 40))
}

func (s *Server) handleSnapshotList() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		q := r.URL.Query()
		var f store.ListFilter
		var ae *apiError
		if f.Limit, ae = queryInt(r, "limit", 100, 1, 1000, "INVALID_LIMIT"); ae != nil {
			return nil, ae
		}
		if f.MinDistrictCount, ae = queryInt(r, "min_district_count", 0, 0, 100000, "INVALID_MIN_DISTRICT_COUNT"); ae != nil {
			return nil, ae
		}
		switch st := snapshot.Status(q.Get("status")); st {
		case "", snapshot.StatusSuccess, snapshot.StatusPartial, snapshot.StatusFailed:
			f.Status = st
		default:
			return nil, errorf(http.StatusBadRequest, "INVALID_STATUS", "status must be success, partial or failed", "Received: "+truncate(string(st), 40))
		}
		for name, dst := range map[string]*string{"schema_version": &f.SchemaVersion, "calculation_version": &f.CalculationVersion} {
			if v := q.Get(name); v != "" {
				if !versionPattern().MatchString(v) {
					return nil, errorf(http.StatusBadRequest, "INVALID_VERSION", name+" is not a version", "Received: "+truncate(v, 40))
				}
				*dst = v
			}
		}
		if f.CreatedAfter, ae = queryTime(r, "created_after"); ae != nil {
			return nil, ae
		}
		if f.CreatedBefore, ae = queryTime(r, "created_before"); ae != nil {
			return nil, ae
		}
		list, err := s.store.Snapshots().List(r.Context(), f)
		if err != nil {
			return nil, internal("SNAPSHOT_LISTING_FAILED", err)
		}
		// store.ListEntry carries the predecessor's snake_case names.
		out := list
		if out == nil {
			out = []store.ListEntry{}
		}
		filters := map[string]string{}
		for _, name := range []string{"status", "schema_version", "calculation_version", "created_after", "created_before", "min_district_count"} {
			if v := q.Get(name); v != "" {
				filters[name] = v
			}
		}
		return apitypes.SnapshotList{Snapshots: out, Metadata: apitypes.SnapshotListMeta{OpMeta: s.stamp(r, start, "generated_at", "query_duration_ms"),
			TotalCount: len(out), FiltersApplied: filters, LimitApplied: f.Limit}}, nil
	})
}

func (s *Server) handleSnapshotInspect() http.Handler {
	return s.forSnapshot(func(w http.ResponseWriter, r *http.Request, v *store.View) (any, error) {
		start, ctx := time.Now(), r.Context()
		return apitypes.SnapshotInspection{Inspection: v.Inspect(ctx), Metadata: s.stamp(r, start, "inspected_at", "inspection_duration_ms")}, nil
	})
}

func (s *Server) handleSnapshotPayload() http.Handler {
	return s.forSnapshot(func(w http.ResponseWriter, r *http.Request, v *store.View) (any, error) {
		start, ctx := time.Now(), r.Context()
		rs := &resolved{view: v, byDate: true}
		// The payload is encoded once per generation; the envelope, with
		// this request's operation id and time, is encoded on every answer.
		key := "payload|" + rs.generation()
		pe, err := s.resps.Get(key, func() (*httpkit.Response, error) {
			p, err := v.Payload(ctx)
			if err != nil {
				return nil, internal("PAYLOAD_RETRIEVAL_FAILED", err)
			}
			return httpkit.JSON(http.StatusOK, p, "")
		})
		if err != nil {
			return nil, err
		}
		er, err := httpkit.JSON(http.StatusOK, apitypes.SnapshotPayload[json.RawMessage]{SnapshotID: v.ID, CreatedAt: v.Metadata.CreatedAt, Status: v.Metadata.Status,
			Payload: json.RawMessage(pe.Body()), Metadata: s.stamp(r, start, "retrieved_at", "retrieval_duration_ms")}, "private, no-store")
		if err != nil {
			return nil, internal("ENCODING_ERROR", err)
		}
		er.ServeHTTP(w, r)
		return nil, nil
	})
}

func (s *Server) handleStoreHealth() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		h, err := s.store.Snapshots().Health(r.Context())
		if err != nil {
			s.log.Warn("health: snapshot store not accessible", "error", err)
		}
		return apitypes.StoreHealth{Health: h, Metadata: s.stamp(r, start, "checked_at", "check_duration_ms")}, nil
	})
}

func (s *Server) handleStoreIntegrity() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		rep, err := s.store.Snapshots().Check(r.Context())
		if err != nil {
			return nil, internal("INTEGRITY_CHECK_FAILED", err)
		}
		return apitypes.StoreIntegrity{Integrity: rep, Metadata: s.stamp(r, start, "checked_at", "check_duration_ms")}, nil
	})
}

func (s *Server) handleStorePerformance() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		return apitypes.StorePerformance{Performance: readcheck.Performance(s.store.Snapshots().Stats()), Metadata: s.stamp(r, start, "retrieved_at", "retrieval_duration_ms")}, nil
	})
}

func (s *Server) handleStorePerformanceReset() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		s.store.Snapshots().ResetStats()
		s.reads.Reset()
		return apitypes.Done{Success: true, Message: "Performance metrics reset successfully", Metadata: s.stamp(r, start, "reset_at", "operation_duration_ms")}, nil
	})
}
