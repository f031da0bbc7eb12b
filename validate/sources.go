package validate

import "github.com/toaststats/toaststats/snapshot"

// sourceRules compares the per-district reports recorded in
// District.Sources with one another.
func (v *validator) sourceRules(d *snapshot.District) {}
