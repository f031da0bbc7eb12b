package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// opMeta is the metadata block of admin responses.
func (s *Server) opMeta(r *http.Request, start time.Time, atName, durName string) map[string]any {
	op := ""
	if ri := infoFrom(r.Context()); ri != nil {
		op = ri.id
	}
	return map[string]any{
		atName:         s.now().UTC(),
		durName:        float64(time.Since(start).Microseconds()) / 1000,
		"operation_id": op,
	}
}

var legacySnapshotID = regexp.MustCompile(`^(snapshot_)?[0-9]{1,20}$`)

// snapshotID validates the :snapshotId parameter: a date id, or a legacy
// numeric id of the predecessor.
func snapshotID(r *http.Request) (string, *apiError) {
	id := param(r, "snapshotId")
	if store.ValidDate(id) == nil || legacySnapshotID.MatchString(id) {
		return id, nil
	}
	return "", errorf(http.StatusBadRequest, "INVALID_SNAPSHOT_ID", "Invalid snapshot ID: expected YYYY-MM-DD", "Received: "+truncate(id, 40))
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

var versionPattern = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z.\-]{0,31}$`)

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
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		q := r.URL.Query()
		var f store.ListFilter
		var ae *apiError
		if f.Limit, ae = queryInt(r, "limit", 100, 1, 1000, "INVALID_LIMIT"); ae != nil {
			respondError(w, r, ae)
			return
		}
		if f.MinDistrictCount, ae = queryInt(r, "min_district_count", 0, 0, 100000, "INVALID_MIN_DISTRICT_COUNT"); ae != nil {
			respondError(w, r, ae)
			return
		}
		switch st := snapshot.Status(q.Get("status")); st {
		case "", snapshot.StatusSuccess, snapshot.StatusPartial, snapshot.StatusFailed:
			f.Status = st
		default:
			respondError(w, r, errorf(http.StatusBadRequest, "INVALID_STATUS", "status must be success, partial or failed", "Received: "+truncate(string(st), 40)))
			return
		}
		for name, dst := range map[string]*string{"schema_version": &f.SchemaVersion, "calculation_version": &f.CalculationVersion} {
			if v := q.Get(name); v != "" {
				if !versionPattern.MatchString(v) {
					respondError(w, r, errorf(http.StatusBadRequest, "INVALID_VERSION", name+" is not a version", "Received: "+truncate(v, 40)))
					return
				}
				*dst = v
			}
		}
		if f.CreatedAfter, ae = queryTime(r, "created_after"); ae != nil {
			respondError(w, r, ae)
			return
		}
		if f.CreatedBefore, ae = queryTime(r, "created_before"); ae != nil {
			respondError(w, r, ae)
			return
		}
		list, err := s.store.Snapshots().List(r.Context(), f)
		if err != nil {
			respondError(w, r, internal("SNAPSHOT_LISTING_FAILED", err))
			return
		}
		// store.ListEntry carries the predecessor's snake_case names.
		out := list
		if out == nil {
			out = []store.ListEntry{}
		}
		filters := map[string]any{}
		for _, name := range []string{"status", "schema_version", "calculation_version", "created_after", "created_before", "min_district_count"} {
			if v := q.Get(name); v != "" {
				filters[name] = v
			}
		}
		meta := s.opMeta(r, start, "generated_at", "query_duration_ms")
		meta["total_count"] = len(out)
		meta["filters_applied"] = filters
		meta["limit_applied"] = f.Limit
		respond(w, r, http.StatusOK, map[string]any{"snapshots": out, "metadata": meta})
	})
}

// districtDigest is one district of a snapshot inspection.
type districtDigest struct {
	DistrictID       string `json:"districtId"`
	Name             string `json:"name"`
	Status           string `json:"status"`
	ClubCount        int    `json:"club_count"`
	MembershipTotal  int    `json:"membership_total"`
	PerformanceScore int    `json:"performance_score"`
	Error            string `json:"error,omitempty"`
}

func (s *Server) handleSnapshotInspect() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id, ae := snapshotID(r)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		ctx := r.Context()
		v, ae := s.getSnapshot(ctx, id)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		districts := make([]districtDigest, 0, len(v.Manifest.Districts))
		var total int64
		for _, m := range v.Manifest.Districts {
			total += m.FileSize
			dd := districtDigest{DistrictID: m.DistrictID, Name: "District " + m.DistrictID, Status: string(m.Status), Error: m.ErrorMessage}
			if df, err := v.DistrictShared(ctx, m.DistrictID); err == nil {
				dd.ClubCount = df.Data.Clubs.Total
				dd.MembershipTotal = df.Data.Membership.Total
				if df.Data.Ranking != nil {
					dd.PerformanceScore = df.Data.Ranking.AggregateScore
				}
				if df.DistrictName != "" {
					dd.Name = df.DistrictName
				}
			} else if dd.Error == "" {
				dd.Error = err.Error()
			}
			districts = append(districts, dd)
		}
		total += v.Manifest.AllDistrictsRankings.Size
		errSize := 0
		for _, e := range v.Metadata.Errors {
			errSize += len(e)
		}
		errs := v.Metadata.Errors
		if errs == nil {
			errs = []string{}
		}
		respond(w, r, http.StatusOK, map[string]any{
			"inspection": map[string]any{
				"snapshot_id":         v.ID,
				"created_at":          v.Metadata.CreatedAt,
				"status":              v.Metadata.Status,
				"schema_version":      v.Metadata.SchemaVersion,
				"calculation_version": v.Metadata.CalculationVersion,
				"errors":              errs,
				"payload_summary": map[string]any{
					"district_count": len(districts),
					"metadata":       v.Metadata,
					"districts":      districts,
				},
				"size_analysis": map[string]any{
					"total_size_estimate":   total,
					"payload_size_estimate": total - v.Manifest.AllDistrictsRankings.Size,
					"errors_size":           errSize,
				},
			},
			"metadata": s.opMeta(r, start, "inspected_at", "inspection_duration_ms"),
		})
	})
}

// snapshotPayload is the full content of a snapshot.
type snapshotPayload struct {
	Metadata  snapshot.Metadata       `json:"metadata"`
	Manifest  snapshot.Manifest       `json:"manifest"`
	Districts []snapshot.DistrictFile `json:"districts"`
	Rankings  *snapshot.RankingsFile  `json:"rankings"`
}

func (s *Server) handleSnapshotPayload() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id, ae := snapshotID(r)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		ctx := r.Context()
		v, ae := s.getSnapshot(ctx, id)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		rs := &resolved{view: v, byDate: true}
		// The payload is encoded once per generation; the envelope, with
		// this request's operation id and time, is encoded on every answer.
		key := "payload|" + rs.generation()
		pe, err := s.cachedResponse(key, func() (*encodedResponse, error) {
			p := snapshotPayload{Metadata: v.Metadata, Manifest: v.Manifest, Districts: []snapshot.DistrictFile{}}
			for _, m := range v.Manifest.Districts {
				df, err := v.DistrictShared(ctx, m.DistrictID)
				if err != nil {
					if errors.Is(err, store.ErrDistrictNotFound) {
						continue
					}
					return nil, internal("PAYLOAD_RETRIEVAL_FAILED", err)
				}
				p.Districts = append(p.Districts, *df)
			}
			if rf, err := v.RankingsShared(ctx); err == nil {
				p.Rankings = rf
			} else if !errors.Is(err, store.ErrNoRankings) {
				return nil, internal("PAYLOAD_RETRIEVAL_FAILED", err)
			}
			return encodeJSON(http.StatusOK, p, "")
		})
		if err != nil {
			respondError(w, r, err)
			return
		}
		er, err := encodeJSON(http.StatusOK, map[string]any{
			"snapshot_id": v.ID,
			"created_at":  v.Metadata.CreatedAt,
			"status":      v.Metadata.Status,
			"payload":     json.RawMessage(pe.body),
			"metadata":    s.opMeta(r, start, "retrieved_at", "retrieval_duration_ms"),
		}, "private, no-store")
		if err != nil {
			respondError(w, r, internal("ENCODING_ERROR", err))
			return
		}
		er.write(w, r)
	})
}

func (s *Server) handleStoreHealth() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx := r.Context()
		snaps := s.store.Snapshots()
		accessible := true
		list, err := snaps.List(ctx, store.ListFilter{})
		if err != nil {
			accessible = false
			s.log.Warn("health: list snapshots", "error", err)
		}
		var current, latest map[string]any
		curID := ""
		if v, err := snaps.Current(ctx); err == nil {
			curID = v.ID
			current = map[string]any{
				"snapshot_id": v.ID, "created_at": v.Metadata.CreatedAt, "status": v.Metadata.Status,
				"schema_version": v.Metadata.SchemaVersion, "calculation_version": v.Metadata.CalculationVersion,
				"district_count": len(v.Manifest.Districts), "error_count": len(v.Metadata.Errors),
			}
		} else if !errors.Is(err, store.ErrNoSnapshot) {
			accessible = false
		}
		counts := map[snapshot.Status]int{}
		var mostRecent any
		latestID := ""
		for i, e := range list {
			counts[e.Status]++
			if i == 0 {
				latestID = e.SnapshotID
				mostRecent = e.CreatedAt
				latest = map[string]any{"snapshot_id": e.SnapshotID, "created_at": e.CreatedAt, "status": e.Status}
			}
		}
		latestSuccess := ""
		for _, e := range list {
			if e.Status == snapshot.StatusSuccess {
				latestSuccess = e.SnapshotID
				break
			}
		}
		_ = latestID
		respond(w, r, http.StatusOK, map[string]any{
			"health": map[string]any{
				"is_ready":         current != nil && accessible,
				"current_snapshot": current,
				"latest_snapshot":  latest,
				"recent_activity": map[string]any{
					"total_snapshots":      len(list),
					"successful_snapshots": counts[snapshot.StatusSuccess],
					"failed_snapshots":     counts[snapshot.StatusFailed],
					"partial_snapshots":    counts[snapshot.StatusPartial],
					"most_recent":          mostRecent,
				},
				"store_status": map[string]any{
					"has_current_snapshot":   current != nil,
					"current_matches_latest": current != nil && curID == latestSuccess,
					"store_accessible":       accessible,
				},
			},
			"metadata": s.opMeta(r, start, "checked_at", "check_duration_ms"),
		})
	})
}

func (s *Server) handleStoreIntegrity() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rep, err := s.store.Snapshots().Check(r.Context())
		if err != nil {
			respondError(w, r, internal("INTEGRITY_CHECK_FAILED", err))
			return
		}
		respond(w, r, http.StatusOK, map[string]any{"integrity": rep, "metadata": s.opMeta(r, start, "checked_at", "check_duration_ms")})
	})
}

func (s *Server) performance() map[string]any {
	st := s.store.Snapshots().Stats()
	rate := 0.0
	eff := "no_data"
	if st.Reads > 0 {
		rate = float64(st.CacheHits) / float64(st.Reads) * 100
		switch {
		case rate >= 80:
			eff = "good"
		case rate >= 50:
			eff = "fair"
		default:
			eff = "poor"
		}
	}
	return map[string]any{
		"totalReads":             st.Reads,
		"cacheHits":              st.CacheHits,
		"cacheMisses":            st.CacheMisses,
		"averageReadTime":        ms(st.AverageReadTime),
		"maxReadTime":            ms(st.MaxReadTime),
		"concurrentReads":        st.ConcurrentReads,
		"maxConcurrentReads":     st.MaxConcurrentReads,
		"cache_hit_rate_percent": float64(int(rate*100+0.5)) / 100,
		"cache_efficiency":       eff,
	}
}

func (s *Server) handleStorePerformance() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		respond(w, r, http.StatusOK, map[string]any{"performance": s.performance(), "metadata": s.opMeta(r, start, "retrieved_at", "retrieval_duration_ms")})
	})
}

func (s *Server) handleStorePerformanceReset() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.store.Snapshots().ResetStats()
		s.reads.reset()
		respond(w, r, http.StatusOK, map[string]any{"success": true, "message": "Performance metrics reset successfully", "metadata": s.opMeta(r, start, "reset_at", "operation_duration_ms")})
	})
}

// readTimeLimit is the read latency above which reads are said to depend on
// builds (the predecessor's limit).
const readTimeLimit = 1500 * time.Millisecond

// probeReads times n reads of the current snapshot through the store (the
// pointer, the rankings and one district), as a reader would do them.
func (s *Server) probeReads(ctx context.Context, n int) (latencySummary, bool, error) {
	ds := make([]time.Duration, 0, n)
	during := false
	for range n {
		if s.builds.running() {
			during = true
		}
		t := time.Now()
		v, err := s.store.Snapshots().Current(ctx)
		if err != nil {
			return latencySummary{}, during, err
		}
		if _, err := v.Rankings(ctx); err != nil && !errors.Is(err, store.ErrNoRankings) {
			return latencySummary{}, during, err
		}
		if ids := v.DistrictIDs(); len(ids) > 0 {
			if _, err := v.District(ctx, ids[0]); err != nil {
				return latencySummary{}, during, err
			}
		}
		ds = append(ds, time.Since(t))
	}
	return summarize(ds), during, nil
}

// handleProcessSeparation reports, from real measurements, whether reads
// stay fast while builds run: live probe reads now, and the latencies of the
// data requests served recently, split by whether a build was running.
func (s *Server) handleProcessSeparation(kind string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx := r.Context()
		probe, probeDuringBuild, probeErr := s.probeReads(ctx, 20)
		idle, during := s.reads.snapshot()
		job, building := s.builds.currentJob()
		var issues []string
		if probeErr != nil {
			if errors.Is(probeErr, store.ErrNoSnapshot) {
				issues = append(issues, "no current snapshot to read")
			} else {
				issues = append(issues, "probe read failed: "+probeErr.Error())
			}
		}
		limitMs := ms(readTimeLimit)
		if probe.MaxMs > limitMs {
			issues = append(issues, fmt.Sprintf("probe read took %.1f ms (limit %.0f ms)", probe.MaxMs, limitMs))
		}
		if during.Count > 0 && during.P99Ms > limitMs {
			issues = append(issues, fmt.Sprintf("p99 of reads during builds is %.1f ms (limit %.0f ms)", during.P99Ms, limitMs))
		}
		if s.builds.build == nil {
			issues = append(issues, "no builder configured: this server does not build snapshots")
		}
		if issues == nil {
			issues = []string{}
		}
		measurements := map[string]any{
			"probe_reads":           probe,
			"probe_during_build":    probeDuringBuild,
			"requests_idle":         idle,
			"requests_during_build": during,
			"read_time_limit_ms":    limitMs,
			"build_running":         building,
			"store":                 s.performance(),
		}
		if building {
			measurements["current_build"] = job
		}
		ratio := 0.0
		if idle.P99Ms > 0 && during.Count > 0 {
			ratio = during.P99Ms / idle.P99Ms
		}
		var body map[string]any
		switch kind {
		case "validate":
			body = map[string]any{"validation": map[string]any{"isValid": len(issues) == 0, "issues": issues, "measurements": measurements},
				"metadata": s.opMeta(r, start, "validated_at", "validation_duration_ms")}
		case "monitor":
			body = map[string]any{"monitoring": measurements, "metadata": s.opMeta(r, start, "monitored_at", "monitoring_duration_ms")}
		case "compliance":
			score := 100 - 25*len(issues)
			if score < 0 {
				score = 0
			}
			status := "non_compliant"
			switch {
			case score >= 90:
				status = "compliant"
			case score >= 50:
				status = "warning"
			}
			body = map[string]any{"compliance": map[string]any{"complianceScore": score, "status": status, "issues": issues, "measurements": measurements},
				"metadata": s.opMeta(r, start, "retrieved_at", "retrieval_duration_ms")}
		default: // independence
			independent := probeErr == nil && (during.Count == 0 || during.P99Ms <= limitMs)
			body = map[string]any{"independence": map[string]any{
				"isIndependent":           independent,
				"measuredDuringBuild":     during.Count > 0 || probeDuringBuild,
				"p99RatioDuringBuildIdle": float64(int(ratio*100+0.5)) / 100,
				"issues":                  issues,
				"measurements":            measurements,
			}, "metadata": s.opMeta(r, start, "validated_at", "validation_duration_ms")}
		}
		respond(w, r, http.StatusOK, body)
	})
}

// configBody is the configuration block of config responses.
func configBlock(ids []string, exists bool) map[string]any {
	if ids == nil {
		ids = []string{}
	}
	return map[string]any{"configuredDistricts": ids, "exists": exists}
}

func (s *Server) handleConfigGet() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx := r.Context()
		ids, exists, err := s.store.Config().Load(ctx)
		if err != nil {
			respondError(w, r, internal("DISTRICT_CONFIG_RETRIEVAL_FAILED", err))
			return
		}
		known := map[string]bool{}
		var warnings []string
		haveRankings := false
		if v, err := s.store.Snapshots().Current(ctx); err == nil {
			if rf, err := v.RankingsShared(ctx); err == nil {
				haveRankings = true
				for _, row := range rf.Rankings {
					known[row.DistrictID] = true
				}
			}
		}
		if !haveRankings {
			warnings = append(warnings, "no current rankings: district ids cannot be checked against the dashboard's district list")
		}
		if !exists {
			warnings = append(warnings, "no configuration file: every district of the summary report is collected")
		}
		valid, invalid := []string{}, []string{}
		for _, id := range ids {
			if !haveRankings || known[id] {
				valid = append(valid, id)
			} else {
				invalid = append(invalid, id)
			}
		}
		info, err := s.lastCollections(ctx, ids)
		if err != nil {
			respondError(w, r, internal("DISTRICT_CONFIG_RETRIEVAL_FAILED", err))
			return
		}
		if warnings == nil {
			warnings = []string{}
		}
		respond(w, r, http.StatusOK, map[string]any{
			"configuration": configBlock(ids, exists),
			"status":        map[string]any{"hasConfiguredDistricts": len(ids) > 0, "totalDistricts": len(ids)},
			"validation": map[string]any{
				"isValid": len(invalid) == 0, "configuredDistricts": nonNil(ids), "validDistricts": valid,
				"invalidDistricts": invalid, "warnings": warnings, "lastCollectionInfo": info,
			},
			"metadata": s.opMeta(r, start, "retrieved_at", "retrieval_duration_ms"),
		})
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// recentWindow is how many recent snapshots lastCollections looks at.
const recentWindow = 30

// lastCollections is store.SnapshotStore.Collections over the most recent
// successful snapshots.
func (s *Server) lastCollections(ctx context.Context, ids []string) ([]store.DistrictCollection, error) {
	if len(ids) == 0 {
		return []store.DistrictCollection{}, nil
	}
	snaps, err := s.successIDs(ctx)
	if err != nil {
		return nil, err
	}
	if len(snaps) > recentWindow {
		snaps = snaps[len(snaps)-recentWindow:]
	}
	return s.store.Snapshots().Collections(ctx, snaps, ids), nil
}

// maxConfiguredDistricts bounds one configuration update.
const maxConfiguredDistricts = 500

func (s *Server) handleConfigUpdate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var body struct {
			DistrictIDs json.RawMessage `json:"districtIds"`
			Replace     bool            `json:"replace"`
		}
		if err := decodeJSON(w, r, &body, false); err != nil {
			respondError(w, r, err)
			return
		}
		if len(body.DistrictIDs) == 0 || string(body.DistrictIDs) == "null" {
			respondError(w, r, errorf(http.StatusBadRequest, "MISSING_DISTRICT_IDS", "districtIds is required", nil))
			return
		}
		var raw []string
		if err := json.Unmarshal(body.DistrictIDs, &raw); err != nil {
			respondError(w, r, errorf(http.StatusBadRequest, "INVALID_DISTRICT_IDS_FORMAT", "districtIds must be an array of strings", nil))
			return
		}
		if len(raw) == 0 {
			respondError(w, r, errorf(http.StatusBadRequest, "EMPTY_DISTRICT_IDS", "districtIds must not be empty", nil))
			return
		}
		if len(raw) > maxConfiguredDistricts {
			respondError(w, r, errorf(http.StatusBadRequest, "TOO_MANY_DISTRICT_IDS", fmt.Sprintf("At most %d district ids", maxConfiguredDistricts), nil))
			return
		}
		ids := make([]string, 0, len(raw))
		for _, d := range raw {
			id, err := store.ValidDistrictID(d)
			if err != nil || id == "RANKINGS" || id == "CACHE" {
				respondError(w, r, errorf(http.StatusBadRequest, "INVALID_DISTRICT_ID", "Invalid district ID format", "Received: "+truncate(d, 40)))
				return
			}
			ids = append(ids, id)
		}
		by := "api:" + clientIP(r)
		var (
			now []string
			err error
		)
		action, msg := "add", "Districts added to configuration successfully"
		if body.Replace {
			action, msg = "replace", "District configuration replaced successfully"
			now, err = s.store.Config().Replace(r.Context(), ids, by)
		} else {
			now, err = s.store.Config().Add(r.Context(), ids, by)
		}
		if err != nil {
			respondError(w, r, internal("DISTRICT_CONFIG_UPDATE_FAILED", err))
			return
		}
		respond(w, r, http.StatusOK, map[string]any{
			"success": true, "message": msg, "configuration": configBlock(now, true),
			"changes":  map[string]any{"action": action, "districts": ids, "total_districts": len(now)},
			"metadata": s.opMeta(r, start, "updated_at", "operation_duration_ms"),
		})
	})
}

func (s *Server) handleConfigRemove() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id, ae := districtID(r)
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		now, err := s.store.Config().Remove(r.Context(), id, "api:"+clientIP(r))
		if err != nil {
			if errors.Is(err, store.ErrDistrictNotFound) {
				respondError(w, r, errorf(http.StatusNotFound, "DISTRICT_NOT_CONFIGURED", "District "+id+" is not configured", nil))
				return
			}
			respondError(w, r, internal("DISTRICT_CONFIG_REMOVAL_FAILED", err))
			return
		}
		respond(w, r, http.StatusOK, map[string]any{
			"success": true, "message": "District removed from configuration successfully", "configuration": configBlock(now, true),
			"changes":  map[string]any{"action": "remove", "district": id, "total_districts": len(now)},
			"metadata": s.opMeta(r, start, "updated_at", "operation_duration_ms"),
		})
	})
}

// handleConfigHistory serves the district configuration's audit log
// (config/district-changes.log), newest first, with an optional summary.
func (s *Server) handleConfigHistory() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		limit, ae := queryInt(r, "limit", 50, 1, 1000, "INVALID_LIMIT")
		if ae != nil {
			respondError(w, r, ae)
			return
		}
		q := r.URL.Query()
		from, to := q.Get("start_date"), q.Get("end_date")
		for _, d := range []string{from, to} {
			if d != "" {
				if err := store.ValidDate(d); err != nil {
					respondError(w, r, errorf(http.StatusBadRequest, "INVALID_DATE_FORMAT", "start_date and end_date must be calendar dates YYYY-MM-DD", "Received: "+truncate(d, 40)))
					return
				}
			}
		}
		if from != "" && to != "" && from > to {
			respondError(w, r, errorf(http.StatusBadRequest, "INVALID_DATE_RANGE", "start_date must be before or equal to end_date", nil))
			return
		}
		h, err := s.store.Config().Query(r.Context(), store.HistoryQuery{From: from, To: to, Limit: limit})
		if err != nil {
			respondError(w, r, internal("DISTRICT_CONFIG_HISTORY_FAILED", err))
			return
		}
		var summary *store.ConfigSummary
		if q.Get("include_summary") == "true" {
			summary = &h.Summary
		}
		history := h.Changes
		meta := s.opMeta(r, start, "retrieved_at", "retrieval_duration_ms")
		meta["filters"] = map[string]any{"limit": limit, "start_date": from, "end_date": to}
		respond(w, r, http.StatusOK, map[string]any{"history": history, "summary": summary, "metadata": meta})
	})
}

var jobIDPattern = regexp.MustCompile(`^job-[0-9a-f]{16}$`)

func (s *Server) handleRefresh() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Date string `json:"date"`
		}
		if err := decodeJSON(w, r, &body, true); err != nil {
			respondError(w, r, err)
			return
		}
		if body.Date != "" {
			if err := store.ValidDate(body.Date); err != nil {
				respondError(w, r, errorf(http.StatusBadRequest, "INVALID_DATE_FORMAT", "date must be a calendar date YYYY-MM-DD", "Received: "+truncate(body.Date, 40)))
				return
			}
		}
		if body.Date != "" && s.builds.build != nil {
			dates, err := s.store.Raw().Dates(r.Context())
			if err != nil {
				respondError(w, r, internal("REFRESH_FAILED", err))
				return
			}
			found := false
			for _, d := range dates {
				found = found || d == body.Date
			}
			if !found {
				respondError(w, r, errorf(http.StatusNotFound, "CACHE_DATE_NOT_FOUND", "No cached data for "+body.Date, "POST without a date builds every pending cache date"))
				return
			}
		}
		job, err := s.builds.start("api", body.Date)
		switch {
		case errors.Is(err, errNoBuilder):
			respondError(w, r, errorf(http.StatusServiceUnavailable, "BUILDER_UNAVAILABLE", "This server has no snapshot builder", nil))
			return
		case errors.Is(err, errBuildInProgress):
			respondError(w, r, errorf(http.StatusConflict, "REFRESH_IN_PROGRESS", "A build is already running", map[string]any{"jobId": job.ID, "links": map[string]string{"status": "/api/admin/refresh/" + job.ID}}))
			return
		case err != nil:
			respondError(w, r, errorf(http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "Cannot start a build now", nil))
			return
		}
		w.Header().Set("Location", "/api/admin/refresh/"+job.ID)
		respond(w, r, http.StatusAccepted, map[string]any{"data": job, "links": map[string]string{"status": "/api/admin/refresh/" + job.ID}})
	})
}

func (s *Server) handleRefreshStatus() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := param(r, "jobId")
		if !jobIDPattern.MatchString(id) {
			respondError(w, r, errorf(http.StatusBadRequest, "INVALID_JOB_ID", "Invalid job id", "Received: "+truncate(id, 40)))
			return
		}
		job, ok := s.builds.job(id)
		if !ok {
			respondError(w, r, errorf(http.StatusNotFound, "JOB_NOT_FOUND", "Job "+id+" not found", nil))
			return
		}
		respond(w, r, http.StatusOK, map[string]any{"data": job})
	})
}
