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
	days := []*snapshotDay{
		{Metadata: snapshot.Metadata{SnapshotID: "2025-11-14", Status: snapshot.StatusSuccess, Errors: []string{}}},
		{Metadata: snapshot.Metadata{SnapshotID: "2025-11-15", Status: snapshot.StatusPartial, Errors: []string{"a", "b"}, Warnings: []string{"c"}}},
		{Metadata: snapshot.Metadata{}},
	}
	for round := range 2 { // the second round reuses the pooled encoders
		for i, d := range days {
			ev, err := encodeGob(kindSnapshot, d)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			enc := gob.NewEncoder(&buf)
			if err := enc.Encode(&snapshotDay{}); err != nil {
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
