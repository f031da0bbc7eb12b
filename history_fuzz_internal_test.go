package toaststats

import (
	"context"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// FuzzHistoryRecord feeds arbitrary record payloads (a damaged index) to the
// record reader and decoder: they never panic, and a record that decodes
// has its shape restored without error or is refused.
func FuzzHistoryRecord(f *testing.F) {
	ctx := context.Background()
	objs, err := store.NewDirObjects(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	no := false
	d := snapshot.District{DistrictID: "61", IsClosingPeriod: &no, Divisions: []snapshot.Division{}, ClubDetails: []snapshot.Club{{ClubID: "1", CSP: &no}}}
	ev, err := encodeValue(kindDistrict, &districtDay{District: d, TotalDistricts: 3})
	if err != nil {
		f.Fatal(err)
	}
	if err := writeTypes(ctx, objs, ev.hash, ev.preamble); err != nil {
		f.Fatal(err)
	}
	good, err := ev.payload("2025-11-14", "m1-2")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte{historyFormat, kindDistrict})
	f.Fuzz(func(t *testing.T, p []byte) {
		rec, ok := parseRecord(p)
		if !ok {
			return
		}
		var dd districtDay
		_ = newDecoders(ctx, objs).decode(rec, &dd)
	})
}
