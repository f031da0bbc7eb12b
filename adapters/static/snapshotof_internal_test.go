package static

import "testing"

func TestSnapshotOf(t *testing.T) {
	for body, want := range map[string]string{
		`{"data":{"x":1},"_snapshot_metadata":{"snapshot_id":"2025-11-16","created_at":"2025-11-20T06:00:00Z"}}` + "\n": "2025-11-16",
		`{"rankings":[],"date":"d","_snapshot_metadata":{"snapshot_id":"2025-11-15","from_cache":true}}`:                "2025-11-15",
		// The block first: the tail holds the rest too and still decodes.
		`{"_snapshot_metadata":{"snapshot_id":"a"},"data":{"n":2}}`: "a",
		// A nested key of that name after the top-level one: the tail is
		// not an object by itself, the whole answer is decoded.
		`{"x":1,"_snapshot_metadata":{"snapshot_id":"top"},"data":{"y":1,"_snapshot_metadata":{"snapshot_id":"inner"}}}`: "top",
		// The name inside a string is escaped, never matched.
		`{"data":{"s":"\",\"_snapshot_metadata\":{}"},"_snapshot_metadata":{"snapshot_id":"s"}}`: "s",
		`{"data":{"dates":[]}}`: "",
		`not json`:              "",
	} {
		if got := snapshotOf([]byte(body)); got != want {
			t.Errorf("snapshotOf(%s) = %q, want %q", body, got, want)
		}
	}
}
