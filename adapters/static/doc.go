// Package static exports the read-only HTTP API of toaststats as files that
// any static host or CDN can serve: Export renders every public answer that
// needs no query string by calling the real API handler (adapters/api) in
// process with a GET, and writes the body bytes, unchanged, to a
// store.Objects destination (a local directory, or an object-store bucket
// behind the same interface). A re-export after a new snapshot writes only
// the files whose bytes changed.
//
// # URL mapping
//
// A request path becomes an object key by dropping the leading "/" and
// adding ".json", so a static host serves it as application/json:
//
//	GET /api/districts                          api/districts.json
//	GET /api/districts/rankings                 api/districts/rankings.json
//	GET /api/districts/cache/dates              api/districts/cache/dates.json
//	GET /api/districts/{id}/{answer}            api/districts/{id}/{answer}.json
//
// where {answer} is statistics, clubs, membership-history,
// educational-awards, rank-history, cached-dates, membership-analytics,
// analytics, vulnerable-clubs, leadership-insights or
// distinguished-club-analytics, for every district the current snapshot
// lists or ranks (an answer the API gives as 404, such as the statistics
// of a district that is only ranked, has no file). The answers for a past
// snapshot (?date=) live under the snapshot's id:
//
//	GET /api/districts/rankings?date=D          api/snapshots/D/districts/rankings.json
//	GET /api/districts?date=D                   api/snapshots/D/districts.json
//	GET /api/districts/{id}/statistics?date=D   api/snapshots/D/districts/{id}/statistics.json
//	GET /api/districts/{id}/clubs?date=D        api/snapshots/D/districts/{id}/clubs.json
//
// for every date /api/districts/cache/dates lists (Options.Since and
// Options.NoHistory narrow or drop them). Only the answers of one snapshot
// are exported per date: the series answers (analytics, histories) of a past
// date depend on every snapshot before it, change when an older date is
// backfilled, and would multiply the export by eleven for little use; a
// client shows them for the current snapshot. Per-club answers
// (/clubs/{clubId}/trends and /needs) are left out: the whole world has about
// 14,000 clubs, each answer a computation over the program year that changes
// every day, so they would dominate the export's time and size. The OpenAPI
// document, /api, /health and /metrics describe or monitor a running server
// and are not exported either.
//
// index.json, at the top of the destination, lists every exported file with
// the request it answers, its sha256, its size and the id of the snapshot
// it came from (the answer's _snapshot_metadata.snapshot_id; for the date
// lists, which carry none, the current snapshot), and says whether the
// export was complete: "complete": false and, under "failures", the answers
// the API could not give (Index.Failures: path, request, status, error). It
// holds no timestamp, so an export of unchanged data writes nothing at all.
//
// # Same bytes, deterministic output
//
// The files are the bodies the server sends, byte for byte: nothing is
// decoded and encoded again. Everything per request lives in headers
// (X-Request-Id, ETag, Cache-Control, Date), which are not exported; the
// bodies carry no request id and no clock reading, so rendering the same
// snapshots twice gives the same bytes. The _snapshot_metadata block is
// kept, because it is part of the answer: it names the snapshot (id and
// creation time), so a new snapshot changes every answer about the current
// snapshot, and a re-export rewrites those files, while the files of older
// snapshots (api/snapshots/...) are left alone unless that snapshot was
// rebuilt.
//
// # Incremental writes and ordering
//
// Export reads the previous index.json and writes a file only when its new
// sha256 differs from the one listed there; then it writes the new index;
// then it deletes the files the old index listed and the new one does not.
// So the index is the last file written, an index never names a file that is
// not there yet, and a file stays until no index names it. A crash part-way
// leaves the old index, whose files all still exist (some already with new
// bytes, which the next export compares against their old sha256 and writes
// again). The index is trusted: a file deleted from the destination by hand
// is not noticed unless Options.Full asks for every file to be written again
// (Full also deletes files under api/ that no index names, such as those
// left by a crash between the index and the deletions). An answer the API
// cannot give (5xx) keeps its previous file and index entry, the index
// lists it among its failures, and such an incomplete export deletes
// nothing: a failed list (of dates, of a date's districts) must not pass
// for the files it names being gone. Run one export per destination at a
// time.
//
// When a snapshot is published while an export runs, answers could come from
// two snapshots; Export notices (each answer names its snapshot) and renders
// again, writing only what changed, until the whole export names one
// snapshot.
package static
