// Package api is the HTTP API of toaststats as a library: NewServer returns
// a *Server, an http.Handler that serves a snapshot store (and keeps it fresh
// with a background builder, see NewBuilder), so a program, a test or the
// `toaststats demo` command can run the whole API in-process:
//
//	st, _ := store.Create(dir, store.Options{})
//	build, pending := api.NewBuilder(st, logger)
//	srv := api.NewServer(api.Config{AdminToken: token}, api.Deps{Store: st, Build: build, Pending: pending})
//	defer srv.Close()
//	srv.Start(time.Hour) // background builds; 0 = only at start and on request
//	http.ListenAndServe("127.0.0.1:8080", srv)
//
// The command toaststats-server (adapters/http) is this package behind
// flags and environment variables, for the two-process deployment. It also
// sets Deps.Metrics to apimetrics.New (package adapters/api/apimetrics), the
// Prometheus metrics served at GET /metrics; without Deps.Metrics a server
// keeps no metrics and has no /metrics route, so a program embedding the
// API links no Prometheus.
//
// The HTTP machinery that is not the API (encoded answers with ETag, 304
// and gzip, the response cache, the JSON error envelope, the middleware
// chain, client IP behind trusted proxies, rate limits, CORS, the
// shared-prefix router, the admin token file) is package adapters/httpkit;
// this package adds the route table (which feeds both the router and the
// OpenAPI document), the error codes and admin authorization.
//
// The package is wiring and presentation: the statistics come from
// analytics, the series of snapshots they are computed over from
// toaststats.Series, the goals and assessments from assess, snapshot
// resolution, configuration history, cache statistics and store health from
// store, background build jobs from toaststats.Jobs, the process-separation
// measurements and verdicts from readcheck, and the leader pages, loaded
// and rendered, from adapters/pages. Every route answers a typed struct of package
// adapters/api/apitypes (which Go clients import to decode answers), and the
// success schemas of GET /api/openapi.json are generated from those types
// (internal/openapi); the contract test validates every route's real answer
// against them.
//
// API conventions (the whole surface is in routes.go, described by
// GET /api/openapi.json):
//   - Data responses are {"data": …, "_snapshot_metadata": …}; "data" holds
//     the predecessor's body object (for example {"clubs": [...]}) or the
//     district statistics. The rankings response keeps the seed's shape:
//     {"rankings", "date", "_snapshot_metadata" with data_source, from_cache,
//     ranking_version}. Errors are {"error": {"code", "message", "details"}}.
//   - ?date=YYYY-MM-DD reads any stored successful snapshot; rankings fall
//     back to the newest earlier one unless ?fallback=false. Before the first
//     snapshot data routes answer 503 NO_SNAPSHOT_AVAILABLE.
//   - Answers carry an ETag (304 on If-None-Match) and are gzip-compressed
//     when accepted. Cache-Control: max-age=60 for the current snapshot;
//     one year, immutable, for a snapshot chosen by date more than 45 days
//     old (younger dates can still be republished by closing-period
//     collections: max-age=3600); answers over the series of snapshots
//     (analytics, histories) are never immutable.
//   - DELETE /api/districts/cache moves raw-cache dates to the raw-cache
//     trash (toaststats trash list|restore|purge), only with an explicit
//     choice: ?date=YYYY-MM-DD, or ?all=true&confirm=delete-all-raw-cache.
//   - POST /api/admin/refresh starts a background build (202 with a job id;
//     GET /api/admin/refresh/:jobId for its status; 409 while one runs).
//     Builds also run at start when the raw cache holds data no snapshot
//     covers, and every --rebuild-interval. Reads never wait for builds.
//   - /api/reconciliation/* runs month-end rebuilds of one data month's
//     collections as build jobs; /api/assessment/* keeps district leaders'
//     goals and monthly assessments under assessments/ in the data directory.
//   - "rankings" and "cache" are reserved words under /api/districts/.
package api
