package store

import "context"

// CachedDate summarises one collection date of the raw cache (the
// predecessor's snake_case names).
type CachedDate struct {
	Date       string `json:"date"`
	HasSummary bool   `json:"has_summary"`
	// Districts counts the districts with at least one report; Reports
	// counts every report, the summary included.
	Districts int `json:"districts"`
	Reports   int `json:"reports"`
	// HasSnapshot is true when a snapshot names this date as its
	// collection date.
	HasSnapshot bool `json:"has_snapshot"`
	// DataMonth, Closing and TotalBytes come from the date's metadata.json.
	DataMonth  string `json:"data_month,omitempty"`
	Closing    *bool  `json:"is_closing_period,omitempty"`
	TotalBytes int64  `json:"total_bytes"`
}

// CachedDates summarises every date of the raw cache, oldest first: its
// reports, data month, size and whether a snapshot was built from it.
func (s *Store) CachedDates(ctx context.Context) ([]CachedDate, error) {
	raw := s.Raw()
	dates, err := raw.Dates(ctx)
	if err != nil {
		return nil, err
	}
	built := map[string]bool{}
	if list, err := s.Snapshots().List(ctx, ListFilter{}); err == nil {
		for _, e := range list {
			if v, err := s.Snapshots().Get(ctx, e.SnapshotID); err == nil && v.Metadata.CollectionDate != "" {
				built[v.Metadata.CollectionDate] = true
			}
		}
	}
	out := make([]CachedDate, 0, len(dates))
	for _, d := range dates {
		cd := CachedDate{Date: d, HasSnapshot: built[d]}
		if av, err := raw.Availability(ctx, d); err == nil {
			cd.HasSummary = av.HasSummary
			cd.Districts = len(av.Districts)
			for _, reps := range av.Districts {
				cd.Reports += len(reps)
			}
			if av.HasSummary {
				cd.Reports++
			}
		}
		if md, err := raw.Metadata(ctx, d); err == nil {
			cd.DataMonth = md.DataMonth
			cd.Closing = md.IsClosingPeriod
			cd.TotalBytes = md.Integrity.TotalSize
		}
		out = append(out, cd)
	}
	return out, nil
}
