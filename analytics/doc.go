// Package analytics answers questions over one snapshot or a series of
// snapshots: membership and payment trends, club health, distinguished
// projections, area and division standing, year-over-year comparisons and
// what changed between two days.
package analytics
