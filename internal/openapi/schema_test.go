package openapi

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// TestSchemaOf: a nullable pointer accepts null; a time is a date-time
// string; omitempty makes a field optional; unknown properties are refused.
func TestSchemaOf(t *testing.T) {
	g := NewSchemas()
	sch := g.Of(reflect.TypeFor[struct {
		P *int      `json:"p"`
		T time.Time `json:"t"`
		O string    `json:"o,omitempty"`
	}]())
	want := `{"additionalProperties":false,"properties":{"o":{"type":"string"},"p":{"nullable":true,"type":"integer"},"t":{"format":"date-time","type":"string"}},"required":["p","t"],"type":"object"}`
	if b, _ := json.Marshal(sch); string(b) != want {
		t.Errorf("schema of an anonymous struct:\n%s\nwant\n%s", b, want)
	}
}

type inner struct {
	A int `json:"a"`
}

type outer struct {
	inner
	A string  `json:"a"` // wins over the promoted field, as in encoding/json
	B *inner  `json:"b"`
	C []inner `json:"c,omitempty"`
}

// TestSchemaComponents: a named struct becomes one component referred to
// by $ref; a nullable reference is wrapped in allOf.
func TestSchemaComponents(t *testing.T) {
	g := NewSchemas()
	ref := g.Of(reflect.TypeFor[outer]())
	if b, _ := json.Marshal(ref); string(b) != `{"$ref":"#/components/schemas/openapi.outer"}` {
		t.Fatalf("ref: %s", b)
	}
	b, _ := json.Marshal(g.Components())
	want := `{"openapi.inner":{"additionalProperties":false,"properties":{"a":{"type":"integer"}},"required":["a"],"type":"object"},` +
		`"openapi.outer":{"additionalProperties":false,"properties":{"a":{"type":"string"},"b":{"allOf":[{"$ref":"#/components/schemas/openapi.inner"}],"nullable":true},` +
		`"c":{"items":{"$ref":"#/components/schemas/openapi.inner"},"nullable":true,"type":"array"}},"required":["a","b"],"type":"object"}}`
	if string(b) != want {
		t.Errorf("components:\n%s\nwant\n%s", b, want)
	}
}

// TestOperationID spells the method and the path's words in camel case.
func TestOperationID(t *testing.T) {
	got := OperationID(Operation{Method: "GET", Path: "/api/districts/{districtId}/year-over-year/{date}"})
	if want := "getApiDistrictsDistrictIdYearOverYearDate"; got != want {
		t.Errorf("OperationID = %q, want %q", got, want)
	}
}
