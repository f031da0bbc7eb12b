package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/adapters/api/apitypes"
)

// Issue 18 item 7: the per-club needs over HTTP, with values worked out by
// hand from the fixture club 10101 (district 42, club n = 1, snapshot
// 2025-08-31 = day 4): Mem. Base 10 + 4 = 14, members 14 + (4 % 3) × 0 =
// 14, goals met 1 + 4 % 2 = 1, New Members 1, no CSP column.
// PY 2025-26, next level D: 5 − 1 = 4 goals; membership 20 members or net
// growth 3: 20 − 14 = 6 or 3 − 0 = 3, so 3 members. Goals 7 and 8 need
// 4 − 1 = 3 and 4 more new members: 7 members earn 2 goals and pass the
// membership test, leaving 4 − 2 = 2 other goals.
func TestClubNeedsRoute(t *testing.T) {
	ts := newTestServer(t, true, Config{}, Deps{})
	res, body := ts.do(t, "GET", "/api/districts/42/clubs/10101/needs", nil, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	var got struct {
		Data apitypes.ClubNeed `json:"data"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	n := got.Data
	if n.Date != "2025-08-31" || n.ClubID != "10101" || n.TargetLevel != "D" || n.GoalsMet != 1 || n.GoalsNeeded != 4 ||
		n.MembersNeeded != 3 || n.NewMembersNeeded != 7 || n.OtherGoalsNeeded != 2 || n.CSPNeeded || n.Kind != "both" {
		t.Fatalf("needs %+v", n)
	}
	// ?date= selects an earlier snapshot: 2025-07-15 is day 2 of the
	// fixture, club 10101 has 14 + 2 × 0 = 14 members and 1 + 0 = 1 goal.
	res, body = ts.do(t, "GET", "/api/districts/42/clubs/10101/needs?date=2025-07-15", nil, nil)
	if err := json.Unmarshal(body, &got); err != nil || res.StatusCode != http.StatusOK || got.Data.Date != "2025-07-15" {
		t.Fatalf("dated: %d %s", res.StatusCode, body)
	}
}

// Issue 18 item 7: ?date= accepts the dates the API returns for a
// snapshot. A closing-period collection of 2025-10-07 (September data) is
// the snapshot 2025-09-30; the rankings answer "date": "2025-10-07" (the
// summary's as-of date), and that date must select the same snapshot on a
// route without fallback. The rankings row carries the Smedley count.
func TestDateParameterAcceptsCollectionDates(t *testing.T) {
	ts := newTestServer(t, true, Config{}, Deps{})
	snap := makeSnapshot("2025-09-30", 5)
	snap.Metadata.CollectionDate, snap.Metadata.DataAsOfDate = "2025-10-07", "2025-10-07"
	snap.Metadata.IsClosingPeriodData = boolp(true)
	snap.Rankings.Metadata.SourceCsvDate = "2025-10-07"
	m := 3
	snap.Rankings.Rankings[0].SmedleyDistinguished = &m
	if err := ts.store.Snapshots().Publish(context.Background(), snap); err != nil {
		t.Fatal(err)
	}
	ts.srv.series.Clear()

	res, body := ts.do(t, "GET", "/api/districts/rankings?date=2025-09-30", nil, nil)
	var rk struct {
		Date     string                       `json:"date"`
		Rankings []map[string]json.RawMessage `json:"rankings"`
	}
	if err := json.Unmarshal(body, &rk); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("rankings: %d %s", res.StatusCode, body)
	}
	if rk.Date != "2025-10-07" || string(rk.Rankings[0]["smedleyDistinguished"]) != "3" {
		t.Fatalf("rankings date %q, smedley %s", rk.Date, rk.Rankings[0]["smedleyDistinguished"])
	}
	if _, ok := rk.Rankings[1]["smedleyDistinguished"]; ok {
		t.Fatalf("a row without the column has smedleyDistinguished")
	}
	for _, path := range []string{"/api/districts/42/statistics?date=" + rk.Date, "/api/districts/42/analytics?date=" + rk.Date} {
		res, body = ts.do(t, "GET", path, nil, nil)
		var env struct {
			Meta struct {
				SnapshotID string          `json:"snapshot_id"`
				Fallback   json.RawMessage `json:"fallback"`
			} `json:"_snapshot_metadata"`
		}
		if err := json.Unmarshal(body, &env); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", path, res.StatusCode, body)
		}
		if env.Meta.SnapshotID != "2025-09-30" || env.Meta.Fallback != nil {
			t.Fatalf("%s: snapshot %q fallback %s", path, env.Meta.SnapshotID, env.Meta.Fallback)
		}
	}
	// A date that is neither an id nor a collection date stays unknown.
	if res, _ = ts.do(t, "GET", "/api/districts/42/statistics?date=2025-10-06", nil, nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown date: %d", res.StatusCode)
	}
}

// The rank history answered on an older snapshot (?date=) ends at that
// snapshot, as every series route does: the fixture's PY 2025-26 has
// 2025-07-15, 2025-07-16 and 2025-08-31, so ?date=2025-07-16 gives the
// first two and the current snapshot all three.
func TestRankHistoryEndsAtDatedSnapshot(t *testing.T) {
	ts := newTestServer(t, true, Config{}, Deps{})
	dates := func(path string) []string {
		t.Helper()
		res, body := ts.do(t, "GET", path, nil, nil)
		var got struct {
			Data struct {
				History []struct {
					Date string `json:"date"`
				} `json:"history"`
			} `json:"data"`
		}
		if err := json.Unmarshal(body, &got); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", path, res.StatusCode, body)
		}
		var out []string
		for _, h := range got.Data.History {
			out = append(out, h.Date)
		}
		return out
	}
	if got := dates("/api/districts/42/rank-history?date=2025-07-16"); !slices.Equal(got, []string{"2025-07-15", "2025-07-16"}) {
		t.Errorf("?date=2025-07-16: history %v, want [2025-07-15 2025-07-16]", got)
	}
	if got := dates("/api/districts/42/rank-history"); !slices.Equal(got, []string{"2025-07-15", "2025-07-16", "2025-08-31"}) {
		t.Errorf("current: history %v, want [2025-07-15 2025-07-16 2025-08-31]", got)
	}
	// A range across July 1 has every ranked point in it, whichever
	// program year (the fixture's five dates span 2024-25 and 2025-26).
	want := []string{"2025-06-29", "2025-06-30", "2025-07-15", "2025-07-16", "2025-08-31"}
	if got := dates("/api/districts/42/rank-history?startDate=2025-06-29&endDate=2025-08-31"); !slices.Equal(got, want) {
		t.Errorf("range across July 1: history %v, want %v", got, want)
	}
	if got := dates("/api/districts/42/rank-history?startDate=2025-06-30&endDate=2025-07-15"); !slices.Equal(got, want[1:3]) {
		t.Errorf("2025-06-30..2025-07-15: history %v, want %v", got, want[1:3])
	}
}

// The district configuration takes ids as the predecessor did (§5.5):
// trimmed and with "District " stripped, each id once.
func TestConfigNormalisesDistrictIDs(t *testing.T) {
	ts := newTestServer(t, true, Config{AdminToken: testToken}, Deps{})
	hdr := map[string]string{"Authorization": "Bearer " + testToken, "Content-Type": "application/json"}
	res, body := ts.do(t, "POST", "/api/admin/districts/config", hdr, strings.NewReader(`{"districtIds":["District 61"," 61 ","district 42","F"]}`))
	var got struct {
		Changes struct {
			Districts []string `json:"districts"`
		} `json:"changes"`
		Configuration struct {
			ConfiguredDistricts []string `json:"configuredDistricts"`
		} `json:"configuration"`
	}
	if err := json.Unmarshal(body, &got); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", res.StatusCode, body)
	}
	if !slices.Equal(got.Changes.Districts, []string{"61", "42", "F"}) || !slices.Equal(got.Configuration.ConfiguredDistricts, []string{"42", "61", "F"}) {
		t.Fatalf("changes %v, configured %v", got.Changes.Districts, got.Configuration.ConfiguredDistricts)
	}
	if res, body := ts.do(t, "POST", "/api/admin/districts/config", hdr, strings.NewReader(`{"districtIds":["District 4/2"]}`)); res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "INVALID_DISTRICT_ID") {
		t.Fatalf("an invalid id after the prefix: %d %s", res.StatusCode, body)
	}
}

// POST /api/admin/districts/config/validate (the predecessor's route):
// the configured ids checked against the body's allDistrictIds, or the
// current rankings without a body, with a suggestion for each finding.
func TestConfigValidateRoute(t *testing.T) {
	ts := newTestServer(t, true, Config{AdminToken: testToken}, Deps{})
	hdr := map[string]string{"Authorization": "Bearer " + testToken, "Content-Type": "application/json"}
	if res, body := ts.do(t, "POST", "/api/admin/districts/config", hdr, strings.NewReader(`{"districtIds":["42","61","99"]}`)); res.StatusCode != http.StatusOK {
		t.Fatalf("configure: %d %s", res.StatusCode, body)
	}
	type answer struct {
		Validation struct {
			IsValid          bool     `json:"isValid"`
			ValidDistricts   []string `json:"validDistricts"`
			InvalidDistricts []string `json:"invalidDistricts"`
			Suggestions      []string `json:"suggestions"`
		} `json:"validation"`
		Metadata struct {
			ValidatedAt string `json:"validated_at"`
		} `json:"metadata"`
	}
	validate := func(body string) answer {
		t.Helper()
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		res, b := ts.do(t, "POST", "/api/admin/districts/config/validate", hdr, rd)
		var a answer
		if err := json.Unmarshal(b, &a); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("validate %s: %d %s", body, res.StatusCode, b)
		}
		return a
	}
	a := validate(`{"allDistrictIds":["District 42","61","F"]}`)
	v := a.Validation
	if v.IsValid || !slices.Equal(v.ValidDistricts, []string{"42", "61"}) || !slices.Equal(v.InvalidDistricts, []string{"99"}) || a.Metadata.ValidatedAt == "" {
		t.Fatalf("against a list: %+v", a)
	}
	if !slices.ContainsFunc(v.Suggestions, func(s string) bool { return strings.HasPrefix(s, "District 99 is not in the district list") }) {
		t.Fatalf("suggestions %q", v.Suggestions)
	}
	// Without a body: against the current rankings, which have 42 and 61.
	if v := validate("").Validation; !slices.Equal(v.InvalidDistricts, []string{"99"}) || !slices.Contains(v.ValidDistricts, "42") {
		t.Fatalf("against the rankings: %+v", v)
	}
	if res, b := ts.do(t, "POST", "/api/admin/districts/config/validate", hdr, strings.NewReader(`{"allDistrictIds":["4/2"]}`)); res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "INVALID_DISTRICT_ID") {
		t.Fatalf("a bad id in the list: %d %s", res.StatusCode, b)
	}
	if res, _ := ts.do(t, "POST", "/api/admin/districts/config/validate", nil, nil); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without the token: %d", res.StatusCode)
	}
}
