package snapshot

// Club statuses as printed in the club-performance report.
const (
	ClubActive     = "Active"
	ClubLow        = "Low"
	ClubIneligible = "Ineligible"
	ClubSuspended  = "Suspended"
)

// Distinguished club levels, as the one-letter codes the dashboard prints in
// "Club Distinguished Status". LevelNone is the empty string.
const (
	LevelNone          = ""
	LevelDistinguished = "D"
	LevelSelect        = "S"
	LevelPresidents    = "P"
	LevelSmedley       = "M"
)

// LevelRank orders the level letters: "" 0, D 1, S 2, P 3, M 4. Unknown
// letters rank -1.
func LevelRank(level string) int {
	switch level {
	case LevelNone:
		return 0
	case LevelDistinguished:
		return 1
	case LevelSelect:
		return 2
	case LevelPresidents:
		return 3
	case LevelSmedley:
		return 4
	}
	return -1
}

// District is the normalised statistics of one district for one date: the
// "data" of district_<id>.json.
type District struct {
	DistrictID string `json:"districtId"`
	// AsOfDate is the dashboard's as-of date from the report footer
	// (YYYY-MM-DD).
	AsOfDate string `json:"asOfDate"`
	// DataMonth is the month the data belongs to (YYYY-MM), from the footer.
	DataMonth       string `json:"dataMonth"`
	ProgramYear     string `json:"programYear,omitempty"`
	IsClosingPeriod *bool  `json:"isClosingPeriod,omitempty"`
	Region          string `json:"region,omitempty"`

	Membership Membership `json:"membership"`
	Clubs      ClubCounts `json:"clubs"`
	Education  Education  `json:"education"`
	// Summary is this district's row of the all-districts summary, when the
	// summary was available.
	Summary *SummaryRow `json:"summary,omitempty"`

	Divisions   []Division `json:"divisions"`
	ClubDetails []Club     `json:"clubDetails"`

	// Ranking is this district's ranking row, when rankings were computed.
	Ranking *DistrictRanking `json:"ranking,omitempty"`

	// Sources describes each report the district was assembled from, for
	// cross-report checks.
	Sources []ReportSource `json:"sources,omitempty"`

	// The predecessor copied the raw CSV records through; they are read when
	// present (predecessor data directories) and never written by toaststats.
	DistrictPerformance []map[string]any `json:"districtPerformance,omitempty"`
	DivisionPerformance []map[string]any `json:"divisionPerformance,omitempty"`
	ClubPerformance     []map[string]any `json:"clubPerformance,omitempty"`
}

// ReportSource describes one report a District was assembled from: its
// footer, how many clubs, members and payments it holds (Members and
// Payments are -1 when the report has no such column), and which clubs were
// listed twice, missing or extra compared with the club report.
type ReportSource struct {
	// Report is the report's file name, e.g. "club-performance.csv".
	Report       string   `json:"report"`
	AsOfDate     string   `json:"asOfDate,omitempty"`
	DataMonth    string   `json:"dataMonth,omitempty"`
	Clubs        int      `json:"clubs"`
	Members      int      `json:"members"`
	Payments     int      `json:"payments"`
	Duplicates   []string `json:"duplicates,omitempty"`
	MissingClubs []string `json:"missingClubs,omitempty"`
	ExtraClubs   []string `json:"extraClubs,omitempty"`
}

// Membership is the district's member counts and membership payments.
// Members and payments are different things: payments run at about twice
// the member count (members pay in October and April).
type Membership struct {
	// Total is the sum of Active Members over the district's clubs.
	Total int `json:"total"`
	// Base is the sum of Mem. Base (members at the start of the program year).
	Base int `json:"base"`
	// Change is Total - Base.
	Change int `json:"change"`
	// ChangePercent is Change / Base * 100 rounded to 2 decimals (0 when Base is 0).
	ChangePercent float64 `json:"changePercent"`
	// Payments are the district's membership payments for the program year.
	Payments Payments `json:"payments"`
	// ByClub lists each club's member count.
	ByClub []ClubMembership `json:"byClub,omitempty"`
}

// ClubMembership is one club's member count (the predecessor's byClub entry).
type ClubMembership struct {
	ClubID      string `json:"clubId"`
	ClubName    string `json:"clubName"`
	MemberCount int    `json:"memberCount"`
}

// Payments are membership payments for the program year to date.
type Payments struct {
	New     int `json:"new"`
	October int `json:"october"`
	April   int `json:"april"`
	Late    int `json:"late"`
	Charter int `json:"charter"`
	// Total is New + October + April + Late + Charter (the report's "Total
	// to Date" / "Total YTD Payments").
	Total int `json:"total"`
	// Base and GrowthPercent come from the summary report when available.
	Base          *int     `json:"base,omitempty"`
	GrowthPercent *float64 `json:"growthPercent,omitempty"`
}

// ClubCounts counts the district's clubs by status and by distinguished
// level (the dashboard's reported letter).
type ClubCounts struct {
	Total      int `json:"total"`
	Active     int `json:"active"`
	Low        int `json:"low"`
	Ineligible int `json:"ineligible"`
	Suspended  int `json:"suspended"`
	// Distinguished counts clubs at any level (D, S, P or M).
	Distinguished int `json:"distinguished"`
	// DistinguishedOnly counts clubs at exactly level D.
	DistinguishedOnly int `json:"distinguishedOnly"`
	Select            int `json:"select"`
	Presidents        int `json:"presidents"`
	Smedley           int `json:"smedley"`
}

// Education is the district's education awards, from the club report.
type Education struct {
	TotalAwards int          `json:"totalAwards"`
	ByType      []AwardCount `json:"byType"`
	TopClubs    []ClubAwards `json:"topClubs"`
}

// AwardCount is the number of awards of one type (e.g. "Level 1s").
type AwardCount struct {
	Type  string `json:"type"`
	Count int    `json:"count"`
}

// ClubAwards is a club's total education awards.
type ClubAwards struct {
	ClubID   string `json:"clubId"`
	ClubName string `json:"clubName"`
	Awards   int    `json:"awards"`
}

// Club is one club of the district, merged from the three per-district
// reports.
type Club struct {
	ClubID     string `json:"clubId"`
	ClubName   string `json:"clubName"`
	DivisionID string `json:"divisionId"`
	AreaID     string `json:"areaId"`
	Status     string `json:"status"`
	// CSP is the Club Success Plan flag, present from PY 2025-26.
	CSP            *bool `json:"csp,omitempty"`
	MembershipBase int   `json:"membershipBase"`
	ActiveMembers  int   `json:"activeMembers"`
	NetGrowth      int   `json:"netGrowth"`
	// GoalsMet is the dashboard's own "Goals Met".
	GoalsMet int `json:"goalsMet"`
	// DCPGoals are the ten DCP goals computed from the columns, goal 1
	// first, with the new-club credits of GoalCredits applied: the per-goal
	// breakdown that explains GoalsMet (Club.GoalsUnexplained says by how
	// much it falls short).
	DCPGoals [10]bool `json:"dcpGoals"`
	// GoalCredits lists the goals (1-based) credited by TI's new-club rules
	// (snapshot.NewClubGoals) rather than by the columns; empty for most
	// clubs and whenever the charter date is unknown.
	GoalCredits []int `json:"goalCredits,omitempty"`
	// GoalsApproximate marks a breakdown built on an era whose goal
	// formula cannot be reconstructed (the 2018-19 and 2019-20 transition
	// headers, spec §2.4): GoalsMet stays the authority.
	GoalsApproximate bool `json:"goalsApproximate,omitempty"`
	// DistinguishedStatus is the reported letter: "", "D", "S", "P" or "M".
	DistinguishedStatus string `json:"distinguishedStatus"`
	// DistinguishedLevel is the letter the era's rules give for the
	// reported GoalsMet (snapshot.ClubLevelOf).
	DistinguishedLevel string `json:"distinguishedLevel"`
	// Goals holds the raw goal columns the DCP goals are computed from.
	Goals GoalCounts `json:"goals"`
	// Payments come from the district-performance report, when present.
	Payments *ClubPayments `json:"payments,omitempty"`
	// NovVisit and MayVisit are the area director's visit awards from the
	// division report, when present.
	NovVisit *bool `json:"novVisit,omitempty"`
	MayVisit *bool `json:"mayVisit,omitempty"`
	// CharterDate and SuspendDate are YYYY-MM-DD, when known.
	CharterDate string `json:"charterDate,omitempty"`
	SuspendDate string `json:"suspendDate,omitempty"`
}

// GoalsComputed returns the number of DCP goals computed as met.
func (c *Club) GoalsComputed() int {
	n := 0
	for _, g := range c.DCPGoals {
		if g {
			n++
		}
	}
	return n
}

// GoalCounts are the club report's education, membership and training
// columns that decide the ten DCP goals.
type GoalCounts struct {
	Level1s           int `json:"level1s"`
	Level2s           int `json:"level2s"`
	AddLevel2s        int `json:"addLevel2s"`
	Level3s           int `json:"level3s"`
	Level4s           int `json:"level4s"`
	AddLevel4s        int `json:"addLevel4s"`
	NewMembers        int `json:"newMembers"`
	AddNewMembers     int `json:"addNewMembers"`
	OfficersRound1    int `json:"officersTrainedRound1"`
	OfficersRound2    int `json:"officersTrainedRound2"`
	DuesOnTimeOct     int `json:"duesOnTimeOct"`
	DuesOnTimeApr     int `json:"duesOnTimeApr"`
	OfficerListOnTime int `json:"officerListOnTime"`
}

// ClubPayments are one club's payments from the district-performance report.
type ClubPayments struct {
	New           int `json:"new"`
	LateRenewals  int `json:"lateRenewals"`
	OctRenewals   int `json:"octoberRenewals"`
	AprRenewals   int `json:"aprilRenewals"`
	TotalRenewals int `json:"totalRenewals"`
	Charter       int `json:"charter"`
	TotalToDate   int `json:"totalToDate"`
}

// TierGoals are the thresholds of the three recognition tiers.
type TierGoals struct {
	Distinguished int `json:"distinguished"`
	Select        int `json:"select"`
	Presidents    int `json:"presidents"`
}

// Standing is an area's or division's progress towards recognition, taken
// from the division report's own goal columns.
type Standing struct {
	ClubBase int `json:"clubBase"`
	// PaidClubs and DistinguishedClubs are the report's "Total Paid … Clubs"
	// and "Total Dist. … Clubs".
	PaidClubs          int       `json:"paidClubs"`
	DistinguishedClubs int       `json:"distinguishedClubs"`
	PaidGoals          TierGoals `json:"paidGoals"`
	DistinguishedGoals TierGoals `json:"distinguishedGoals"`
	// ReportedStatus is the dashboard's word ("", "Distinguished", "Select
	// Distinguished", "President's Distinguished", ...).
	ReportedStatus string `json:"reportedStatus"`
	// Level is the tier met by the numbers: "", "D", "S" or "P".
	Level string `json:"level"`
	// Next says what is still needed for the next tier; nil at the top and
	// when Blocked.
	Next *TierGap `json:"next,omitempty"`
	// Blocked says why an area can reach no tier this program year (a visit
	// round closed short); "" otherwise. See StandingOn.
	Blocked string `json:"blocked,omitempty"`
}

// TierGap is what an area or division still needs to reach Tier.
type TierGap struct {
	Tier                     string `json:"tier"`
	PaidClubsNeeded          int    `json:"paidClubsNeeded"`
	DistinguishedClubsNeeded int    `json:"distinguishedClubsNeeded"`
	// VisitsNeeded is the number of further club visits an area still
	// needs in the rounds that are still open; always 0 for divisions.
	VisitsNeeded int `json:"visitsNeeded,omitempty"`
}

// Area is one area of a division.
type Area struct {
	AreaID     string `json:"areaId"`
	DivisionID string `json:"divisionId"`
	Standing
	// NovVisits and MayVisits count the area's clubs with a visit award.
	NovVisits int      `json:"novVisits"`
	MayVisits int      `json:"mayVisits"`
	ClubIDs   []string `json:"clubIds"`
}

// Division is one division of the district with its areas.
type Division struct {
	DivisionID string `json:"divisionId"`
	Standing
	Areas []Area `json:"areas"`
}
