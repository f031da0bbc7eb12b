package store

import (
	"context"
	"encoding/json"
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

// An edit of metadata.json that keeps it valid JSON (a collection date
// moved back a day: same size) fails its checksum in the manifest. A
// snapshot without metadata.json's checksum (published before it was
// recorded) is checked as before.
func TestCheckSnapshotCoversMetadataAndManifest(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	ss := st.Snapshots()
	const id = "2025-10-01"
	snap := makeSnapshot(id, snapshot.StatusSuccess, 3, 3)
	snap.Metadata.CollectionDate = "2025-10-04"
	must(t, ss.Publish(ctx, snap))
	c, err := ss.CheckSnapshot(ctx, id)
	if err != nil || !c.Complete || len(c.Problems) != 0 {
		t.Fatalf("intact: %+v %v", c, err)
	}
	mdKey, manKey := "snapshots/"+id+"/metadata.json", "snapshots/"+id+"/manifest.json"
	mdb, err := st.Objects().Read(ctx, mdKey)
	must(t, err)
	manb, err := st.Objects().Read(ctx, manKey)
	must(t, err)

	edited := strings.Replace(string(mdb), `"collectionDate": "2025-10-04"`, `"collectionDate": "2025-10-03"`, 1)
	if edited == string(mdb) {
		t.Fatal("no collectionDate to edit")
	}
	must(t, st.Objects().Write(ctx, mdKey, []byte(edited)))
	c, _ = ss.CheckSnapshot(ctx, id)
	if c.Complete || len(c.Problems) != 1 || !strings.HasPrefix(c.Problems[0], "metadata.json: checksum ") {
		t.Fatalf("metadata.json edited: %+v", c)
	}
	must(t, st.Objects().Write(ctx, mdKey, mdb))

	var man snapshot.Manifest
	must(t, json.Unmarshal(manb, &man))
	// Without the metadata entry (an older snapshot) it is not checked.
	man.Metadata = nil
	older, err := json.MarshalIndent(&man, "", "  ")
	must(t, err)
	must(t, st.Objects().Write(ctx, manKey, older))
	must(t, st.Objects().Write(ctx, mdKey, []byte(edited)))
	if c, _ = ss.CheckSnapshot(ctx, id); !c.Complete {
		t.Fatalf("older snapshot: %+v", c)
	}
}
