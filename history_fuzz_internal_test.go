package toaststats

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// FuzzHistoryRecord feeds arbitrary record payloads (a damaged index) to the
// record reader and decoders: binary district records, gob district records
// of format 2 and gob snapshot records. They never panic; a binary record
// that decodes encodes again to a record that decodes to the same value.
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
		if rec.kind == kindSnapshot {
			_ = dec.decode(rec, &snapshotDay{})
			return
		}
		var dd districtDay
		if err := dec.decode(rec, &dd); err != nil || rec.format != binaryFormat {
			return
		}
		ev, err := encodeValue(kindDistrict, &dd)
		if err != nil {
			t.Fatalf("a decoded record does not encode: %v", err)
		}
		again, err := ev.payload(rec.id, rec.stamp)
		if err != nil {
			t.Fatal(err)
		}
		rec2, _ := parseRecord(again)
		var dd2 districtDay
		if err := dec.decode(rec2, &dd2); err != nil {
			t.Fatalf("a re-encoded record does not decode: %v", err)
		}
		b1, err1 := json.Marshal(dd)
		b2, err2 := json.Marshal(dd2)
		if (err1 == nil) != (err2 == nil) || string(b1) != string(b2) {
			t.Fatalf("round trip differs:\n%s\n%s", b1, b2)
		}
	})
}
