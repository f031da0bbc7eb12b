package api

import (
	"github.com/toaststats/toaststats/internal/openapi"
)

// opDoc documents one operation of the API for the OpenAPI document (the
// doc of a route in routes.go).
type opDoc = openapi.Operation

type queryDoc = openapi.Param

var (
	qDate      = queryDoc{Name: "date", Description: "Read the snapshot of this date (YYYY-MM-DD) instead of the current one: a snapshot id, or a date the API returns for a snapshot (the rankings' date, a collection date or an as-of date)", Type: "string", Format: "date"}
	qDateUpTo  = queryDoc{Name: "date", Description: qDate.Description + "; the answer holds nothing after that snapshot, so the path date must be on or before it (else 400 INVALID_DATE_RANGE)", Type: "string", Format: "date"}
	qFallback  = queryDoc{Name: "fallback", Description: "With date: answer from the newest earlier snapshot when the date has none (default true)", Type: "boolean"}
	qStart     = queryDoc{Name: "startDate", Description: "First date of the range (YYYY-MM-DD)", Type: "string", Format: "date"}
	qEnd       = queryDoc{Name: "endDate", Description: "Last date of the range (YYYY-MM-DD)", Type: "string", Format: "date"}
	qStartReq  = queryDoc{Name: "startDate", Description: "First date of the range (YYYY-MM-DD); at most 90 days before endDate", Type: "string", Format: "date", Required: true}
	qEndReq    = queryDoc{Name: "endDate", Description: "Last date of the range (YYYY-MM-DD)", Type: "string", Format: "date", Required: true}
	qMonths    = queryDoc{Name: "months", Description: "Months of history, 1..24 (default 12)", Type: "integer"}
	dataCodes  = []int{304, 400, 404, 429, 503}
	adminCodes = []int{400, 401, 403, 404, 429}
)

var pathParamRE = openapi.PathParam

var paramDocs = map[string]string{
	"districtId": "District id: 1 to 8 letters or digits (\"rankings\" and \"cache\" are reserved words)",
	"date":       "A calendar date YYYY-MM-DD",
	"clubId":     "Club number: 1 to 12 letters or digits",
	"snapshotId": "Snapshot id: its logical date YYYY-MM-DD",
	"jobId":      "Build job id, as returned by POST /api/admin/refresh",
	"month":      "A month YYYY-MM",
}

// openAPIDocument builds the OpenAPI 3 document of routes; the success
// schemas come from the response types (openapi.Schemas).
func openAPIDocument(version string, routes []route) map[string]any {
	docs := make([]opDoc, len(routes))
	for i, rt := range routes {
		docs[i] = rt.doc
	}
	return openapi.Document(openapi.Info{
		Title:   "toaststats API",
		Version: version,
		Description: "Toastmasters district statistics from immutable daily snapshots. Data responses are " +
			"{\"data\":…,\"_snapshot_metadata\":…} (the rankings response is {\"rankings\",\"date\",\"_snapshot_metadata\"}); errors are {\"error\":{\"code\",\"message\",\"details\"}}; " +
			"503 SNAPSHOT_DAMAGED names a damaged snapshot file (the operator runs `toaststats verify --repair`) and /health then says \"degraded\" with degraded_reasons. " +
			"Percentages (…Percent fields) are presented rounded to two decimals; rankings and levels are computed from the exact values. " +
			"Admin and cache routes always need a bearer token (the server's admin token; 403 ADMIN_DISABLED when it has none).",
	}, docs, paramDocs, map[string]any{"type": "object", "required": []string{"error"}, "properties": map[string]any{
		"error": map[string]any{"type": "object", "required": []string{"code", "message"}, "properties": map[string]any{
			"code": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"}, "details": map[string]any{},
		}},
	}})
}
