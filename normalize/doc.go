// Package normalize reads the four dashboard CSV reports (all-districts
// summary, district, division and club performance) exactly as downloaded, in
// every header era, with their footer (data month, as-of date, closing
// period), and turns the rows into the snapshot model: DCP goals, club
// levels, area and division standing, membership and payments.
package normalize
