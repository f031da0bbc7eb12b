package api

import "net/http"

// addRoutes maps the whole API surface. Every route here is also described
// in the OpenAPI document (openapi.go); a test fails when the two differ.
//
// Paths below /api/districts/ share their first position between the
// :districtId parameter and the reserved words "rankings" and "cache"
// (see sharedPrefix in mux.go): a static word always wins, so no district
// can be called "rankings" or "cache" (real district ids are numbers or one
// or two letters).
func addRoutes(m *mux, s *Server) {
	// Service.
	m.handle("GET", "/health", public, s.handleHealth())
	m.handle("GET", "/metrics", public, s.handleMetrics())
	m.handle("GET", "/api", public, s.handleAPIIndex())
	m.handle("GET", "/api/openapi.json", public, s.handleOpenAPI())

	// District data (seed "District Data Endpoints"); ?date= selects any
	// stored snapshot, otherwise the current one.
	m.handle("GET", "/api/districts", public, s.handleDistrictList())
	m.handle("GET", "/api/districts/rankings", public, s.handleRankings())
	m.handle("GET", "/api/districts/cache/dates", public, s.handleSnapshotDates())
	m.handle("GET", "/api/districts/:districtId/statistics", public, s.handleStatistics())
	m.handle("GET", "/api/districts/:districtId/membership-history", public, s.handleMembershipHistory())
	m.handle("GET", "/api/districts/:districtId/clubs", public, s.handleClubs())
	m.handle("GET", "/api/districts/:districtId/educational-awards", public, s.handleEducationalAwards())
	m.handle("GET", "/api/districts/:districtId/daily-reports", public, s.handleDailyReports())
	m.handle("GET", "/api/districts/:districtId/daily-reports/:date", public, s.handleDailyReport())
	m.handle("GET", "/api/districts/:districtId/rank-history", public, s.handleRankHistory())
	m.handle("GET", "/api/districts/:districtId/cached-dates", public, s.handleCachedDates())

	// Analytics over the district's series of snapshots (issue 7).
	m.handle("GET", "/api/districts/:districtId/membership-analytics", public, s.handleMembershipAnalytics())
	m.handle("GET", "/api/districts/:districtId/analytics", public, s.handleDistrictAnalytics())
	m.handle("GET", "/api/districts/:districtId/clubs/:clubId/trends", public, s.handleClubTrends())
	m.handle("GET", "/api/districts/:districtId/clubs/:clubId/needs", public, s.handleClubNeeds())
	m.handle("GET", "/api/districts/:districtId/vulnerable-clubs", public, s.handleVulnerableClubs())
	m.handle("GET", "/api/districts/:districtId/leadership-insights", public, s.handleLeadershipInsights())
	m.handle("GET", "/api/districts/:districtId/distinguished-club-analytics", public, s.handleDistinguishedAnalytics())
	m.handle("GET", "/api/districts/:districtId/year-over-year/:date", public, s.handleYearOverYear())
	m.handle("GET", "/api/districts/:districtId/export", public, s.handleExport())

	// Raw CSV cache management (seed "Cache Management Endpoints").
	m.handle("GET", "/api/districts/cache/statistics", admin, s.handleCacheStatistics())
	m.handle("GET", "/api/districts/cache/metadata/:date", admin, s.handleCacheMetadata())
	m.handle("GET", "/api/districts/cache/version", admin, s.handleCacheVersion())
	m.handle("GET", "/api/districts/cache/stats", admin, s.handleCacheStats())
	m.handle("DELETE", "/api/districts/cache", admin, s.handleCacheDelete())

	// Administration (seed "Admin Endpoints").
	m.handle("GET", "/api/admin/snapshots", admin, s.handleSnapshotList())
	m.handle("GET", "/api/admin/snapshots/:snapshotId", admin, s.handleSnapshotInspect())
	m.handle("GET", "/api/admin/snapshots/:snapshotId/payload", admin, s.handleSnapshotPayload())
	m.handle("GET", "/api/admin/snapshot-store/health", admin, s.handleStoreHealth())
	m.handle("GET", "/api/admin/snapshot-store/integrity", admin, s.handleStoreIntegrity())
	m.handle("GET", "/api/admin/snapshot-store/performance", admin, s.handleStorePerformance())
	m.handle("POST", "/api/admin/snapshot-store/performance/reset", admin, s.handleStorePerformanceReset())
	m.handle("GET", "/api/admin/process-separation/validate", admin, s.handleProcessSeparation("validate"))
	m.handle("GET", "/api/admin/process-separation/monitor", admin, s.handleProcessSeparation("monitor"))
	m.handle("GET", "/api/admin/process-separation/compliance", admin, s.handleProcessSeparation("compliance"))
	m.handle("GET", "/api/admin/process-separation/independence", admin, s.handleProcessSeparation("independence"))
	m.handle("GET", "/api/admin/districts/config", admin, s.handleConfigGet())
	m.handle("POST", "/api/admin/districts/config", admin, s.handleConfigUpdate())
	m.handle("GET", "/api/admin/districts/config/history", admin, s.handleConfigHistory())
	m.handle("DELETE", "/api/admin/districts/config/:districtId", admin, s.handleConfigRemove())
	m.handle("POST", "/api/admin/refresh", admin, s.handleRefresh())
	m.handle("GET", "/api/admin/refresh/:jobId", admin, s.handleRefreshStatus())

	// Month-end reconciliation (seed "Reconciliation Endpoints"): rebuilds
	// of one data month's collections, run as background build jobs.
	m.handle("GET", "/api/reconciliation/jobs", admin, s.handleReconciliationList())
	m.handle("POST", "/api/reconciliation/jobs", admin, s.handleReconciliationCreate())
	m.handle("GET", "/api/reconciliation/jobs/:jobId", admin, s.handleReconciliationGet())
	m.handle("DELETE", "/api/reconciliation/jobs/:jobId", admin, s.handleReconciliationCancel())
	m.handle("GET", "/api/reconciliation/jobs/:jobId/progress", admin, s.handleReconciliationProgress())
	m.handle("GET", "/api/reconciliation/performance/metrics", admin, s.handleBuildMetrics())
	m.handle("POST", "/api/reconciliation/performance/optimization", admin, s.handleOptimization())

	// District leaders' goals and monthly assessments (seed "Assessment
	// Endpoints"), stored under assessments/ in the data directory.
	m.handle("GET", "/api/assessment/monthly/:districtId", admin, s.handleAssessmentList())
	m.handle("POST", "/api/assessment/monthly/:districtId", admin, s.handleAssessmentCreate())
	m.handle("GET", "/api/assessment/monthly/:districtId/:month", admin, s.handleAssessmentGet())
	m.handle("PUT", "/api/assessment/monthly/:districtId/:month", admin, s.handleAssessmentUpdate())
	m.handle("DELETE", "/api/assessment/monthly/:districtId/:month", admin, s.handleAssessmentDelete())
	m.handle("GET", "/api/assessment/district-leader-goals/:districtId", admin, s.handleGoalsGet())
	m.handle("POST", "/api/assessment/district-leader-goals/:districtId", admin, s.handleGoalsSet())
	m.handle("GET", "/api/assessment/reports/:districtId/:month", admin, s.handleAssessmentReport())

	// Leader pages (issue 14): HTML for directors, from the same cache.
	m.page("/", s.handleHomePage())
	m.page("/district", s.handleDistrictSearch())
	m.page("/districts/:districtId", s.handleDistrictPage())
	m.page("/districts/:districtId/clubs", s.handleClubsPage())
	m.page("/districts/:districtId/clubs/:clubId", s.handleClubPage())
	m.page("/districts/:districtId/divisions/:divisionId", s.handleDivisionPage())
	m.page("/districts/:districtId/divisions/:divisionId/areas/:areaId", s.handleAreaPage())

	m.hr.NotFound = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		respondError(w, r, errNotFoundRoute(r))
	})
	m.hr.MethodNotAllowed = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		respondError(w, r, errorf(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "Method "+truncate(r.Method, 20)+" not allowed here", nil))
	})
}
