package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/readcheck"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// opMeta is the metadata block of admin responses: the request id, when
// the operation ran and how long it took, each under the name the
// predecessor gave it for the route (one *At and one *Ms field is set).
type opMeta struct {
	OperationID          string     `json:"operation_id"`
	GeneratedAt          *time.Time `json:"generated_at,omitempty"`
	InspectedAt          *time.Time `json:"inspected_at,omitempty"`
	RetrievedAt          *time.Time `json:"retrieved_at,omitempty"`
	CheckedAt            *time.Time `json:"checked_at,omitempty"`
	ResetAt              *time.Time `json:"reset_at,omitempty"`
	ValidatedAt          *time.Time `json:"validated_at,omitempty"`
	MonitoredAt          *time.Time `json:"monitored_at,omitempty"`
	UpdatedAt            *time.Time `json:"updated_at,omitempty"`
	DeletedAt            *time.Time `json:"deleted_at,omitempty"`
	QueryDurationMs      *float64   `json:"query_duration_ms,omitempty"`
	InspectionDurationMs *float64   `json:"inspection_duration_ms,omitempty"`
	RetrievalDurationMs  *float64   `json:"retrieval_duration_ms,omitempty"`
	CheckDurationMs      *float64   `json:"check_duration_ms,omitempty"`
	OperationDurationMs  *float64   `json:"operation_duration_ms,omitempty"`
	ValidationDurationMs *float64   `json:"validation_duration_ms,omitempty"`
	MonitoringDurationMs *float64   `json:"monitoring_duration_ms,omitempty"`
}

// opMeta stamps an admin response: at names the time field, dur the
// duration field.
func (s *Server) opMeta(r *http.Request, start time.Time, at, dur string) opMeta {
	m := opMeta{}
	if ri := infoFrom(r.Context()); ri != nil {
		m.OperationID = ri.id
	}
	now, ms := s.now().UTC(), float64(time.Since(start).Microseconds())/1000
	*map[string]**time.Time{"generated_at": &m.GeneratedAt, "inspected_at": &m.InspectedAt, "retrieved_at": &m.RetrievedAt, "checked_at": &m.CheckedAt,
		"reset_at": &m.ResetAt, "validated_at": &m.ValidatedAt, "monitored_at": &m.MonitoredAt, "updated_at": &m.UpdatedAt, "deleted_at": &m.DeletedAt}[at] = &now
	*map[string]**float64{"query_duration_ms": &m.QueryDurationMs, "inspection_duration_ms": &m.InspectionDurationMs, "retrieval_duration_ms": &m.RetrievalDurationMs,
		"check_duration_ms": &m.CheckDurationMs, "operation_duration_ms": &m.OperationDurationMs, "validation_duration_ms": &m.ValidationDurationMs,
		"monitoring_duration_ms": &m.MonitoringDurationMs}[dur] = &ms
	return m
}

// done is the answer of an admin action without data of its own.
type done struct {
	Success  bool   `json:"success"`
	Message  string `json:"message"`
	Metadata opMeta `json:"metadata"`
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
				if !versionPattern.MatchString(v) {
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
		return snapshotList{Snapshots: out, Metadata: snapshotListMeta{opMeta: s.opMeta(r, start, "generated_at", "query_duration_ms"),
			TotalCount: len(out), FiltersApplied: filters, LimitApplied: f.Limit}}, nil
	})
}

// snapshotList is the answer of GET /api/admin/snapshots; store.ListEntry
// carries the predecessor's snake_case names.
type snapshotList struct {
	Snapshots []store.ListEntry `json:"snapshots"`
	Metadata  snapshotListMeta  `json:"metadata"`
}

type snapshotListMeta struct {
	opMeta
	TotalCount     int               `json:"total_count"`
	FiltersApplied map[string]string `json:"filters_applied"`
	LimitApplied   int               `json:"limit_applied"`
}

// snapshotInspection is the answer of GET /api/admin/snapshots/:snapshotId.
type snapshotInspection struct {
	Inspection *store.Inspection `json:"inspection"`
	Metadata   opMeta            `json:"metadata"`
}

func (s *Server) handleSnapshotInspect() http.Handler {
	return s.forSnapshot(func(w http.ResponseWriter, r *http.Request, v *store.View) (any, error) {
		start, ctx := time.Now(), r.Context()
		return snapshotInspection{Inspection: v.Inspect(ctx), Metadata: s.opMeta(r, start, "inspected_at", "inspection_duration_ms")}, nil
	})
}

// payloadAnswer is the answer of GET /api/admin/snapshots/:id/payload. The
// server sends the payload pre-encoded (P = json.RawMessage); the OpenAPI
// document describes it as P = store.Payload.
type payloadAnswer[P any] struct {
	SnapshotID string          `json:"snapshot_id"`
	CreatedAt  time.Time       `json:"created_at"`
	Status     snapshot.Status `json:"status"`
	Payload    P               `json:"payload"`
	Metadata   opMeta          `json:"metadata"`
}

func (s *Server) handleSnapshotPayload() http.Handler {
	return s.forSnapshot(func(w http.ResponseWriter, r *http.Request, v *store.View) (any, error) {
		start, ctx := time.Now(), r.Context()
		rs := &resolved{view: v, byDate: true}
		// The payload is encoded once per generation; the envelope, with
		// this request's operation id and time, is encoded on every answer.
		key := "payload|" + rs.generation()
		pe, err := s.cachedResponse(key, func() (*encodedResponse, error) {
			p, err := v.Payload(ctx)
			if err != nil {
				return nil, internal("PAYLOAD_RETRIEVAL_FAILED", err)
			}
			return encodeJSON(http.StatusOK, p, "")
		})
		if err != nil {
			return nil, err
		}
		er, err := encodeJSON(http.StatusOK, payloadAnswer[json.RawMessage]{SnapshotID: v.ID, CreatedAt: v.Metadata.CreatedAt, Status: v.Metadata.Status,
			Payload: json.RawMessage(pe.body), Metadata: s.opMeta(r, start, "retrieved_at", "retrieval_duration_ms")}, "private, no-store")
		if err != nil {
			return nil, internal("ENCODING_ERROR", err)
		}
		er.write(w, r)
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
		return storeHealth{Health: h, Metadata: s.opMeta(r, start, "checked_at", "check_duration_ms")}, nil
	})
}

// storeHealth is the answer of GET /api/admin/snapshot-store/health.
type storeHealth struct {
	Health   *store.Health `json:"health"`
	Metadata opMeta        `json:"metadata"`
}

// storeIntegrity is the answer of GET /api/admin/snapshot-store/integrity.
type storeIntegrity struct {
	Integrity *store.IntegrityReport `json:"integrity"`
	Metadata  opMeta                 `json:"metadata"`
}

func (s *Server) handleStoreIntegrity() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		rep, err := s.store.Snapshots().Check(r.Context())
		if err != nil {
			return nil, internal("INTEGRITY_CHECK_FAILED", err)
		}
		return storeIntegrity{Integrity: rep, Metadata: s.opMeta(r, start, "checked_at", "check_duration_ms")}, nil
	})
}

// performanceAnswer is the answer of GET /api/admin/snapshot-store/performance.
type performanceAnswer struct {
	Performance readcheck.StorePerformance `json:"performance"`
	Metadata    opMeta                     `json:"metadata"`
}

func (s *Server) handleStorePerformance() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		return performanceAnswer{Performance: readcheck.Performance(s.store.Snapshots().Stats()), Metadata: s.opMeta(r, start, "retrieved_at", "retrieval_duration_ms")}, nil
	})
}

func (s *Server) handleStorePerformanceReset() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		s.store.Snapshots().ResetStats()
		s.reads.Reset()
		return done{Success: true, Message: "Performance metrics reset successfully", Metadata: s.opMeta(r, start, "reset_at", "operation_duration_ms")}, nil
	})
}

// separationMeasurements are the read latencies behind the
// process-separation answers, with the build running now.
type separationMeasurements struct {
	readcheck.Measurements
	CurrentBuild *toaststats.Job `json:"current_build,omitempty"`
}

type separationVerdict struct {
	IsValid      bool                   `json:"isValid"`
	Issues       []string               `json:"issues"`
	Measurements separationMeasurements `json:"measurements"`
}

// separationValidation is the answer of GET /api/admin/process-separation/validate.
type separationValidation struct {
	Validation separationVerdict `json:"validation"`
	Metadata   opMeta            `json:"metadata"`
}

// separationMonitoring is the answer of GET /api/admin/process-separation/monitor.
type separationMonitoring struct {
	Monitoring separationMeasurements `json:"monitoring"`
	Metadata   opMeta                 `json:"metadata"`
}

type complianceVerdict struct {
	ComplianceScore int                    `json:"complianceScore"`
	Status          string                 `json:"status"`
	Issues          []string               `json:"issues"`
	Measurements    separationMeasurements `json:"measurements"`
}

// separationCompliance is the answer of GET /api/admin/process-separation/compliance.
type separationCompliance struct {
	Compliance complianceVerdict `json:"compliance"`
	Metadata   opMeta            `json:"metadata"`
}

type independenceVerdict struct {
	IsIndependent           bool                   `json:"isIndependent"`
	MeasuredDuringBuild     bool                   `json:"measuredDuringBuild"`
	P99RatioDuringBuildIdle float64                `json:"p99RatioDuringBuildIdle"`
	Issues                  []string               `json:"issues"`
	Measurements            separationMeasurements `json:"measurements"`
}

// separationIndependence is the answer of GET /api/admin/process-separation/independence.
type separationIndependence struct {
	Independence independenceVerdict `json:"independence"`
	Metadata     opMeta              `json:"metadata"`
}

// handleProcessSeparation presents readcheck's verdict on whether reads
// stay fast while builds run: live probe reads now, and the latencies of
// the data requests served recently, split by whether a build was running.
func (s *Server) handleProcessSeparation(kind string) http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		rm, probeErr := readcheck.Measure(r.Context(), s.store.Snapshots(), s.reads, s.builds.Running)
		m := separationMeasurements{Measurements: rm}
		if job, building := s.builds.Current(); building {
			m.BuildRunning, m.CurrentBuild = true, &job
		}
		v := readcheck.Judge(rm, probeErr, s.builds.CanBuild())
		var body any
		switch kind {
		case "validate":
			body = separationValidation{Validation: separationVerdict{IsValid: v.Valid, Issues: v.Issues, Measurements: m},
				Metadata: s.opMeta(r, start, "validated_at", "validation_duration_ms")}
		case "monitor":
			body = separationMonitoring{Monitoring: m, Metadata: s.opMeta(r, start, "monitored_at", "monitoring_duration_ms")}
		case "compliance":
			body = separationCompliance{Compliance: complianceVerdict{ComplianceScore: v.ComplianceScore, Status: v.ComplianceStatus, Issues: v.Issues, Measurements: m},
				Metadata: s.opMeta(r, start, "retrieved_at", "retrieval_duration_ms")}
		default: // independence
			body = separationIndependence{Independence: independenceVerdict{IsIndependent: v.Independent, MeasuredDuringBuild: v.MeasuredDuringBuild,
				P99RatioDuringBuildIdle: v.P99Ratio, Issues: v.Issues, Measurements: m},
				Metadata: s.opMeta(r, start, "validated_at", "validation_duration_ms")}
		}
		return body, nil
	})
}

// configBlock is the configuration block of config responses.
type configBlock struct {
	ConfiguredDistricts []string `json:"configuredDistricts"`
	Exists              bool     `json:"exists"`
}

func newConfigBlock(ids []string, exists bool) configBlock {
	return configBlock{ConfiguredDistricts: nonNil(ids), Exists: exists}
}

// configAnswer is the answer of GET /api/admin/districts/config.
type configAnswer struct {
	Configuration configBlock `json:"configuration"`
	Status        struct {
		HasConfiguredDistricts bool `json:"hasConfiguredDistricts"`
		TotalDistricts         int  `json:"totalDistricts"`
	} `json:"status"`
	Validation *store.ConfigCheck `json:"validation"`
	Metadata   opMeta             `json:"metadata"`
}

// configChanged is the answer of a configuration change.
type configChanged struct {
	Success       bool        `json:"success"`
	Message       string      `json:"message"`
	Configuration configBlock `json:"configuration"`
	Changes       struct {
		Action         string   `json:"action"`
		Districts      []string `json:"districts,omitempty"`
		District       string   `json:"district,omitempty"`
		TotalDistricts int      `json:"total_districts"`
	} `json:"changes"`
	Metadata opMeta `json:"metadata"`
}

// configHistory is the answer of GET /api/admin/districts/config/history.
type configHistory struct {
	History  []store.ConfigChange `json:"history"`
	Summary  *store.ConfigSummary `json:"summary"`
	Metadata struct {
		opMeta
		Filters struct {
			Limit     int    `json:"limit"`
			StartDate string `json:"start_date"`
			EndDate   string `json:"end_date"`
		} `json:"filters"`
	} `json:"metadata"`
}

func (s *Server) handleConfigGet() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		ctx := r.Context()
		recent, err := s.successIDs(ctx)
		if err != nil {
			return nil, internal("DISTRICT_CONFIG_RETRIEVAL_FAILED", err)
		}
		if len(recent) > recentWindow {
			recent = recent[len(recent)-recentWindow:]
		}
		c, err := s.store.CheckConfig(ctx, recent)
		if err != nil {
			return nil, internal("DISTRICT_CONFIG_RETRIEVAL_FAILED", err)
		}
		ids := c.ConfiguredDistricts
		out := configAnswer{Configuration: newConfigBlock(ids, c.Exists), Validation: c, Metadata: s.opMeta(r, start, "retrieved_at", "retrieval_duration_ms")}
		out.Status.HasConfiguredDistricts, out.Status.TotalDistricts = len(ids) > 0, len(ids)
		return out, nil
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// recentWindow is how many recent snapshots the configuration check
// looks at.
const recentWindow = 30

// maxConfiguredDistricts bounds one configuration update.
const maxConfiguredDistricts = 500

func (s *Server) handleConfigUpdate() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		var body struct {
			DistrictIDs json.RawMessage `json:"districtIds"`
			Replace     bool            `json:"replace"`
		}
		if err := decodeJSON(w, r, &body, false); err != nil {
			return nil, err
		}
		if len(body.DistrictIDs) == 0 || string(body.DistrictIDs) == "null" {
			return nil, errorf(http.StatusBadRequest, "MISSING_DISTRICT_IDS", "districtIds is required", nil)
		}
		var raw []string
		if err := json.Unmarshal(body.DistrictIDs, &raw); err != nil {
			return nil, errorf(http.StatusBadRequest, "INVALID_DISTRICT_IDS_FORMAT", "districtIds must be an array of strings", nil)
		}
		if len(raw) == 0 {
			return nil, errorf(http.StatusBadRequest, "EMPTY_DISTRICT_IDS", "districtIds must not be empty", nil)
		}
		if len(raw) > maxConfiguredDistricts {
			return nil, errorf(http.StatusBadRequest, "TOO_MANY_DISTRICT_IDS", fmt.Sprintf("At most %d district ids", maxConfiguredDistricts), nil)
		}
		ids := make([]string, 0, len(raw))
		for _, d := range raw {
			id, err := store.ValidDistrictID(d)
			if err != nil || id == "RANKINGS" || id == "CACHE" {
				return nil, errorf(http.StatusBadRequest, "INVALID_DISTRICT_ID", "Invalid district ID format", "Received: "+truncate(d, 40))
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
			return nil, internal("DISTRICT_CONFIG_UPDATE_FAILED", err)
		}
		out := configChanged{Success: true, Message: msg, Configuration: newConfigBlock(now, true), Metadata: s.opMeta(r, start, "updated_at", "operation_duration_ms")}
		out.Changes.Action, out.Changes.Districts, out.Changes.TotalDistricts = action, ids, len(now)
		return out, nil
	})
}

func (s *Server) handleConfigRemove() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		id, ae := districtID(r)
		if ae != nil {
			return nil, ae
		}
		now, err := s.store.Config().Remove(r.Context(), id, "api:"+clientIP(r))
		if err != nil {
			if errors.Is(err, store.ErrDistrictNotFound) {
				return nil, errorf(http.StatusNotFound, "DISTRICT_NOT_CONFIGURED", "District "+id+" is not configured", nil)
			}
			return nil, internal("DISTRICT_CONFIG_REMOVAL_FAILED", err)
		}
		out := configChanged{Success: true, Message: "District removed from configuration successfully", Configuration: newConfigBlock(now, true),
			Metadata: s.opMeta(r, start, "updated_at", "operation_duration_ms")}
		out.Changes.Action, out.Changes.District, out.Changes.TotalDistricts = "remove", id, len(now)
		return out, nil
	})
}

// handleConfigHistory serves the district configuration's audit log
// (config/district-changes.log), newest first, with an optional summary.
func (s *Server) handleConfigHistory() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		limit, ae := queryInt(r, "limit", 50, 1, 1000, "INVALID_LIMIT")
		if ae != nil {
			return nil, ae
		}
		q := r.URL.Query()
		from, to := q.Get("start_date"), q.Get("end_date")
		for _, d := range []string{from, to} {
			if d != "" {
				if err := store.ValidDate(d); err != nil {
					return nil, errorf(http.StatusBadRequest, "INVALID_DATE_FORMAT", "start_date and end_date must be calendar dates YYYY-MM-DD", "Received: "+truncate(d, 40))
				}
			}
		}
		if from != "" && to != "" && from > to {
			return nil, errorf(http.StatusBadRequest, "INVALID_DATE_RANGE", "start_date must be before or equal to end_date", nil)
		}
		h, err := s.store.Config().Query(r.Context(), store.HistoryQuery{From: from, To: to, Limit: limit})
		if err != nil {
			return nil, internal("DISTRICT_CONFIG_HISTORY_FAILED", err)
		}
		var summary *store.ConfigSummary
		if q.Get("include_summary") == "true" {
			summary = &h.Summary
		}
		out := configHistory{History: h.Changes, Summary: summary}
		out.Metadata.opMeta = s.opMeta(r, start, "retrieved_at", "retrieval_duration_ms")
		out.Metadata.Filters.Limit, out.Metadata.Filters.StartDate, out.Metadata.Filters.EndDate = limit, from, to
		return out, nil
	})
}

var jobIDPattern = regexp.MustCompile(`^job-[0-9a-f]{16}$`)

func (s *Server) handleRefresh() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		var body struct {
			Date string `json:"date"`
		}
		if err := decodeJSON(w, r, &body, true); err != nil {
			return nil, err
		}
		if body.Date != "" {
			if err := store.ValidDate(body.Date); err != nil {
				return nil, errorf(http.StatusBadRequest, "INVALID_DATE_FORMAT", "date must be a calendar date YYYY-MM-DD", "Received: "+truncate(body.Date, 40))
			}
		}
		if body.Date != "" && s.builds.CanBuild() {
			dates, err := s.store.Raw().Dates(r.Context())
			if err != nil {
				return nil, internal("REFRESH_FAILED", err)
			}
			if !slices.Contains(dates, body.Date) {
				return nil, errorf(http.StatusNotFound, "CACHE_DATE_NOT_FOUND", "No cached data for "+body.Date, "POST without a date builds every pending cache date")
			}
		}
		job, err := s.builds.Start("api", body.Date)
		status := "/api/admin/refresh/" + job.ID
		if err != nil {
			return nil, jobStartError(job, err, map[string]string{"status": status})
		}
		w.Header().Set("Location", status)
		respond(w, r, http.StatusAccepted, jobStarted{Data: job, Links: map[string]string{"status": status}})
		return nil, nil
	})
}

func (s *Server) handleRefreshStatus() http.Handler {
	return s.forJob("", "Job", func(j toaststats.Job) any { return dataOf[toaststats.Job]{Data: j} })
}

// jobStarted is the 202 answer that starts a build job: the job and where
// to follow it.
type jobStarted struct {
	Data  toaststats.Job    `json:"data"`
	Links map[string]string `json:"links"`
}

// jobLinks are the details of a 409 REFRESH_IN_PROGRESS error.
type jobLinks struct {
	JobID string            `json:"jobId"`
	Links map[string]string `json:"links,omitempty"`
}
