package store

import (
	"context"
	"time"
)

// CacheStatistics summarises the raw CSV cache (the predecessor's
// snake_case names): how many collection dates it holds and their bytes,
// its oldest and newest dates, when it last changed, and the dates no
// snapshot was built from.
type CacheStatistics struct {
	TotalDates int   `json:"total_dates"`
	TotalBytes int64 `json:"total_bytes"`
	// OldestDate and NewestDate are nil for an empty cache.
	OldestDate *string `json:"oldest_date"`
	NewestDate *string `json:"newest_date"`
	// LatestModified is the newest modification of a cached file (UTC),
	// nil when nothing is cached.
	LatestModified *time.Time `json:"latest_modified"`
	// DatesWithoutSnapshot are the dates, oldest first, that no snapshot
	// names as its collection date (never null).
	DatesWithoutSnapshot []string `json:"dates_without_snapshot"`
}

// CacheStatistics summarises the raw cache (SummariseCache over
// CachedDates and RawCache.LatestModified).
func (s *Store) CacheStatistics(ctx context.Context) (*CacheStatistics, error) {
	dates, err := s.CachedDates(ctx)
	if err != nil {
		return nil, err
	}
	latest, err := s.Raw().LatestModified(ctx)
	if err != nil {
		return nil, err
	}
	st := SummariseCache(dates, latest)
	return &st, nil
}

// SummariseCache adds up the cached dates (oldest first, as CachedDates
// lists them); latest is the cache's newest modification (zero: none).
func SummariseCache(dates []CachedDate, latest time.Time) CacheStatistics {
	st := CacheStatistics{TotalDates: len(dates), DatesWithoutSnapshot: []string{}}
	for _, d := range dates {
		st.TotalBytes += d.TotalBytes
		if !d.HasSnapshot {
			st.DatesWithoutSnapshot = append(st.DatesWithoutSnapshot, d.Date)
		}
	}
	if n := len(dates); n > 0 {
		oldest, newest := dates[0].Date, dates[n-1].Date
		st.OldestDate, st.NewestDate = &oldest, &newest
	}
	if !latest.IsZero() {
		t := latest.UTC()
		st.LatestModified = &t
	}
	return st
}

// ReportAvailability says which reports a collection date holds (the
// predecessor's snake_case names); Districts is never nil.
type ReportAvailability struct {
	HasSummary bool                `json:"has_summary"`
	Districts  map[string][]Report `json:"districts"`
}

// CachedDateDetail returns a collection date's metadata.json and the
// reports it holds; ErrNotCached when the date is not in the raw cache.
func (s *Store) CachedDateDetail(ctx context.Context, date string) (*RawMetadata, ReportAvailability, error) {
	md, err := s.Raw().Metadata(ctx, date)
	if err != nil {
		return nil, ReportAvailability{}, err
	}
	av, err := s.Raw().Availability(ctx, date)
	if err != nil {
		return nil, ReportAvailability{}, err
	}
	out := ReportAvailability{HasSummary: av.HasSummary, Districts: map[string][]Report{}}
	for id, reps := range av.Districts {
		out.Districts[id] = reps
	}
	return md, out, nil
}
