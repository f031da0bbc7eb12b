package openapi

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Schemas turns Go types into OpenAPI 3.0 schemas,
// following encoding/json: a field's name is its json tag, a field without
// omitempty is required, an embedded struct's fields are promoted, a
// pointer, slice or map may be null. Named struct types become components
// (#/components/schemas/…); every object schema forbids properties its type
// does not have, so a test validating real answers finds any drift.
//
// A small generator rather than a library: github.com/invopop/jsonschema
// emits JSON Schema 2020-12 ($defs, type arrays), which an OpenAPI 3.0
// document cannot carry, and the rules needed here are the few above.
type Schemas struct {
	defs  map[string]any
	names map[reflect.Type]string
	used  map[string]bool
}

// NewSchemas returns an empty generator.
func NewSchemas() *Schemas {
	return &Schemas{defs: map[string]any{}, names: map[reflect.Type]string{}, used: map[string]bool{}}
}

var (
	timeType       = reflect.TypeFor[time.Time]()
	rawMessageType = reflect.TypeFor[json.RawMessage]()
	componentChar  = regexp.MustCompile(`[^A-Za-z0-9._-]+`)
)

// componentName is a type's name as an OpenAPI component: package.Name,
// type arguments spelled out without their import paths.
func componentName(t reflect.Type) string {
	name := t.Name()
	for _, p := range []string{"github.com/toaststats/toaststats/", "adapters/"} {
		name = strings.ReplaceAll(name, p, "")
	}
	pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
	return strings.Trim(componentChar.ReplaceAllString(pkg+"."+name, "_"), "_")
}

// Of returns the schema of t; named struct types become components (see
// Components).
func (g *Schemas) Of(t reflect.Type) map[string]any {
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case rawMessageType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return nullable(g.Of(t.Elem()))
	case reflect.Interface:
		return map[string]any{}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte", "nullable": true}
		}
		return map[string]any{"type": "array", "items": g.Of(t.Elem()), "nullable": true}
	case reflect.Array:
		return map[string]any{"type": "array", "items": g.Of(t.Elem()), "minItems": t.Len(), "maxItems": t.Len()}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.Of(t.Elem()), "nullable": true}
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t)
		}
		name, ok := g.names[t]
		if !ok {
			name = componentName(t)
			for i := 2; g.used[name]; i++ {
				name = componentName(t) + strconv.Itoa(i)
			}
			g.names[t], g.used[name] = name, true
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

// nullable marks s as also allowing null ($ref cannot carry siblings in
// OpenAPI 3.0, so a reference is wrapped in allOf).
func nullable(s map[string]any) map[string]any {
	if _, ok := s["$ref"]; ok {
		return map[string]any{"allOf": []any{s}, "nullable": true}
	}
	if len(s) == 0 {
		return s
	}
	s["nullable"] = true
	return s
}

// object is the schema of struct type t.
func (g *Schemas) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	req := map[string]bool{}
	g.fields(t, props, req, false)
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	var required []string
	for _, f := range reflect.VisibleFields(t) { // field order, for a stable document
		if name := jsonName(f); req[name] {
			required, req[name] = append(required, name), false
		}
	}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// jsonName is the name encoding/json gives field f ("" when it skips it).
func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	if tag == "-" || !f.IsExported() && !f.Anonymous {
		return ""
	}
	if name, _, _ := strings.Cut(tag, ","); name != "" {
		return name
	}
	return f.Name
}

// fields adds t's properties; promoted (embedded) fields never replace a
// field of the outer struct, as in encoding/json.
func (g *Schemas) fields(t reflect.Type, props map[string]any, required map[string]bool, promoted bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.fields(ft, props, required, true)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, taken := props[name]; taken && promoted {
			continue
		}
		props[name] = g.Of(ft)
		required[name] = !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero")
	}
}

// Components are the named schemas Of generated so far, by component name.
func (g *Schemas) Components() map[string]any { return g.defs }
