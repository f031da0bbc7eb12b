#!/usr/bin/env bash
# The whole-world comparison of issue 12: the real server against a bare
# net/http "floor" server answering the same bytes from memory, wrk -t2 -c64
# -d8s on loopback, rate limit and access logs off, for the rankings and one
# district's statistics; plus one idle client's view of periodic stalls.
# Targets: >= 0.8x the floor's requests/s, p99 <= 1.5x the floor's p99, zero
# non-2xx (a run with any is refused). The world (128 districts, ~14,000
# clubs) is generated once into $TOASTSTATS_LOADTEST_WORLD_DIR (default
# /tmp/toaststats-world). TOASTSTATS_LOADTEST_SERVER_BIN runs another server
# binary (e.g. an older build, to compare). Set TOASTSTATS_LOADTEST_STRICT=1
# to fail when a target is missed. The cores may be shared: read the figures
# against the load average printed next to them.
set -euo pipefail
cd "$(dirname "$0")/../../.."
export TOASTSTATS_LOADTEST_WORLD_DIR="${TOASTSTATS_LOADTEST_WORLD_DIR:-/tmp/toaststats-world}"
go test ./adapters/api -run '^$' -bench '^BenchmarkWorldVsFloor$' -benchtime 1x -timeout 20m -v | grep -E 'worldload_test|Benchmark|ok|FAIL'
