package api

import (
	"context"
	"log/slog"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/store"
)

// NewBuilder wires toaststats.Builder into the server: a date builds that
// collection date, "" builds every pending date.
func NewBuilder(st *store.Store, log *slog.Logger) (BuildFunc, PendingFunc) {
	b := toaststats.NewBuilder(st, toaststats.BuilderOptions{Logger: log})
	build := func(ctx context.Context, date string) (any, error) {
		if date != "" {
			res, err := b.Build(ctx, date)
			if err != nil {
				return nil, err
			}
			return []*toaststats.BuildResult{res}, nil
		}
		res, err := b.BuildAll(ctx)
		if res == nil {
			res = []*toaststats.BuildResult{}
		}
		return res, err
	}
	return build, b.Pending
}
