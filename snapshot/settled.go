package snapshot

import "time"

// SettledAfter is how long after its date a snapshot can no longer be
// republished: during a month's closing period (spec §1.3) the dashboard
// keeps publishing the previous month's data for a few weeks, and each such
// collection is rebuilt into the snapshot of that month's last day. Past
// this window a snapshot's content is final; an answer read from it alone
// may be cached for good.
const SettledAfter = 45 * 24 * time.Hour

// Settled reports whether the snapshot of date (its id, YYYY-MM-DD) is
// older than SettledAfter at now. An id that is not a date is never settled.
func Settled(date string, now time.Time) bool {
	t, err := time.Parse(time.DateOnly, date)
	return err == nil && now.Sub(t) > SettledAfter
}
