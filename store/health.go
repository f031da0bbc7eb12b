package store

import (
	"context"
	"errors"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// SnapshotStamp names a snapshot, when it was made and its status.
type SnapshotStamp struct {
	SnapshotID string          `json:"snapshot_id"`
	CreatedAt  time.Time       `json:"created_at"`
	Status     snapshot.Status `json:"status"`
}

// CurrentSnapshotInfo describes the current snapshot in a Health report.
type CurrentSnapshotInfo struct {
	SnapshotStamp
	SchemaVersion      string `json:"schema_version"`
	CalculationVersion string `json:"calculation_version"`
	DistrictCount      int    `json:"district_count"`
	ErrorCount         int    `json:"error_count"`
}

// Health is the snapshot store's health, with the predecessor's names.
type Health struct {
	// IsReady is true when a current snapshot exists and the store reads.
	IsReady         bool                 `json:"is_ready"`
	CurrentSnapshot *CurrentSnapshotInfo `json:"current_snapshot"`
	// LatestSnapshot is the newest snapshot of any status.
	LatestSnapshot *SnapshotStamp `json:"latest_snapshot"`
	RecentActivity struct {
		TotalSnapshots      int        `json:"total_snapshots"`
		SuccessfulSnapshots int        `json:"successful_snapshots"`
		FailedSnapshots     int        `json:"failed_snapshots"`
		PartialSnapshots    int        `json:"partial_snapshots"`
		MostRecent          *time.Time `json:"most_recent"`
	} `json:"recent_activity"`
	StoreStatus struct {
		HasCurrentSnapshot bool `json:"has_current_snapshot"`
		// CurrentMatchesLatest is true when the current snapshot is the
		// newest successful one.
		CurrentMatchesLatest bool `json:"current_matches_latest"`
		StoreAccessible      bool `json:"store_accessible"`
	} `json:"store_status"`
}

// Health reports the store's state. The report is always filled; the error
// says why the store is not accessible, when it is not.
func (s *SnapshotStore) Health(ctx context.Context) (*Health, error) {
	h := &Health{}
	list, listErr := s.List(ctx, ListFilter{})
	accessible := listErr == nil
	curID := ""
	v, err := s.Current(ctx)
	switch {
	case err == nil:
		curID = v.ID
		h.CurrentSnapshot = &CurrentSnapshotInfo{SnapshotStamp: SnapshotStamp{SnapshotID: v.ID, CreatedAt: v.Metadata.CreatedAt, Status: v.Metadata.Status},
			SchemaVersion: v.Metadata.SchemaVersion, CalculationVersion: v.Metadata.CalculationVersion,
			DistrictCount: len(v.Manifest.Districts), ErrorCount: len(v.Metadata.Errors)}
	case !errors.Is(err, ErrNoSnapshot):
		accessible = false
	default:
		err = nil
	}
	counts := map[snapshot.Status]int{}
	latestSuccess := ""
	for i, e := range list { // newest first
		counts[e.Status]++
		if i == 0 {
			created := e.CreatedAt
			h.RecentActivity.MostRecent = &created
			h.LatestSnapshot = &SnapshotStamp{SnapshotID: e.SnapshotID, CreatedAt: e.CreatedAt, Status: e.Status}
		}
		if latestSuccess == "" && e.Status == snapshot.StatusSuccess {
			latestSuccess = e.SnapshotID
		}
	}
	hasCurrent := h.CurrentSnapshot != nil
	h.IsReady = hasCurrent && accessible
	a := &h.RecentActivity
	a.TotalSnapshots, a.SuccessfulSnapshots, a.FailedSnapshots, a.PartialSnapshots =
		len(list), counts[snapshot.StatusSuccess], counts[snapshot.StatusFailed], counts[snapshot.StatusPartial]
	h.StoreStatus.HasCurrentSnapshot, h.StoreStatus.CurrentMatchesLatest, h.StoreStatus.StoreAccessible = hasCurrent, hasCurrent && curID == latestSuccess, accessible
	return h, errors.Join(listErr, err)
}
