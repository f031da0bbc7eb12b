package main

import (
	"log/slog"

	"github.com/toaststats/toaststats/store"
)

// newBuilder wires toaststats.Builder into the server.
func newBuilder(st *store.Store, log *slog.Logger) (BuildFunc, PendingFunc) {
	return nil, nil // TODO(wire): toaststats.Builder has not landed yet
}
