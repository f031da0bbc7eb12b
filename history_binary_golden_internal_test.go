package toaststats

import (
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The bytes of a binary record are a stored format: logs written by every
// earlier version are read back by their layout hash, so an encoder change
// must not change one byte. richDay's record is kept in
// testdata/golden/history-binary-richday.hex (regenerated with -update,
// which is only right together with a new binaryFormat).
func TestBinaryRecordBytesAreStable(t *testing.T) {
	in, _ := richDay()
	ev, err := encodeValue(kindDistrict, in)
	if err != nil {
		t.Fatal(err)
	}
	// Worked out by hand from the layout: the first field of a district
	// day is District, whose first is DistrictID, "61": a uvarint length
	// and the bytes; then AsOfDate, "2025-11-14".
	if want := "\x0261\x0a2025-11-14"; !strings.HasPrefix(string(ev.value), want) {
		t.Fatalf("record starts % x, want % x", ev.value[:min(len(ev.value), 14)], want)
	}
	// The last fields: Ranking (a pointer: 1, then the ranking), then
	// TotalDistricts 128 as a zig-zag varint (256: 0x80 0x02), then Shape,
	// nil (0).
	if want := "\x80\x02\x00"; !strings.HasSuffix(string(ev.value), want) {
		t.Fatalf("record ends % x, want % x", ev.value[max(len(ev.value)-6, 0):], want)
	}
	got := ev.hash + "\n" + hex.EncodeToString(ev.value) + "\n"
	path := filepath.Join("testdata", "golden", "history-binary-richday.hex")
	if u := flag.Lookup("update"); u != nil && u.Value.String() == "true" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("the binary record of richDay changed (layout hash, then bytes):\n got %s\nwant %s", got, want)
	}
}
