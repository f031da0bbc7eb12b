package toaststats

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// FuzzHistoryRecord feeds arbitrary record payloads (a damaged index) to the
// record reader and decoders: binary district and snapshot records, and gob
// ones of format 2. They never panic; a binary record that decodes encodes
// again to a record that decodes to the same value.
func FuzzHistoryRecord(f *testing.F) {
	ctx := context.Background()
	objs, err := store.NewDirObjects(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	no := false
	d := snapshot.District{DistrictID: "61", IsClosingPeriod: &no, Divisions: []snapshot.Division{}, ClubDetails: []snapshot.Club{{ClubID: "1", CSP: &no}}}
	rich, _ := richDay()
	for _, v := range []struct {
		kind byte
		v    any
		gob  bool
	}{
		{kindDistrict, &districtDay{District: d, TotalDistricts: 3}, false},
		{kindDistrict, rich, false},
		{kindDistrict, &districtDay{District: d, TotalDistricts: 3}, true},
		{kindSnapshot, &snapshotDay{Metadata: snapshot.Metadata{SnapshotID: "2025-11-14", Errors: []string{}}}, true},
		{kindSnapshot, &snapshotDay{Metadata: snapshot.Metadata{SnapshotID: "2025-11-14", CreatedAt: time.Date(2025, 11, 14, 6, 0, 0, 5, time.UTC),
			Errors: []string{}, Warnings: []string{"w"}, IsClosingPeriodData: &no}}, false},
	} {
		var ev *encodedValue
		if v.gob {
			ev, err = encodeGob(v.kind, v.v)
		} else {
			ev, err = encodeValue(v.kind, v.v)
		}
		if err != nil {
			f.Fatal(err)
		}
		if ev.preamble != nil {
			if err := writeTypes(ctx, objs, ev.hash, ev.preamble); err != nil {
				f.Fatal(err)
			}
		}
		good, err := ev.payload("2025-11-14", "m1-2")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(good)
		f.Add(good[:len(good)/2])
	}
	f.Add([]byte{historyFormat, kindDistrict})
	f.Add([]byte{binaryFormat, kindDistrict})
	f.Fuzz(func(t *testing.T, p []byte) {
		rec, ok := parseRecord(p)
		if !ok {
			return
		}
		dec := newDecoders(ctx, objs)
		var v, v2 any = &districtDay{}, &districtDay{}
		if rec.kind == kindSnapshot {
			v, v2 = &snapshotDay{}, &snapshotDay{}
		}
		if err := dec.decode(rec, v); err != nil || rec.format != binaryFormat {
			return
		}
		ev, err := encodeValue(rec.kind, v)
		if err != nil {
			t.Fatalf("a decoded record does not encode: %v", err)
		}
		again, err := ev.payload(rec.id, rec.stamp)
		if err != nil {
			t.Fatal(err)
		}
		rec2, _ := parseRecord(again)
		if err := dec.decode(rec2, v2); err != nil {
			t.Fatalf("a re-encoded record does not decode: %v", err)
		}
		b1, err1 := json.Marshal(v)
		b2, err2 := json.Marshal(v2)
		if (err1 == nil) != (err2 == nil) || string(b1) != string(b2) {
			t.Fatalf("round trip differs:\n%s\n%s", b1, b2)
		}
	})
}
