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
//   - Club health: intervention required when a club is suspended,
//     Ineligible, or has fewer than 12 members and net growth under 3;
//     thriving when Active with 20 members or net growth of 3, DCP goals at
//     the month's checkpoint (Jul 0, Aug–Sep 1, Oct–Nov 2, Dec–Jan 3,
//     Feb–Mar 4, Apr–Jun 5; a club chartered during the program year is held
//     to the checkpoint of the months since its charter) and, from 2025-26,
//     a Club Success Plan once it is due (September 30, or 90 days after a
//     charter during the year); vulnerable otherwise. The reasons list
//     status (Low, Ineligible), membership, goals and an overdue CSP. The
//     date is read from the date string, never from a clock or time zone.
//   - Club levels by era: up to 2024-25 D/S/P at 5/7/9 goals with 20
//     members or net growth 3; from 2025-26 D 5 goals (20 or net 3), S 7
//     (20 or net 5), P 9 (20), M 10 (25), all with the CSP.
//   - Distinguished counts use the dashboard's own letters; they are
//     provisional before April 1 and confirmed from April 1.
//   - Members and payments are separate series everywhere.
//   - Areas are keyed by division and area together. Area and division
//     standing is snapshot.StandingOn on the point's date: one rule, visits
//     included; a visit round that closed short blocks the area.
//   - District recognition (spec §3.6) uses the era's ladder with every
//     criterion (payment growth, club growth or net clubs, distinguished
//     share, prerequisites); the distinguished share is the dashboard's own
//     % Distinguished Clubs (DistinguishedPercent) everywhere. The
//     prerequisites are the year's: DSP and Training before 2025-26, with
//     Market Analysis, Communication Plan and Region Advisor Visit in
//     2025-26, and without Region Advisor Visit (retired, spec §2.1) from
//     2026-27.
//
// Changes are differences between two snapshots and name both (previous
// date and date); with no earlier snapshot a change is absent with a note,
// never a year-to-date total. Achievement dates come from the history (the
// first snapshot showing the level, after one that did not) or are absent.
//
// Scores, all computed from the data:
//   - Club health score: thriving 1, vulnerable 0.5, intervention 0.
//   - Area NormalizedScore = round2(0.5 × levelRank/3 + 0.5 × mean club
//     health score), levelRank the standing level (none 0 … P 3);
//     topPerformingAreas and the leadership summary's top areas (score ×
//     100) sort on it.
//   - Division rankings sort by standing level, then membership growth
//     against the base ((members − Mem. Base) / Mem. Base), then mean club
//     health score, then DCP goals.
//   - Leadership: health h = 0.5 × % clubs with 12+ members and a goal +
//     0.3 × min(average members / 30 × 100, 100) + 0.2 × % clubs with 20+
//     members; growth g = clamp(50 + 5 × growth %, 0, 100) with growth %
//     against the base (absent without a base: overall = (0.4h + 0.3d) /
//     0.7); DCP d = goals / (clubs × 10) × 100; overall = round(0.4h +
//     0.3g + 0.3d).
//   - Area director correlation: performance round(100 × mean club health
//     score) against the visit rate (visits made, capped per round, over
//     visits required, in the closed rounds or, before any closes, both);
//     activity high at 100 %, medium from 50 %; correlation positive when
//     activity and performance agree (high & ≥ 70, low & < 40), negative
//     when they diverge, neutral otherwise.
//   - Club growth (topGrowthClubs, topDecliningClubs) is Active Members −
//     Mem. Base.
package analytics
