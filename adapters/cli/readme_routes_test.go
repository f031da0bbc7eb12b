package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/adapters/api"
	"github.com/toaststats/toaststats/store"
)

// readmeRoute is one route a cell of the README's route table names.
type readmeRoute struct {
	methods []string // nil: any method
	segs    []string // path segments; ":x" is a parameter
	prefix  bool     // the path ends in "…": it and everything below it
	text    string   // as written, for messages
}

// expandAlternatives expands "{a,b}" and "[opt]" in a path pattern.
func expandAlternatives(p string) []string {
	if i := strings.Index(p, "{"); i >= 0 {
		j := strings.Index(p[i:], "}") + i
		var out []string
		for _, alt := range strings.Split(p[i+1:j], ",") {
			out = append(out, expandAlternatives(p[:i]+alt+p[j+1:])...)
		}
		return out
	}
	if i := strings.Index(p, "["); i >= 0 {
		depth, j := 0, i
		for ; j < len(p); j++ {
			if p[j] == '[' {
				depth++
			} else if p[j] == ']' {
				if depth--; depth == 0 {
					break
				}
			}
		}
		with := expandAlternatives(p[:i] + p[i+1:j] + p[j+1:])
		return append(expandAlternatives(p[:i]+p[j+1:]), with...)
	}
	return []string{p}
}

// readmeRoutes reads the README's route table. In a cell, each code span is
// "[METHOD[/METHOD…]] PATH": a span without methods takes those of the span
// before it (GET for the first), or any method when its path ends in "…"
// (the path and everything below it). A path starting with "…" continues the
// cell's first path: its last segment is replaced by what follows the "…".
// "{a,b}" are alternatives, "[x]" is optional, and a query string is
// ignored.
func readmeRoutes(t *testing.T) []readmeRoute {
	t.Helper()
	spanRe := regexp.MustCompile("`([^`]+)`")
	methodRe := regexp.MustCompile(`^([A-Z]+(?:/[A-Z]+)*) (.+)$`)
	var out []readmeRoute
	for _, row := range readmeTable(t, "## The HTTP API") {
		var base string
		methods := []string{http.MethodGet}
		for _, m := range spanRe.FindAllStringSubmatch(row[0], -1) {
			span := m[1]
			var explicit bool
			if mm := methodRe.FindStringSubmatch(span); mm != nil {
				methods, span, explicit = strings.Split(mm[1], "/"), mm[2], true
			}
			p, _, _ := strings.Cut(span, "?")
			if rest, ok := strings.CutPrefix(p, "…"); ok {
				if base == "" {
					t.Fatalf("README route %q continues no path", m[1])
				}
				p = base[:strings.LastIndex(base, "/")] + rest
			} else if strings.HasPrefix(p, "/") {
				if base == "" {
					base = expandAlternatives(p)[0]
				}
			} else {
				t.Fatalf("README route table: %q is not a route", m[1])
			}
			for _, e := range expandAlternatives(p) {
				r := readmeRoute{methods: methods, text: m[1]}
				if e, r.prefix = strings.CutSuffix(e, "…"); r.prefix && !explicit {
					r.methods = nil
				}
				r.segs = strings.Split(strings.Trim(e, "/"), "/")
				if r.prefix && r.segs[len(r.segs)-1] == "" {
					r.segs = r.segs[:len(r.segs)-1]
				}
				out = append(out, r)
			}
		}
	}
	return out
}

// matches reports whether the README route covers the OpenAPI operation
// (path with "{x}" parameters).
func (r readmeRoute) matches(method, path string) bool {
	if r.methods != nil && !slices.Contains(r.methods, method) {
		return false
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) < len(r.segs) || (!r.prefix && len(segs) != len(r.segs)) {
		return false
	}
	for i, s := range r.segs {
		param := strings.HasPrefix(segs[i], "{")
		if strings.HasPrefix(s, ":") != param || (!param && s != segs[i]) {
			return false
		}
	}
	return true
}

// apiOperations returns every "METHOD path" of the API's OpenAPI document,
// as the API served in-process answers it.
func apiOperations(t *testing.T) [][2]string {
	t.Helper()
	st, err := store.Create(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := api.NewServer(api.Config{AdminToken: "a-long-enough-admin-token"}, api.Deps{Store: st})
	defer srv.Close()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: %d %s", rec.Code, rec.Body)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var ops [][2]string
	for p, byMethod := range doc.Paths {
		for m := range byMethod {
			if m = strings.ToUpper(m); m != "PARAMETERS" {
				ops = append(ops, [2]string{m, p})
			}
		}
	}
	if len(ops) < 50 {
		t.Fatalf("the OpenAPI document lists %d operations", len(ops))
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i][1]+ops[i][0] < ops[j][1]+ops[j][0] })
	return ops
}

// TestREADMERoutesTable checks the README's route table against the API's
// routes (its OpenAPI document, which routes.go generates): every operation
// is in the table, and every /api route the table names exists.
func TestREADMERoutesTable(t *testing.T) {
	routes := readmeRoutes(t)
	ops := apiOperations(t)
	for _, op := range ops {
		if !slices.ContainsFunc(routes, func(r readmeRoute) bool { return r.matches(op[0], op[1]) }) {
			t.Errorf("%s %s is missing from the README's route table", op[0], op[1])
		}
	}
	for _, r := range routes {
		path := "/" + strings.Join(r.segs, "/")
		if path == "/metrics" || (path != "/health" && path != "/api" && !strings.HasPrefix(path, "/api/")) {
			// /metrics needs api.Deps.Metrics (toaststats-server); the
			// leader pages are HTML, not in the OpenAPI document.
			continue
		}
		if !slices.ContainsFunc(ops, func(op [2]string) bool { return r.matches(op[0], op[1]) }) {
			t.Errorf("the README's route table names %q (%v %s), which the API does not serve", r.text, r.methods, path)
		}
	}
}
