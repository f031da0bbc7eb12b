package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/toaststats/toaststats/snapshot"
)

// CollectionsOfMonth returns, ascending, the collection dates of the raw
// cache whose data belong to month ("YYYY-MM"): those whose metadata names
// it as the data month (closing-period collections published in the next
// month included), and those without a recorded data month whose date falls
// in it. These are the collections a month-end reconciliation rebuilds; the
// newest of them becomes the month's last-day snapshot.
func (c *RawCache) CollectionsOfMonth(ctx context.Context, month string) ([]string, error) {
	if !snapshot.ValidMonth(month) {
		return nil, fmt.Errorf("%w: %q is not a month written YYYY-MM", ErrInvalidDate, truncate(month))
	}
	dates, err := c.Dates(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range dates {
		md, err := c.Metadata(ctx, d)
		if err != nil {
			continue // a date without readable metadata is not reconcilable
		}
		if md.DataMonth == month || md.DataMonth == "" && strings.HasPrefix(d, month+"-") {
			out = append(out, d)
		}
	}
	return out, nil
}
