#!/usr/bin/env bash
# Issue 13's read target: the server reading the whole world from a bucket
# (MinIO on loopback, built by `go install github.com/minio/minio@…` as in
# .ci/run) keeps at least 1/1.2 of the throughput of the same server on the
# local data directory, after warm-up (wrk -t2 -c64 -d8s, runs alternating
# local, bucket, bucket, local). The world is generated once into
# $TOASTSTATS_LOADTEST_WORLD_DIR (default /tmp/toaststats-world). The cores
# may be shared: read the figures against the load average printed next to
# them.
set -euo pipefail
cd "$(dirname "$0")/../../.."
export TOASTSTATS_LOADTEST_WORLD_DIR="${TOASTSTATS_LOADTEST_WORLD_DIR:-/tmp/toaststats-world}"
export PATH="$PATH:$(go env GOPATH)/bin"
go test ./adapters/api -run '^$' -bench '^BenchmarkWorldObjectStore$' -benchtime 1x -timeout 20m -v | grep -E 'objectstoreload_test|Benchmark|ok|FAIL'
