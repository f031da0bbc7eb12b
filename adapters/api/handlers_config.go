package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/store"
)

// The district configuration routes (config/districts.json and its change
// log) call store.Config.

func newConfigBlock(ids []string, exists bool) apitypes.ConfigBlock {
	return apitypes.ConfigBlock{ConfiguredDistricts: nonNil(ids), Exists: exists}
}

func (s *Server) handleConfigGet() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		ctx := r.Context()
		recent, err := s.series.SuccessfulIDs(ctx)
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
		out := apitypes.ConfigAnswer{Configuration: newConfigBlock(ids, c.Exists), Validation: c, Metadata: s.stamp(r, start, "retrieved_at", "retrieval_duration_ms")}
		out.Status.HasConfiguredDistricts, out.Status.TotalDistricts = len(ids) > 0, len(ids)
		return out, nil
	})
}

// handleConfigValidate checks the configuration as GET does, against the
// body's allDistrictIds when given (the predecessor's route), and says
// what to do about what it finds.
func (s *Server) handleConfigValidate() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		start := time.Now()
		ctx := r.Context()
		var body struct {
			AllDistrictIDs []string `json:"allDistrictIds"`
		}
		if err := decodeJSON(w, r, &body, true); err != nil {
			return nil, err
		}
		if len(body.AllDistrictIDs) > maxConfiguredDistricts {
			return nil, errorf(http.StatusBadRequest, "TOO_MANY_DISTRICT_IDS", fmt.Sprintf("At most %d district ids", maxConfiguredDistricts), nil)
		}
		for _, d := range body.AllDistrictIDs {
			if _, err := store.NormalizeDistrictID(d); err != nil {
				return nil, errorf(http.StatusBadRequest, "INVALID_DISTRICT_ID", "Invalid district ID format in allDistrictIds", "Received: "+truncate(d, 40))
			}
		}
		recent, err := s.series.SuccessfulIDs(ctx)
		if err != nil {
			return nil, internal("DISTRICT_CONFIG_VALIDATION_FAILED", err)
		}
		if len(recent) > recentWindow {
			recent = recent[len(recent)-recentWindow:]
		}
		c, err := s.store.CheckConfigAgainst(ctx, recent, body.AllDistrictIDs)
		if err != nil {
			return nil, internal("DISTRICT_CONFIG_VALIDATION_FAILED", err)
		}
		var out apitypes.ConfigValidation
		out.Validation.ConfigCheck, out.Validation.Suggestions = c, configSuggestions(c)
		out.Metadata = s.stamp(r, start, "validated_at", "validation_duration_ms")
		return out, nil
	})
}

// backfillIDPattern accepts the predecessor's backfill ids (letters,
// digits, '_' and '-'), so a well-formed id reaches the 501 that says
// where backfills run.
var backfillIDPattern = lazyRegexp(`^[A-Za-z0-9_-]{1,100}$`)

// handleBackfillNotHere answers the predecessor's backfill routes: a
// backfill collects reports from the dashboard, which the server never
// does (the scraper process does, `toaststats backfill`); it says so and
// where to go instead of answering 404 or 405.
func (s *Server) handleBackfillNotHere() http.Handler {
	return jsonHandler(func(w http.ResponseWriter, r *http.Request) (any, error) {
		// Malformed parameters are the caller's mistake whatever the route
		// would do with them: 400, as on every other route.
		if param(r, "districtId") != "" {
			if _, ae := districtID(r); ae != nil {
				return nil, ae
			}
		}
		if id := param(r, "backfillId"); id != "" && !backfillIDPattern().MatchString(id) {
			return nil, errorf(http.StatusBadRequest, "INVALID_BACKFILL_ID", "Invalid backfill ID format", "Received: "+truncate(id, 40))
		}
		return nil, errorf(http.StatusNotImplemented, "BACKFILL_NOT_IN_SERVER",
			"Backfill collects reports from the dashboard, which this server never does: it builds and serves what the scraper collects",
			"Run `toaststats backfill --from YYYY-MM-DD --to YYYY-MM-DD` where the scraper runs; the server builds the new dates on its next scheduled build, or at once with POST /api/admin/refresh")
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
			// As the predecessor did: trimmed, "District " stripped.
			id, err := store.NormalizeDistrictID(d)
			if err != nil || id == "RANKINGS" || id == "CACHE" || id == "BACKFILL" {
				return nil, errorf(http.StatusBadRequest, "INVALID_DISTRICT_ID", "Invalid district ID format", "Received: "+truncate(d, 40))
			}
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
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
		out := apitypes.ConfigChanged{Success: true, Message: msg, Configuration: newConfigBlock(now, true), Metadata: s.stamp(r, start, "updated_at", "operation_duration_ms")}
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
		out := apitypes.ConfigChanged{Success: true, Message: "District removed from configuration successfully", Configuration: newConfigBlock(now, true),
			Metadata: s.stamp(r, start, "updated_at", "operation_duration_ms")}
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
		out := apitypes.ConfigHistory{History: h.Changes, Summary: summary}
		out.Metadata.OpMeta = s.stamp(r, start, "retrieved_at", "retrieval_duration_ms")
		out.Metadata.Filters.Limit, out.Metadata.Filters.StartDate, out.Metadata.Filters.EndDate = limit, from, to
		return out, nil
	})
}

// configSuggestions says what to do about a configuration check's findings, one line each:
// nothing configured, ids not in the district list, configured districts
// without a successful collection among the recent snapshots.
func configSuggestions(c *store.ConfigCheck) []string {
	out := []string{}
	if !c.Exists {
		out = append(out, "No configuration: every district of the summary report is collected. Add the districts to track with POST /api/admin/districts/config (or toaststats scrape --districts).")
	}
	for _, id := range c.InvalidDistricts {
		out = append(out, fmt.Sprintf("District %s is not in the district list: check the id, or remove it with DELETE /api/admin/districts/config/%s.", id, id))
	}
	for _, lc := range c.LastCollectionInfo {
		if lc.LastSuccessfulCollection == nil {
			out = append(out, fmt.Sprintf("District %s has no successful collection in the recent snapshots: see toaststats status and the scraper's log.", lc.DistrictID))
		}
	}
	return out
}
