package api

import (
	"log/slog"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/store"
)

// NewBuilder wires toaststats.Builder into the server: a date builds that
// collection date, "" builds every pending date.
func NewBuilder(st *store.Store, log *slog.Logger) (BuildFunc, PendingFunc) {
	b := toaststats.NewBuilder(st, toaststats.BuilderOptions{Logger: log})
	return b.Func(), b.Pending
}
