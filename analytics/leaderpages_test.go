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
