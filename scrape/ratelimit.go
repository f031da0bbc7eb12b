package scrape

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/time/rate"
)

// The rate limit of both modes (HTTPOptions.Limiter, BrowserOptions.Limiter):
// every request the scraper itself sends or makes the browser send to the
// dashboard takes a token first, each attempt of a retried request
// included. In HTTP mode that is every attempt at export.aspx (the client
// follows no redirects). In browser mode it is every page navigation and
// every export (selecting CSV, which opens the popup that downloads
// export.aspx). What Chromium requests by itself is not seen: a page's
// scripts, styles and images, its favicon, and the target of a redirect it
// follows (error.aspx). Those come on top of the limit.

// errNoTurn: the Limiter can never grant a request (a burst of 0 with a
// finite rate). Not the dashboard's fault, and never retried.
var errNoTurn = errors.New("the rate limiter allows no request at all")

// waitTurn waits until lim grants one request (at once when lim is nil).
// Cancelling ctx ends the wait with ctx's error and gives the token back.
// Unlike rate.Limiter.Wait it does not refuse up front a wait longer than
// ctx's deadline: it waits until the deadline, as an attempt would.
func waitTurn(ctx context.Context, lim *rate.Limiter) error {
	if lim == nil {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r := lim.Reserve()
	if !r.OK() {
		return fmt.Errorf("%w (%v requests/s with burst %d)", errNoTurn, float64(lim.Limit()), lim.Burst())
	}
	d := r.Delay()
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.Cancel()
		return ctx.Err()
	}
}
