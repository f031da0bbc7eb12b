package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/adapters/api"
	"github.com/toaststats/toaststats/scrape"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

func init() {
	register("demo", "run the whole system on a built-in imitation of the dashboard", runDemo)
}

// demoFlags are the flags of the demo command.
type demoFlags struct {
	dataDir   string
	addr      string
	districts int
	clubs     int
	from, to  string
	browser   bool
	serverBin string
	noServe   bool
	verbose   bool
}

// The demo world: 24 days of PY 2025-26 around the March close, so the
// data holds a month-end closing period (early April dates still report
// March) and the first days of April, when recognition becomes official.
const (
	demoFrom = "2026-03-20"
	demoTo   = "2026-04-12"
)

// runDemo starts dashboardtest on loopback, scrapes it into a data
// directory, builds the snapshots, then starts the API server over that
// directory and waits for Ctrl-C.
func runDemo(ctx context.Context, e env) error {
	var f demoFlags
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&f.dataDir, "data-dir", envOr(e, "TOASTSTATS_DATA_DIR", "demo-data"), "data directory to fill (env TOASTSTATS_DATA_DIR)")
	fs.StringVar(&f.addr, "addr", envOr(e, "TOASTSTATS_ADDR", "127.0.0.1:8080"), "address of the API server (env TOASTSTATS_ADDR)")
	fs.IntVar(&f.districts, "districts", 6, "districts in the imitated world (128 is the full world)")
	fs.IntVar(&f.clubs, "clubs", 20, "mean clubs per district (110 is the full world)")
	fs.StringVar(&f.from, "from", demoFrom, "first as-of date of the imitated dashboard")
	fs.StringVar(&f.to, "to", demoTo, "last as-of date of the imitated dashboard")
	fs.BoolVar(&f.browser, "browser", false, "scrape with Chromium (rod) instead of plain HTTP; the browser comes from $TOASTSTATS_BROWSER or /usr/bin/chromium")
	fs.StringVar(&f.serverBin, "server-bin", e.getenv("TOASTSTATS_SERVER_BIN"), "run this toaststats-server binary as a second process instead of serving from the demo process")
	fs.BoolVar(&f.noServe, "no-serve", false, "stop after building the snapshots (do not start the API server)")
	addVerbose(fs, &f.verbose)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: toaststats demo [--data-dir D] [--addr HOST:PORT] [--districts N] [--clubs N] [--from D] [--to D] [--browser] [--no-serve] [--server-bin PATH] [-v]")
		fmt.Fprintln(e.stderr, "\nScrapes a built-in imitation of the dashboard, builds snapshots and serves them. No internet needed.")
		fmt.Fprintln(e.stderr, exitCodeText+"\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(e.args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError("demo: %v", err)
	}
	if fs.NArg() > 0 {
		return usageError("demo: unexpected arguments %q", fs.Args())
	}
	if f.districts < 1 || f.districts > 128 {
		return usageError("demo: --districts must be between 1 and 128, got %d", f.districts)
	}
	if f.clubs < 1 || f.clubs > 300 {
		return usageError("demo: --clubs must be between 1 and 300, got %d", f.clubs)
	}
	for _, d := range []string{f.from, f.to} {
		if err := store.ValidDate(d); err != nil {
			return usageError("demo: %v", err)
		}
	}
	if f.from > f.to {
		return usageError("demo: --from %s is after --to %s", f.from, f.to)
	}
	level := slog.LevelWarn
	if f.verbose {
		level = slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))

	if !f.noServe {
		if err := checkAddrFree(f.addr); err != nil {
			return exitCode(1, err)
		}
		if f.serverBin != "" {
			if _, err := os.Stat(f.serverBin); err != nil {
				return exitCode(1, fmt.Errorf("--server-bin: %w", err))
			}
		}
	}

	// 1. The imitation of the dashboard, on loopback.
	world := dashboardtest.NewWorld(dashboardtest.Config{Districts: f.districts, ClubsPerDistrict: f.clubs, Seed: 1, From: f.from, To: f.to})
	dash := dashboardtest.NewServer(world)
	defer dash.Close()
	fmt.Fprintf(e.stderr, "demo: imitation dashboard at %s (%d districts, %s to %s)\n", dash.URL, f.districts, f.from, f.to)

	// 2. Scrape every date into the raw cache.
	st, err := store.Create(f.dataDir, store.Options{Logger: log})
	if err != nil {
		return exitCode(1, fmt.Errorf("open data directory %s: %w", f.dataDir, err))
	}
	var fetcher scrape.Fetcher
	if f.browser {
		s, err := scrape.NewScraper(ctx, scrape.BrowserOptions{BaseURL: dash.URL, BrowserPath: e.getenv(scrape.BrowserEnv), Logger: log})
		if err != nil {
			return exitCode(1, fmt.Errorf("start the browser (drop --browser to scrape over plain HTTP): %w", err))
		}
		defer s.Close()
		fetcher = s
	} else {
		c := scrape.NewHTTPClient(scrape.HTTPOptions{BaseURL: dash.URL, Logger: log, Retries: 1, RetryWaitMin: 50 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond})
		defer c.Close()
		fetcher = c
	}
	orch, err := scrape.NewOrchestrator(scrape.OrchestratorOptions{Fetcher: fetcher, Store: st, AllDistricts: true, Concurrency: 4, Logger: log})
	if err != nil {
		return exitCode(1, err)
	}
	mode := "http"
	if f.browser {
		mode = "browser"
	}
	fmt.Fprintf(e.stderr, "demo: scraping %s to %s in %s mode into %s\n", f.from, f.to, mode, f.dataDir)
	bf, err := orch.Backfill(ctx, f.from, f.to, func(p scrape.BackfillProgress) {
		fmt.Fprintf(e.stderr, "  scrape %s  %-11s (%d/%d)\n", p.Date, p.Status, p.Index, p.Total)
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return exitCode(1, fmt.Errorf("scrape: %w", err))
	}
	fmt.Fprintf(e.stderr, "demo: scraped %d dates, %d files, %d bytes in %s\n", len(bf.Dates), bf.FilesCreated, bf.BytesWritten, bf.Duration.Round(time.Millisecond))

	// 3. Build a snapshot for every collected date.
	b := toaststats.NewBuilder(st, toaststats.BuilderOptions{Logger: log})
	results, err := b.BuildAll(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return exitCode(1, fmt.Errorf("build: %w", err))
	}
	// Several closing-period collections build the same month-end snapshot
	// (the newest wins), so count snapshots by id, keeping the last status.
	latest := map[string]snapshot.Status{}
	for _, r := range results {
		if !r.Skipped {
			latest[r.SnapshotID] = r.Status
		}
	}
	counts := map[snapshot.Status]int{}
	for _, s := range latest {
		counts[s]++
	}
	fmt.Fprintf(e.stderr, "demo: %d builds gave %d snapshots (%d success, %d partial, %d failed)\n",
		len(results), len(latest), counts[snapshot.StatusSuccess], counts[snapshot.StatusPartial], counts[snapshot.StatusFailed])
	dash.Close()

	if f.noServe {
		fmt.Fprintf(e.stdout, "Snapshots are in %s. Serve them with: toaststats-server --data-dir %s\n", f.dataDir, f.dataDir)
		return nil
	}

	// 4. The API server: in this process, or as its own process (the
	// two-process deployment) with --server-bin.
	return serveDemo(ctx, e, st, log, f, world.Districts(world.Newest()))
}

// serveDemo runs the API server over the demo data until ctx ends.
func serveDemo(ctx context.Context, e env, st *store.Store, log *slog.Logger, f demoFlags, districts []string) error {
	start := startInProcess
	if f.serverBin != "" {
		start = startProcess
	}
	exited, stop, err := start(e, st, log, f)
	if err != nil {
		return exitCode(1, err)
	}
	base := "http://" + f.addr
	if err := waitHealthy(ctx, base+"/health", exited); err != nil {
		_ = stop()
		if ctx.Err() != nil {
			return nil
		}
		return exitCode(1, fmt.Errorf("API server: %w", err))
	}
	d := "61"
	if len(districts) > 0 {
		d = districts[0]
		for _, id := range districts {
			if id == "61" {
				d = id
			}
		}
	}
	fmt.Fprintf(e.stdout, `toaststats demo is running.

  Open in a browser  %[1]s/   (district rankings; District %[3]s at %[1]s/districts/%[3]s)

  API server      %[1]s   (data in %[2]s)
  health          %[1]s/health
  OpenAPI         %[1]s/api/openapi.json

Try:
  curl -s %[1]s/api/districts/rankings | head -c 600; echo
  curl -s %[1]s/api/districts/%[3]s/statistics | head -c 600; echo
  curl -s %[1]s/api/districts/%[3]s/vulnerable-clubs | head -c 600; echo
  curl -s '%[1]s/api/districts/%[3]s/rank-history'
  curl -s %[1]s/api/districts/%[3]s/cached-dates

Press Ctrl-C to stop.
`, base, f.dataDir, d)

	select {
	case <-ctx.Done():
		fmt.Fprintln(e.stderr, "demo: stopping")
		if err := stop(); err != nil {
			return exitCode(1, fmt.Errorf("API server did not stop cleanly: %w", err))
		}
		return nil
	case err := <-exited:
		return exitCode(1, fmt.Errorf("API server exited: %v", err))
	}
}

// waitHealthy polls url until it answers 200, the server exits, or 30 s pass.
func waitHealthy(ctx context.Context, url string, exited <-chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-exited:
			return fmt.Errorf("exited before it was ready: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer 200 within 30s", url)
		}
	}
}

// checkAddrFree fails early with a clear message when addr is taken.
func checkAddrFree(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s (choose another with --addr): %w", addr, err)
	}
	return l.Close()
}

// startInProcess serves the API from this process (adapters/api), with the
// same admin-token file and hourly rebuilds as toaststats-server.
func startInProcess(e env, st *store.Store, log *slog.Logger, f demoFlags) (<-chan error, func() error, error) {
	token := e.getenv("TOASTSTATS_ADMIN_TOKEN")
	if token == "" {
		path, err := api.EnsureAdminToken(f.dataDir, &token)
		if err != nil {
			return nil, nil, fmt.Errorf("admin token: %w", err)
		}
		fmt.Fprintf(e.stderr, "demo: admin routes need the bearer token stored in %s\n", path)
	}
	build, pending := api.NewBuilder(st, log.With("component", "builder"))
	srv := api.NewServer(api.Config{AdminToken: token, Version: "demo"}, api.Deps{Store: st, Build: build, Pending: pending, Logger: log})
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		srv.Close()
		return nil, nil, fmt.Errorf("API server: listen: %w", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 5 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	exited := make(chan error, 1)
	go func() { exited <- hs.Serve(ln) }()
	srv.Start(time.Hour)
	stop := func() error {
		defer srv.Close()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return hs.Shutdown(sctx)
	}
	return exited, stop, nil
}

// startProcess runs the --server-bin program over the data directory.
func startProcess(e env, _ *store.Store, _ *slog.Logger, f demoFlags) (<-chan error, func() error, error) {
	cmd := exec.Command(f.serverBin, "--data-dir", f.dataDir, "--addr", f.addr)
	cmd.Stdout = io.Discard
	if f.verbose {
		cmd.Stdout = e.stderr
	}
	cmd.Stderr = e.stderr
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("start the API server %s: %w", f.serverBin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() error {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			return err
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			return <-exited
		}
	}
	return exited, stop, nil
}

// envOr returns $name, or def when it is empty.
func envOr(e env, name, def string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return def
}
