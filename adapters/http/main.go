// Command toaststats-server is the API server of toaststats: it builds
// snapshots from the raw CSV cache in the background and serves them, with
// history-based analytics, as JSON over HTTP. It never scrapes.
//
// Usage:
//
//	toaststats-server (--data-dir DIR | --store URL) [--addr 127.0.0.1:8080] [--admin-token T]
//	    [--trusted-proxies 127.0.0.1/32] [--rebuild-interval 1h] [--cors-origin https://a.example,https://b.example]
//	    [--rate-limit 20 --rate-burst 60] [--log-format text|json]
//	    [--store-cache-mb 32] [--memory-limit-mb 0] [--gzip-after-days 0]
//
// Every flag can also be set by its environment variable (TOASTSTATS_ADDR,
// TOASTSTATS_DATA_DIR, TOASTSTATS_STORE, TOASTSTATS_ADMIN_TOKEN, TOASTSTATS_REBUILD_INTERVAL,
// TOASTSTATS_CORS_ORIGIN, TOASTSTATS_RATE_LIMIT, TOASTSTATS_RATE_BURST,
// TOASTSTATS_LOG_FORMAT, TOASTSTATS_TRUSTED_PROXIES); flags win. Admin and
// cache-management routes always need "Authorization: Bearer <token>":
// without --admin-token the server uses the token in
// DATA-DIR/config/admin-token, creating it (0600) on first start; with an
// object-store --store (s3://bucket/prefix?endpoint=...; credentials from
// the AWS environment) no token is stored in the bucket, so without
// --admin-token the admin routes stay closed.
// Forwarding headers are believed only from --trusted-proxies.
//
// The data directory must exist (toaststats init creates it; so do
// toaststats scrape and backfill): the server never creates one, so a
// mistyped --data-dir fails at start.
//
// The API itself (routes, conventions, the in-process http.Handler) is
// package github.com/toaststats/toaststats/adapters/api; this command only
// parses flags and environment, opens the data directory and serves it.
//
// Exit status: 0 after a shutdown on SIGINT/SIGTERM (connections still
// busy after --shutdown-timeout are closed, with a warning: a slow client
// does not make a requested stop a failure), 2 for usage and configuration
// errors (a bad flag, a data directory that does not exist, an unusable
// admin-token file), 1 otherwise.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/toaststats/toaststats/adapters/api"
	"github.com/toaststats/toaststats/adapters/api/apimetrics"
	"github.com/toaststats/toaststats/internal/hugeheap"
	"github.com/toaststats/toaststats/store"
	// Object-store URLs for --store (s3://...).
	_ "github.com/toaststats/toaststats/store/backends"
)

// version is reported by /health and the OpenAPI document.
var version = "dev"

func main() {
	ctx := context.Background()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "toaststats-server:", err)
		os.Exit(exitStatus(err))
	}
}

// exitStatus is the exit status for an error run returned: 2 for a usage
// or configuration error (a bad flag, a data directory that does not
// exist, an unusable admin-token file: a usageError, or api.IsConfigError,
// the rule the toaststats command shares), 1 otherwise.
func exitStatus(err error) int {
	var ue *usageError
	if errors.As(err, &ue) || api.IsConfigError(err) {
		return 2
	}
	return 1
}

// usageError is a bad command line or environment (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// options are the parsed flags.
type options struct {
	addr            string
	dataDir         string
	store           string
	adminToken      string
	rebuildInterval time.Duration
	corsOrigins     []string
	rateLimit       float64
	rateBurst       int
	logFormat       string
	logLevel        string
	shutdownTimeout time.Duration
	storeCacheMB    int
	gzipAfterDays   int
	memoryLimitMB   int
	hugeHeapMB      int
	pretouchMB      int
	gcFloorMB       int
	trustedProxies  []netip.Prefix
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (*options, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &options{}
	var cors, interval, rateLimit, rateBurst, proxies string
	fs.StringVar(&o.addr, "addr", env("TOASTSTATS_ADDR", "127.0.0.1:8080"), "listen address (env TOASTSTATS_ADDR)")
	fs.StringVar(&o.dataDir, "data-dir", env("TOASTSTATS_DATA_DIR", ""), "data directory, which must exist: toaststats init creates it (env TOASTSTATS_DATA_DIR; required unless --store)")
	fs.StringVar(&o.store, "store", env("TOASTSTATS_STORE", ""), "data location as a URL instead of --data-dir: s3://bucket/prefix?endpoint=...&region=...&use_path_style=true or file:///path (env TOASTSTATS_STORE; credentials from the AWS environment)")
	fs.StringVar(&o.adminToken, "admin-token", env("TOASTSTATS_ADMIN_TOKEN", ""), "bearer token for admin and cache routes (env TOASTSTATS_ADMIN_TOKEN; default: the token in DATA-DIR/config/admin-token, created on first start)")
	fs.StringVar(&proxies, "trusted-proxies", env("TOASTSTATS_TRUSTED_PROXIES", ""), "comma-separated CIDRs or IPs of reverse proxies whose X-Forwarded-For/Forwarded headers are believed (env TOASTSTATS_TRUSTED_PROXIES; none by default)")
	fs.StringVar(&interval, "rebuild-interval", env("TOASTSTATS_REBUILD_INTERVAL", "1h"), "how often to build pending cache dates; 0 = only at start and on request (env TOASTSTATS_REBUILD_INTERVAL)")
	fs.StringVar(&cors, "cors-origin", env("TOASTSTATS_CORS_ORIGIN", ""), "comma-separated browser origins allowed by CORS (none by default) (env TOASTSTATS_CORS_ORIGIN)")
	fs.StringVar(&rateLimit, "rate-limit", env("TOASTSTATS_RATE_LIMIT", "20"), "requests per second allowed per client IP; 0 disables (env TOASTSTATS_RATE_LIMIT)")
	fs.StringVar(&rateBurst, "rate-burst", env("TOASTSTATS_RATE_BURST", "60"), "burst of requests allowed per client IP (env TOASTSTATS_RATE_BURST)")
	fs.StringVar(&o.logFormat, "log-format", env("TOASTSTATS_LOG_FORMAT", "text"), "log format: text or json (env TOASTSTATS_LOG_FORMAT)")
	fs.StringVar(&o.logLevel, "log-level", env("TOASTSTATS_LOG_LEVEL", "info"), "log level: debug, info, warn or error (env TOASTSTATS_LOG_LEVEL)")
	fs.IntVar(&o.storeCacheMB, "store-cache-mb", 32, "memory for the snapshot store's read cache, in MiB")
	fs.IntVar(&o.gzipAfterDays, "gzip-after-days", 0, "gzip each snapshot built more than this many days after its date (backfills of settled data); 0 = never")
	fs.IntVar(&o.memoryLimitMB, "memory-limit-mb", 0, "soft memory limit for the Go runtime in MiB, e.g. 90% of a container's memory (0 = none; GOMEMLIMIT wins when set); keep it well above the working set (~250 MB for a world-sized year with two districts' series cached), or the collector runs without pause")
	fs.IntVar(&o.hugeHeapMB, "huge-heap-mb", defaultHugeHeapMB, "MiB of the heap to ask transparent huge pages for at start (Linux; one page fault per 2 MiB instead of per 4 KiB, which on virtual machines is most of a first analytics answer); 0 = none; GODEBUG=disablethp=1 also turns it off")
	fs.IntVar(&o.pretouchMB, "pretouch-mb", defaultPretouchMB, "MiB of that huge-page heap made resident at start (at most --huge-heap-mb), so the first analytics answers do not wait for its page faults; costs that much resident memory from the start and ~3.5 ms per MiB of start time on a virtual machine; 0 = none")
	fs.IntVar(&o.gcFloorMB, "gc-floor-mb", defaultGCFloorMB, "MiB of heap growth the garbage collector leaves alone past what is live (a first analytics answer decodes ~50 MB of a district's history at once, which the default collector interrupts 4-5 times); costs at most this much more resident memory, and counts against --memory-limit-mb (at most a quarter of it is used); 0 = none")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 15*time.Second, "how long to let requests finish on SIGINT/SIGTERM")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, flag.ErrHelp
		}
		return nil, &usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return nil, &usageError{"unexpected arguments: " + strings.Join(fs.Args(), " ")}
	}
	if o.store != "" {
		if o.dataDir != "" && o.dataDir != env("TOASTSTATS_DATA_DIR", "") {
			return nil, &usageError{"give --data-dir or --store, not both"}
		}
		o.dataDir = o.store
	}
	if o.dataDir == "" {
		return nil, &usageError{"--data-dir (or TOASTSTATS_DATA_DIR), or --store (or TOASTSTATS_STORE), is required"}
	}
	var err error
	if o.rebuildInterval, err = time.ParseDuration(interval); err != nil || o.rebuildInterval < 0 {
		return nil, &usageError{fmt.Sprintf("--rebuild-interval: not a duration: %q", interval)}
	}
	if o.storeCacheMB < 1 || o.memoryLimitMB < 0 || o.gzipAfterDays < 0 || o.hugeHeapMB < 0 || o.pretouchMB < 0 || o.gcFloorMB < 0 {
		return nil, &usageError{"--store-cache-mb must be >= 1, --memory-limit-mb, --gzip-after-days, --huge-heap-mb, --pretouch-mb and --gc-floor-mb >= 0"}
	}
	if o.rateLimit, err = strconv.ParseFloat(rateLimit, 64); err != nil || !(o.rateLimit >= 0) || math.IsInf(o.rateLimit, 1) {
		return nil, &usageError{fmt.Sprintf("--rate-limit: not a number >= 0: %q", rateLimit)}
	}
	if o.rateBurst, err = strconv.Atoi(rateBurst); err != nil || o.rateBurst < 1 {
		return nil, &usageError{fmt.Sprintf("--rate-burst: not an integer >= 1: %q", rateBurst)}
	}
	for _, c := range strings.Split(proxies, ",") {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		p, err := netip.ParsePrefix(c)
		if err != nil {
			a, aerr := netip.ParseAddr(c)
			if aerr != nil {
				return nil, &usageError{fmt.Sprintf("--trusted-proxies: %q is not a CIDR (like 127.0.0.1/32 or 10.0.0.0/8) or an IP", c)}
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		o.trustedProxies = append(o.trustedProxies, p.Masked())
	}
	for _, c := range strings.Split(cors, ",") {
		if c = strings.TrimSpace(c); c != "" {
			o.corsOrigins = append(o.corsOrigins, c)
		}
	}
	switch o.logFormat {
	case "text", "json":
	default:
		return nil, &usageError{"--log-format must be text or json"}
	}
	if _, _, err := net.SplitHostPort(o.addr); err != nil {
		return nil, &usageError{fmt.Sprintf("--addr: %v", err)}
	}
	return o, nil
}

func newLogger(o *options, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return nil, &usageError{"--log-level: " + err.Error()}
	}
	hopts := &slog.HandlerOptions{Level: level}
	if o.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, hopts)), nil
	}
	return slog.New(slog.NewTextHandler(w, hopts)), nil
}

// defaultHugeHeapMB is --huge-heap-mb's default: about the server's working
// set with a world-sized year (~250 MB with two districts' series cached).
// A first analytics answer decodes a district's year of history into
// memory the process has never touched; on the virtual machine of issue 17
// (a page fault ~17 µs) that was 160-210 ms with 4 KiB pages and 50-110 ms
// with the first 256 MiB of heap in huge pages (3 server starts each), for
// the same resident memory (~310-350 MB after a dozen districts).
const defaultHugeHeapMB = 256

// defaultPretouchMB is --pretouch-mb's default: about what a first
// analytics answer first-touches (a district's year decoded, ~21 MB; the
// report, ~3 MB; its 5 MB of JSON) and a second district's. On the machine
// of issue 17 the first /api/districts/42/analytics answer of a year of
// world snapshots (interleaved starts, 10 s apart): median 79 ms (55-98)
// without, 41 ms (35-61) with, asked 1 s after the start; 84 against 44 ms
// asked 10 s after. The start took ~230 ms longer and held ~54 MB more
// before the first answer, and the same (~96 MB) after two districts.
const defaultPretouchMB = 64

// prepareHeap is hugeheap.PrepareResident (tests count the calls).
var prepareHeap = hugeheap.PrepareResident

// defaultGCFloorMB is --gc-floor-mb's default. A first analytics answer
// decodes a district's year of history (~35 MB live, ~47 MB allocated)
// into a heap that holds ~1 MB after start; with the collector's default
// pacing (next collection at twice the live heap, 4 MB at least) that is
// 4-5 collections, whose marking, assists and pauses were half the answer.
// On the machine of issue 17, a fresh server's first answer (interleaved
// starts): median 63 ms (51-109) without the floor, 31 ms (26-49) with it;
// GOGC=off gave the same. 64 MiB holds the first answer and a second
// district's (35 MB live + 47 allocated) without a collection.
const defaultGCFloorMB = 64

// heapFloor is the block --gc-floor-mb holds (see raiseHeapFloor).
var heapFloor struct {
	sync.Mutex
	b []byte
}

// raiseHeapFloor keeps size bytes of heap allocated for the rest of the
// process, so the collector, which paces itself by the live heap (the next
// collection starts when the heap reaches 1+GOGC/100 times what the last
// one found live), lets the heap grow by about size more before each
// collection. The block holds no pointers, so marking it costs nothing,
// and it is never written: allocated first thing, it comes from address
// space the process has never used, which the runtime knows to be zero and
// does not clear, so none of it becomes resident (memory freed earlier
// would be cleared, and resident; hence "first thing"). What it costs is
// garbage: up to size more resident memory between collections. It counts
// as heap in use against a soft memory limit. Raising it again only grows
// it (tests run the server many times in one process).
func raiseHeapFloor(size int) {
	heapFloor.Lock()
	defer heapFloor.Unlock()
	if size > len(heapFloor.b) {
		heapFloor.b = make([]byte, size)
	}
}

// heapFloorSize is the floor --gc-floor-mb asks for under the runtime's
// soft memory limit (math.MaxInt64 when there is none): at most a quarter
// of the limit. The floor counts as heap in use against the limit, so a
// 64 MiB floor under a 128 MiB limit would leave the collector running
// without pause.
func heapFloorSize(floorMB int, limit int64) int {
	return int(min(int64(floorMB)<<20, limit/4))
}

// serverMemory applies the memory flags: the runtime's soft limit (unless
// GOMEMLIMIT is set), the collector's floor (before anything else allocates
// much: see raiseHeapFloor) and the huge pages asked for the heap, the
// first --pretouch-mb of them made resident; the floor and the huge-page
// ballast are allocated in one spell with the collector off. Its error is
// only about the huge pages (hugeheap.ErrUnavailable where the system has
// none is not one); the server runs the same without them.
func serverMemory(o *options, getenv func(string) string) error {
	if o.memoryLimitMB > 0 && getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(o.memoryLimitMB) << 20)
	}
	floor := heapFloorSize(o.gcFloorMB, debug.SetMemoryLimit(-1))
	raised := false
	raise := func() { raiseHeapFloor(floor); raised = true }
	var err error
	if o.hugeHeapMB > 0 {
		// The floor is raised inside, with the collector off: the
		// collection it would start could otherwise leave freed pages
		// where the ballast goes, and the runtime would clear (and make
		// resident) all of it (see hugeheap.PrepareResident).
		_, _, err = prepareHeap(o.hugeHeapMB<<20, min(o.pretouchMB, o.hugeHeapMB)<<20, raise)
	}
	if !raised {
		raiseHeapFloor(floor)
	}
	if err != nil && !errors.Is(err, hugeheap.ErrUnavailable) {
		return err
	}
	return nil
}

// objectStore reports whether location names an object store (a bucket
// URL) rather than a local directory (a path or a file:// URL).
func objectStore(location string) bool {
	return store.IsURL(location) && !strings.HasPrefix(location, "file://")
}

// openStore opens the data location of o. The server never creates a
// local data directory (toaststats init, scrape and backfill do): a
// mistyped --data-dir must fail at start, not serve 503s from a new empty
// store. A local directory that cannot be opened (missing, not a
// directory) is a configuration error (exit status 2) naming the path and,
// when it is missing, the command that creates it. An object store is
// opened as it is (the bucket must exist; a prefix in it need not).
func openStore(o *options, opts store.Options) (*store.Store, error) {
	st, err := store.Open(o.dataDir, opts)
	switch {
	case err == nil:
		return st, nil
	case objectStore(o.dataDir):
		return nil, fmt.Errorf("open data directory: %w", err)
	case errors.Is(err, store.ErrNoDataDir):
		flag, env := "--data-dir", "TOASTSTATS_DATA_DIR"
		if o.store != "" {
			flag, env = "--store", "TOASTSTATS_STORE"
		}
		return nil, &usageError{fmt.Sprintf("data directory %s does not exist (the server never creates one): check %s / %s, or create it with `toaststats init %s %s`",
			o.dataDir, flag, env, flag, o.dataDir)}
	}
	return nil, &usageError{fmt.Sprintf("open data directory %s: %v", o.dataDir, err)}
}

// run is the whole program: parse flags, open the data directory, serve
// until ctx ends or SIGINT/SIGTERM arrives, then shut down gracefully. It
// prints "listening on http://ADDR" on stdout once the listener is up.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil // -h printed the usage
	}
	if err != nil {
		return err
	}
	log, err := newLogger(o, stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	if err := serverMemory(o, getenv); err != nil {
		log.Warn("no huge pages for the heap", "err", err)
	}
	st, err := openStore(o, store.Options{Logger: log.With("component", "store"), MaxCacheBytes: int64(o.storeCacheMB) << 20,
		GzipAfter: time.Duration(o.gzipAfterDays) * 24 * time.Hour})
	if err != nil {
		return err
	}
	token := o.adminToken
	if token == "" && objectStore(o.dataDir) {
		// Servers sharing a bucket share no disk, and a secret in the
		// bucket would be readable by every holder of its credentials: a
		// random token nobody knows keeps the admin routes closed.
		token = rand.Text()
		log.Warn("admin routes are closed: the store is an object store; set TOASTSTATS_ADMIN_TOKEN to open them to bearer-token holders")
	} else if token == "" {
		path, err := api.EnsureAdminToken(o.dataDir, &token)
		if err != nil {
			return err // names the file and what is wrong with it
		}
		log.Info("admin routes need the bearer token stored in the data directory (set TOASTSTATS_ADMIN_TOKEN to choose one)", "token_file", path)
	}
	build, pending := api.NewBuilder(st, log.With("component", "builder"))
	srv := api.NewServer(api.Config{
		AdminToken:     token,
		TrustedProxies: o.trustedProxies,
		CORSOrigins:    o.corsOrigins,
		RateLimit:      o.rateLimit,
		RateBurst:      o.rateBurst,
		Version:        version,
	}, api.Deps{Store: st, Build: build, Pending: pending, Logger: log, Metrics: apimetrics.New}) // Prometheus at GET /metrics
	defer srv.Close()

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "data_dir", o.dataDir, "rebuild_interval", o.rebuildInterval)
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	srv.Start(o.rebuildInterval)

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), o.shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		// Requests still running (or clients holding a connection with a
		// half-sent request) after the grace period: cut them, and still
		// stop the background work cleanly below.
		log.Warn("connections still busy after the shutdown timeout; closing them", "timeout", o.shutdownTimeout, "err", err)
		_ = hs.Close()
	}
	srv.Close()
	log.Info("stopped")
	return nil
}
