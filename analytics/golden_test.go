package analytics

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s\n(run go test -update to accept)", name, i+1, g, w)
			}
		}
	}
}

func goldenJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, name, append(b, '\n'))
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestGolden(t *testing.T) {
	pts := fixtureSeries()
	prev := fixturePrevious()
	last := pts[len(pts)-1]
	cases := []struct {
		name string
		get  func(t *testing.T) any
	}{
		{"membership_analytics.json", func(t *testing.T) any { return must[*MembershipReport](t)(MembershipAnalytics(pts, prev)) }},
		{"district_analytics.json", func(t *testing.T) any { return must[*DistrictReport](t)(DistrictAnalytics(pts, prev)) }},
		{"club_trend_00000101.json", func(t *testing.T) any { return must[*ClubTrend](t)(ClubTrendOf(pts, "00000101")) }},
		{"club_trend_00000105_suspended.json", func(t *testing.T) any { return must[*ClubTrend](t)(ClubTrendOf(pts, "00000105")) }},
		{"vulnerable_clubs.json", func(t *testing.T) any { return must[*VulnerableReport](t)(VulnerableClubs(pts)) }},
		{"leadership_insights.json", func(t *testing.T) any { return must[*LeadershipReport](t)(LeadershipInsights(pts)) }},
		{"distinguished_club_analytics.json", func(t *testing.T) any {
			return must[*DistinguishedReport](t)(DistinguishedClubAnalytics(pts, prev))
		}},
		{"distinguished_club_analytics_2025-06-30.json", func(t *testing.T) any {
			return must[*DistinguishedReport](t)(DistinguishedClubAnalytics(pts[:2], nil))
		}},
		{"year_over_year.json", func(t *testing.T) any { return YearOverYear(last, prev) }},
		{"year_over_year_missing.json", func(t *testing.T) any { return YearOverYear(last, nil) }},
		{"membership_history_district.json", func(t *testing.T) any {
			return must[*MembershipHistoryReport](t)(MembershipHistory(pts, Scope{}))
		}},
		{"membership_history_division_A.json", func(t *testing.T) any {
			return must[*MembershipHistoryReport](t)(MembershipHistory(pts, Scope{DivisionID: "A"}))
		}},
		{"membership_history_area_B_01.json", func(t *testing.T) any {
			return must[*MembershipHistoryReport](t)(MembershipHistory(pts, Scope{DivisionID: "B", AreaID: "01"}))
		}},
		{"membership_history_club_00000109.json", func(t *testing.T) any {
			return must[*MembershipHistoryReport](t)(MembershipHistory(pts, Scope{ClubID: "00000109"}))
		}},
		{"educational_awards.json", func(t *testing.T) any { return must[*EducationalAwardsReport](t)(EducationalAwards(pts)) }},
		{"daily_reports.json", func(t *testing.T) any { return DailyReports(nil, pts) }},
		{"rank_history_2025-2026.json", func(t *testing.T) any { return RankHistory(pts, "") }},
		{"rank_history_2024-2025.json", func(t *testing.T) any { return RankHistory(pts, "2024-2025") }},
		{"standing_2025-06-30.json", func(t *testing.T) any { return AreaDivisionStanding(pts[1].District, pts[1].Date) }},
		{"standing_2025-08-15.json", func(t *testing.T) any { return AreaDivisionStanding(last.District, last.Date) }},
		{"district_recognition.json", func(t *testing.T) any {
			var out []*DistrictRecognitionReport
			for _, p := range pts {
				out = append(out, DistrictRecognition(p))
			}
			return out
		}},
		{"club_needs_2025-06-30.json", func(t *testing.T) any { return ClubNeeds(pts[1]) }},
		{"club_needs_2025-08-15.json", func(t *testing.T) any { return ClubNeeds(last) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { goldenJSON(t, c.name, c.get(t)) })
	}
	t.Run("export.csv", func(t *testing.T) {
		var buf bytes.Buffer
		if err := ExportCSV(&buf, pts); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "export.csv", buf.Bytes())
	})
}
