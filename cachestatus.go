package toaststats

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/toaststats/toaststats/ranking"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// ReportState is what the raw cache holds for one report of a date.
type ReportState struct {
	// File is the report's file name, e.g. "club-performance.csv".
	File string `json:"file"`
	// State is "ok" or a snapshot.DistrictError reason: "missing_report",
	// "checksum_mismatch".
	State string `json:"state"`
	Bytes int    `json:"bytes,omitempty"`
	// AsOfDate and DataMonth come from the report's footer, when it has one.
	AsOfDate  string `json:"asOfDate,omitempty"`
	DataMonth string `json:"dataMonth,omitempty"`
	Error     string `json:"error,omitempty"`
}

// DistrictCacheState is what the raw cache holds for one district of a date.
type DistrictCacheState struct {
	DistrictID string `json:"districtId"`
	// Configured is true when the build of this date includes the district.
	Configured bool `json:"configured"`
	// InSummary is true when the date's summary has a row for the district.
	InSummary bool          `json:"inSummary"`
	Reports   []ReportState `json:"reports"`
}

// SnapshotState is the snapshot a collection date maps to, when it exists.
type SnapshotState struct {
	ID             string          `json:"id"`
	Status         snapshot.Status `json:"status"`
	CollectionDate string          `json:"collectionDate,omitempty"`
	CreatedAt      time.Time       `json:"createdAt"`
	DistrictCount  int             `json:"districtCount"`
	ErrorCount     int             `json:"errorCount"`
	WarningCount   int             `json:"warningCount"`
	// UpToDate is true when the snapshot was built from exactly this
	// collection's files with the current versions, and its files are all
	// there with their sizes (a damaged one is built again).
	UpToDate bool `json:"upToDate"`
	// Problems are what a quick check of the snapshot's files found (a
	// file missing or of the wrong size); `toaststats build` rebuilds it.
	Problems []string `json:"problems,omitempty"`
}

// CacheStatus is the state of one collection date: what the raw cache holds
// (per district and report), which snapshot the date maps to and whether
// that snapshot is up to date. It is the seed's cache availability.
type CacheStatus struct {
	CollectionDate  string `json:"collectionDate"`
	LogicalDate     string `json:"logicalDate"`
	DataAsOfDate    string `json:"dataAsOfDate"`
	DataMonth       string `json:"dataMonth"`
	IsClosingPeriod *bool  `json:"isClosingPeriod,omitempty"`
	// ConfigFile is true when config/districts.json names the districts;
	// otherwise every district of the summary is built.
	ConfigFile bool                 `json:"configFile"`
	Summary    ReportState          `json:"summary"`
	Districts  []DistrictCacheState `json:"districts"`
	// Snapshot is nil when the logical date has no snapshot yet.
	Snapshot *SnapshotState `json:"snapshot,omitempty"`
	// Pending is true when `build --all` would build this date.
	Pending bool `json:"pending"`
	// Incomplete is set when the date is not pending only because the
	// cache lacks reports a successful build needs while its snapshot is
	// successful (see IncompleteCollection).
	Incomplete *IncompleteCollection `json:"incomplete,omitempty"`
	// Warnings are problems seen in the footers.
	Warnings []string `json:"warnings,omitempty"`
}

// Status reports what the raw cache holds for collectionDate and the state
// of the snapshot it maps to. The error wraps ErrNothingCached when the
// cache has nothing for the date.
func (b *Builder) Status(ctx context.Context, collectionDate string) (*CacheStatus, error) {
	in, err := b.load(ctx, collectionDate)
	if err != nil {
		return nil, err
	}
	cs := &CacheStatus{
		CollectionDate:  in.date,
		LogicalDate:     in.logicalDate,
		DataAsOfDate:    in.asOfDate(),
		DataMonth:       in.dataMonth(),
		IsClosingPeriod: in.closing,
		ConfigFile:      in.configExists,
		Summary:         stateOf(in.summary),
		Warnings:        in.warnings,
	}
	// Configured districts, then any other district cached for the date.
	seen := map[string]bool{}
	for _, d := range in.districts {
		seen[d.id] = true
		ds := DistrictCacheState{DistrictID: d.id, Configured: true, InSummary: d.inSummary}
		for _, f := range d.files {
			ds.Reports = append(ds.Reports, stateOf(f))
		}
		cs.Districts = append(cs.Districts, ds)
	}
	avail, err := b.store.Raw().Availability(ctx, collectionDate)
	if err != nil {
		return nil, fmt.Errorf("status %s: %w", collectionDate, err)
	}
	var extra []string
	for id := range avail.Districts {
		if !seen[id] {
			extra = append(extra, id)
		}
	}
	slices.SortFunc(extra, ranking.CompareDistrictIDs)
	inSummary := map[string]bool{}
	if in.summaryRep != nil {
		for _, r := range in.summaryRep.Rows {
			inSummary[r.DistrictID] = true
		}
	}
	for _, id := range extra {
		ds := DistrictCacheState{DistrictID: id, InSummary: inSummary[id]}
		for _, slot := range districtReports {
			ds.Reports = append(ds.Reports, stateOf(b.readRaw(ctx, in.rawMeta, collectionDate, id, slot.report)))
		}
		cs.Districts = append(cs.Districts, ds)
	}

	v, err := b.store.Snapshots().Get(ctx, in.logicalDate)
	switch {
	case errors.Is(err, store.ErrSnapshotNotFound):
		cs.Pending = needOf(nil, collectionDate, false, false, false) == needBuild
	case err != nil:
		return nil, fmt.Errorf("status %s: snapshot %s: %w", collectionDate, in.logicalDate, err)
	default:
		md := v.Metadata
		cs.Snapshot = &SnapshotState{
			ID:             v.ID,
			Status:         md.Status,
			CollectionDate: md.Collection(),
			CreatedAt:      md.CreatedAt,
			DistrictCount:  len(md.SuccessfulDistricts),
			ErrorCount:     len(md.Errors),
			WarningCount:   len(md.Warnings),
			UpToDate:       in.upToDate(&md),
		}
		damaged := false
		if c, err := b.store.Snapshots().QuickCheck(ctx, v.ID); err == nil && !c.Complete {
			cs.Snapshot.UpToDate, cs.Snapshot.Problems = false, c.Problems
			damaged = true
		}
		lacks := in.lacks()
		switch needOf(&md, collectionDate, cs.Snapshot.UpToDate, damaged, len(lacks) > 0) {
		case needBuild:
			cs.Pending = true
		case needReports:
			ic := incompleteOf(collectionDate, v.ID, lacks)
			cs.Incomplete = &ic
		}
	}
	return cs, nil
}

// stateOf describes one raw file.
func stateOf(f rawFile) ReportState {
	rs := ReportState{File: f.key[lastSlash(f.key)+1:]}
	if f.err != nil {
		rs.State = reasonOf(f.err)
		rs.Error = f.err.Error()
		return rs
	}
	rs.State = "ok"
	rs.Bytes = len(f.data)
	if ft := footerOf(f.data); ft.Found {
		rs.AsOfDate, rs.DataMonth = ft.AsOfDate, ft.DataMonth
	}
	return rs
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}
