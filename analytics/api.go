package analytics

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// Sentinel errors callers branch on (errors.Is).
var (
	// ErrNoData means the series holds no point with district data.
	ErrNoData = errors.New("analytics: no data")
	// ErrClubNotFound means the club is in no point of the series.
	ErrClubNotFound = errors.New("analytics: club not found")
	// ErrScopeNotFound means no point has a club in the division, area or
	// club asked for. It also matches ErrNoData (and, for a club scope, the
	// error returned matches ErrClubNotFound too).
	ErrScopeNotFound = fmt.Errorf("analytics: division, area or club not found (%w)", ErrNoData)
)

// Point is one district on one logical date: the input unit of every
// analysis. A series is a []Point sorted by Date ascending (functions sort a
// copy when it is not).
type Point struct {
	// Date is the snapshot's logical date, YYYY-MM-DD.
	Date string
	// Metadata is the snapshot's metadata.
	Metadata snapshot.Metadata
	// District is the district's statistics on Date (never nil in a valid
	// point; points with a nil District are skipped).
	District *snapshot.District
	// Ranking is the district's ranking row on Date, nil when the snapshot
	// has no rankings.
	Ranking *snapshot.DistrictRanking
	// TotalDistricts is the number of districts ranked on Date (0 unknown).
	TotalDistricts int
}

// Health classes of a club.
const (
	HealthThriving     = "thriving"
	HealthVulnerable   = "vulnerable"
	HealthIntervention = "intervention-required"
)

// DatedCount is one value of a time series.
type DatedCount struct {
	Date  string `json:"date"`
	Count int    `json:"count"`
}

// DatedGoals is one value of a club's DCP-goal series.
type DatedGoals struct {
	Date          string `json:"date"`
	GoalsAchieved int    `json:"goalsAchieved"`
}

// ClubHealth is the health verdict of one club on one date, with the reasons.
type ClubHealth struct {
	// Status is HealthThriving, HealthVulnerable or HealthIntervention.
	Status string `json:"currentStatus"`
	// RiskFactors explain the verdict; empty for thriving clubs.
	RiskFactors []string `json:"riskFactors"`
	// Checkpoint is the number of DCP goals expected by the date's month
	// (Jul 0, Aug–Sep 1, Oct–Nov 2, Dec–Jan 3, Feb–Mar 4, Apr–Jun 5); for a
	// club chartered during the program year, by the months since its
	// charter on the same schedule.
	Checkpoint int `json:"dcpCheckpoint"`
	// CharterDate is set when the club's charter during the program year
	// lowered its checkpoint.
	CharterDate string `json:"checkpointFromCharter,omitempty"`
}

// ClubTrend is one club's history over the series and its current health
// (the predecessor's ClubTrend, plus payments kept apart from members).
type ClubTrend struct {
	ClubID     string `json:"clubId"`
	ClubName   string `json:"clubName"`
	DivisionID string `json:"divisionId"`
	AreaID     string `json:"areaId"`
	// ClubStatus is the dashboard's club status on the latest date.
	ClubStatus      string       `json:"clubStatus"`
	MembershipTrend []DatedCount `json:"membershipTrend"`
	// PaymentsTrend is the club's "Total to Date" payments; empty when the
	// district report was never available.
	PaymentsTrend []DatedCount `json:"paymentsTrend"`
	DCPGoalsTrend []DatedGoals `json:"dcpGoalsTrend"`
	ClubHealth
	// DistinguishedLevel is the dashboard's reported letter on the latest
	// date (TI already applies the era's rules, CSP included).
	DistinguishedLevel string `json:"distinguishedLevel"`
	// ComputedLevel is the letter by the era's rules (spec §3.5).
	ComputedLevel  string `json:"computedLevel"`
	MembershipBase int    `json:"membershipBase"`
	ActiveMembers  int    `json:"activeMembers"`
	NetGrowth      int    `json:"netGrowth"`
	// OctoberRenewals, AprilRenewals and NewMembers are the club's payments
	// of each kind from the district report (payments, not members); nil
	// when that report was missing.
	OctoberRenewals *int `json:"octoberRenewals,omitempty"`
	AprilRenewals   *int `json:"aprilRenewals,omitempty"`
	NewMembers      *int `json:"newMembers,omitempty"`
}

// ClubGrowth is a club's member growth in the program year: Active
// Members minus Mem. Base (the club's members on July 1, which the
// dashboard reports with every snapshot), so it is known from the first
// snapshot on.
type ClubGrowth struct {
	ClubID   string `json:"clubId"`
	ClubName string `json:"clubName"`
	// Growth is ActiveMembers − MembershipBase (a positive number in
	// topDecliningClubs: the members lost).
	Growth         int `json:"growth"`
	MembershipBase int `json:"membershipBase"`
	ActiveMembers  int `json:"activeMembers"`
}

// SeasonalPattern is the average member change of one calendar month.
type SeasonalPattern struct {
	Month         int     `json:"month"`
	MonthName     string  `json:"monthName"`
	AverageChange float64 `json:"averageChange"`
	Trend         string  `json:"trend"`
}

// MembershipYoY compares membership with the point one year earlier.
type MembershipYoY struct {
	PreviousDate       string  `json:"previousDate"`
	CurrentMembership  int     `json:"currentMembership"`
	PreviousMembership int     `json:"previousMembership"`
	PercentageChange   float64 `json:"percentageChange"`
	MembershipChange   int     `json:"membershipChange"`
}

// MembershipReport is the membership-analytics answer (predecessor §7
// "Membership analytics"; payments reported separately, never mixed).
type MembershipReport struct {
	DistrictID      string `json:"districtId"`
	TotalMembership int    `json:"totalMembership"`
	// MembershipChange is members on ChangeTo minus members on ChangeFrom
	// (the first and last snapshots of the series); absent with one
	// snapshot, and ChangeNote says so.
	MembershipChange *int   `json:"membershipChange,omitempty"`
	ChangeFrom       string `json:"changeFrom,omitempty"`
	ChangeTo         string `json:"changeTo,omitempty"`
	ChangeNote       string `json:"changeNote,omitempty"`
	// ProgramYearChange is members now minus the membership base (the
	// members of July 1, from the report's Mem. Base), not a difference of
	// two snapshots.
	ProgramYearChange      int               `json:"programYearChange"`
	MembershipTrend        []DatedCount      `json:"membershipTrend"`
	TotalPayments          int               `json:"totalPayments"`
	PaymentsTrend          []DatedCount      `json:"paymentsTrend"`
	TopGrowthClubs         []ClubGrowth      `json:"topGrowthClubs"`
	TopDecliningClubs      []ClubGrowth      `json:"topDecliningClubs"`
	SeasonalPatterns       []SeasonalPattern `json:"seasonalPatterns"`
	YearOverYearComparison *MembershipYoY    `json:"yearOverYearComparison,omitempty"`
}

// LevelCounts counts clubs by distinguished level.
type LevelCounts struct {
	Smedley       int `json:"smedley"`
	Presidents    int `json:"presidents"`
	Select        int `json:"select"`
	Distinguished int `json:"distinguished"`
	// Total is the sum of the four levels.
	Total int `json:"total"`
}

// Projection is a year-end estimate of distinguished clubs, with its method
// named so a reader can judge it.
type Projection struct {
	// Method names how the numbers were obtained: "linear-trend" (least
	// squares over the program year's points, extrapolated to TargetDate) or
	// "current-count" (too little history: the current counts).
	Method      string `json:"method"`
	Description string `json:"description"`
	TargetDate  string `json:"targetDate"`
	// PointsUsed is the number of points of the program year fitted.
	PointsUsed int         `json:"pointsUsed"`
	FromDate   string      `json:"fromDate"`
	ToDate     string      `json:"toDate"`
	Projected  LevelCounts `json:"projected"`
	Current    LevelCounts `json:"current"`
	// TotalBand is where the year-end total is likely to fall if the
	// straight line holds; absent for "current-count" and with fewer than
	// three points.
	TotalBand *ProjectionBand `json:"totalBand,omitempty"`
}

// ProjectionBand is a range of the projected total of distinguished clubs:
// the 95 % prediction interval of the least-squares line fitted to the total
// at each point, ŷ ± t(0.975, n−2) · s · √(1 + 1/n + (x₀ − x̄)² / Σ(x − x̄)²),
// with s the residuals' standard error, widened to contain Projected.Total
// and kept between 0 and the clubs not suspended. Daily counts move
// together, so the real spread is wider than the interval says.
type ProjectionBand struct {
	Low        int     `json:"low"`
	High       int     `json:"high"`
	Confidence float64 `json:"confidence"`
}

// DivisionRanking ranks one division: by its recognition Level (the
// standing rule), then MembershipGrowthPercent, then AverageClubHealth,
// then TotalDcpGoals.
type DivisionRanking struct {
	DivisionID   string `json:"divisionId"`
	DivisionName string `json:"divisionName"`
	Rank         int    `json:"rank"`
	// Level is the division's recognition by snapshot.StandingOn: "", "D",
	// "S" or "P".
	Level          string `json:"level"`
	TotalClubs     int    `json:"totalClubs"`
	TotalDcpGoals  int    `json:"totalDcpGoals"`
	Members        int    `json:"members"`
	MembershipBase int    `json:"membershipBase"`
	// MembershipGrowthPercent is (Members − MembershipBase) /
	// MembershipBase × 100, 2 decimals; absent with no base.
	MembershipGrowthPercent *float64 `json:"membershipGrowthPercent,omitempty"`
	// AverageClubHealth is the mean club health score: thriving 1,
	// vulnerable 0.5, intervention required 0.
	AverageClubHealth float64 `json:"averageClubHealth"`
	// Trend is "improving" (goals > 110 % of PreviousDate's), "declining"
	// (< 90 %) or "stable" against the previous snapshot; absent with a
	// single snapshot, across July 1, and when the previous snapshot does
	// not have the division.
	Trend        string `json:"trend,omitempty"`
	PreviousDate string `json:"previousDate,omitempty"`
}

// AreaPerformance scores one area (keyed by division and area):
// NormalizedScore = 0.5 × levelRank/3 + 0.5 × AverageClubHealth (levelRank:
// none 0, D 1, S 2, P 3 by the standing rule; AverageClubHealth: mean of
// thriving 1, vulnerable 0.5, intervention 0), rounded to 2 decimals.
type AreaPerformance struct {
	AreaID     string `json:"areaId"`
	AreaName   string `json:"areaName"`
	DivisionID string `json:"divisionId"`
	// Level is the area's recognition by snapshot.StandingOn; Blocked says
	// why it can reach none this year, when a visit round closed short.
	Level             string  `json:"level"`
	Blocked           string  `json:"blocked,omitempty"`
	TotalClubs        int     `json:"totalClubs"`
	ThrivingClubs     int     `json:"thrivingClubs"`
	AverageClubHealth float64 `json:"averageClubHealth"`
	TotalDcpGoals     int     `json:"totalDcpGoals"`
	NormalizedScore   float64 `json:"normalizedScore"`
}

// DistrictReport is the district-analytics answer (predecessor §7
// "District analytics", without its defects).
type DistrictReport struct {
	DistrictID      string    `json:"districtId"`
	DateRange       DateRange `json:"dateRange"`
	TotalMembership int       `json:"totalMembership"`
	// MembershipChange is members on DateRange.End minus members on
	// DateRange.Start (two snapshots); absent with a single snapshot, and
	// MembershipChangeNote says so.
	MembershipChange     *int   `json:"membershipChange,omitempty"`
	MembershipChangeNote string `json:"membershipChangeNote,omitempty"`
	// MembershipBase is the district's Mem. Base (members on July 1) and
	// MembersVsBase is TotalMembership − MembershipBase, known from the
	// first snapshot.
	MembershipBase             int                  `json:"membershipBase"`
	MembersVsBase              int                  `json:"membersVsBase"`
	MembershipTrend            []DatedCount         `json:"membershipTrend"`
	TotalPayments              int                  `json:"totalPayments"`
	PaymentsTrend              []DatedCount         `json:"paymentsTrend"`
	TopGrowthClubs             []ClubGrowth         `json:"topGrowthClubs"`
	AllClubs                   []ClubTrend          `json:"allClubs"`
	ThrivingClubs              []ClubTrend          `json:"thrivingClubs"`
	VulnerableClubs            []ClubTrend          `json:"vulnerableClubs"`
	InterventionRequiredClubs  []ClubTrend          `json:"interventionRequiredClubs"`
	DistinguishedClubs         LevelCounts          `json:"distinguishedClubs"`
	DistinguishedProjection    Projection           `json:"distinguishedProjection"`
	DistinguishedClubAnalytics *DistinguishedReport `json:"distinguishedClubAnalytics"`
	DivisionRankings           []DivisionRanking    `json:"divisionRankings"`
	TopPerformingAreas         []AreaPerformance    `json:"topPerformingAreas"`
	DivisionRecognition        *StandingReport      `json:"divisionRecognition"`
	YearOverYear               *DistrictYoYSummary  `json:"yearOverYear,omitempty"`
}

// DateRange is the first and last date of a series.
type DateRange struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// DistrictYoYSummary is the short year-over-year block of DistrictReport.
type DistrictYoYSummary struct {
	PreviousDate        string  `json:"previousDate"`
	MembershipChange    float64 `json:"membershipChange"`
	DistinguishedChange float64 `json:"distinguishedChange"`
	ClubHealthChange    float64 `json:"clubHealthChange"`
}

// VulnerableReport lists every club that is not thriving: vulnerable clubs
// first, then intervention-required clubs (always both).
type VulnerableReport struct {
	DistrictID                string      `json:"districtId"`
	Date                      string      `json:"date"`
	TotalVulnerableClubs      int         `json:"totalVulnerableClubs"`
	InterventionRequiredClubs int         `json:"interventionRequiredClubs"`
	VulnerableClubs           int         `json:"vulnerableClubs"`
	Clubs                     []ClubTrend `json:"clubs"`
}

// DivisionLeadership scores one division's leadership (formulas in the
// package doc): health h, growth g from members against the base, DCP d,
// overall round(0.4h + 0.3g + 0.3d).
type DivisionLeadership struct {
	DivisionID   string `json:"divisionId"`
	DivisionName string `json:"divisionName"`
	Rank         int    `json:"rank"`
	HealthScore  int    `json:"healthScore"`
	// GrowthPercent is (members − Mem. Base) / Mem. Base × 100 over the
	// division's clubs; GrowthScore is clamp(50 + 5 × GrowthPercent, 0,
	// 100). Both absent without a base, and GrowthNote says so.
	GrowthPercent  *float64 `json:"growthPercent,omitempty"`
	GrowthScore    *int     `json:"growthScore,omitempty"`
	GrowthNote     string   `json:"growthNote,omitempty"`
	DCPScore       int      `json:"dcpScore"`
	OverallScore   int      `json:"overallScore"`
	IsBestPractice bool     `json:"isBestPractice"`
}

// LeadershipChange is a marked shift of a division's goals per club.
type LeadershipChange struct {
	DivisionID              string  `json:"divisionId"`
	DivisionName            string  `json:"divisionName"`
	ChangeDate              string  `json:"changeDate"`
	PerformanceBeforeChange float64 `json:"performanceBeforeChange"`
	PerformanceAfterChange  float64 `json:"performanceAfterChange"`
	PerformanceDelta        float64 `json:"performanceDelta"`
	Trend                   string  `json:"trend"`
}

// AreaDirectorCorrelation sets an area's club performance beside its area
// director's club-visit activity (see the package doc for the formulas).
type AreaDirectorCorrelation struct {
	AreaID     string `json:"areaId"`
	AreaName   string `json:"areaName"`
	DivisionID string `json:"divisionId"`
	// ClubPerformanceScore is round(100 × mean club health score).
	ClubPerformanceScore int `json:"clubPerformanceScore"`
	// VisitsDone and VisitsRequired count the rounds of ActivityBasis
	// ("closed rounds" or "rounds in progress"); VisitRate is their ratio
	// in percent.
	VisitsDone     int      `json:"visitsDone"`
	VisitsRequired int      `json:"visitsRequired"`
	VisitRate      *float64 `json:"visitRate,omitempty"`
	ActivityBasis  string   `json:"activityBasis,omitempty"`
	// ActivityIndicator is "high", "medium" or "low"; Correlation is
	// "positive", "neutral" or "negative". Both absent without visit data.
	ActivityIndicator string `json:"activityIndicator,omitempty"`
	Correlation       string `json:"correlation,omitempty"`
	Note              string `json:"note,omitempty"`
}

// ScoredUnit is a division or area with a score, for summaries.
type ScoredUnit struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	DivisionID string `json:"divisionId,omitempty"`
	Score      int    `json:"score"`
}

// LeadershipSummary is the summary block of LeadershipReport.
type LeadershipSummary struct {
	TopPerformingDivisions     []ScoredUnit `json:"topPerformingDivisions"`
	TopPerformingAreas         []ScoredUnit `json:"topPerformingAreas"`
	AverageLeadershipScore     int          `json:"averageLeadershipScore"`
	TotalBestPracticeDivisions int          `json:"totalBestPracticeDivisions"`
}

// LeadershipReport is the leadership-insights answer (predecessor §7).
type LeadershipReport struct {
	DistrictID               string                    `json:"districtId"`
	LeadershipScores         []DivisionLeadership      `json:"leadershipScores"`
	BestPracticeDivisions    []DivisionLeadership      `json:"bestPracticeDivisions"`
	LeadershipChanges        []LeadershipChange        `json:"leadershipChanges"`
	AreaDirectorCorrelations []AreaDirectorCorrelation `json:"areaDirectorCorrelations"`
	Summary                  LeadershipSummary         `json:"summary"`
}

// Achievement records a club reaching or rising to a level, from the
// history: the level first appears in the snapshot of AchievedDate and was
// absent from the one of PreviousDate (the club reached it in between).
// When the level is already there in the first snapshot of the program
// year in the series, the date it was reached is not in the history:
// AchievedDate and PreviousDate are absent, FirstSeen is that snapshot's
// date and Note says so.
type Achievement struct {
	ClubID        string `json:"clubId"`
	ClubName      string `json:"clubName"`
	Level         string `json:"level"`
	AchievedDate  string `json:"achievedDate,omitempty"`
	PreviousDate  string `json:"previousDate,omitempty"`
	FirstSeen     string `json:"firstSeen"`
	Note          string `json:"note,omitempty"`
	GoalsAchieved int    `json:"goalsAchieved"`
}

// GoalAnalysis is how many clubs met one DCP goal.
type GoalAnalysis struct {
	GoalNumber            int     `json:"goalNumber"`
	Description           string  `json:"description"`
	ClubsAchieved         int     `json:"clubsAchieved"`
	AchievementPercentage float64 `json:"achievementPercentage"`
}

// DCPGoalAnalysis counts, for each of the ten goals, the clubs meeting it.
type DCPGoalAnalysis struct {
	// ClubsConsidered is the number of clubs counted (suspended clubs are
	// left out).
	ClubsConsidered       int            `json:"clubsConsidered"`
	Goals                 []GoalAnalysis `json:"goals"`
	MostCommonlyAchieved  []GoalAnalysis `json:"mostCommonlyAchieved"`
	LeastCommonlyAchieved []GoalAnalysis `json:"leastCommonlyAchieved"`
}

// DistinguishedYoY compares distinguished counts with a year earlier.
type DistinguishedYoY struct {
	PreviousDate     string      `json:"previousDate"`
	CurrentTotal     int         `json:"currentTotal"`
	PreviousTotal    int         `json:"previousTotal"`
	Change           int         `json:"change"`
	PercentageChange float64     `json:"percentageChange"`
	CurrentByLevel   LevelCounts `json:"currentByLevel"`
	PreviousByLevel  LevelCounts `json:"previousByLevel"`
}

// DistinguishedReport is the distinguished-club analytics answer.
type DistinguishedReport struct {
	DistrictID string `json:"districtId"`
	Date       string `json:"date"`
	// Recognition is "provisional" before April 1 of the program year and
	// "confirmed" from April 1 (spec §3.5).
	Recognition             string            `json:"recognition"`
	DistinguishedClubs      LevelCounts       `json:"distinguishedClubs"`
	DistinguishedProjection Projection        `json:"distinguishedProjection"`
	Achievements            []Achievement     `json:"achievements"`
	YearOverYearComparison  *DistinguishedYoY `json:"yearOverYearComparison,omitempty"`
	DCPGoalAnalysis         DCPGoalAnalysis   `json:"dcpGoalAnalysis"`
}

// Metric compares one number across two dates.
type Metric struct {
	Current          float64 `json:"current"`
	Previous         float64 `json:"previous"`
	Change           float64 `json:"change"`
	PercentageChange float64 `json:"percentageChange"`
}

// YoYMetrics are the year-over-year blocks.
type YoYMetrics struct {
	Membership          Metric            `json:"membership"`
	Payments            Metric            `json:"payments"`
	DistinguishedClubs  Metric            `json:"distinguishedClubs"`
	ByLevel             map[string]Metric `json:"byLevel"`
	ThrivingClubs       Metric            `json:"thrivingClubs"`
	VulnerableClubs     Metric            `json:"vulnerableClubs"`
	InterventionClubs   Metric            `json:"interventionRequiredClubs"`
	TotalDCPGoals       Metric            `json:"totalDcpGoals"`
	AverageGoalsPerClub Metric            `json:"averageGoalsPerClub"`
	ClubCount           Metric            `json:"clubCount"`
}

// YearOverYearReport compares a date with the same date a year earlier.
type YearOverYearReport struct {
	DistrictID       string      `json:"districtId"`
	CurrentDate      string      `json:"currentDate"`
	PreviousYearDate string      `json:"previousYearDate"`
	DataAvailable    bool        `json:"dataAvailable"`
	Message          string      `json:"message,omitempty"`
	Metrics          *YoYMetrics `json:"metrics,omitempty"`
}

// Scope selects the part of a district a history covers: all empty for the
// whole district; DivisionID; DivisionID+AreaID; or ClubID.
type Scope struct {
	DivisionID string
	AreaID     string
	ClubID     string
}

// HistoryPoint is members and payments on one date. Payments is nil when the
// district-performance report was missing for every club in scope.
type HistoryPoint struct {
	Date     string `json:"date"`
	Members  int    `json:"members"`
	Payments *int   `json:"payments"`
	Clubs    int    `json:"clubs"`
}

// MembershipHistoryReport is members and payments over time for a scope,
// kept in separate fields (spec §3.7).
type MembershipHistoryReport struct {
	DistrictID        string         `json:"districtId"`
	Scope             string         `json:"scope"`
	DivisionID        string         `json:"divisionId,omitempty"`
	AreaID            string         `json:"areaId,omitempty"`
	ClubID            string         `json:"clubId,omitempty"`
	MembershipBase    int            `json:"membershipBase"`
	History           []HistoryPoint `json:"membershipHistory"`
	ProgramYearChange int            `json:"programYearChange"`
}

// MonthlyAwards is the award total at the last snapshot of a month (Date),
// and Change, the awards added since the last snapshot of the previous
// month in the series (PreviousDate). Change is absent for the first month
// of the series and across a program-year boundary (the counters restart
// on July 1); Note then says why.
type MonthlyAwards struct {
	Month        string `json:"month"`
	Date         string `json:"date"`
	Awards       int    `json:"awards"`
	Change       *int   `json:"change,omitempty"`
	PreviousDate string `json:"previousDate,omitempty"`
	Note         string `json:"note,omitempty"`
}

// EducationalAwardsReport is education awards now and over time.
type EducationalAwardsReport struct {
	DistrictID  string                `json:"districtId"`
	TotalAwards int                   `json:"totalAwards"`
	ByType      []snapshot.AwardCount `json:"byType"`
	TopClubs    []snapshot.ClubAwards `json:"topClubs"`
	ByMonth     []MonthlyAwards       `json:"byMonth"`
}

// ClubCount is a per-club number in a daily report.
type ClubCount struct {
	ClubID   string `json:"clubId"`
	ClubName string `json:"clubName"`
	Count    int    `json:"count"`
}

// ClubChange is one change of a club between two snapshots.
type ClubChange struct {
	ClubID   string `json:"clubId"`
	ClubName string `json:"clubName"`
	// Change is "chartered", "suspended", "removed", "status", "level-gained",
	// "level-lost", "goal-gained" or "goal-lost".
	Change string `json:"change"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
}

// DailySummary totals a daily report: differences between the snapshot of
// DailyReport.Date and that of DailyReport.PreviousDate. The year-to-date
// counters (new members, renewals, awards) are absent across a program-year
// boundary, where they restart.
type DailySummary struct {
	TotalNewMembers     *int `json:"totalNewMembers,omitempty"`
	TotalRenewals       *int `json:"totalRenewals,omitempty"`
	TotalAwards         *int `json:"totalAwards,omitempty"`
	NetMembershipChange int  `json:"netMembershipChange"`
	// DayOverDayChange is NetMembershipChange as a percentage of the
	// previous member count (2 decimals).
	DayOverDayChange float64 `json:"dayOverDayChange"`
	ClubsChanged     int     `json:"clubsChanged"`
}

// DailyReport is what changed between two snapshots of a district: the one
// of Date and the one of PreviousDate. With no earlier snapshot there is
// nothing to compare: the lists are empty, Summary is absent and Note says
// so (year-to-date totals are never shown as one day's activity).
type DailyReport struct {
	DistrictID   string `json:"districtId"`
	Date         string `json:"date"`
	PreviousDate string `json:"previousDate,omitempty"`
	Note         string `json:"note,omitempty"`
	// ProgramYearBoundary is true when the two dates are in different program
	// years: the year-to-date counters restarted, so new members, renewals
	// and awards are not compared (their lists are empty).
	ProgramYearBoundary bool `json:"programYearBoundary,omitempty"`
	// NewMembers are members who joined, per club: the rise of the club
	// report's New Members + Add. New Members (a member count).
	NewMembers []ClubCount `json:"newMembers"`
	// Renewals are renewal payments, per club: the rise of the district
	// report's Total Ren. (payments, never members).
	Renewals []ClubCount `json:"renewals"`
	// ClubChanges lists chartered, suspended and removed clubs, status
	// changes, and levels and goals gained or lost.
	ClubChanges []ClubChange `json:"clubChanges"`
	// Awards are new education awards per club (the club report's award
	// columns; Level 2s and Level 4s are capped there, so a lower bound).
	Awards  []ClubCount   `json:"awards"`
	Summary *DailySummary `json:"summary,omitempty"`
}

// RankPoint is a district's ranks on one date.
type RankPoint struct {
	Date              string `json:"date"`
	AggregateScore    int    `json:"aggregateScore"`
	ClubsRank         int    `json:"clubsRank"`
	PaymentsRank      int    `json:"paymentsRank"`
	DistinguishedRank int    `json:"distinguishedRank"`
	OverallRank       int    `json:"overallRank"`
	TotalDistricts    int    `json:"totalDistricts"`
}

// ProgramYear names a program year and its bounds.
type ProgramYear struct {
	StartDate string `json:"startDate"`
	EndDate   string `json:"endDate"`
	Year      string `json:"year"`
}

// RankHistoryReport is a district's rank history over a program year.
type RankHistoryReport struct {
	DistrictID   string      `json:"districtId"`
	DistrictName string      `json:"districtName"`
	History      []RankPoint `json:"history"`
	ProgramYear  ProgramYear `json:"programYear"`
}

// TierStatus is one recognition tier of an area or division: met or not, and
// what is still needed.
type TierStatus struct {
	Tier                     string `json:"tier"`
	Met                      bool   `json:"met"`
	PaidClubsGoal            int    `json:"paidClubsGoal"`
	DistinguishedClubsGoal   int    `json:"distinguishedClubsGoal"`
	PaidClubsNeeded          int    `json:"paidClubsNeeded"`
	DistinguishedClubsNeeded int    `json:"distinguishedClubsNeeded"`
}

// UnitStanding is the standing of one area or division from the dashboard's
// own goal columns, with the gap to every tier.
type UnitStanding struct {
	DivisionID         string       `json:"divisionId"`
	AreaID             string       `json:"areaId,omitempty"`
	ClubBase           int          `json:"clubBase"`
	PaidClubs          int          `json:"paidClubs"`
	DistinguishedClubs int          `json:"distinguishedClubs"`
	ReportedStatus     string       `json:"reportedStatus"`
	Level              string       `json:"level"`
	Tiers              []TierStatus `json:"tiers"`
	// Next is what the standing rule (snapshot.StandingOn) says is still
	// needed for the next tier on the date; nil at the top or when Blocked.
	Next *snapshot.TierGap `json:"next,omitempty"`
	// Blocked says why an area can reach no tier this year (a visit round
	// closed short); absent otherwise.
	Blocked string `json:"blocked,omitempty"`
	// Visits (areas only): visit awards in each round against the 75% of
	// club base needed, and each round's deadline and whether it has closed.
	NovVisits      *int                   `json:"novVisits,omitempty"`
	MayVisits      *int                   `json:"mayVisits,omitempty"`
	VisitsRequired *int                   `json:"visitsRequired,omitempty"`
	VisitRounds    []snapshot.RoundStatus `json:"visitRounds,omitempty"`
	// VisitsMet (areas only) is true when both rounds reached 75% of the
	// club base, the visit condition of area recognition.
	VisitsMet *bool `json:"visitsMet,omitempty"`
	// GoalsSource is "dashboard" when the tiers come from the report's goal
	// columns, "derived" when those were missing and the spec §3.6 formulas
	// were applied to the club base.
	GoalsSource string `json:"goalsSource"`
}

// DivisionStanding is a division and its areas.
type DivisionStanding struct {
	UnitStanding
	Areas []UnitStanding `json:"areas"`
}

// StandingReport is every division's and area's standing on Date.
type StandingReport struct {
	DistrictID string `json:"districtId"`
	// Date is the date the standing is judged on (visit rounds close on
	// November 30 and May 31).
	Date      string             `json:"date"`
	Divisions []DivisionStanding `json:"divisions"`
}

// Criterion is one measured condition of a district tier: its value
// (Actual) against its Threshold, both in the criterion's own terms
// (percent for paymentGrowth, clubGrowth and distinguishedClubs; clubs for
// netClubs).
type Criterion struct {
	Name string `json:"name"`
	// Known is false when the data lacks the number (Reason says which);
	// an unknown criterion is never met.
	Known     bool    `json:"known"`
	Reason    string  `json:"reason,omitempty"`
	Threshold float64 `json:"threshold"`
	Actual    float64 `json:"actual"`
	Met       bool    `json:"met"`
	// Needed is the count still missing (payments, clubs or distinguished
	// clubs); 0 when met.
	Needed int    `json:"needed"`
	Unit   string `json:"unit"`
}

// DistrictTier is one Distinguished District tier with its gaps.
type DistrictTier struct {
	Tier     string      `json:"tier"`
	Met      bool        `json:"met"`
	Criteria []Criterion `json:"criteria"`
}

// Prerequisite is one Y/N prerequisite of the summary report.
type Prerequisite struct {
	Name string `json:"name"`
	Met  bool   `json:"met"`
}

// DistrictRecognitionReport is the district's Distinguished District standing
// (spec §3.6).
type DistrictRecognitionReport struct {
	DistrictID         string         `json:"districtId"`
	Date               string         `json:"date"`
	ProgramYear        string         `json:"programYear"`
	Era                string         `json:"era"`
	Prerequisites      []Prerequisite `json:"prerequisites"`
	PrerequisitesMet   bool           `json:"prerequisitesMet"`
	PaymentBase        int            `json:"paymentBase"`
	Payments           int            `json:"payments"`
	PaidClubBase       int            `json:"paidClubBase"`
	PaidClubs          int            `json:"paidClubs"`
	DistinguishedClubs int            `json:"distinguishedClubs"`
	// DistinguishedPercent is the dashboard's own % Distinguished Clubs
	// (DistinguishedPercent), the share the tiers are judged on.
	DistinguishedPercent float64 `json:"distinguishedPercent"`
	// Level is the highest tier met (criteria and prerequisites), "" none.
	Level string         `json:"level"`
	Tiers []DistrictTier `json:"tiers"`
	Notes []string       `json:"notes,omitempty"`
}

// Need kinds.
const (
	NeedNone    = "none"
	NeedMembers = "members"
	NeedGoals   = "goals"
	NeedBoth    = "both"
	NeedCSP     = "csp"
	// NeedSuspended: the club is suspended and can earn no level.
	NeedSuspended = "suspended"
)

// ClubNeed is what a club still needs to reach a level.
type ClubNeed struct {
	ClubID       string `json:"clubId"`
	ClubName     string `json:"clubName"`
	DivisionID   string `json:"divisionId"`
	AreaID       string `json:"areaId"`
	CurrentLevel string `json:"currentLevel"`
	// TargetLevel is the level the needs are for ("" when already at the top).
	TargetLevel string `json:"targetLevel"`
	GoalsMet    int    `json:"goalsMet"`
	// GoalsNeeded is the number of further DCP goals, of any kind.
	GoalsNeeded int `json:"goalsNeeded"`
	// MembersNeeded is the new members needed for the membership test alone.
	MembersNeeded int `json:"membersNeeded"`
	// NewMembersNeeded and OtherGoalsNeeded are one plan that counts new
	// members once: recruit NewMembersNeeded (the larger of the membership
	// need and the members that earn goals 7/8 toward GoalsNeeded) and earn
	// OtherGoalsNeeded goals of other kinds.
	NewMembersNeeded int  `json:"newMembersNeeded"`
	OtherGoalsNeeded int  `json:"otherGoalsNeeded"`
	CSPNeeded        bool `json:"cspNeeded"`
	// Kind is NeedNone, NeedMembers, NeedGoals, NeedBoth or NeedCSP (only the
	// CSP is missing).
	Kind string `json:"kind"`
}

// ClubHealthOn classifies a club on a date (YYYY-MM-DD, the month is read
// from the string, never from a local clock) in a program year
// ("2025-2026"): intervention required when suspended, Ineligible, or under
// 12 members with net growth under 3; thriving when Active with 20 members
// or net growth 3, goals at the DCP checkpoint (for a club chartered during
// the year, the checkpoint of the months since its charter) and (from
// 2025-26) the CSP once it is due (snapshot.CSPDueDate: September 30, or 90
// days after a charter during the year); vulnerable otherwise. RiskFactors
// give every reason.
func ClubHealthOn(club *snapshot.Club, date, programYear string) ClubHealth {
	return clubHealth(club, date, programYear)
}

// LevelOf returns the distinguished level a club meets by the rules of the
// program year's era (spec §3.5): "", "D", "S", "P" or "M".
func LevelOf(club *snapshot.Club, programYear string) string {
	return levelOf(club, programYear)
}

// NeedsFor says what a club still needs to reach target ("D", "S", "P" or
// "M") in the program year's era. All needs are zero when the club already
// meets target.
func NeedsFor(club *snapshot.Club, programYear, target string) ClubNeed {
	return needsFor(club, programYear, target)
}

// ClubNeeds lists, for every club of the point that is not suspended, what it
// still needs for its next level.
func ClubNeeds(p Point) []ClubNeed { return clubNeeds(p) }

// ClubNeedOf says what one club of the point still needs for its next level
// (as ClubNeeds); a suspended club gets Kind NeedSuspended.
// ErrClubNotFound when the point has no such club.
func ClubNeedOf(p Point, clubID string) (*ClubNeed, error) { return clubNeedOf(p, clubID) }

// MembershipAnalytics computes membership (and, separately, payment) trends
// over the series. previousYear, when not nil, is the point one year before
// the last point and feeds the year-over-year block.
func MembershipAnalytics(points []Point, previousYear *Point) (*MembershipReport, error) {
	return membershipAnalytics(points, previousYear)
}

// DistrictAnalytics computes the district overview: trends, club health
// lists, distinguished counts and projection, division rankings, top areas
// and area/division standing.
func DistrictAnalytics(points []Point, previousYear *Point) (*DistrictReport, error) {
	return districtAnalytics(points, previousYear)
}

// ClubTrendOf returns one club's history and health over the series
// (ErrClubNotFound when no point has it).
func ClubTrendOf(points []Point, clubID string) (*ClubTrend, error) {
	return clubTrendOf(points, clubID)
}

// VulnerableClubs lists the clubs of the last point that are vulnerable or
// need intervention, vulnerable first.
func VulnerableClubs(points []Point) (*VulnerableReport, error) {
	return vulnerableClubs(points)
}

// LeadershipInsights scores divisions and areas (predecessor §7 formulas).
func LeadershipInsights(points []Point) (*LeadershipReport, error) {
	return leadershipInsights(points)
}

// DistinguishedClubAnalytics counts distinguished clubs by level on the last
// point (provisional before April 1, confirmed from April 1), projects the
// year-end counts, lists achievements and analyses the DCP goals.
func DistinguishedClubAnalytics(points []Point, previousYear *Point) (*DistinguishedReport, error) {
	return distinguishedClubAnalytics(points, previousYear)
}

// YearOverYear compares current with previous (the same date a year
// earlier); previous nil gives DataAvailable false.
func YearOverYear(current Point, previous *Point) *YearOverYearReport {
	return yearOverYear(current, previous)
}

// PreviousYearDate returns the same month and day a year earlier
// ("2025-02-28" for "2026-02-28"; Feb 29 maps to Feb 28), and for the last
// day of a month the last day of that month a year earlier, so closing
// periods compare with closing periods ("2024-02-29" for "2025-02-28").
func PreviousYearDate(date string) string { return previousYearDate(date) }

// PreviousYearPoint is the comparison point MembershipAnalytics,
// DistrictAnalytics, DistinguishedClubAnalytics and YearOverYear take: the
// point of points (oldest first) on PreviousYearDate(date), or else the
// nearest earlier one within a week; nil when there is none.
func PreviousYearPoint(points []Point, date string) *Point {
	target := previousYearDate(date)
	if target == "" {
		return nil
	}
	t, err := time.Parse(time.DateOnly, target)
	if err != nil {
		return nil
	}
	floor := t.AddDate(0, 0, -7).Format(time.DateOnly)
	for i := len(points) - 1; i >= 0; i-- {
		d := points[i].Date
		if d > target {
			continue
		}
		if d < floor {
			return nil
		}
		p := points[i]
		return &p
	}
	return nil
}

// MembershipHistory returns members and payments per date for the scope.
func MembershipHistory(points []Point, scope Scope) (*MembershipHistoryReport, error) {
	return membershipHistory(points, scope)
}

// EducationalAwards returns the awards of the last point and the award
// totals month by month.
func EducationalAwards(points []Point) (*EducationalAwardsReport, error) {
	return educationalAwards(points)
}

// WhatChanged reports what changed from prev to cur (prev nil: everything in
// cur is reported as it stands). A point compared with itself gives an empty
// report.
func WhatChanged(prev *Point, cur Point) *DailyReport { return whatChanged(prev, cur) }

// DailyReports returns WhatChanged for each consecutive pair of the series;
// the first point is compared with before, which may be nil.
func DailyReports(before *Point, points []Point) []DailyReport {
	return dailyReports(before, points)
}

// RankHistory returns the district's ranks over the program year
// ("2025-2026"; "" = the program year of the last point): the points of
// other program years are left out.
func RankHistory(points []Point, programYear string) *RankHistoryReport {
	return rankHistory(points, programYear, true)
}

// RankHistoryOf returns the district's ranks at every point given, whatever
// its program year (a range the caller chose, which may span July 1),
// labelled with programYear ("" = the program year of the last point).
func RankHistoryOf(points []Point, programYear string) *RankHistoryReport {
	return rankHistory(points, programYear, false)
}

// AreaDivisionStanding returns every division's and area's standing on date
// (the snapshot's logical date) by the one standing rule
// (snapshot.StandingOn), with the gap to each tier.
func AreaDivisionStanding(d *snapshot.District, date string) *StandingReport {
	return areaDivisionStanding(d, date)
}

// DistrictRecognition returns the district's Distinguished District tiers,
// prerequisites and gaps (spec §3.6), era-aware.
func DistrictRecognition(p Point) *DistrictRecognitionReport {
	return districtRecognition(p)
}

// ExportCSV writes the district analytics of the series as CSV sections
// (predecessor §6 export). Every cell that a spreadsheet would read as a
// formula (starting with = + - @ tab or CR) gets a leading apostrophe.
func ExportCSV(w io.Writer, points []Point) error { return exportCSV(w, points) }

// ProgramYearOf returns the program year of a date or month ("2025-07" or
// "2025-07-14" -> "2025-2026"); "" when unparseable.
func ProgramYearOf(date string) string { return programYearOf(date) }

// ProgramYearBounds returns the start and end dates of a program year.
func ProgramYearBounds(programYear string) ProgramYear { return programYearBounds(programYear) }
