package store

import (
	"context"

	"github.com/toaststats/toaststats/snapshot"
)

// DistrictCollection is a district's record over recent snapshots.
type DistrictCollection struct {
	DistrictID string `json:"districtId"`
	// LastSuccessfulCollection is the newest snapshot holding the district
	// with status success; nil when none does.
	LastSuccessfulCollection *string `json:"lastSuccessfulCollection"`
	// Status is "valid" when some snapshot holds the district, else
	// "unknown".
	Status string `json:"status"`
	// RecentSuccessCount counts the snapshots holding the district with
	// status success.
	RecentSuccessCount int `json:"recentSuccessCount"`
}

// Collections reports, for each district, its newest successful snapshot
// among snapshotIDs (given oldest first; ids that do not open are skipped)
// and how many of them hold it successfully.
func (s *SnapshotStore) Collections(ctx context.Context, snapshotIDs, districts []string) []DistrictCollection {
	out := make([]DistrictCollection, 0, len(districts))
	byID := map[string]int{}
	for _, id := range districts {
		byID[id] = len(out)
		out = append(out, DistrictCollection{DistrictID: id, Status: "unknown"})
	}
	for i := len(snapshotIDs) - 1; i >= 0 && len(districts) > 0; i-- {
		v, err := s.Get(ctx, snapshotIDs[i])
		if err != nil {
			continue
		}
		for _, m := range v.Manifest.Districts {
			j, ok := byID[m.DistrictID]
			if !ok || m.Status != snapshot.StatusSuccess {
				continue
			}
			ci := &out[j]
			ci.RecentSuccessCount++
			if ci.LastSuccessfulCollection == nil {
				id := v.ID
				ci.LastSuccessfulCollection = &id
				ci.Status = "valid"
			}
		}
	}
	return out
}
