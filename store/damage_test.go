package store

import (
	"context"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

// DamageReasons: nothing for an intact snapshot; a file a read found
// damaged, as the read found it and as QuickCheck sees it (its size
// changed); a file missing on disk, found by QuickCheck alone.
func TestDamageReasons(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{FileCheckInterval: -1})
	ss := st.Snapshots()
	must(t, ss.Publish(ctx, makeSnapshot("2025-10-01", snapshot.StatusSuccess, 3, 3)))
	v, err := ss.Current(ctx)
	must(t, err)
	if r := ss.DamageReasons(ctx, v); len(r) != 0 {
		t.Fatalf("intact snapshot: %q", r)
	}
	f2 := "snapshots/2025-10-01/" + DistrictFileName("2")
	must(t, st.Objects().Write(ctx, f2, []byte("{")))
	if _, err := v.DistrictShared(ctx, "2"); err == nil {
		t.Fatal("damaged file read without error")
	}
	r := ss.DamageReasons(ctx, v)
	if len(r) != 2 || !strings.HasPrefix(r[0], "damaged file "+f2+": ") || !strings.HasPrefix(r[1], "snapshot 2025-10-01: ") || !strings.Contains(r[1], DistrictFileName("2")) {
		t.Fatalf("one damaged file: %q", r)
	}
	f3 := "snapshots/2025-10-01/" + DistrictFileName("3")
	must(t, st.Objects().Delete(ctx, f3))
	r = ss.DamageReasons(ctx, v)
	if len(r) != 3 || !strings.HasPrefix(r[2], "snapshot 2025-10-01: ") || !strings.Contains(r[2], DistrictFileName("3")) {
		t.Fatalf("one damaged and one missing file: %q", r)
	}
}
