package toaststats

import (
	"bytes"
	"encoding/gob"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

// TestPooledEncoderWritesFreshBytes: a record value from the pooled,
// already-primed encoder is byte for byte what a fresh gob encoder writes
// after the preamble, for values of different sizes encoded one after the
// other on the same encoder; and the preamble is the fresh encoder's.
func TestPooledEncoderWritesFreshBytes(t *testing.T) {
	yes, no := true, false
	days := []*districtDay{
		{District: snapshot.District{DistrictID: "61", IsClosingPeriod: &no, ClubDetails: []snapshot.Club{{ClubID: "1", CSP: &no}}}, TotalDistricts: 3},
		{District: snapshot.District{DistrictID: "7", IsClosingPeriod: &yes, Divisions: []snapshot.Division{{DivisionID: "A"}}, ClubDetails: []snapshot.Club{{ClubID: "2"}, {ClubID: "3", CSP: &yes}}},
			Ranking: &snapshot.DistrictRanking{DistrictID: "7"}, TotalDistricts: 128},
		{District: snapshot.District{DistrictID: "F"}},
	}
	for round := range 2 { // the second round reuses the pooled encoders
		for i, d := range days {
			ev, err := encodeValue(kindDistrict, d)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			enc := gob.NewEncoder(&buf)
			if err := enc.Encode(&districtDay{}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ev.preamble, buf.Bytes()) {
				t.Fatalf("round %d day %d: preamble differs from a fresh encoder's", round, i)
			}
			buf.Reset()
			if err := enc.Encode(d); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(ev.value, buf.Bytes()) {
				t.Fatalf("round %d day %d: value %x, a fresh encoder writes %x", round, i, ev.value, buf.Bytes())
			}
		}
	}
}
