package store

import (
	"testing"
	"time"
)

func TestSummariseCache(t *testing.T) {
	empty := SummariseCache(nil, time.Time{})
	if empty.TotalDates != 0 || empty.TotalBytes != 0 || empty.OldestDate != nil || empty.NewestDate != nil || empty.LatestModified != nil ||
		empty.DatesWithoutSnapshot == nil || len(empty.DatesWithoutSnapshot) != 0 {
		t.Errorf("empty cache: %+v", empty)
	}
	// Three dates of 100, 250 and 1000 bytes: 1350 bytes; the middle one
	// was never built.
	dates := []CachedDate{
		{Date: "2026-03-01", TotalBytes: 100, HasSnapshot: true},
		{Date: "2026-03-02", TotalBytes: 250},
		{Date: "2026-03-03", TotalBytes: 1000, HasSnapshot: true},
	}
	latest := time.Date(2026, 3, 3, 9, 0, 0, 0, time.FixedZone("CET", 3600))
	st := SummariseCache(dates, latest)
	if st.TotalDates != 3 || st.TotalBytes != 1350 || *st.OldestDate != "2026-03-01" || *st.NewestDate != "2026-03-03" ||
		len(st.DatesWithoutSnapshot) != 1 || st.DatesWithoutSnapshot[0] != "2026-03-02" {
		t.Errorf("statistics: %+v", st)
	}
	if want := time.Date(2026, 3, 3, 8, 0, 0, 0, time.UTC); !st.LatestModified.Equal(want) || st.LatestModified.Location() != time.UTC {
		t.Errorf("latest modified %v, want %v in UTC", st.LatestModified, want)
	}
}
