package api

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var routeParamRE = regexp.MustCompile(`:([A-Za-z]+)`)

// TestOpenAPIMatchesRouter walks the routes registered with the router and
// the served OpenAPI document: each must list every operation of the other,
// and every documented operation must reach a handler through the real
// router (no ROUTE_NOT_FOUND or METHOD_NOT_ALLOWED).
func TestOpenAPIMatchesRouter(t *testing.T) {
	ts := newTestServer(t, true, Config{AdminToken: testToken}, Deps{})
	resp, b := ts.do(t, "GET", "/api/openapi.json", nil, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("openapi.json: %d", resp.StatusCode)
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Parameters  []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
			Security  []map[string][]string `json:"security"`
			Responses map[string]any        `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("decode openapi: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	opIDs := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			key := strings.ToUpper(method) + " " + path
			documented[key] = true
			if opIDs[op.OperationID] || op.OperationID == "" {
				t.Errorf("%s: operationId %q missing or repeated", key, op.OperationID)
			}
			opIDs[op.OperationID] = true
			if len(op.Responses) == 0 {
				t.Errorf("%s: no responses", key)
			}
			// Every {param} is declared as a path parameter.
			for _, m := range pathParamRE.FindAllStringSubmatch(path, -1) {
				found := false
				for _, p := range op.Parameters {
					found = found || p.In == "path" && p.Name == m[1]
				}
				if !found {
					t.Errorf("%s: path parameter %s not declared", key, m[1])
				}
			}
		}
	}
	registered := map[string]bool{}
	for _, rt := range ts.srv.routes {
		key := rt.Method + " " + routeParamRE.ReplaceAllString(rt.Path, "{$1}")
		registered[key] = true
		if !documented[key] {
			t.Errorf("route %s is not in the OpenAPI document", key)
		}
		// Admin routes say they need the bearer token.
		op := doc.Paths[routeParamRE.ReplaceAllString(rt.Path, "{$1}")][strings.ToLower(rt.Method)]
		if (rt.Access == admin) != (len(op.Security) > 0) {
			t.Errorf("%s: admin=%v but security=%v", key, rt.Access == admin, op.Security)
		}
	}
	var extra []string
	for key := range documented {
		if !registered[key] {
			extra = append(extra, key)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		t.Errorf("documented but not routed: %v", extra)
	}
	// Every documented operation reaches a handler through the router.
	for key := range documented {
		method, path, _ := strings.Cut(key, " ")
		concrete := strings.NewReplacer("{districtId}", "42", "{clubId}", "10101", "{date}", "2025-07-16", "{snapshotId}", "2025-07-15", "{jobId}", "job-0000000000000000", "{month}", "2025-07").Replace(path)
		resp, body := ts.do(t, method, concrete, map[string]string{"Authorization": "Bearer " + testToken}, nil)
		if resp.StatusCode == http.StatusMethodNotAllowed || strings.Contains(string(body), "ROUTE_NOT_FOUND") {
			t.Errorf("documented %s does not reach a handler: %d %s", key, resp.StatusCode, clip(body))
		}
	}
}
