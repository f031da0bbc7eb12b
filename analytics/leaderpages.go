package analytics

import "github.com/toaststats/toaststats/snapshot"

// DatedLevelCounts is the distinguished clubs by level on one date.
type DatedLevelCounts struct {
	Date string `json:"date"`
	LevelCounts
}

// LevelCountsOver returns the distinguished clubs by level (the dashboard's
// letters, suspended clubs left out: the counts of DistinguishedClubAnalytics)
// at every point of the series, oldest first.
func LevelCountsOver(points []Point) []DatedLevelCounts {
	out := make([]DatedLevelCounts, 0, len(points))
	for i := range points {
		if points[i].District == nil {
			continue
		}
		out = append(out, DatedLevelCounts{Date: points[i].Date, LevelCounts: levelCounts(points[i].District)})
	}
	return out
}

// RankMoves returns, per district id, how many places each district of
// current climbed since earlier: earlier OverallRank minus current
// OverallRank (positive = better now). Districts missing from earlier are
// absent from the map.
func RankMoves(current, earlier []snapshot.DistrictRanking) map[string]int {
	before := make(map[string]int, len(earlier))
	for i := range earlier {
		before[earlier[i].DistrictID] = earlier[i].OverallRank
	}
	out := make(map[string]int, len(current))
	for i := range current {
		if r, ok := before[current[i].DistrictID]; ok && r > 0 && current[i].OverallRank > 0 {
			out[current[i].DistrictID] = r - current[i].OverallRank
		}
	}
	return out
}
