package analytics

import (
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

func TestRankMoves(t *testing.T) {
	cur := []snapshot.DistrictRanking{{DistrictID: "1", OverallRank: 2}, {DistrictID: "2", OverallRank: 1}, {DistrictID: "9", OverallRank: 3}}
	old := []snapshot.DistrictRanking{{DistrictID: "1", OverallRank: 1}, {DistrictID: "2", OverallRank: 5}}
	got := RankMoves(cur, old)
	// District 1 fell from 1st to 2nd: 1-2 = -1; district 2 climbed 5th to 1st: 5-1 = +4;
	// district 9 has no earlier rank.
	if len(got) != 2 || got["1"] != -1 || got["2"] != 4 {
		t.Fatalf("RankMoves = %v", got)
	}
}

func TestLevelCountsOver(t *testing.T) {
	d := &snapshot.District{DistrictID: "1", ClubDetails: []snapshot.Club{
		{ClubID: "a", DistinguishedStatus: "D"},
		{ClubID: "b", DistinguishedStatus: "P"},
		{ClubID: "c", DistinguishedStatus: "P", Status: snapshot.ClubSuspended}, // suspended: not counted
		{ClubID: "d"},
	}}
	got := LevelCountsOver([]Point{{Date: "2025-09-01", District: d}, {Date: "2025-09-02"}})
	// One point without a district is skipped; D 1 + P 1 = total 2.
	if len(got) != 1 || got[0].Date != "2025-09-01" || got[0].Distinguished != 1 || got[0].Presidents != 1 || got[0].Total != 2 {
		t.Fatalf("LevelCountsOver = %+v", got)
	}
}

// TestRankMovesAgo: on 2025-10-15 a week earlier is 2025-10-08 (newest
// rankings on or before it: 2025-10-08 itself) and a month earlier is
// 2025-09-15 (newest on or before: 2025-09-10).
func TestRankMovesAgo(t *testing.T) {
	row := func(id string, rank int) []snapshot.DistrictRanking {
		return []snapshot.DistrictRanking{{DistrictID: id, OverallRank: rank}}
	}
	series := []RankedDate{{"2025-09-10", row("7", 9)}, {"2025-09-20", row("7", 6)}, {"2025-10-08", row("7", 4)}, {"2025-10-14", row("7", 2)}}
	week, month, wd, md := RankMovesAgo(series, "2025-10-15", row("7", 3))
	// Week: 4th → 3rd = +1; month: 9th → 3rd = +6.
	if wd != "2025-10-08" || md != "2025-09-10" || week["7"] != 1 || month["7"] != 6 {
		t.Errorf("moves %v since %s, %v since %s", week, wd, month, md)
	}
	// Nothing a month old: no month comparison at all.
	week, month, wd, md = RankMovesAgo(series[2:], "2025-10-15", row("7", 3))
	if month != nil || md != "" || wd != "2025-10-08" || len(week) != 1 {
		t.Errorf("without month-old rankings: %v %q %v %q", week, wd, month, md)
	}
	// On 2026-03-31 a month earlier is 2026-02-28 (February has no 31st),
	// so the month comparison is with 2026-02-27, not 2026-03-02.
	ends := []RankedDate{{"2026-02-27", row("7", 8)}, {"2026-03-02", row("7", 5)}}
	if _, month, _, md := RankMovesAgo(ends, "2026-03-31", row("7", 3)); md != "2026-02-27" || month["7"] != 5 {
		t.Errorf("a month before 2026-03-31: %v since %s, want 8th → 3rd = +5 since 2026-02-27", month, md)
	}
	if week, month, _, _ := RankMovesAgo(series, "not a date", nil); week != nil || month != nil {
		t.Error("moves for a bad date")
	}
}
