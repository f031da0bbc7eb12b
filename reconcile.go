package toaststats

import (
	"context"
	"errors"
	"fmt"
)

// Reconcile rebuilds month-end data: every collection of the raw cache whose
// data belong to month ("YYYY-MM", see store.RawCache.CollectionsOfMonth),
// in date order. During a closing period the dashboard keeps publishing the
// previous month's data; each such collection is rebuilt into the snapshot of
// that month's last day, and the newest collection wins. It returns
// ErrNothingCached (wrapped) when the cache holds no collection of month.
// A date that fails does not stop the others; the errors are joined.
func (b *Builder) Reconcile(ctx context.Context, month string) ([]*BuildResult, error) {
	dates, err := b.store.Raw().CollectionsOfMonth(ctx, month)
	if err != nil {
		return nil, fmt.Errorf("reconcile %s: %w", month, err)
	}
	if len(dates) == 0 {
		return nil, fmt.Errorf("reconcile %s: no collection of that data month: %w", month, ErrNothingCached)
	}
	return b.buildEach(ctx, dates)
}

// buildEach builds dates in order, reporting progress after each; a failed
// date does not stop the others, a cancelled context does.
func (b *Builder) buildEach(ctx context.Context, dates []string) ([]*BuildResult, error) {
	var (
		results []*BuildResult
		errs    []error
	)
	for i, date := range dates {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		res, err := b.Build(ctx, date)
		if err != nil {
			errs = append(errs, err)
		} else {
			results = append(results, res)
		}
		if b.progress != nil {
			b.progress(i+1, len(dates), res)
		}
	}
	return results, errors.Join(errs...)
}
