package apitypes

import (
	"github.com/toaststats/toaststats/readcheck"
	"github.com/toaststats/toaststats/store"
)

// CacheStatistics is the answer of GET /api/districts/cache/statistics.
type CacheStatistics struct {
	Statistics store.CacheStatistics `json:"statistics"`
	Metadata   OpMeta                `json:"metadata"`
}

// CacheStats is the answer of GET /api/districts/cache/stats: every cached
// date and the snapshot store's read statistics.
type CacheStats struct {
	Stats struct {
		Dates         []store.CachedDate         `json:"dates"`
		SnapshotStore readcheck.StorePerformance `json:"snapshot_store"`
	} `json:"stats"`
	Metadata OpMeta `json:"metadata"`
}

// CacheMetadata is the answer of GET /api/districts/cache/metadata/:date.
type CacheMetadata struct {
	Date         string                   `json:"date"`
	Metadata     *store.RawMetadata       `json:"metadata"`
	Availability store.ReportAvailability `json:"availability"`
}

// CacheVersion is the answer of GET /api/districts/cache/version.
type CacheVersion struct {
	SchemaVersion      string  `json:"schema_version"`
	CalculationVersion string  `json:"calculation_version"`
	RankingVersion     string  `json:"ranking_version"`
	CacheVersion       *int    `json:"cache_version"`
	NewestCacheDate    *string `json:"newest_cache_date"`
}

// CacheDeleted is the answer of DELETE /api/districts/cache: the dates
// moved to the raw-cache trash.
type CacheDeleted struct {
	Success      bool               `json:"success"`
	DeletedDates []string           `json:"deleted_dates"`
	Trash        []store.TrashEntry `json:"trash"`
	Note         string             `json:"note"`
	Metadata     OpMeta             `json:"metadata"`
}
