package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// legacySnapshot is the predecessor's single-file snapshot
// snapshots/<id>.json (predecessor.md §5.2). toaststats reads it and never
// writes it.
type legacySnapshot struct {
	SnapshotID         string          `json:"snapshot_id"`
	CreatedAt          time.Time       `json:"created_at"`
	SchemaVersion      string          `json:"schema_version"`
	CalculationVersion string          `json:"calculation_version"`
	Status             snapshot.Status `json:"status"`
	Errors             []string        `json:"errors"`
	Payload            struct {
		Districts []snapshot.District `json:"districts"`
		Metadata  struct {
			Source               string   `json:"source"`
			FetchedAt            string   `json:"fetchedAt"`
			DataAsOfDate         string   `json:"dataAsOfDate"`
			DistrictCount        int      `json:"districtCount"`
			ProcessingDurationMs float64  `json:"processingDurationMs"`
			IsClosingPeriodData  *bool    `json:"isClosingPeriodData"`
			CollectionDate       string   `json:"collectionDate"`
			LogicalDate          string   `json:"logicalDate"`
			ConfiguredDistricts  []string `json:"configuredDistricts"`
			SuccessfulDistricts  []string `json:"successfulDistricts"`
			FailedDistricts      []string `json:"failedDistricts"`
		} `json:"metadata"`
	} `json:"payload"`
	size int64
}

func (l *legacySnapshot) district(districtID string) (*snapshot.DistrictFile, error) {
	id, err := ValidDistrictID(districtID)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDistrictNotFound, err)
	}
	for _, d := range l.Payload.Districts {
		if strings.EqualFold(d.DistrictID, id) {
			return &snapshot.DistrictFile{
				DistrictID:   d.DistrictID,
				DistrictName: "District " + d.DistrictID,
				CollectedAt:  l.CreatedAt,
				Status:       snapshot.StatusSuccess,
				Data:         d,
			}, nil
		}
	}
	return nil, fmt.Errorf("%w: district %s not in legacy snapshot %s", ErrDistrictNotFound, id, l.SnapshotID)
}

func (s *SnapshotStore) readLegacy(ctx context.Context, id string) (*legacySnapshot, error) {
	if !validLegacyID(id) {
		return nil, fmt.Errorf("%w: %s", ErrSnapshotNotFound, id)
	}
	b, err := s.objs.Read(ctx, snapshotsPrefix+id+".json")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s", ErrSnapshotNotFound, id)
		}
		return nil, fmt.Errorf("store: read legacy snapshot %s: %w", id, err)
	}
	var l legacySnapshot
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("%w: snapshots/%s.json: %v", ErrCorrupt, id, err)
	}
	if l.SnapshotID == "" {
		l.SnapshotID = id
	}
	l.size = int64(len(b))
	return &l, nil
}

// loadLegacy turns a legacy file into a View with synthesised metadata and
// manifest.
func (s *SnapshotStore) loadLegacy(ctx context.Context, id string) (*View, error) {
	l, err := s.readLegacy(ctx, id)
	if err != nil {
		return nil, err
	}
	pm := l.Payload.Metadata
	md := snapshot.Metadata{
		SnapshotID:          id,
		CreatedAt:           l.CreatedAt,
		SchemaVersion:       l.SchemaVersion,
		CalculationVersion:  l.CalculationVersion,
		Status:              l.Status,
		ConfiguredDistricts: pm.ConfiguredDistricts,
		SuccessfulDistricts: pm.SuccessfulDistricts,
		FailedDistricts:     pm.FailedDistricts,
		Errors:              l.Errors,
		ProcessingDuration:  int64(pm.ProcessingDurationMs),
		Source:              pm.Source,
		DataAsOfDate:        pm.DataAsOfDate,
		IsClosingPeriodData: pm.IsClosingPeriodData,
		CollectionDate:      pm.CollectionDate,
		LogicalDate:         pm.LogicalDate,
	}
	if md.SuccessfulDistricts == nil {
		for _, d := range l.Payload.Districts {
			md.SuccessfulDistricts = append(md.SuccessfulDistricts, d.DistrictID)
		}
	}
	man := snapshot.Manifest{SnapshotID: id, CreatedAt: l.CreatedAt}
	for _, d := range l.Payload.Districts {
		man.Districts = append(man.Districts, snapshot.ManifestEntry{DistrictID: d.DistrictID, Status: snapshot.StatusSuccess, LastModified: l.CreatedAt})
	}
	man.TotalDistricts = len(man.Districts)
	man.SuccessfulDistricts = len(man.Districts)
	man.AllDistrictsRankings = snapshot.ManifestFile{Filename: rankingsFile, Status: "missing"}
	return &View{ID: id, Metadata: md, Manifest: man, s: s, legacy: l}, nil
}
