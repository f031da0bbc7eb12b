// Package openapi builds OpenAPI 3.0 documents whose success schemas are
// generated from the Go types of the answers (Schemas), so the document and
// the code cannot drift apart.
package openapi

import (
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

// Operation documents one operation: a method on a path.
type Operation struct {
	Method, Path string // Path in OpenAPI syntax: {name}
	Tag, Summary string
	Description  string // longer description: formulas of the scores returned
	Query        []Param
	Body         string // description of the JSON body, "" for none
	Bearer       bool   // needs a bearer token
	Codes        []int  // documented statuses besides 200/default (201 or 202 replaces 200)
	ContentType  string // of the success answer; default application/json
	// Response is a value of the success answer's type (nil for non-JSON
	// answers): the success schema is generated from it.
	Response any
}

// Param documents one query parameter.
type Param struct {
	Name, Description string
	Type              string // "string", "integer", "boolean"
	Format            string
	Required          bool
}

// Info is the document's info block.
type Info struct {
	Title, Version, Description string
}

// PathParam matches a {name} parameter of an OpenAPI path.
var PathParam = regexp.MustCompile(`\{([A-Za-z]+)\}`)

// errorRef is the schema of every error answer.
var errorRef = map[string]any{"$ref": "#/components/schemas/Error"}

// Document builds the OpenAPI 3.0.3 document of ops. pathParams describes
// the path parameters by name; errorSchema is the schema of error answers
// (component "Error"). Every operation answers errors as errorSchema.
func Document(info Info, ops []Operation, pathParams map[string]string, errorSchema map[string]any) map[string]any {
	paths := map[string]any{}
	gen := NewSchemas()
	errContent := map[string]any{"application/json": map[string]any{"schema": errorRef}}
	for _, op := range ops {
		var params []any
		for _, m := range PathParam.FindAllStringSubmatch(op.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "description": pathParams[m[1]], "schema": map[string]any{"type": "string"}})
		}
		for _, q := range op.Query {
			schema := map[string]any{"type": q.Type}
			if q.Format != "" {
				schema["format"] = q.Format
			}
			p := map[string]any{"name": q.Name, "in": "query", "required": q.Required, "schema": schema}
			if q.Description != "" {
				p["description"] = q.Description
			}
			params = append(params, p)
		}
		ct := op.ContentType
		if ct == "" {
			ct = "application/json"
		}
		okCode := "200"
		media := map[string]any{}
		if op.Response != nil {
			media["schema"] = gen.Of(reflect.TypeOf(op.Response))
		}
		responses := map[string]any{"default": map[string]any{"description": "Error", "content": errContent}}
		for _, c := range op.Codes {
			switch c {
			case http.StatusCreated, http.StatusAccepted:
				okCode = strconv.Itoa(c)
			case http.StatusNotModified:
				responses["304"] = map[string]any{"description": "Not modified (If-None-Match matched the ETag)"}
			default:
				responses[strconv.Itoa(c)] = map[string]any{"description": http.StatusText(c), "content": errContent}
			}
		}
		responses[okCode] = map[string]any{"description": "Success", "content": map[string]any{ct: media}}
		o := map[string]any{"summary": op.Summary, "tags": []string{op.Tag}, "operationId": OperationID(op), "responses": responses}
		if op.Description != "" {
			o["description"] = op.Description
		}
		if params != nil {
			o["parameters"] = params
		}
		if op.Bearer {
			o["security"] = []any{map[string]any{"bearerAuth": []string{}}}
		}
		if op.Body != "" {
			o["requestBody"] = map[string]any{"required": op.Method == "POST" && !strings.Contains(op.Body, "optional"), "description": op.Body, "content": map[string]any{"application/json": map[string]any{}}}
		}
		pi, _ := paths[op.Path].(map[string]any)
		if pi == nil {
			pi = map[string]any{}
			paths[op.Path] = pi
		}
		pi[strings.ToLower(op.Method)] = o
	}
	schemas := gen.Components()
	schemas["Error"] = errorSchema
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": info.Title, "version": info.Version, "description": info.Description},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearerAuth": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas":         schemas,
		},
	}
}

// OperationID is the operation's id: the method and the path's words in
// camel case ("GET /api/districts/{districtId}" is getApiDistrictsDistrictId).
func OperationID(op Operation) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(op.Method))
	for _, seg := range strings.Split(op.Path, "/") {
		seg = strings.Trim(seg, "{}")
		for _, part := range strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '.' || r == '_' }) {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
