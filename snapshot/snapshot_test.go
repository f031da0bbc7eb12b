package snapshot

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestDistrictFileKeys pins the JSON names shared with the predecessor's
// per-district layout: district_<id>.json is {districtId, districtName,
// collectedAt, status, data}, and current.json uses snake_case keys.
func TestDistrictFileKeys(t *testing.T) {
	f := DistrictFile{DistrictID: "61", DistrictName: "District 61", CollectedAt: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), Status: StatusSuccess,
		Data: District{DistrictID: "61", AsOfDate: "2026-01-04", DataMonth: "2026-01", ClubDetails: []Club{{ClubID: "00005774", DCPGoals: [10]bool{true}}}}}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"districtId", "districtName", "collectedAt", "status", "data"} {
		if _, ok := top[k]; !ok {
			t.Errorf("district file lacks %q: %s", k, b)
		}
	}
	for _, want := range []string{`"clubId":"00005774"`, `"dcpGoals":[true,false,false,false,false,false,false,false,false,false]`, `"membership":{`, `"clubs":{`, `"education":{`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("district file JSON lacks %s: %s", want, b)
		}
	}

	p, err := json.Marshal(CurrentPointer{SnapshotID: "2026-01-04"})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"snapshot_id", "updated_at", "schema_version", "calculation_version"} {
		if !strings.Contains(string(p), `"`+k+`"`) {
			t.Errorf("current.json lacks %q: %s", k, p)
		}
	}
}

// TestPredecessorDistrictReads checks that a predecessor district file,
// with its raw CSV record arrays and byClub list, reads into the model.
func TestPredecessorDistrictReads(t *testing.T) {
	const old = `{"districtId":"42","districtName":"District 42","collectedAt":"2026-01-05T10:00:00.000Z","status":"success",
	"data":{"districtId":"42","asOfDate":"2026-01-05","membership":{"total":2,"change":0,"changePercent":0,
	"byClub":[{"clubId":"00001234","clubName":"A","memberCount":2}]},
	"clubs":{"total":1,"active":1,"suspended":0,"ineligible":0,"low":0,"distinguished":0},
	"education":{"totalAwards":0,"byType":[],"topClubs":[]},
	"clubPerformance":[{"Club Number":"00001234","Active Members":"2","Mem. Base":null}]}}`
	var f DistrictFile
	if err := json.Unmarshal([]byte(old), &f); err != nil {
		t.Fatalf("predecessor district file: %v", err)
	}
	if f.Data.Membership.Total != 2 || len(f.Data.Membership.ByClub) != 1 || f.Data.ClubPerformance[0]["Club Number"] != "00001234" {
		t.Errorf("predecessor fields lost: %+v", f.Data)
	}
}

func TestLevelRank(t *testing.T) {
	order := []string{LevelNone, LevelDistinguished, LevelSelect, LevelPresidents, LevelSmedley}
	for i, l := range order {
		if got := LevelRank(l); got != i {
			t.Errorf("LevelRank(%q) = %d, want %d", l, got, i)
		}
	}
	if LevelRank("X") != -1 {
		t.Error("unknown letter must rank -1")
	}
}

func TestGoalsComputed(t *testing.T) {
	c := Club{DCPGoals: [10]bool{true, false, true, true, false, false, false, false, false, true}}
	if got := c.GoalsComputed(); got != 4 {
		t.Errorf("GoalsComputed = %d, want 4", got)
	}
}
