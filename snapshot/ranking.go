package snapshot

import (
	"math"
	"time"
)

// RoundPercent is how every percentage toaststats writes is presented:
// rounded to two decimals, half away from zero (66.666… → 66.67,
// 0.125 → 0.13). Rankings and levels are computed from exact values first;
// only what is written is rounded.
// Values too large to carry two decimals (|x| ≥ 1e15, where x×100 could
// also overflow to infinity), infinities and NaN are returned unchanged.
func RoundPercent(x float64) float64 {
	if math.IsNaN(x) || math.Abs(x) >= 1e15 {
		return x
	}
	return math.Round(x*100) / 100
}

// SummaryRow is one district's row of the all-districts summary report
// (all-districts.csv). Flags absent from the report's era are nil.
type SummaryRow struct {
	Region     string `json:"region"`
	DistrictID string `json:"districtId"`

	DSP                *bool `json:"dsp,omitempty"`
	Training           *bool `json:"training,omitempty"`
	MarketAnalysis     *bool `json:"marketAnalysis,omitempty"`
	CommunicationPlan  *bool `json:"communicationPlan,omitempty"`
	RegionAdvisorVisit *bool `json:"regionAdvisorVisit,omitempty"`

	NewPayments          int     `json:"newPayments"`
	AprilPayments        int     `json:"aprilPayments"`
	OctoberPayments      int     `json:"octoberPayments"`
	LatePayments         int     `json:"latePayments"`
	CharterPayments      int     `json:"charterPayments"`
	TotalYTDPayments     int     `json:"totalYtdPayments"`
	PaymentBase          int     `json:"paymentBase"`
	PaymentGrowthPercent float64 `json:"paymentGrowthPercent"`

	PaidClubBase      int     `json:"paidClubBase"`
	PaidClubs         int     `json:"paidClubs"`
	ClubGrowthPercent float64 `json:"clubGrowthPercent"`
	ActiveClubs       int     `json:"activeClubs"`

	DistinguishedClubs           int  `json:"distinguishedClubs"`
	SelectDistinguishedClubs     int  `json:"selectDistinguishedClubs"`
	PresidentsDistinguishedClubs int  `json:"presidentsDistinguishedClubs"`
	SmedleyDistinguishedClubs    *int `json:"smedleyDistinguishedClubs,omitempty"`
	TotalDistinguishedClubs      int  `json:"totalDistinguishedClubs"`
	// DistinguishedClubsPercent is the report's "% Distinguished Clubs".
	DistinguishedClubsPercent float64 `json:"distinguishedClubsPercent"`
}

// DistinguishedPercent is the one distinguished-club percentage of a
// district everywhere in toaststats: the dashboard's own "% Distinguished
// Clubs" of the summary report (D91 2024-25 prints 57.23 %: 99
// distinguished of 173 paid clubs). A row built without that column (0
// while TotalDistinguishedClubs > 0, never the case for a row read from a
// real report, where the column is required) gets the quotient the
// predecessor ranked on, TotalDistinguishedClubs / ActiveClubs × 100, or 0
// without active clubs.
func (s SummaryRow) DistinguishedPercent() float64 {
	if s.DistinguishedClubsPercent != 0 || s.TotalDistinguishedClubs == 0 || s.ActiveClubs == 0 {
		return s.DistinguishedClubsPercent
	}
	return float64(s.TotalDistinguishedClubs) / float64(s.ActiveClubs) * 100
}

// DistrictRanking is one row of all-districts-rankings.json. Its three
// percentages (ClubGrowthPercent, PaymentGrowthPercent, DistinguishedPercent)
// are presented rounded to two decimals (RoundPercent), as the seed's
// rankings example shows; the ranks and the order were computed from the
// exact values. The row has the 18 fields
// the predecessor documented, in its order, plus the overall position and the
// rank within the region.
type DistrictRanking struct {
	DistrictID              string  `json:"districtId"`
	DistrictName            string  `json:"districtName"`
	Region                  string  `json:"region"`
	PaidClubs               int     `json:"paidClubs"`
	PaidClubBase            int     `json:"paidClubBase"`
	ClubGrowthPercent       float64 `json:"clubGrowthPercent"`
	TotalPayments           int     `json:"totalPayments"`
	PaymentBase             int     `json:"paymentBase"`
	PaymentGrowthPercent    float64 `json:"paymentGrowthPercent"`
	ActiveClubs             int     `json:"activeClubs"`
	DistinguishedClubs      int     `json:"distinguishedClubs"`
	SelectDistinguished     int     `json:"selectDistinguished"`
	PresidentsDistinguished int     `json:"presidentsDistinguished"`
	// SmedleyDistinguished is the summary's Smedley Distinguished Clubs
	// (from PY 2025-26); absent for earlier years, whose report has no
	// such column.
	SmedleyDistinguished *int `json:"smedleyDistinguished,omitempty"`
	// DistinguishedPercent is SummaryRow.DistinguishedPercent: the
	// dashboard's own % Distinguished Clubs.
	DistinguishedPercent float64 `json:"distinguishedPercent"`
	ClubsRank            int     `json:"clubsRank"`
	PaymentsRank         int     `json:"paymentsRank"`
	DistinguishedRank    int     `json:"distinguishedRank"`
	AggregateScore       int     `json:"aggregateScore"`
	// OverallRank is the competition rank by aggregate score (ties share).
	OverallRank int `json:"overallRank"`
	// RegionRank is the competition rank by aggregate score within Region.
	RegionRank int `json:"regionRank"`
}

// RankingsMetadata is the metadata block of all-districts-rankings.json.
type RankingsMetadata struct {
	SnapshotID         string    `json:"snapshotId"`
	CalculatedAt       time.Time `json:"calculatedAt"`
	SchemaVersion      string    `json:"schemaVersion"`
	CalculationVersion string    `json:"calculationVersion"`
	RankingVersion     string    `json:"rankingVersion"`
	// SourceCsvDate is the as-of date of the summary report ranked.
	SourceCsvDate string    `json:"sourceCsvDate"`
	CsvFetchedAt  time.Time `json:"csvFetchedAt"`
	// TotalDistricts is N: the number of real districts ranked.
	TotalDistricts int  `json:"totalDistricts"`
	FromCache      bool `json:"fromCache"`
}

// RankingsFile is snapshots/<id>/all-districts-rankings.json.
type RankingsFile struct {
	Metadata RankingsMetadata  `json:"metadata"`
	Rankings []DistrictRanking `json:"rankings"`
}
