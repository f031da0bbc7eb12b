package apitypes

import (
	"time"

	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/snapshot"
)

// DistrictSummary is one entry of DistrictList.
type DistrictSummary struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	Status      snapshot.Status `json:"status"`
	LastUpdated time.Time       `json:"lastUpdated"`
}

// DistrictList is the data of GET /api/districts.
type DistrictList struct {
	Districts []DistrictSummary `json:"districts"`
}

// ClubList is the data of GET /api/districts/:districtId/clubs.
type ClubList struct {
	DistrictID string          `json:"districtId"`
	Clubs      []snapshot.Club `json:"clubs"`
	TotalClubs int             `json:"totalClubs"`
}

// SnapshotDates is the data of GET /api/districts/cache/dates: the ids of
// the successful snapshots, newest first.
type SnapshotDates struct {
	Dates []string `json:"dates"`
	Count int      `json:"count"`
}

// RankingsMeta is the rankings answer's metadata block, exactly as the
// seed documents it (plus the standard fields).
type RankingsMeta struct {
	SnapshotMeta
	DataSource     string `json:"data_source"`
	FromCache      bool   `json:"from_cache"`
	RankingVersion string `json:"ranking_version"`
}

// Rankings is the answer of GET /api/districts/rankings (the seed's shape,
// not an Envelope).
type Rankings struct {
	Rankings []snapshot.DistrictRanking `json:"rankings"`
	Date     string                     `json:"date"`
	Meta     RankingsMeta               `json:"_snapshot_metadata"`
}

// CachedDates is the data of GET /api/districts/:districtId/cached-dates.
type CachedDates struct {
	DistrictID string     `json:"districtId"`
	Dates      []string   `json:"dates"`
	Count      int        `json:"count"`
	DateRange  *DateRange `json:"dateRange"`
}

// DateRange is a range of dates, both ends included.
type DateRange struct {
	StartDate string `json:"startDate"`
	EndDate   string `json:"endDate"`
}

// ClubNeed is the data of GET /api/districts/:districtId/clubs/:clubId/needs:
// what the club still needs for its next level on the snapshot of Date.
type ClubNeed struct {
	DistrictID string `json:"districtId"`
	Date       string `json:"date"`
	analytics.ClubNeed
}

// DailyReportList is the data of GET /api/districts/:districtId/daily-reports.
type DailyReportList struct {
	DistrictID   string                  `json:"districtId"`
	StartDate    string                  `json:"startDate"`
	EndDate      string                  `json:"endDate"`
	DailyReports []analytics.DailyReport `json:"dailyReports"`
}
