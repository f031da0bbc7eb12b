package api

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestCloseStopsBackgroundWork: a server with scheduled builds, a running
// build and a rate limiter leaves no goroutine behind after Close.
func TestCloseStopsBackgroundWork(t *testing.T) {
	before := goleak.IgnoreCurrent()
	st := openFixtureStore(t, t.TempDir(), true)
	started := make(chan struct{}, 1)
	build := func(ctx context.Context, date string) (any, error) {
		select {
		case started <- struct{}{}:
		default:
		}
		<-ctx.Done() // a long build, cancelled by Close
		return nil, ctx.Err()
	}
	pending := func(ctx context.Context) ([]string, error) { return []string{"2025-09-01"}, nil }
	srv := NewServer(Config{RateLimit: 5, RateBurst: 5}, Deps{Store: st, Build: build, Pending: pending, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv.Start(time.Millisecond)
	<-started
	srv.Close()
	goleak.VerifyNone(t, before)
	if _, err := srv.builds.Start("api", ""); err == nil {
		t.Error("a build started after Close")
	}
}
