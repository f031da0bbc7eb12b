package store

import (
	"context"
	"errors"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// DistrictDigest is one district of an Inspection.
type DistrictDigest struct {
	DistrictID string `json:"districtId"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	// ClubCount, MembershipTotal and PerformanceScore (the aggregate Borda
	// score) are 0 when the district file does not read.
	ClubCount        int `json:"club_count"`
	MembershipTotal  int `json:"membership_total"`
	PerformanceScore int `json:"performance_score"`
	// Error is the manifest's error for the district, or why its file did
	// not read.
	Error string `json:"error,omitempty"`
}

// Inspection summarises one snapshot: its metadata, every district and
// the sizes of its files (the predecessor's names).
type Inspection struct {
	SnapshotID         string          `json:"snapshot_id"`
	CreatedAt          time.Time       `json:"created_at"`
	Status             snapshot.Status `json:"status"`
	SchemaVersion      string          `json:"schema_version"`
	CalculationVersion string          `json:"calculation_version"`
	Errors             []string        `json:"errors"`
	PayloadSummary     struct {
		DistrictCount int               `json:"district_count"`
		Metadata      snapshot.Metadata `json:"metadata"`
		Districts     []DistrictDigest  `json:"districts"`
	} `json:"payload_summary"`
	SizeAnalysis struct {
		// TotalSizeEstimate is every district file plus the rankings
		// file; PayloadSizeEstimate leaves the rankings out; ErrorsSize is
		// the bytes of the metadata's error messages.
		TotalSizeEstimate   int64 `json:"total_size_estimate"`
		PayloadSizeEstimate int64 `json:"payload_size_estimate"`
		ErrorsSize          int   `json:"errors_size"`
	} `json:"size_analysis"`
}

// Inspect reads every district file of v and summarises the snapshot.
func (v *View) Inspect(ctx context.Context) *Inspection {
	in := &Inspection{SnapshotID: v.ID, CreatedAt: v.Metadata.CreatedAt, Status: v.Metadata.Status,
		SchemaVersion: v.Metadata.SchemaVersion, CalculationVersion: v.Metadata.CalculationVersion, Errors: v.Metadata.Errors}
	if in.Errors == nil {
		in.Errors = []string{}
	}
	districts := make([]DistrictDigest, 0, len(v.Manifest.Districts))
	var payload int64
	for _, m := range v.Manifest.Districts {
		payload += m.FileSize
		dd := DistrictDigest{DistrictID: m.DistrictID, Name: "District " + m.DistrictID, Status: string(m.Status), Error: m.ErrorMessage}
		if df, err := v.DistrictShared(ctx, m.DistrictID); err == nil {
			dd.ClubCount, dd.MembershipTotal = df.Data.Clubs.Total, df.Data.Membership.Total
			if df.Data.Ranking != nil {
				dd.PerformanceScore = df.Data.Ranking.AggregateScore
			}
			if df.DistrictName != "" {
				dd.Name = df.DistrictName
			}
		} else if dd.Error == "" {
			dd.Error = err.Error()
		}
		districts = append(districts, dd)
	}
	ps := &in.PayloadSummary
	ps.DistrictCount, ps.Metadata, ps.Districts = len(districts), v.Metadata, districts
	sa := &in.SizeAnalysis
	sa.TotalSizeEstimate, sa.PayloadSizeEstimate = payload+v.Manifest.AllDistrictsRankings.Size, payload
	for _, e := range v.Metadata.Errors {
		sa.ErrorsSize += len(e)
	}
	return in
}

// Payload is the whole content of a snapshot.
type Payload struct {
	Metadata  snapshot.Metadata       `json:"metadata"`
	Manifest  snapshot.Manifest       `json:"manifest"`
	Districts []snapshot.DistrictFile `json:"districts"`
	// Rankings is nil when the snapshot has no rankings file.
	Rankings *snapshot.RankingsFile `json:"rankings"`
}

// Payload reads every file of v: the districts of its manifest (a listed
// district without a file is left out) and the rankings. The district
// files and rankings are shared with the read cache: do not modify them.
func (v *View) Payload(ctx context.Context) (*Payload, error) {
	p := &Payload{Metadata: v.Metadata, Manifest: v.Manifest, Districts: []snapshot.DistrictFile{}}
	for _, m := range v.Manifest.Districts {
		df, err := v.DistrictShared(ctx, m.DistrictID)
		if errors.Is(err, ErrDistrictNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		p.Districts = append(p.Districts, *df)
	}
	rf, err := v.RankingsShared(ctx)
	if err != nil && !errors.Is(err, ErrNoRankings) {
		return nil, err
	}
	p.Rankings = rf
	return p, nil
}
