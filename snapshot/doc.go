// Package snapshot is the data model of toaststats: an immutable, versioned
// snapshot of the Toastmasters dashboard for one logical date, its metadata,
// manifest and status, the normalised statistics of each district (clubs,
// areas, divisions, membership, payments, education), the all-districts
// summary rows and the Borda-count ranking rows.
//
// The JSON names follow the predecessor's per-district layout
// (district_<id>.json is {districtId, districtName, collectedAt, status, data})
// so that a data directory written by the predecessor reads into these types.
// The package imports nothing but the standard library; every other package
// of toaststats builds on it.
package snapshot
