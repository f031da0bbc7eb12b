package api

import (
	"net/http"
	"slices"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/assess"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// route is one operation of the API: its handler and its description in
// the OpenAPI document (openapi.go). doc.Path uses OpenAPI syntax ("{name}"
// parameters); doc.Bearer marks the admin routes.
type route struct {
	h   http.Handler
	doc opDoc
}

// apiRoutes is the whole API surface at a glance, each operation once:
// addRoutes registers it with the router and openAPIDocument describes it.
//
// Paths below /api/districts/ share their first position between the
// {districtId} parameter and the reserved words "rankings", "cache" and
// "backfill"
// (see sharedPrefix in mux.go): a static word always wins, so no district
// can be called "rankings", "cache" or "backfill" (real district ids are
// numbers or one or two letters).
//
// GET /metrics is there only when the server has Metrics (Deps.Metrics).
func (s *Server) apiRoutes() []route {
	routes := []route{
		// Service.
		{s.handleHealth(), opDoc{Method: "GET", Path: "/health", Response: apitypes.Health{}, Tag: "service", Summary: "Liveness and readiness of the server and its data directory"}},
		{s.handleMetrics(), opDoc{Method: "GET", Path: "/metrics", Tag: "service", Summary: "Prometheus metrics (requests, store read statistics, builds)", ContentType: "text/plain"}},
		{s.handleAPIIndex(), opDoc{Method: "GET", Path: "/api", Response: apitypes.Index{}, Tag: "service", Summary: "API name and version"}},
		{s.handleOpenAPI(), opDoc{Method: "GET", Path: "/api/openapi.json", Response: map[string]any{}, Tag: "service", Summary: "This OpenAPI document"}},

		// District data (seed "District Data Endpoints"); ?date= selects any
		// stored snapshot, otherwise the current one.
		{s.handleDistrictList(), opDoc{Method: "GET", Path: "/api/districts", Response: apitypes.Envelope[apitypes.DistrictList]{}, Tag: "districts", Summary: "Districts of the snapshot", Query: []queryDoc{qDate}, Codes: dataCodes}},
		{s.handleRankings(), opDoc{Method: "GET", Path: "/api/districts/rankings", Response: apitypes.Rankings{}, Tag: "districts", Summary: "Borda-count rankings of all districts (seed's rankings response)", Description: "Rows keep the seed's fields; distinguishedPercent is the summary report's own % Distinguished Clubs (the one distinguished percentage used everywhere, also in the Borda distinguished category) and smedleyDistinguished its Smedley Distinguished Clubs column (from 2025-26; absent before). date is the summary's as-of date; ?date= accepts it on every route.", Query: []queryDoc{qDate, qFallback}, Codes: append([]int{500}, dataCodes...)}},
		// The predecessor's backfill routes: the server never scrapes.
		{s.handleBackfillNotHere(), opDoc{Method: "POST", Path: "/api/districts/backfill", Tag: "districts", Summary: "Not served: backfill is the scraper's command (toaststats backfill); always 501 BACKFILL_NOT_IN_SERVER", Codes: []int{501}}},
		{s.handleBackfillNotHere(), opDoc{Method: "GET", Path: "/api/districts/backfill/{backfillId}", Tag: "districts", Summary: "Not served: backfill is the scraper's command (toaststats backfill); always 501 BACKFILL_NOT_IN_SERVER", Codes: []int{501}}},
		{s.handleBackfillNotHere(), opDoc{Method: "DELETE", Path: "/api/districts/backfill/{backfillId}", Tag: "districts", Summary: "Not served: backfill is the scraper's command (toaststats backfill); always 501 BACKFILL_NOT_IN_SERVER", Codes: []int{501}}},
		{s.handleBackfillNotHere(), opDoc{Method: "POST", Path: "/api/districts/{districtId}/backfill", Tag: "districts", Summary: "Not served: backfill is the scraper's command (toaststats backfill); always 501 BACKFILL_NOT_IN_SERVER", Codes: []int{501}}},
		{s.handleBackfillNotHere(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/backfill/{backfillId}", Tag: "districts", Summary: "Not served: backfill is the scraper's command (toaststats backfill); always 501 BACKFILL_NOT_IN_SERVER", Codes: []int{501}}},
		{s.handleBackfillNotHere(), opDoc{Method: "DELETE", Path: "/api/districts/{districtId}/backfill/{backfillId}", Tag: "districts", Summary: "Not served: backfill is the scraper's command (toaststats backfill); always 501 BACKFILL_NOT_IN_SERVER", Codes: []int{501}}},
		{s.handleSnapshotDates(), opDoc{Method: "GET", Path: "/api/districts/cache/dates", Response: apitypes.Data[apitypes.SnapshotDates]{}, Tag: "districts", Summary: "Ids (dates) of all successful snapshots, newest first"}},
		{s.handleStatistics(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/statistics", Response: apitypes.Envelope[snapshot.District]{}, Tag: "districts", Summary: "Normalised statistics of a district", Query: []queryDoc{qDate}, Codes: dataCodes}},
		{s.handleMembershipHistory(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/membership-history", Response: apitypes.Envelope[*analytics.MembershipHistoryReport]{}, Tag: "districts", Summary: "Members and payments over time for the district or a division, area or club",
			Query: []queryDoc{qDate, qMonths, {Name: "divisionId", Type: "string", Description: "Limit to a division"}, {Name: "areaId", Type: "string", Description: "Limit to an area (needs divisionId)"}, {Name: "clubId", Type: "string", Description: "Limit to a club"}}, Codes: dataCodes}},
		{s.handleClubs(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/clubs", Response: apitypes.Envelope[apitypes.ClubList]{}, Tag: "districts", Summary: "List of the district's clubs", Query: []queryDoc{qDate}, Codes: dataCodes}},
		{s.handleEducationalAwards(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/educational-awards", Response: apitypes.Envelope[*analytics.EducationalAwardsReport]{}, Tag: "districts", Summary: "Education awards now and month by month", Description: "byMonth: awards at the last snapshot of each month (date); change = those awards minus the awards at the last snapshot of the previous month (previousDate). change is absent, with a note, for the first month of the series and across July 1 (the counters restart).", Query: []queryDoc{qDate, qMonths}, Codes: dataCodes}},
		{s.handleDailyReports(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/daily-reports", Response: apitypes.Envelope[apitypes.DailyReportList]{}, Tag: "districts", Summary: "What changed day by day over a range of at most 90 days", Description: "Each report is the difference between the snapshot of date and that of previousDate. With no earlier snapshot the lists are empty, summary is absent and note says so; across a program-year boundary the year-to-date counters (new members, renewals, awards) are not compared.", Query: []queryDoc{qDate, qStartReq, qEndReq}, Codes: dataCodes}},
		{s.handleDailyReport(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/daily-reports/{date}", Response: apitypes.Envelope[*analytics.DailyReport]{}, Tag: "districts", Summary: "What changed on one date against the previous snapshot", Description: "The difference between the snapshot of date and the previous one (previousDate); with no earlier snapshot, no summary and a note instead of year-to-date totals.", Query: []queryDoc{qDateUpTo}, Codes: dataCodes}},
		{s.handleRankHistory(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/rank-history", Response: apitypes.Envelope[*analytics.RankHistoryReport]{}, Tag: "districts", Summary: "Ranks of the district over a program year (startDate..endDate, default the program year of startDate or of the snapshot, up to the snapshot)", Query: []queryDoc{qDate, qStart, qEnd}, Codes: dataCodes}},
		{s.handleCachedDates(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/cached-dates", Response: apitypes.Data[apitypes.CachedDates]{}, Tag: "districts", Summary: "Dates of successful snapshots that include the district", Codes: []int{400}}},

		// Analytics over the district's series of snapshots (issue 7).
		{s.handleMembershipAnalytics(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/membership-analytics", Response: apitypes.Envelope[*analytics.MembershipReport]{}, Tag: "analytics", Summary: "Membership and payment trends, top clubs, seasonal patterns, year over year", Description: "membershipChange = members at changeTo minus members at changeFrom (first and last snapshots of the range); absent with one snapshot (changeNote). programYearChange = members minus Mem. Base. topGrowthClubs/topDecliningClubs: Active Members minus Mem. Base.", Query: []queryDoc{qDate, qStart, qEnd}, Codes: dataCodes}},
		{s.handleDistrictAnalytics(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/analytics", Response: apitypes.Envelope[*analytics.DistrictReport]{}, Tag: "analytics", Summary: "District overview: trends, club health, distinguished projection, divisions and areas", Description: "membershipChange = members at apitypes.DateRange.end minus apitypes.DateRange.start, absent with one snapshot (membershipChangeNote); membersVsBase = totalMembership - membershipBase. Club health: intervention when suspended, Ineligible, or under 12 members with net growth under 3; thriving when Active with 20 members or net growth 3, the DCP checkpoint (charter-aware) and the CSP once due (2025-26 on; due Sep 30, or 90 days after a charter during the year); reasons cover status, membership, goals, an overdue CSP. divisionRankings sort by standing level (snapshot.StandingOn), then membership growth vs base, then mean club health score (thriving 1, vulnerable 0.5, intervention 0), then goals. topPerformingAreas.normalizedScore = round2(0.5 x levelRank/3 + 0.5 x mean club health score). divisionRecognition uses the one standing rule on the snapshot date (visit rounds close Nov 30 and May 31; a round closed short blocks the area).", Query: []queryDoc{qDate, qStart, qEnd}, Codes: dataCodes}},
		{s.handleClubTrends(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/clubs/{clubId}/trends", Response: apitypes.Envelope[*analytics.ClubTrend]{}, Tag: "analytics", Summary: "One club's history and health", Query: []queryDoc{qDate, qStart, qEnd}, Codes: dataCodes}},
		{s.handleClubNeeds(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/clubs/{clubId}/needs", Response: apitypes.Envelope[*apitypes.ClubNeed]{}, Tag: "analytics", Summary: "What one club still needs for its next distinguished level on the snapshot (goals, new members counted once, CSP)", Query: []queryDoc{qDate}, Codes: dataCodes}},
		{s.handleVulnerableClubs(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/vulnerable-clubs", Response: apitypes.Envelope[*analytics.VulnerableReport]{}, Tag: "analytics", Summary: "Vulnerable and intervention-required clubs", Query: []queryDoc{qDate, qStart, qEnd}, Codes: dataCodes}},
		{s.handleLeadershipInsights(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/leadership-insights", Response: apitypes.Envelope[*analytics.LeadershipReport]{}, Tag: "analytics", Summary: "Division and area leadership scores", Description: "healthScore h = 0.5 x % clubs with 12+ members and a goal + 0.3 x min(avg members/30 x 100, 100) + 0.2 x % clubs with 20+ members; growthScore g = clamp(50 + 5 x growthPercent, 0, 100), growthPercent = (members - Mem. Base)/Mem. Base x 100 (absent with growthNote when no base; overall then (0.4h + 0.3d)/0.7); dcpScore d = goals/(clubs x 10) x 100; overallScore = round(0.4h + 0.3g + 0.3d). areaDirectorCorrelations: clubPerformanceScore = round(100 x mean club health score); visitRate = visits made (capped per round) / visits required over the closed rounds (both rounds before any closes); activity high at 100 %, medium from 50 %; correlation positive when activity and performance agree (high & >= 70, low & < 40), negative when they diverge, neutral otherwise; absent with a note without visit data. summary.topPerformingAreas score = round(100 x normalizedScore).", Query: []queryDoc{qDate, qStart, qEnd}, Codes: dataCodes}},
		{s.handleDistinguishedAnalytics(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/distinguished-club-analytics", Response: apitypes.Envelope[*analytics.DistinguishedReport]{}, Tag: "analytics", Summary: "Distinguished clubs by level, projection, achievements, DCP goal analysis", Description: "achievements: achievedDate is the first snapshot showing the level after one that did not (previousDate); a level already present in the first snapshot of the year has no achievedDate (firstSeen and a note instead).", Query: []queryDoc{qDate, qStart, qEnd}, Codes: dataCodes}},
		{s.handleYearOverYear(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/year-over-year/{date}", Response: apitypes.Envelope[*analytics.YearOverYearReport]{}, Tag: "analytics", Summary: "A date compared with the same date a year earlier", Query: []queryDoc{qDateUpTo}, Codes: dataCodes}},
		{s.handleExport(), opDoc{Method: "GET", Path: "/api/districts/{districtId}/export", Tag: "analytics", Summary: "District analytics as CSV (formula cells neutralised)",
			Query: []queryDoc{{Name: "format", Description: "Must be csv", Type: "string", Required: true}, qDate, qStart, qEnd}, Codes: dataCodes, ContentType: "text/csv"}},

		// Raw CSV cache management (seed "Cache Management Endpoints").
		{s.handleCacheStatistics(), opDoc{Method: "GET", Path: "/api/districts/cache/statistics", Response: apitypes.CacheStatistics{}, Tag: "cache", Bearer: true, Summary: "Raw CSV cache statistics"}},
		{s.handleCacheMetadata(), opDoc{Method: "GET", Path: "/api/districts/cache/metadata/{date}", Response: apitypes.CacheMetadata{}, Tag: "cache", Bearer: true, Summary: "metadata.json and report availability of one cached date", Codes: adminCodes}},
		{s.handleCacheVersion(), opDoc{Method: "GET", Path: "/api/districts/cache/version", Response: apitypes.CacheVersion{}, Tag: "cache", Bearer: true, Summary: "Cache, schema, calculation and ranking versions"}},
		{s.handleCacheStats(), opDoc{Method: "GET", Path: "/api/districts/cache/stats", Response: apitypes.CacheStats{}, Tag: "cache", Bearer: true, Summary: "Per-date raw cache details and snapshot store read statistics"}},
		{s.handleCacheDelete(), opDoc{Method: "DELETE", Path: "/api/districts/cache", Response: apitypes.CacheDeleted{}, Tag: "cache", Bearer: true, Summary: "Delete raw cache dates: ?date=YYYY-MM-DD, or ?all=true&confirm=delete-all-raw-cache",
			Query: []queryDoc{{Name: "date", Type: "string", Format: "date", Description: "The date to delete"}, {Name: "all", Type: "boolean", Description: "Delete every date (needs confirm)"}, {Name: "confirm", Type: "string", Description: "Must be delete-all-raw-cache with all=true"}}, Codes: adminCodes}},

		// Administration (seed "Admin Endpoints").
		{s.handleSnapshotList(), opDoc{Method: "GET", Path: "/api/admin/snapshots", Response: apitypes.SnapshotList{}, Tag: "admin", Bearer: true, Summary: "List snapshots with filters",
			Query: []queryDoc{{Name: "limit", Type: "integer", Description: "1..1000 (default 100)"}, {Name: "status", Type: "string", Description: "success, partial or failed"}, {Name: "schema_version", Type: "string"}, {Name: "calculation_version", Type: "string"},
				{Name: "created_after", Type: "string", Description: "RFC 3339 or YYYY-MM-DD"}, {Name: "created_before", Type: "string", Description: "RFC 3339 or YYYY-MM-DD"}, {Name: "min_district_count", Type: "integer"}}, Codes: adminCodes}},
		{s.handleSnapshotInspect(), opDoc{Method: "GET", Path: "/api/admin/snapshots/{snapshotId}", Response: apitypes.SnapshotInspection{}, Tag: "admin", Bearer: true, Summary: "Inspect a snapshot", Codes: adminCodes}},
		{s.handleSnapshotPayload(), opDoc{Method: "GET", Path: "/api/admin/snapshots/{snapshotId}/payload", Response: apitypes.SnapshotPayload[store.Payload]{}, Tag: "admin", Bearer: true, Summary: "Full content of a snapshot", Codes: append([]int{304}, adminCodes...)}},
		{s.handleStoreHealth(), opDoc{Method: "GET", Path: "/api/admin/snapshot-store/health", Response: apitypes.StoreHealth{}, Tag: "admin", Bearer: true, Summary: "Snapshot store health"}},
		{s.handleStoreIntegrity(), opDoc{Method: "GET", Path: "/api/admin/snapshot-store/integrity", Response: apitypes.StoreIntegrity{}, Tag: "admin", Bearer: true, Summary: "Integrity check of every snapshot"}},
		{s.handleStorePerformance(), opDoc{Method: "GET", Path: "/api/admin/snapshot-store/performance", Response: apitypes.StorePerformance{}, Tag: "admin", Bearer: true, Summary: "Snapshot store read statistics"}},
		{s.handleStorePerformanceReset(), opDoc{Method: "POST", Path: "/api/admin/snapshot-store/performance/reset", Response: apitypes.Done{}, Tag: "admin", Bearer: true, Summary: "Reset the read statistics"}},
		{s.handleProcessSeparation("validate"), opDoc{Method: "GET", Path: "/api/admin/process-separation/validate", Response: apitypes.SeparationValidation{}, Tag: "admin", Bearer: true, Summary: "Validate that reads do not depend on builds (live probe reads and recent request latencies)"}},
		{s.handleProcessSeparation("monitor"), opDoc{Method: "GET", Path: "/api/admin/process-separation/monitor", Response: apitypes.SeparationMonitoring{}, Tag: "admin", Bearer: true, Summary: "Current build and read latencies, idle and during builds"}},
		{s.handleProcessSeparation("compliance"), opDoc{Method: "GET", Path: "/api/admin/process-separation/compliance", Response: apitypes.SeparationCompliance{}, Tag: "admin", Bearer: true, Summary: "Compliance score from the measured read latencies"}},
		{s.handleProcessSeparation("independence"), opDoc{Method: "GET", Path: "/api/admin/process-separation/independence", Response: apitypes.SeparationIndependence{}, Tag: "admin", Bearer: true, Summary: "Read latency during builds compared with idle"}},
		{s.handleConfigGet(), opDoc{Method: "GET", Path: "/api/admin/districts/config", Response: apitypes.ConfigAnswer{}, Tag: "admin", Bearer: true, Summary: "District configuration with validation and last collections"}},
		{s.handleConfigUpdate(), opDoc{Method: "POST", Path: "/api/admin/districts/config", Response: apitypes.ConfigChanged{}, Tag: "admin", Bearer: true, Summary: "Add districts to (or replace) the configuration", Body: `{"districtIds":["42","F"],"replace":false}`, Codes: []int{400, 401, 403, 413, 415, 503}}},
		{s.handleConfigHistory(), opDoc{Method: "GET", Path: "/api/admin/districts/config/history", Response: apitypes.ConfigHistory{}, Tag: "admin", Bearer: true, Summary: "The district configuration's change log, newest first",
			Query: []queryDoc{{Name: "limit", Type: "integer", Description: "1..1000 (default 50)"}, {Name: "start_date", Type: "string", Description: "YYYY-MM-DD"}, {Name: "end_date", Type: "string", Description: "YYYY-MM-DD"}, {Name: "include_summary", Type: "boolean"}}, Codes: adminCodes}},
		{s.handleConfigValidate(), opDoc{Method: "POST", Path: "/api/admin/districts/config/validate", Response: apitypes.ConfigValidation{}, Tag: "admin", Bearer: true, Summary: "Check the configuration against a list of every district id (allDistrictIds; default the current rankings) and say what to do", Body: `{"allDistrictIds":["42","61","F"]}`, Codes: []int{400, 401, 403, 413, 415}}},
		{s.handleConfigRemove(), opDoc{Method: "DELETE", Path: "/api/admin/districts/config/{districtId}", Response: apitypes.ConfigChanged{}, Tag: "admin", Bearer: true, Summary: "Remove a district from the configuration", Codes: append([]int{503}, adminCodes...)}},
		{s.handleRefresh(), opDoc{Method: "POST", Path: "/api/admin/refresh", Response: apitypes.JobStarted{}, Tag: "admin", Bearer: true, Summary: "Build snapshots from the raw cache in the background; 202 with a job id", Body: `{"date":"YYYY-MM-DD"} (optional; default every pending date)`, Codes: []int{202, 400, 401, 403, 409, 413, 503}}},
		{s.handleRefreshStatus(), opDoc{Method: "GET", Path: "/api/admin/refresh/{jobId}", Response: apitypes.Data[toaststats.Job]{}, Tag: "admin", Bearer: true, Summary: "Status of a build job", Codes: adminCodes}},

		// Month-end reconciliation (seed "Reconciliation Endpoints"): rebuilds
		// of one data month's collections, run as background build jobs.
		{s.handleReconciliationList(), opDoc{Method: "GET", Path: "/api/reconciliation/jobs", Response: apitypes.Data[apitypes.JobList]{}, Tag: "reconciliation", Bearer: true, Summary: "Reconciliation jobs, newest first"}},
		{s.handleReconciliationCreate(), opDoc{Method: "POST", Path: "/api/reconciliation/jobs", Response: apitypes.JobStarted{}, Tag: "reconciliation", Bearer: true, Summary: "Rebuild every raw-cache collection of one data month (month-end reconciliation); 202 with a job id",
			Body: `{"targetMonth":"YYYY-MM"}`, Codes: []int{202, 400, 401, 403, 404, 409, 413, 415, 503}}},
		{s.handleReconciliationGet(), opDoc{Method: "GET", Path: "/api/reconciliation/jobs/{jobId}", Response: apitypes.Data[toaststats.Job]{}, Tag: "reconciliation", Bearer: true, Summary: "A reconciliation job", Codes: adminCodes}},
		{s.handleReconciliationCancel(), opDoc{Method: "DELETE", Path: "/api/reconciliation/jobs/{jobId}", Response: apitypes.JobCancelled{}, Tag: "reconciliation", Bearer: true, Summary: "Cancel a running reconciliation job", Codes: append([]int{409}, adminCodes...)}},
		{s.handleReconciliationProgress(), opDoc{Method: "GET", Path: "/api/reconciliation/jobs/{jobId}/progress", Response: apitypes.Data[toaststats.JobProgress]{}, Tag: "reconciliation", Bearer: true, Summary: "Progress of a reconciliation job", Codes: adminCodes}},
		{s.handleBuildMetrics(), opDoc{Method: "GET", Path: "/api/reconciliation/performance/metrics", Response: apitypes.Data[apitypes.BuildMetrics]{}, Tag: "reconciliation", Bearer: true, Summary: "Builds run by this server: counts, durations, pending dates"}},
		{s.handleOptimization(), opDoc{Method: "POST", Path: "/api/reconciliation/performance/optimization", Response: apitypes.CachesDropped{}, Tag: "reconciliation", Bearer: true, Summary: "Drop the in-memory caches (answers, series, listing, store read cache)"}},

		// District leaders' goals and monthly assessments (seed "Assessment
		// Endpoints"), stored under assessments/ in the data directory.
		{s.handleAssessmentList(), opDoc{Method: "GET", Path: "/api/assessment/monthly/{districtId}", Response: apitypes.Data[apitypes.AssessmentList]{}, Tag: "assessment", Bearer: true, Summary: "Monthly assessments of a district", Codes: adminCodes}},
		{s.handleAssessmentCreate(), opDoc{Method: "POST", Path: "/api/assessment/monthly/{districtId}", Response: apitypes.Data[*assess.Assessment]{}, Tag: "assessment", Bearer: true, Summary: "Assess a month: actuals from the month's newest snapshot against the leader goals",
			Body: `{"month":"YYYY-MM","notes":"…"}`, Codes: []int{201, 400, 401, 403, 404, 409, 413, 415}}},
		{s.handleAssessmentGet(), opDoc{Method: "GET", Path: "/api/assessment/monthly/{districtId}/{month}", Response: apitypes.Data[*assess.Assessment]{}, Tag: "assessment", Bearer: true, Summary: "One monthly assessment", Codes: adminCodes}},
		{s.handleAssessmentUpdate(), opDoc{Method: "PUT", Path: "/api/assessment/monthly/{districtId}/{month}", Response: apitypes.Data[*assess.Assessment]{}, Tag: "assessment", Bearer: true, Summary: "Update the notes and recompute the actuals", Body: `{"notes":"…"} (optional)`, Codes: append([]int{409, 413, 415}, adminCodes...)}},
		{s.handleAssessmentDelete(), opDoc{Method: "DELETE", Path: "/api/assessment/monthly/{districtId}/{month}", Response: apitypes.AssessmentDeleted{}, Tag: "assessment", Bearer: true, Summary: "Delete a monthly assessment", Codes: append([]int{503}, adminCodes...)}},
		{s.handleGoalsGet(), opDoc{Method: "GET", Path: "/api/assessment/district-leader-goals/{districtId}", Response: apitypes.Data[*assess.Goals]{}, Tag: "assessment", Bearer: true, Summary: "The district leaders' targets for a program year",
			Query: []queryDoc{{Name: "programYear", Type: "string", Description: "YYYY-YYYY (default: that of the current snapshot)"}}, Codes: adminCodes}},
		{s.handleGoalsSet(), opDoc{Method: "POST", Path: "/api/assessment/district-leader-goals/{districtId}", Response: apitypes.Data[*assess.Goals]{}, Tag: "assessment", Bearer: true, Summary: "Set the targets for a program year",
			Body: `{"programYear":"2025-2026","membershipPaymentsTarget":0,"paidClubsTarget":0,"distinguishedClubsTarget":0,"notes":"…"}`, Codes: []int{400, 401, 403, 413, 415}}},
		{s.handleAssessmentReport(), opDoc{Method: "GET", Path: "/api/assessment/reports/{districtId}/{month}", Response: apitypes.Data[*assess.Report]{}, Tag: "assessment", Bearer: true, Summary: "Assessment report: assessment, Distinguished District standing, division and area standing", Description: "recognition follows the era's ladder (spec 3.6): from 2025-26 payment growth 1/3/5/8 %, club growth 1/3/5/8 %, distinguished 45/50/55/60 %, net clubs >= 0 / +1, prerequisites DSP, Training, Market Analysis, Communication Plan and (2025-26 only, retired from 2026-27) Region Advisor Visit; before 2025-26 distinguished 40/45/50/55 %, payment growth 1/3/5/8 %, net paid clubs >= 0 (D) / +1 (S), club growth >= 3 % (P) / 5 % (Smedley), prerequisites DSP and Training. Every criterion counts and is shown with actual and threshold; the distinguished share is the summary's own % Distinguished Clubs. standing is the one area/division rule on the snapshot date.", Codes: adminCodes}},
	}
	if s.metrics == nil {
		routes = slices.DeleteFunc(routes, func(rt route) bool { return rt.doc.Path == "/metrics" })
	}
	return routes
}

// addRoutes registers the API's routes and the leader pages.
func addRoutes(m *mux, s *Server, routes []route) {
	for _, rt := range routes {
		m.handle(rt)
	}

	// Leader pages (issue 14): HTML for directors, from the same cache.
	m.page("/", s.handleHomePage())
	m.page("/district", s.handleDistrictSearch())
	m.page("/districts/:districtId", s.handleDistrictPage())
	m.page("/districts/:districtId/clubs", s.handleClubsPage())
	m.page("/districts/:districtId/clubs/:clubId", s.handleClubPage())
	m.page("/districts/:districtId/divisions/:divisionId", s.handleDivisionPage())
	m.page("/districts/:districtId/divisions/:divisionId/areas/:areaId", s.handleAreaPage())

	m.kit.NotFound = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		respondError(w, r, errNotFoundRoute(r))
	})
	m.kit.MethodNotAllowed = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		respondError(w, r, errorf(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "Method "+truncate(r.Method, 20)+" not allowed here", nil))
	})
}
