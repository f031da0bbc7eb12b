#!/usr/bin/env bash
# Load benchmark of the API server: a year of daily snapshots for 10
# districts (generated once into $TOASTSTATS_LOADTEST_DIR, default
# /tmp/toaststats-loadtest), the real server binary on loopback, 64
# connections against /api/districts/rankings and one district's
# statistics, with a Go load generator and with wrk (plain and gzip).
# Prints requests/s, p50/p99 latency, the server's CPU per request and its
# resident memory. Targets: >= 10,000 req/s and p99 < 5 ms for cached reads,
# RSS < 150 MB. Read the figures against the load average it prints: the
# machine's cores may be shared.
set -euo pipefail
cd "$(dirname "$0")/../../.."
export TOASTSTATS_LOADTEST_DIR="${TOASTSTATS_LOADTEST_DIR:-/tmp/toaststats-loadtest}"
go test ./adapters/api -run '^$' -bench '^BenchmarkLoad$' -benchtime 1x -timeout 20m -v | grep -E 'loadtest_test|Benchmark|ok|FAIL'
