package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// responseSchemas validates real answers against the success schemas of the
// served OpenAPI document. It uses github.com/santhosh-tekuri/jsonschema/v6
// (a maintained, dependency-light validator covering every draft) rather
// than a hand-written validator: OpenAPI 3.0 schemas are JSON Schema once
// "nullable" is spelled as anyOf null (jsonSchemaOf).
type responseSchemas struct {
	byRoute map[string]*jsonschema.Schema // "GET /api/districts/:districtId/statistics"
	checked map[string]bool
}

func newResponseSchemas(t *testing.T, doc []byte) *responseSchemas {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	routes := map[string]any{}
	names := map[string]string{}
	for path, ops := range d["paths"].(map[string]any) {
		for method, op := range ops.(map[string]any) {
			for code, resp := range op.(map[string]any)["responses"].(map[string]any) {
				if !strings.HasPrefix(code, "2") {
					continue
				}
				media, _ := resp.(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)
				if media["schema"] == nil {
					continue
				}
				route := strings.ToUpper(method) + " " + pathParamRE.ReplaceAllString(path, ":$1")
				name := fmt.Sprintf("r%d", len(routes))
				routes[name], names[route] = media["schema"], name
			}
		}
	}
	vdoc := jsonSchemaOf(map[string]any{"components": d["components"], "routes": routes})
	c := jsonschema.NewCompiler()
	if err := c.AddResource("openapi.json", vdoc); err != nil {
		t.Fatal(err)
	}
	rs := &responseSchemas{byRoute: map[string]*jsonschema.Schema{}, checked: map[string]bool{}}
	for route, name := range names {
		s, err := c.Compile("openapi.json#/routes/" + name)
		if err != nil {
			t.Fatalf("%s: schema does not compile: %v", route, err)
		}
		rs.byRoute[route] = s
	}
	return rs
}

// jsonSchemaOf rewrites OpenAPI 3.0's {"nullable": true, …} as
// {"anyOf": [{"type": "null"}, {…}]}, recursively.
func jsonSchemaOf(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if k != "nullable" {
				out[k] = jsonSchemaOf(e)
			}
		}
		if x["nullable"] == true {
			return map[string]any{"anyOf": []any{map[string]any{"type": "null"}, out}}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonSchemaOf(e)
		}
		return out
	}
	return v
}

// check validates a successful JSON answer of route against its schema and
// returns the route.
func (rs *responseSchemas) check(t *testing.T, route string, resp *http.Response, body []byte) string {
	t.Helper()
	if resp.StatusCode >= 300 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		return route
	}
	s := rs.byRoute[route]
	if s == nil {
		t.Errorf("%s: no success schema in the OpenAPI document", route)
		return route
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Errorf("%s: answer is not JSON: %v", route, err)
		return route
	}
	rs.checked[route] = true
	if err := s.Validate(v); err != nil {
		t.Errorf("%s: answer does not match its OpenAPI schema: %v\n%s", route, err, clip(body))
	}
	return route
}

// TestResponseSchemasCatchDrift proves the schema check can fail: a field
// the type does not have, a missing required field and a wrong type are
// each refused.
func TestResponseSchemasCatchDrift(t *testing.T) {
	ts := newTestServer(t, true, Config{AdminToken: testToken}, Deps{})
	_, doc := ts.do(t, "GET", "/api/openapi.json", nil, nil)
	rs := newResponseSchemas(t, doc)
	s := rs.byRoute["GET /api"]
	if s == nil {
		t.Fatal("no schema for GET /api")
	}
	for body, ok := range map[string]bool{
		`{"message":"toaststats API","version":"x","openapi":"/api/openapi.json"}`:           true,
		`{"message":"toaststats API","version":"x","openapi":"/api/openapi.json","extra":1}`: false,
		`{"message":"toaststats API","version":"x"}`:                                         false,
		`{"message":"toaststats API","version":3,"openapi":"/api/openapi.json"}`:             false,
	} {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(v); (err == nil) != ok {
			t.Errorf("%s: valid=%v, want %v (%v)", body, err == nil, ok, err)
		}
	}
}
