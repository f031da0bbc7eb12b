package toaststats

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// richDay is a district day with every kind of value the layout carries:
// pointers to zero values and to values, nil and empty slices (an empty
// slice tagged omitempty comes back nil, as from the JSON file), negative,
// large and zero ints, floats, strings longer than a one-byte length and
// not ASCII.
func richDay() (in, want *districtDay) {
	yes, no, zero, base, growth := true, false, 0, 1234567, -0.5
	long := strings.Repeat("Clüb ", 40)
	mk := func(omitEmpty []int) *districtDay {
		return &districtDay{
			District: snapshot.District{
				DistrictID: "61", AsOfDate: "2025-11-14", DataMonth: "2025-11", IsClosingPeriod: &no, Region: "",
				Membership: snapshot.Membership{Total: -3, Base: math.MaxInt64, Change: math.MinInt64, ChangePercent: -12.25,
					Payments: snapshot.Payments{New: 128, Base: &base, GrowthPercent: &growth}, ByClub: []snapshot.ClubMembership{}},
				Education: snapshot.Education{ByType: []snapshot.AwardCount{}, TopClubs: nil},
				Divisions: []snapshot.Division{{DivisionID: "A", Standing: snapshot.Standing{ClubBase: 4, Next: &snapshot.TierGap{Tier: "select"}},
					Areas: []snapshot.Area{{AreaID: "A1", ClubIDs: []string{"1", long}}, {AreaID: "A2", ClubIDs: []string{}}}}},
				ClubDetails: []snapshot.Club{
					{ClubID: "1", ClubName: long, CSP: &no, NovVisit: &yes, Payments: &snapshot.ClubPayments{}, DCPGoals: [10]bool{true, false, true},
						GoalCredits: omitEmpty, Goals: snapshot.GoalCounts{Level1s: 300}},
					{ClubID: "2", CSP: &zeroBool, Payments: &snapshot.ClubPayments{TotalToDate: 7}},
				},
				Ranking: &snapshot.DistrictRanking{DistrictID: "61"},
				Sources: []snapshot.ReportSource{{Report: "club-performance.csv", Members: -1, Duplicates: []string{}}},
			},
			Ranking:        &snapshot.DistrictRanking{DistrictID: "61", ClubsRank: zero},
			TotalDistricts: 128,
		}
	}
	in, want = mk([]int{}), mk(nil)
	// Tagged omitempty: an empty slice comes back nil.
	want.District.Sources[0].Duplicates = nil
	want.District.Membership.ByClub = nil
	return in, want
}

var zeroBool = false

func TestBinaryRecordRoundTrip(t *testing.T) {
	in, want := richDay()
	ev, err := encodeValue(kindDistrict, in)
	if err != nil {
		t.Fatal(err)
	}
	if ev.format != binaryFormat || ev.preamble != nil || len(ev.hash) != 16 {
		t.Fatalf("encoded as format %d, preamble %d bytes, hash %q", ev.format, len(ev.preamble), ev.hash)
	}
	p, err := ev.payload("2025-11-14", "m1-2")
	if err != nil {
		t.Fatal(err)
	}
	rec, ok := parseRecord(p)
	if !ok || rec.format != binaryFormat || rec.kind != kindDistrict || rec.id != "2025-11-14" || rec.stamp != "m1-2" {
		t.Fatalf("parsed %+v %v", rec, ok)
	}
	var got districtDay
	if err := newDecoders(context.Background(), nil).decode(rec, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&got, want) {
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want)
		t.Fatalf("round trip:\n got %s\nwant %s", gb, wb)
	}
	// The values are the decoder's own: pointers are not shared with the
	// input, and every pointer to a zero value is a pointer (gob dropped
	// them).
	if got.District.ClubDetails[0].CSP == in.District.ClubDetails[0].CSP || got.District.ClubDetails[0].Payments == nil ||
		got.District.Education.ByType == nil || got.District.Education.TopClubs != nil || got.District.Divisions[0].Areas[1].ClubIDs == nil {
		t.Fatalf("shape lost: %+v", got.District.ClubDetails[0])
	}
	// Decoded strings are the record's own bytes, not copies (the record
	// log's buffer is never written after it is read; see decodeBinary).
	name := got.District.ClubDetails[0].ClubName
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(rec.value)))
	if p := uintptr(unsafe.Pointer(unsafe.StringData(name))); name == "" || p < lo || p+uintptr(len(name)) > lo+uintptr(len(rec.value)) {
		t.Fatalf("decoded club name %q is not a substring of the record's bytes", name)
	}
}

// Every truncation and a record of another layout are refused, never
// half-decoded.
func TestBinaryRecordDamage(t *testing.T) {
	in, _ := richDay()
	ev, err := encodeValue(kindDistrict, in)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := ev.payload("2025-11-14", "m1-2")
	rec, _ := parseRecord(p)
	value := rec.value
	for n := range len(value) {
		rec.value = value[:n]
		var dd districtDay
		if err := decodeBinary(rec, &dd); err == nil {
			t.Fatalf("a record cut to %d of %d bytes decoded", n, len(value))
		}
		if !reflect.DeepEqual(dd, districtDay{}) {
			t.Fatalf("a record cut to %d bytes left a half-decoded value", n)
		}
	}
	rec.value = append(append([]byte{}, value...), 0)
	if err := decodeBinary(rec, &districtDay{}); err == nil || !strings.Contains(err.Error(), "left over") {
		t.Fatalf("trailing byte: %v", err)
	}
	rec.value, rec.types = value, "0123456789abcdef"
	if err := decodeBinary(rec, &districtDay{}); err == nil || !strings.Contains(err.Error(), "another layout") {
		t.Fatalf("other layout: %v", err)
	}
	// The predecessor's raw records are never indexed.
	in.District.ClubPerformance = []map[string]any{{"Club Number": "1"}}
	if _, err := encodeValue(kindDistrict, in); err == nil {
		t.Fatal("a district with raw CSV records was indexed")
	}
}

// Records of format 2 (gob, with a preamble and a shape), written by
// earlier versions, still read, to the same value as the binary record.
func TestGobDistrictRecordsStillRead(t *testing.T) {
	ctx := context.Background()
	objs, err := store.NewDirObjects(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer objs.Close()
	in, want := richDay()
	old, err := encodeGob(kindDistrict, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeTypes(ctx, objs, old.hash, old.preamble); err != nil {
		t.Fatal(err)
	}
	p, err := old.payload("2025-11-14", "m1-2")
	if err != nil {
		t.Fatal(err)
	}
	rec, ok := parseRecord(p)
	if !ok || rec.format != historyFormat {
		t.Fatalf("parsed %+v %v", rec, ok)
	}
	var got districtDay
	if err := newDecoders(ctx, objs).decode(rec, &got); err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Fatalf("gob record:\n got %s\nwant %s", gb, wb)
	}
}
