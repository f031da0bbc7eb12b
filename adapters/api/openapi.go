package api

import (
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/assess"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// opDoc documents one operation of the API for the OpenAPI document. It is
// kept apart from routes.go on purpose: a test checks that the two list the
// same operations.
type opDoc struct {
	method, path string // path in OpenAPI syntax: {name}
	tag, summary string
	desc         string // longer description: formulas of the scores returned
	query        []queryDoc
	body         string // description of the JSON body, "" for none
	admin        bool
	codes        []int // documented statuses besides 200/default
	contentType  string
	// resp is a value of the success answer's type (nil for non-JSON
	// answers): the document's success schema is generated from it.
	resp any
}

type queryDoc struct {
	name, desc string
	typ        string // "string", "integer", "boolean"
	format     string
	required   bool
}

var (
	qDate      = queryDoc{name: "date", desc: "Read the snapshot of this date (YYYY-MM-DD) instead of the current one: a snapshot id, or a date the API returns for a snapshot (the rankings' date, a collection date or an as-of date)", typ: "string", format: "date"}
	qFallback  = queryDoc{name: "fallback", desc: "With date: answer from the newest earlier snapshot when the date has none (default true)", typ: "boolean"}
	qStart     = queryDoc{name: "startDate", desc: "First date of the range (YYYY-MM-DD)", typ: "string", format: "date"}
	qEnd       = queryDoc{name: "endDate", desc: "Last date of the range (YYYY-MM-DD)", typ: "string", format: "date"}
	qStartReq  = queryDoc{name: "startDate", desc: "First date of the range (YYYY-MM-DD); at most 90 days before endDate", typ: "string", format: "date", required: true}
	qEndReq    = queryDoc{name: "endDate", desc: "Last date of the range (YYYY-MM-DD)", typ: "string", format: "date", required: true}
	qMonths    = queryDoc{name: "months", desc: "Months of history, 1..24 (default 12)", typ: "integer"}
	dataCodes  = []int{304, 400, 404, 429, 503}
	adminCodes = []int{400, 401, 403, 404, 429}
)

// apiDocs lists every operation of the API.
var apiDocs = []opDoc{
	{method: "GET", path: "/health", resp: healthAnswer{}, tag: "service", summary: "Liveness and readiness of the server and its data directory"},
	{method: "GET", path: "/metrics", tag: "service", summary: "Prometheus metrics (requests, store read statistics, builds)", contentType: "text/plain"},
	{method: "GET", path: "/api", resp: apiIndex{}, tag: "service", summary: "API name and version"},
	{method: "GET", path: "/api/openapi.json", resp: map[string]any{}, tag: "service", summary: "This OpenAPI document"},

	{method: "GET", path: "/api/districts", resp: envelope[districtList]{}, tag: "districts", summary: "Districts of the snapshot", query: []queryDoc{qDate}, codes: dataCodes},
	{method: "GET", path: "/api/districts/rankings", resp: rankingsResponse{}, tag: "districts", summary: "Borda-count rankings of all districts (seed's rankings response)", desc: "Rows keep the seed's fields; distinguishedPercent is the summary report's own % Distinguished Clubs (the one distinguished percentage used everywhere, also in the Borda distinguished category) and smedleyDistinguished its Smedley Distinguished Clubs column (from 2025-26; absent before). date is the summary's as-of date; ?date= accepts it on every route.", query: []queryDoc{qDate, qFallback}, codes: append([]int{500}, dataCodes...)},
	{method: "GET", path: "/api/districts/cache/dates", resp: dataOf[snapshotDates]{}, tag: "districts", summary: "Ids (dates) of all successful snapshots, newest first"},
	{method: "GET", path: "/api/districts/{districtId}/statistics", resp: envelope[snapshot.District]{}, tag: "districts", summary: "Normalised statistics of a district", query: []queryDoc{qDate}, codes: dataCodes},
	{method: "GET", path: "/api/districts/{districtId}/membership-history", resp: envelope[*analytics.MembershipHistoryReport]{}, tag: "districts", summary: "Members and payments over time for the district or a division, area or club",
		query: []queryDoc{qDate, qMonths, {name: "divisionId", typ: "string", desc: "Limit to a division"}, {name: "areaId", typ: "string", desc: "Limit to an area (needs divisionId)"}, {name: "clubId", typ: "string", desc: "Limit to a club"}}, codes: dataCodes},
	{method: "GET", path: "/api/districts/{districtId}/clubs", resp: envelope[clubList]{}, tag: "districts", summary: "List of the district's clubs", query: []queryDoc{qDate}, codes: dataCodes},
	{method: "GET", path: "/api/districts/{districtId}/educational-awards", resp: envelope[*analytics.EducationalAwardsReport]{}, tag: "districts", summary: "Education awards now and month by month", desc: "byMonth: awards at the last snapshot of each month (date); change = those awards minus the awards at the last snapshot of the previous month (previousDate). change is absent, with a note, for the first month of the series and across July 1 (the counters restart).", query: []queryDoc{qDate, qMonths}, codes: dataCodes},
	{method: "GET", path: "/api/districts/{districtId}/daily-reports", resp: envelope[dailyReportList]{}, tag: "districts", summary: "What changed day by day over a range of at most 90 days", desc: "Each report is the difference between the snapshot of date and that of previousDate. With no earlier snapshot the lists are empty, summary is absent and note says so; across a program-year boundary the year-to-date counters (new members, renewals, awards) are not compared.", query: []queryDoc{qDate, qStartReq, qEndReq}, codes: dataCodes},
	{method: "GET", path: "/api/districts/{districtId}/daily-reports/{date}", resp: envelope[*analytics.DailyReport]{}, tag: "districts", summary: "What changed on one date against the previous snapshot", desc: "The difference between the snapshot of date and the previous one (previousDate); with no earlier snapshot, no summary and a note instead of year-to-date totals.", query: []queryDoc{qDate}, codes: dataCodes},
	{method: "GET", path: "/api/districts/{districtId}/rank-history", resp: envelope[*analytics.RankHistoryReport]{}, tag: "districts", summary: "Ranks of the district over a program year", query: []queryDoc{qDate, qStart, qEnd}, codes: dataCodes},
	{method: "GET", path: "/api/districts/{districtId}/cached-dates", resp: dataOf[cachedDatesBody]{}, tag: "districts", summary: "Dates of successful snapshots that include the district", codes: []int{400}},

	{method: "GET", path: "/api/districts/{districtId}/membership-analytics", resp: envelope[*analytics.MembershipReport]{}, tag: "analytics", summary: "Membership and payment trends, top clubs, seasonal patterns, year over year", desc: "membershipChange = members at changeTo minus members at changeFrom (first and last snapshots of the range); absent with one snapshot (changeNote). programYearChange = members minus Mem. Base. topGrowthClubs/topDecliningClubs: Active Members minus Mem. Base.", query: []queryDoc{qDate, qStart, qEnd}, codes: dataCodes},
	{method: "GET", path: "/api/districts/{districtId}/analytics", resp: envelope[*analytics.DistrictReport]{}, tag: "analytics", summary: "District overview: trends, club health, distinguished projection, divisions and areas", desc: "membershipChange = members at dateRange.end minus dateRange.start, absent with one snapshot (membershipChangeNote); membersVsBase = totalMembership - membershipBase. Club health: intervention when suspended, Ineligible, or under 12 members with net growth under 3; thriving when Active with 20 members or net growth 3, the DCP checkpoint (charter-aware) and the CSP (2025-26 on); reasons cover status, membership, goals, CSP. divisionRankings sort by standing level (snapshot.StandingOn), then membership growth vs base, then mean club health score (thriving 1, vulnerable 0.5, intervention 0), then goals. topPerformingAreas.normalizedScore = round2(0.5 x levelRank/3 + 0.5 x mean club health score). divisionRecognition uses the one standing rule on the snapshot date (visit rounds close Nov 30 and May 31; a round closed short blocks the area).", query: []queryDoc{qDate, qStart, qEnd}, codes: dataCodes},
	{method: "GET", path: "/api/districts/{districtId}/clubs/{clubId}/trends", resp: envelope[*analytics.ClubTrend]{}, tag: "analytics", summary: "One club's history and health", query: []queryDoc{qDate, qStart, qEnd}, codes: dataCodes},
	{method: "GET", path: "/api/districts/{districtId}/clubs/{clubId}/needs", resp: envelope[*clubNeedResponse]{}, tag: "analytics", summary: "What one club still needs for its next distinguished level on the snapshot (goals, new members counted once, CSP)", query: []queryDoc{qDate}, codes: dataCodes},
	{method: "GET", path: "/api/districts/{districtId}/vulnerable-clubs", resp: envelope[*analytics.VulnerableReport]{}, tag: "analytics", summary: "Vulnerable and intervention-required clubs", query: []queryDoc{qDate, qStart, qEnd}, codes: dataCodes},
	{method: "GET", path: "/api/districts/{districtId}/leadership-insights", resp: envelope[*analytics.LeadershipReport]{}, tag: "analytics", summary: "Division and area leadership scores", desc: "healthScore h = 0.5 x % clubs with 12+ members and a goal + 0.3 x min(avg members/30 x 100, 100) + 0.2 x % clubs with 20+ members; growthScore g = clamp(50 + 5 x growthPercent, 0, 100), growthPercent = (members - Mem. Base)/Mem. Base x 100 (absent with growthNote when no base; overall then (0.4h + 0.3d)/0.7); dcpScore d = goals/(clubs x 10) x 100; overallScore = round(0.4h + 0.3g + 0.3d). areaDirectorCorrelations: clubPerformanceScore = round(100 x mean club health score); visitRate = visits made (capped per round) / visits required over the closed rounds (both rounds before any closes); activity high at 100 %, medium from 50 %; correlation positive when activity and performance agree (high & >= 70, low & < 40), negative when they diverge, neutral otherwise; absent with a note without visit data. summary.topPerformingAreas score = round(100 x normalizedScore).", query: []queryDoc{qDate, qStart, qEnd}, codes: dataCodes},
	{method: "GET", path: "/api/districts/{districtId}/distinguished-club-analytics", resp: envelope[*analytics.DistinguishedReport]{}, tag: "analytics", summary: "Distinguished clubs by level, projection, achievements, DCP goal analysis", desc: "achievements: achievedDate is the first snapshot showing the level after one that did not (previousDate); a level already present in the first snapshot of the year has no achievedDate (firstSeen and a note instead).", query: []queryDoc{qDate, qStart, qEnd}, codes: dataCodes},
	{method: "GET", path: "/api/districts/{districtId}/year-over-year/{date}", resp: envelope[*analytics.YearOverYearReport]{}, tag: "analytics", summary: "A date compared with the same date a year earlier", query: []queryDoc{qDate}, codes: dataCodes},
	{method: "GET", path: "/api/districts/{districtId}/export", tag: "analytics", summary: "District analytics as CSV (formula cells neutralised)",
		query: []queryDoc{{name: "format", desc: "Must be csv", typ: "string", required: true}, qDate, qStart, qEnd}, codes: dataCodes, contentType: "text/csv"},

	{method: "GET", path: "/api/districts/cache/statistics", resp: cacheStatistics{}, tag: "cache", admin: true, summary: "Raw CSV cache statistics"},
	{method: "GET", path: "/api/districts/cache/metadata/{date}", resp: cacheMetadata{}, tag: "cache", admin: true, summary: "metadata.json and report availability of one cached date", codes: adminCodes},
	{method: "GET", path: "/api/districts/cache/version", resp: cacheVersion{}, tag: "cache", admin: true, summary: "Cache, schema, calculation and ranking versions"},
	{method: "GET", path: "/api/districts/cache/stats", resp: cacheStats{}, tag: "cache", admin: true, summary: "Per-date raw cache details and snapshot store read statistics"},
	{method: "DELETE", path: "/api/districts/cache", resp: cacheDeleted{}, tag: "cache", admin: true, summary: "Delete raw cache dates: ?date=YYYY-MM-DD, or ?all=true&confirm=delete-all-raw-cache",
		query: []queryDoc{{name: "date", typ: "string", format: "date", desc: "The date to delete"}, {name: "all", typ: "boolean", desc: "Delete every date (needs confirm)"}, {name: "confirm", typ: "string", desc: "Must be delete-all-raw-cache with all=true"}}, codes: adminCodes},

	{method: "GET", path: "/api/admin/snapshots", resp: snapshotList{}, tag: "admin", admin: true, summary: "List snapshots with filters",
		query: []queryDoc{{name: "limit", typ: "integer", desc: "1..1000 (default 100)"}, {name: "status", typ: "string", desc: "success, partial or failed"}, {name: "schema_version", typ: "string"}, {name: "calculation_version", typ: "string"},
			{name: "created_after", typ: "string", desc: "RFC 3339 or YYYY-MM-DD"}, {name: "created_before", typ: "string", desc: "RFC 3339 or YYYY-MM-DD"}, {name: "min_district_count", typ: "integer"}}, codes: adminCodes},
	{method: "GET", path: "/api/admin/snapshots/{snapshotId}", resp: snapshotInspection{}, tag: "admin", admin: true, summary: "Inspect a snapshot", codes: adminCodes},
	{method: "GET", path: "/api/admin/snapshots/{snapshotId}/payload", resp: payloadAnswer[store.Payload]{}, tag: "admin", admin: true, summary: "Full content of a snapshot", codes: append([]int{304}, adminCodes...)},
	{method: "GET", path: "/api/admin/snapshot-store/health", resp: storeHealth{}, tag: "admin", admin: true, summary: "Snapshot store health"},
	{method: "GET", path: "/api/admin/snapshot-store/integrity", resp: storeIntegrity{}, tag: "admin", admin: true, summary: "Integrity check of every snapshot"},
	{method: "GET", path: "/api/admin/snapshot-store/performance", resp: performanceAnswer{}, tag: "admin", admin: true, summary: "Snapshot store read statistics"},
	{method: "POST", path: "/api/admin/snapshot-store/performance/reset", resp: done{}, tag: "admin", admin: true, summary: "Reset the read statistics"},
	{method: "GET", path: "/api/admin/process-separation/validate", resp: separationValidation{}, tag: "admin", admin: true, summary: "Validate that reads do not depend on builds (live probe reads and recent request latencies)"},
	{method: "GET", path: "/api/admin/process-separation/monitor", resp: separationMonitoring{}, tag: "admin", admin: true, summary: "Current build and read latencies, idle and during builds"},
	{method: "GET", path: "/api/admin/process-separation/compliance", resp: separationCompliance{}, tag: "admin", admin: true, summary: "Compliance score from the measured read latencies"},
	{method: "GET", path: "/api/admin/process-separation/independence", resp: separationIndependence{}, tag: "admin", admin: true, summary: "Read latency during builds compared with idle"},
	{method: "GET", path: "/api/admin/districts/config", resp: configAnswer{}, tag: "admin", admin: true, summary: "District configuration with validation and last collections"},
	{method: "POST", path: "/api/admin/districts/config", resp: configChanged{}, tag: "admin", admin: true, summary: "Add districts to (or replace) the configuration", body: `{"districtIds":["42","F"],"replace":false}`, codes: []int{400, 401, 403, 413, 415}},
	{method: "GET", path: "/api/admin/districts/config/history", resp: configHistory{}, tag: "admin", admin: true, summary: "The district configuration's change log, newest first",
		query: []queryDoc{{name: "limit", typ: "integer", desc: "1..1000 (default 50)"}, {name: "start_date", typ: "string", desc: "YYYY-MM-DD"}, {name: "end_date", typ: "string", desc: "YYYY-MM-DD"}, {name: "include_summary", typ: "boolean"}}, codes: adminCodes},
	{method: "DELETE", path: "/api/admin/districts/config/{districtId}", resp: configChanged{}, tag: "admin", admin: true, summary: "Remove a district from the configuration", codes: adminCodes},
	{method: "POST", path: "/api/admin/refresh", resp: jobStarted{}, tag: "admin", admin: true, summary: "Build snapshots from the raw cache in the background; 202 with a job id", body: `{"date":"YYYY-MM-DD"} (optional; default every pending date)`, codes: []int{202, 400, 401, 403, 409, 413, 503}},
	{method: "GET", path: "/api/admin/refresh/{jobId}", resp: dataOf[buildJob]{}, tag: "admin", admin: true, summary: "Status of a build job", codes: adminCodes},

	{method: "GET", path: "/api/reconciliation/jobs", resp: dataOf[jobList]{}, tag: "reconciliation", admin: true, summary: "Reconciliation jobs, newest first"},
	{method: "POST", path: "/api/reconciliation/jobs", resp: jobStarted{}, tag: "reconciliation", admin: true, summary: "Rebuild every raw-cache collection of one data month (month-end reconciliation); 202 with a job id",
		body: `{"targetMonth":"YYYY-MM"}`, codes: []int{202, 400, 401, 403, 404, 409, 413, 415, 503}},
	{method: "GET", path: "/api/reconciliation/jobs/{jobId}", resp: dataOf[buildJob]{}, tag: "reconciliation", admin: true, summary: "A reconciliation job", codes: adminCodes},
	{method: "DELETE", path: "/api/reconciliation/jobs/{jobId}", resp: jobCancelAnswer{}, tag: "reconciliation", admin: true, summary: "Cancel a running reconciliation job", codes: append([]int{409}, adminCodes...)},
	{method: "GET", path: "/api/reconciliation/jobs/{jobId}/progress", resp: dataOf[jobProgress]{}, tag: "reconciliation", admin: true, summary: "Progress of a reconciliation job", codes: adminCodes},
	{method: "GET", path: "/api/reconciliation/performance/metrics", resp: dataOf[buildMetrics]{}, tag: "reconciliation", admin: true, summary: "Builds run by this server: counts, durations, pending dates"},
	{method: "GET", path: "/api/assessment/monthly/{districtId}", resp: dataOf[assessmentList]{}, tag: "assessment", admin: true, summary: "Monthly assessments of a district", codes: adminCodes},
	{method: "POST", path: "/api/assessment/monthly/{districtId}", resp: dataOf[*assess.Assessment]{}, tag: "assessment", admin: true, summary: "Assess a month: actuals from the month's newest snapshot against the leader goals",
		body: `{"month":"YYYY-MM","notes":"…"}`, codes: []int{201, 400, 401, 403, 404, 409, 413, 415}},
	{method: "GET", path: "/api/assessment/monthly/{districtId}/{month}", resp: dataOf[*assess.Assessment]{}, tag: "assessment", admin: true, summary: "One monthly assessment", codes: adminCodes},
	{method: "PUT", path: "/api/assessment/monthly/{districtId}/{month}", resp: dataOf[*assess.Assessment]{}, tag: "assessment", admin: true, summary: "Update the notes and recompute the actuals", body: `{"notes":"…"} (optional)`, codes: append([]int{413, 415}, adminCodes...)},
	{method: "DELETE", path: "/api/assessment/monthly/{districtId}/{month}", resp: deleted{}, tag: "assessment", admin: true, summary: "Delete a monthly assessment", codes: adminCodes},
	{method: "GET", path: "/api/assessment/district-leader-goals/{districtId}", resp: dataOf[*assess.Goals]{}, tag: "assessment", admin: true, summary: "The district leaders' targets for a program year",
		query: []queryDoc{{name: "programYear", typ: "string", desc: "YYYY-YYYY (default: that of the current snapshot)"}}, codes: adminCodes},
	{method: "POST", path: "/api/assessment/district-leader-goals/{districtId}", resp: dataOf[*assess.Goals]{}, tag: "assessment", admin: true, summary: "Set the targets for a program year",
		body: `{"programYear":"2025-2026","membershipPaymentsTarget":0,"paidClubsTarget":0,"distinguishedClubsTarget":0,"notes":"…"}`, codes: []int{400, 401, 403, 413, 415}},
	{method: "GET", path: "/api/assessment/reports/{districtId}/{month}", resp: dataOf[*assess.Report]{}, tag: "assessment", admin: true, summary: "Assessment report: assessment, Distinguished District standing, division and area standing", desc: "recognition follows the era's ladder (spec 3.6): from 2025-26 payment growth 1/3/5/8 %, club growth 1/3/5/8 %, distinguished 45/50/55/60 %, net clubs >= 0 / +1, five prerequisites; before 2025-26 distinguished 40/45/50/55 %, payment growth 1/3/5/8 %, net paid clubs >= 0 (D) / +1 (S), club growth >= 3 % (P) / 5 % (Smedley), prerequisites DSP and Training. Every criterion counts and is shown with actual and threshold; the distinguished share is the summary's own % Distinguished Clubs. standing is the one area/division rule on the snapshot date.", codes: adminCodes},
	{method: "POST", path: "/api/reconciliation/performance/optimization", resp: cachesDropped{}, tag: "reconciliation", admin: true, summary: "Drop the in-memory caches (answers, series, listing, store read cache)"},
}

var pathParamRE = regexp.MustCompile(`\{([A-Za-z]+)\}`)

var paramDocs = map[string]string{
	"districtId": "District id: 1 to 8 letters or digits (\"rankings\" and \"cache\" are reserved words)",
	"date":       "A calendar date YYYY-MM-DD",
	"clubId":     "Club number: 1 to 12 letters or digits",
	"snapshotId": "Snapshot id: its logical date YYYY-MM-DD",
	"jobId":      "Build job id, as returned by POST /api/admin/refresh",
	"month":      "A month YYYY-MM",
}

// openAPIDocument builds the OpenAPI 3 document from apiDocs; the success
// schemas come from the response types (schemaGen).
func openAPIDocument(version string) map[string]any {
	paths := map[string]any{}
	gen := newSchemaGen()
	for _, op := range apiDocs {
		var params []any
		for _, m := range pathParamRE.FindAllStringSubmatch(op.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "description": paramDocs[m[1]], "schema": map[string]any{"type": "string"}})
		}
		for _, q := range op.query {
			schema := map[string]any{"type": q.typ}
			if q.format != "" {
				schema["format"] = q.format
			}
			p := map[string]any{"name": q.name, "in": "query", "required": q.required, "schema": schema}
			if q.desc != "" {
				p["description"] = q.desc
			}
			params = append(params, p)
		}
		ct := op.contentType
		if ct == "" {
			ct = "application/json"
		}
		okCode := "200"
		for _, c := range op.codes {
			if c == 202 || c == 201 {
				okCode = strconv.Itoa(c)
			}
		}
		media := map[string]any{}
		if op.resp != nil {
			media["schema"] = gen.schema(reflect.TypeOf(op.resp))
		}
		responses := map[string]any{okCode: map[string]any{"description": "Success", "content": map[string]any{ct: media}}}
		for _, c := range op.codes {
			if c == 202 || c == 201 {
				continue
			}
			if c == 304 {
				responses["304"] = map[string]any{"description": "Not modified (If-None-Match matched the ETag)"}
				continue
			}
			responses[strconv.Itoa(c)] = map[string]any{"description": http.StatusText(c), "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
		}
		responses["default"] = map[string]any{"description": "Error", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
		o := map[string]any{"summary": op.summary, "tags": []string{op.tag}, "operationId": operationID(op), "responses": responses}
		if op.desc != "" {
			o["description"] = op.desc
		}
		if params != nil {
			o["parameters"] = params
		}
		if op.admin {
			o["security"] = []any{map[string]any{"bearerAuth": []string{}}}
		}
		if op.body != "" {
			o["requestBody"] = map[string]any{"required": op.method == "POST" && !strings.Contains(op.body, "optional"), "description": op.body, "content": map[string]any{"application/json": map[string]any{}}}
		}
		pi, _ := paths[op.path].(map[string]any)
		if pi == nil {
			pi = map[string]any{}
			paths[op.path] = pi
		}
		pi[strings.ToLower(op.method)] = o
	}
	schemas := gen.defs
	schemas["Error"] = map[string]any{"type": "object", "required": []string{"error"}, "properties": map[string]any{
		"error": map[string]any{"type": "object", "required": []string{"code", "message"}, "properties": map[string]any{
			"code": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"}, "details": map[string]any{},
		}},
	}}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":   "toaststats API",
			"version": version,
			"description": "Toastmasters district statistics from immutable daily snapshots. Data responses are " +
				"{\"data\":…,\"_snapshot_metadata\":…} (the rankings response is {\"rankings\",\"date\",\"_snapshot_metadata\"}); errors are {\"error\":{\"code\",\"message\",\"details\"}}; " +
				"503 SNAPSHOT_DAMAGED names a damaged snapshot file (the operator runs `toaststats verify --repair`) and /health then says \"degraded\" with degraded_reasons. " +
				"Percentages (…Percent fields) are presented rounded to two decimals; rankings and levels are computed from the exact values. " +
				"Admin and cache routes always need a bearer token (the server's admin token; 403 ADMIN_DISABLED when it has none).",
		},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearerAuth": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas":         schemas,
		},
	}
}

func operationID(op opDoc) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(op.method))
	for _, seg := range strings.Split(op.path, "/") {
		seg = strings.Trim(seg, "{}")
		for _, part := range strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '.' || r == '_' }) {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
