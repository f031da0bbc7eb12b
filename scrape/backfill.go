package scrape

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// maxBackfillDays bounds one backfill (about ten years).
const maxBackfillDays = 3700

// DateStatus is what a backfill did with one date.
type DateStatus string

// Date statuses of a backfill.
const (
	DateCollected   DateStatus = "collected"   // everything stored (some reports may have been cached)
	DateComplete    DateStatus = "complete"    // already complete in the cache: no download
	DatePartial     DateStatus = "partial"     // some districts failed
	DateFailed      DateStatus = "failed"      // nothing could be collected
	DateUnpublished DateStatus = "unpublished" // the dashboard has no data for that date
)

// DateResult is one date of a backfill.
type DateResult struct {
	Date   string
	Status DateStatus
	Result *Result
}

// BackfillProgress reports one finished date.
type BackfillProgress struct {
	Date  string
	Index int // 1-based
	Total int
	DateResult
}

// BackfillResult sums up a backfill.
type BackfillResult struct {
	From, To     string
	Dates        []DateResult
	FilesCreated int
	BytesWritten int64
	// SetAside are the damaged cached reports the dates' scrapes copied
	// aside and downloaded again (Result.SetAside), in date order, also
	// those of a date a cancellation left out of Dates.
	SetAside []SetAside
	Duration time.Duration
	// Stopped is why the backfill stopped early (cancelled, circuit breaker), or nil.
	Stopped error
}

// Tally counts the dates per status.
func (b *BackfillResult) Tally() map[DateStatus]int {
	m := map[DateStatus]int{}
	for _, d := range b.Dates {
		m[d.Status]++
	}
	return m
}

// UnlistedDistricts are the districts asked for (OrchestratorOptions.Districts)
// that no summary the backfill read lists, in the order first met: most
// likely a mistyped id. A district listed on some dates only (new,
// renumbered or closed within the range, as 30 districts were renumbered
// 201–231 in 2026-27) is not one; the dates without it are partial.
func (b *BackfillResult) UnlistedDistricts() []string {
	listed := map[string]bool{}
	var unlisted []string
	for _, d := range b.Dates {
		if d.Result == nil {
			continue
		}
		for _, dr := range d.Result.Districts {
			if !slices.ContainsFunc(dr.Errors, func(err error) bool { return errors.Is(err, ErrUnknownDistrict) }) {
				listed[dr.ID] = true
			} else if !slices.Contains(unlisted, dr.ID) {
				unlisted = append(unlisted, dr.ID)
			}
		}
	}
	return slices.DeleteFunc(unlisted, func(id string) bool { return listed[id] })
}

// Backfill collects every date from from to to (inclusive, ascending). It is
// resumable: a date already complete in the cache costs no download (the
// summary and every report are found cached and intact), so an interrupted
// backfill simply runs again. Dates the dashboard never published are reported as
// DateUnpublished, not as failures. It stops early when ctx is cancelled or
// the circuit breaker opens (BackfillResult.Stopped, also returned as the
// error).
func (o *Orchestrator) Backfill(ctx context.Context, from, to string, progress func(BackfillProgress)) (*BackfillResult, error) {
	start := o.opts.Now()
	res := &BackfillResult{From: from, To: to}
	defer func() { res.Duration = o.opts.Now().Sub(start) }()
	f, err := ParseDate(from)
	if err != nil {
		return res, err
	}
	t, err := ParseDate(to)
	if err != nil {
		return res, err
	}
	if t.Before(f) {
		return res, fmt.Errorf("%w: from %s is after to %s", ErrInvalidDate, from, to)
	}
	days := int(t.Sub(f).Hours()/24) + 1
	if days > maxBackfillDays {
		return res, fmt.Errorf("%w: %d days from %s to %s (at most %d)", ErrInvalidDate, days, from, to, maxBackfillDays)
	}
	for i := 0; i < days; i++ {
		date := f.AddDate(0, 0, i).Format(dateLayout)
		r, err := o.Scrape(ctx, date)
		dr := DateResult{Date: date, Result: r, Status: dateStatus(r)}
		res.FilesCreated += r.FilesCreated
		res.BytesWritten += r.BytesWritten
		res.SetAside = append(res.SetAside, r.SetAside...)
		if ctx.Err() != nil {
			if dr.Status == DateCollected || dr.Status == DateComplete {
				res.Dates = append(res.Dates, dr)
			}
			res.Stopped = ctx.Err()
			break
		}
		if err != nil {
			return res, err
		}
		res.Dates = append(res.Dates, dr)
		if progress != nil {
			progress(BackfillProgress{Date: date, Index: i + 1, Total: days, DateResult: dr})
		}
		if o.BreakerOpen() {
			res.Stopped = ErrCircuitOpen
			break
		}
	}
	if res.Stopped != nil {
		return res, fmt.Errorf("backfill stopped after %d of %d dates: %w", len(res.Dates), days, res.Stopped)
	}
	return res, nil
}

// dateStatus classifies one date's Result.
func dateStatus(r *Result) DateStatus {
	if r.Summary == Failed {
		if errors.Is(r.SummaryErr, ErrNotPublished) {
			return DateUnpublished
		}
		return DateFailed
	}
	_, ok, failed, skipped := r.Counts()
	switch {
	case r.Status() == StatusFailed:
		return DateFailed
	case failed > 0:
		return DatePartial
	case ok == 0 && skipped > 0 && r.Summary == Skipped:
		return DateComplete
	}
	return DateCollected
}
