// Package analytics answers questions over one snapshot or a series of
// snapshots: membership and payment trends, club health, distinguished
// projections, area and division standing, year-over-year comparisons and
// what changed between two days.
//
// The input is a series of Points — one district on one logical date,
// sorted by date — built by the caller from the snapshot store; the package
// imports nothing of toaststats but snapshot and does no I/O.
//
// The rules follow the dashboard specification:
//   - Club health: intervention required when a club has fewer than 12
//     members and net growth under 3; thriving with 20 members or net growth
//     of 3, DCP goals at the month's checkpoint (Jul 0, Aug–Sep 1, Oct–Nov 2,
//     Dec–Jan 3, Feb–Mar 4, Apr–Jun 5) and, from 2025-26, a Club Success
//     Plan; vulnerable otherwise. The month is read from the date string,
//     never from a clock or time zone.
//   - Club levels by era: up to 2024-25 D/S/P at 5/7/9 goals with 20
//     members or net growth 3; from 2025-26 D 5 goals (20 or net 3), S 7
//     (20 or net 5), P 9 (20), M 10 (25), all with the CSP.
//   - Distinguished counts use the dashboard's own letters; they are
//     provisional before April 1 and confirmed from April 1.
//   - Members and payments are separate series everywhere.
//   - Areas are keyed by division and area together.
package analytics
