#!/usr/bin/env bash
# The soak of issue 12 (TestSoak in adapters/api/soak_test.go): the real
# server binary under mixed load over every public route, every admin GET
# route (with the token) and POST /api/admin/refresh, while a writer adds a
# raw-cache date every 2 s and builds publish new snapshots every 2 s.
# Fails on any 5xx, transport error, unparsable or mixed-generation answer,
# unbounded memory or goroutine growth; prints the RSS and goroutine curves.
# Usage: adapters/api/loadtest/soak.sh [DURATION]   (default 10m; CI runs 45s)
set -euo pipefail
cd "$(dirname "$0")/../../.."
dur="${1:-10m}"
TOASTSTATS_SOAK="$dur" go test ./adapters/api -run '^TestSoak$' -count=1 -v -timeout 60m | grep -E 'soak_test|^(---|PASS|FAIL|ok)'
