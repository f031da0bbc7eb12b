// Package apitypes holds the bodies the toaststats HTTP API answers with
// (package adapters/api), so a Go client can decode them without importing
// the server:
//
//	var body apitypes.Envelope[apitypes.DistrictList]
//	err := json.NewDecoder(resp.Body).Decode(&body)
//
// The JSON of each type is exactly what the server sends (the field names
// are the predecessor's, snake_case on admin routes, camelCase on data
// routes), and the success schemas of GET /api/openapi.json are generated
// from these types. Error answers are {"error": {"code", "message",
// "details"}} on every route.
//
// The package imports the data model (snapshot, analytics, assess, store,
// readcheck and the root package's job types) and never the server, its
// router or its metrics.
package apitypes
