package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// Fallback explains why a requested date was answered from another
// snapshot (the predecessor's names).
type Fallback struct {
	RequestedDate      string `json:"requested_date"`
	ActualSnapshotDate string `json:"actual_snapshot_date"`
	// FallbackReason is "future_date" (the date is after today),
	// "closing_period_gap" (the date lies in the month after the snapshot
	// used, which holds that earlier month's closing-period data: the
	// dashboard was still closing the month) or "no_snapshot_for_date".
	FallbackReason      string `json:"fallback_reason"`
	IsClosingPeriodData bool   `json:"is_closing_period_data"`
}

// ResolveOptions tune SnapshotStore.Resolve.
type ResolveOptions struct {
	// Fallback answers a date without a snapshot from the newest
	// successful snapshot before it.
	Fallback bool
	// Now is the clock that tells a future date (default time.Now).
	Now func() time.Time
	// SuccessIDs lists the successful daily snapshot ids, oldest first
	// (default SuccessfulIDs); a server passes its cached list.
	SuccessIDs func(ctx context.Context) ([]string, error)
}

// collectedWithin bounds how long before a collection (as-of) date its
// snapshot's logical date can lie: a closing-period collection lands on the
// last day of the previous month, and June closes as late as July 25.
const collectedWithin = 62 * 24 * time.Hour

// SuccessfulIDs lists the ids of the successful, non-legacy daily
// snapshots, oldest first.
func (s *SnapshotStore) SuccessfulIDs(ctx context.Context) ([]string, error) {
	list, err := s.List(ctx, ListFilter{Status: snapshot.StatusSuccess})
	if err != nil {
		return nil, fmt.Errorf("list snapshots: %w", err)
	}
	var ids []string
	for _, e := range list {
		if !e.Legacy && e.Status == snapshot.StatusSuccess && ValidDate(e.SnapshotID) == nil {
			ids = append(ids, e.SnapshotID)
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// Resolve picks the snapshot a reader of date gets: "" is the current
// snapshot (ErrNoSnapshot before the first); otherwise the successful
// snapshot of that id, else the one whose collection date or dashboard
// as-of date is date (the dates the API itself shows), else, with
// o.Fallback, the newest successful snapshot before date, explained by the
// returned Fallback. A date no snapshot answers is ErrSnapshotNotFound.
func (s *SnapshotStore) Resolve(ctx context.Context, date string, o ResolveOptions) (*View, *Fallback, error) {
	if date == "" {
		v, err := s.Current(ctx)
		return v, nil, err
	}
	if err := ValidDate(date); err != nil {
		return nil, nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SuccessIDs == nil {
		o.SuccessIDs = s.SuccessfulIDs
	}
	v, err := s.Get(ctx, date)
	if err == nil && v.Metadata.Status == snapshot.StatusSuccess {
		return v, nil, nil
	}
	if err != nil && !errors.Is(err, ErrSnapshotNotFound) {
		return nil, nil, err
	}
	if v, err := s.collectedOn(ctx, date, o.SuccessIDs); err != nil || v != nil {
		return v, nil, err
	}
	if !o.Fallback {
		return nil, nil, fmt.Errorf("store: no snapshot for %s: %w", date, ErrSnapshotNotFound)
	}
	list, err := s.List(ctx, ListFilter{Status: snapshot.StatusSuccess})
	if err != nil {
		return nil, nil, err
	}
	for _, e := range list { // newest first
		if e.Legacy || e.SnapshotID > date {
			continue
		}
		fv, err := s.Get(ctx, e.SnapshotID)
		if err != nil {
			continue
		}
		closing := fv.Metadata.IsClosingPeriodData != nil && *fv.Metadata.IsClosingPeriodData
		reason := "no_snapshot_for_date"
		if date > o.Now().UTC().Format(time.DateOnly) {
			reason = "future_date"
		} else if closing && date[:7] == monthAfter(fv.ID) {
			reason = "closing_period_gap"
		}
		return fv, &Fallback{RequestedDate: date, ActualSnapshotDate: fv.ID, FallbackReason: reason, IsClosingPeriodData: closing}, nil
	}
	return nil, nil, fmt.Errorf("store: no successful snapshot on or before %s: %w", date, ErrSnapshotNotFound)
}

// monthAfter is the month ("YYYY-MM") after that of the date id, the only
// month whose dates a closing-period snapshot of id's month stands in for
// (spec §3.8: month M closes during M+1); "" when id is not a date.
func monthAfter(id string) string {
	y, m, ok := snapshot.ParseMonth(id)
	if !ok {
		return ""
	}
	return time.Date(y, time.Month(m)+1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
}

// collectedOn finds the newest successful snapshot whose collection date or
// dashboard as-of date is date; nil when there is none.
func (s *SnapshotStore) collectedOn(ctx context.Context, date string, successIDs func(context.Context) ([]string, error)) (*View, error) {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return nil, nil
	}
	floor := t.Add(-collectedWithin).Format(time.DateOnly)
	ids, err := successIDs(ctx)
	if err != nil {
		return nil, err
	}
	for i := len(ids) - 1; i >= 0; i-- { // oldest first: walk newest first
		id := ids[i]
		if id > date {
			continue
		}
		if id < floor {
			break
		}
		v, err := s.Get(ctx, id)
		if err != nil {
			continue
		}
		if m := v.Metadata; m.Status == snapshot.StatusSuccess && (m.CollectionDate == date || m.DataAsOfDate == date) {
			return v, nil
		}
	}
	return nil, nil
}
