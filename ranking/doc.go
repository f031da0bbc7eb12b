// Package ranking ranks all districts of the all-districts summary with the
// Borda count over club growth, payment growth and distinguished clubs.
//
// # Algorithm (ranking version borda-count-v1)
//
// The input is the rows of one all-districts summary report
// ([snapshot.SummaryRow]). Only real district rows are ranked: a row whose
// DistrictID matches ^[A-Z0-9]+$, case-insensitively (see [IsDistrictID]);
// the id is upper-cased in the output, as the store names district files.
// Anything else — the report's footer line ("Month of Dec" / "As of
// 01/05/2026") when it leaks into a row, blank rows — is skipped and does
// not count towards N. When a district id appears more than once, the first
// row is kept and later rows are dropped (never double-counted); N is the
// number of distinct real districts.
//
// Three categories are ranked, each descending (bigger is better):
//
//   - clubs: SummaryRow.ClubGrowthPercent (the report's "% Club Growth");
//   - payments: SummaryRow.PaymentGrowthPercent ("% Payment Growth");
//   - distinguished: the report's own "% Distinguished Clubs"
//     (snapshot.SummaryRow.DistinguishedPercent, the one distinguished
//     percentage of toaststats); only rows built without that column fall
//     back to TotalDistinguishedClubs / ActiveClubs * 100 (0 without
//     active clubs), as the predecessor ranked.
//
// Each category uses standard competition ranking on the exact float values:
// equal values share a rank and the next distinct value skips ahead
// (1, 1, 3). Before April the dashboard reports 0 distinguished clubs for
// every district, so every district then shares distinguished rank 1 and
// the category adds the same N points to everyone — it cannot reorder
// anything. A category's Borda points are N − rank + 1; the aggregate score
// is the sum of the three categories' points, so it always lies in [3, 3N].
// Values that are not finite numbers (NaN, ±Inf, which a valid report never
// holds) are treated as 0, in the ranking and in the output row, so that the
// order stays total and the row stays encodable as JSON.
//
// # Order and tie-break
//
// Rows are returned best first. The order is total and depends only on the
// set of rows, never on their order in the input:
//
//  1. aggregate score, descending;
//  2. distinguished percent, descending;
//  3. payment growth percent, descending;
//  4. club growth percent, descending;
//  5. district id in natural order: numeric ids first by number ("02" <
//     "61" < "118"), then all other ids alphabetically ("F" < "U"); see
//     [CompareDistrictIDs].
//
// The tie-break only orders the rows; ranks stay competition ranks:
// OverallRank is the competition rank by aggregate score over all districts
// (equal scores share a rank) and RegionRank is the competition rank by
// aggregate score among the districts of the same Region (the region string
// as printed, so "" is a region of its own).
package ranking
