package analytics

import "testing"

// BenchmarkDistrictAnalytics is the district analytics over 365 daily
// snapshots of one district with 150 clubs (target: under 200 ms).
func BenchmarkDistrictAnalytics(b *testing.B) {
	pts := bigSeries(365, 150)
	b.ResetTimer()
	for b.Loop() {
		r, err := DistrictAnalytics(pts, nil)
		if err != nil || len(r.AllClubs) != 150 || len(r.MembershipTrend) != 365 {
			b.Fatalf("bad report: %v", err)
		}
	}
}

// BenchmarkLeadershipInsights runs over the same year of data.
func BenchmarkLeadershipInsights(b *testing.B) {
	pts := bigSeries(365, 150)
	b.ResetTimer()
	for b.Loop() {
		if _, err := LeadershipInsights(pts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDailyReports compares each of 365 days with the one before.
func BenchmarkDailyReports(b *testing.B) {
	pts := bigSeries(365, 150)
	b.ResetTimer()
	for b.Loop() {
		if r := DailyReports(nil, pts); len(r) != 365 {
			b.Fatal(len(r))
		}
	}
}

func TestBigSeriesShape(t *testing.T) {
	pts := bigSeries(365, 150)
	if pts[0].Date != "2025-07-01" || pts[364].Date != "2026-06-30" {
		t.Fatalf("dates %s..%s", pts[0].Date, pts[364].Date)
	}
	r, err := DistrictAnalytics(pts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.DistinguishedProjection.Method != MethodLinearTrend || r.DistinguishedProjection.PointsUsed != 365 {
		t.Fatalf("projection %+v", r.DistinguishedProjection)
	}
	if n := len(r.ThrivingClubs) + len(r.VulnerableClubs) + len(r.InterventionRequiredClubs); n != 150 {
		t.Fatalf("health lists cover %d clubs", n)
	}
}
