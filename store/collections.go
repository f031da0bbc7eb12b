package store

import (
	"context"
	"errors"

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

// ConfigCheck is the district configuration checked against the current
// rankings (the dashboard's district list) and the recent snapshots.
type ConfigCheck struct {
	// Exists is false when config/districts.json does not exist (every
	// district of the summary report is collected).
	Exists              bool     `json:"-"`
	IsValid             bool     `json:"isValid"`
	ConfiguredDistricts []string `json:"configuredDistricts"`
	// ValidDistricts are the configured ids the current rankings list
	// (all of them when there are no rankings to check against);
	// InvalidDistricts the others.
	ValidDistricts     []string             `json:"validDistricts"`
	InvalidDistricts   []string             `json:"invalidDistricts"`
	Warnings           []string             `json:"warnings"`
	LastCollectionInfo []DistrictCollection `json:"lastCollectionInfo"`
}

// CheckConfig loads the district configuration and checks it: every id
// against the current snapshot's rankings, and each district's record over
// the snapshots recent (ids, oldest first; see Collections).
func (s *Store) CheckConfig(ctx context.Context, recent []string) (*ConfigCheck, error) {
	return s.CheckConfigAgainst(ctx, recent, nil)
}

// CheckConfigAgainst is CheckConfig with the list of every district id to
// check the configured ids against (the predecessor's allDistrictIds); nil
// checks them against the current snapshot's rankings. The ids of all are
// normalised as configured ids are (NormalizeDistrictID); one that is not
// a district id is an error.
func (s *Store) CheckConfigAgainst(ctx context.Context, recent, all []string) (*ConfigCheck, error) {
	ids, exists, err := s.Config().Load(ctx)
	if err != nil {
		return nil, err
	}
	c := &ConfigCheck{Exists: exists, ConfiguredDistricts: ids, ValidDistricts: []string{}, InvalidDistricts: []string{}, Warnings: []string{}}
	if c.ConfiguredDistricts == nil {
		c.ConfiguredDistricts = []string{}
	}
	var known map[string]bool
	if all != nil {
		known = map[string]bool{}
		for _, raw := range all {
			id, err := NormalizeDistrictID(raw)
			if err != nil {
				return nil, err
			}
			known[id] = true
		}
	} else if v, err := s.Snapshots().Current(ctx); err == nil {
		if rf, err := v.RankingsShared(ctx); err == nil {
			known = map[string]bool{}
			for _, row := range rf.Rankings {
				known[row.DistrictID] = true
			}
		}
	}
	if known == nil {
		c.Warnings = append(c.Warnings, "no current rankings: district ids cannot be checked against the dashboard's district list")
	}
	if !exists {
		c.Warnings = append(c.Warnings, "no configuration file: every district of the summary report is collected")
	}
	for _, id := range ids {
		if known == nil || known[id] {
			c.ValidDistricts = append(c.ValidDistricts, id)
		} else {
			c.InvalidDistricts = append(c.InvalidDistricts, id)
		}
	}
	c.IsValid = len(c.InvalidDistricts) == 0
	c.LastCollectionInfo = s.Snapshots().Collections(ctx, recent, ids)
	return c, nil
}

// DatesWithDistrict returns the snapshots among ids (in their order) whose
// manifest lists district with status success. An id that no longer exists
// is skipped.
func (s *SnapshotStore) DatesWithDistrict(ctx context.Context, ids []string, district string) ([]string, error) {
	out := []string{}
	for _, id := range ids {
		v, err := s.Get(ctx, id)
		if errors.Is(err, ErrSnapshotNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, m := range v.Manifest.Districts {
			if m.DistrictID == district && m.Status == snapshot.StatusSuccess {
				out = append(out, v.ID)
				break
			}
		}
	}
	return out, nil
}
