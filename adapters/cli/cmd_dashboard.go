package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/store"
)

func init() {
	register("dashboard", "serve the built-in imitation of the dashboard on loopback (for trying the scraper offline)", runDashboard)
}

// runDashboard serves a dashboardtest world until ctx ends, so that the
// scrape and backfill commands can be tried (and scripted) without the real
// dashboard: point them at it with --base-url or TOASTSTATS_BASE_URL.
func runDashboard(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("dashboard", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	addr := fs.String("addr", "127.0.0.1:9090", "address to listen on (loopback only)")
	districts := fs.Int("districts", 6, "districts in the imitated world (128 is the full world)")
	clubs := fs.Int("clubs", 20, "mean clubs per district (110 is the full world)")
	from := fs.String("from", demoFrom, "first as-of date published")
	to := fs.String("to", demoTo, "last as-of date published (the live date)")
	seed := fs.Int64("seed", 1, "world seed (the same seed gives the same bytes)")
	var verbose bool
	addVerbose(fs, &verbose)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: toaststats dashboard [--addr 127.0.0.1:9090] [--districts N] [--clubs N] [--from D] [--to D] [--seed N] [-v]")
		fmt.Fprintln(e.stderr, "\nServes an imitation of dashboards.toastmasters.org until Ctrl-C.")
		fmt.Fprintln(e.stderr, exitCodeText+"\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(e.args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("dashboard: %v", err)
	}
	if fs.NArg() > 0 {
		return usageError("dashboard: unexpected arguments %q", fs.Args())
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return usageError("dashboard: --addr %q: %v", *addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usageError("dashboard: --addr %q: the imitation listens on loopback addresses only", *addr)
	}
	if *districts < 1 || *districts > 128 || *clubs < 1 || *clubs > 300 {
		return usageError("dashboard: --districts must be 1..128 and --clubs 1..300")
	}
	for _, d := range []string{*from, *to} {
		if err := store.ValidDate(d); err != nil {
			return usageError("dashboard: %v", err)
		}
	}
	if *from > *to {
		return usageError("dashboard: --from %s is after --to %s", *from, *to)
	}

	world := dashboardtest.NewWorld(dashboardtest.Config{Districts: *districts, ClubsPerDistrict: *clubs, Seed: *seed, From: *from, To: *to})
	dash := dashboardtest.NewServer(world) // owns the handler; we serve it on the requested address
	defer dash.Close()
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return exitCode(1, fmt.Errorf("dashboard: listen on %s: %w", *addr, err))
	}
	var h http.Handler = dash
	if verbose {
		log := snapshotLogger(e, true)
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			log.Info("request", "method", r.Method, "uri", r.RequestURI)
			dash.ServeHTTP(w, r)
		})
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	fmt.Fprintf(e.stdout, "imitation dashboard at http://%s (%d districts, as-of dates %s to %s; live date %s)\n",
		l.Addr(), *districts, *from, *to, world.Newest())
	fmt.Fprintf(e.stdout, "scrape it with: toaststats scrape --base-url http://%s --mode http\n", l.Addr())

	select {
	case <-ctx.Done():
		shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(shutCtx)
	case err := <-served:
		return exitCode(1, fmt.Errorf("dashboard: %w", err))
	}
}
