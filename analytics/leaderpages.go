package analytics

import (
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

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

// RankedDate is the rankings of one snapshot date.
type RankedDate struct {
	Date     string
	Rankings []snapshot.DistrictRanking
}

// RankMovesAgo compares current, the rankings of date, with the rankings
// of series (oldest first) nearest to a week and to a month earlier: the
// newest on or before date−7 days and MonthsBefore(date, 1). It returns
// their RankMoves and dates; a comparison with no rankings that old is nil
// and "".
func RankMovesAgo(series []RankedDate, date string, current []snapshot.DistrictRanking) (week, month map[string]int, weekDate, monthDate string) {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return nil, nil, "", ""
	}
	at := func(day string) (map[string]int, string) {
		for i := len(series) - 1; i >= 0; i-- {
			if series[i].Date <= day {
				return RankMoves(current, series[i].Rankings), series[i].Date
			}
		}
		return nil, ""
	}
	week, weekDate = at(t.AddDate(0, 0, -7).Format(time.DateOnly))
	month, monthDate = at(MonthsBefore(date, 1))
	return week, month, weekDate, monthDate
}
