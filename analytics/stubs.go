package analytics

import (
	"io"

	"github.com/toaststats/toaststats/snapshot"
)

func clubHealth(club *snapshot.Club, date, programYear string) ClubHealth { return ClubHealth{} }
func levelOf(club *snapshot.Club, programYear string) string              { return "" }
func needsFor(club *snapshot.Club, programYear, target string) ClubNeed   { return ClubNeed{} }
func clubNeeds(p Point) []ClubNeed                                        { return nil }
func membershipAnalytics(points []Point, previousYear *Point) (*MembershipReport, error) {
	return nil, ErrNoData
}
func districtAnalytics(points []Point, previousYear *Point) (*DistrictReport, error) {
	return nil, ErrNoData
}
func clubTrendOf(points []Point, clubID string) (*ClubTrend, error) { return nil, ErrNoData }
func vulnerableClubs(points []Point) (*VulnerableReport, error)     { return nil, ErrNoData }
func leadershipInsights(points []Point) (*LeadershipReport, error)  { return nil, ErrNoData }
func distinguishedClubAnalytics(points []Point, previousYear *Point) (*DistinguishedReport, error) {
	return nil, ErrNoData
}
func yearOverYear(current Point, previous *Point) *YearOverYearReport { return nil }
func previousYearDate(date string) string                             { return "" }
func membershipHistory(points []Point, scope Scope) (*MembershipHistoryReport, error) {
	return nil, ErrNoData
}
func educationalAwards(points []Point) (*EducationalAwardsReport, error) { return nil, ErrNoData }
func whatChanged(prev *Point, cur Point) *DailyReport                    { return nil }
func dailyReports(before *Point, points []Point) []DailyReport           { return nil }
func rankHistory(points []Point, programYear string) *RankHistoryReport  { return nil }
func areaDivisionStanding(d *snapshot.District) *StandingReport          { return nil }
func districtRecognition(p Point) *DistrictRecognitionReport             { return nil }
func exportCSV(w io.Writer, points []Point) error                        { return ErrNoData }
func programYearOf(date string) string                                   { return "" }
func programYearBounds(programYear string) ProgramYear                   { return ProgramYear{} }
