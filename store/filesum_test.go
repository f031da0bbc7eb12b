package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

func TestFileSums(t *testing.T) {
	// The CRC-32C check value of "123456789" (RFC 3720, B.4) is e3069283.
	if got := crc32cHex([]byte("123456789")); got != "e3069283" {
		t.Fatalf("crc32cHex = %s, want e3069283", got)
	}
	b := []byte("123456789")
	sha := "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225" // sha256sum of 123456789
	for _, c := range []struct {
		sum  string
		want bool
	}{
		{manifestSum("e3069283", sha), true},   // the CRC-32C wins when both are recorded
		{manifestSum("E3069283", ""), true},    // hex in either case
		{manifestSum("e3069284", sha), false},  // a wrong CRC-32C is not rescued by a right sha256
		{manifestSum("", sha), true},           // an older snapshot's sha256
		{strings.ToUpper(sha), true},           // raw metadata may record upper case
		{manifestSum("", sha[:63]+"6"), false}, // a wrong sha256
		{"", false},                            // nothing recorded matches nothing
	} {
		if got := sumMatches(c.sum, b); got != c.want {
			t.Errorf("sumMatches(%q) = %v, want %v", c.sum, got, c.want)
		}
	}
	if got := sumOf(manifestSum("00000000", ""), b); got != "crc32c:e3069283" {
		t.Errorf("sumOf CRC-32C = %s", got)
	}
	if got := sumOf(sha, b); got != sha {
		t.Errorf("sumOf sha256 = %s", got)
	}
}

// A published snapshot's manifest records the CRC-32C of each file's bytes
// as stored, computed here with the standard library alone.
func TestManifestRecordsCRC32C(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{CacheTTL: -1})
	publish(t, st.Snapshots(), "2025-10-01", snapshot.StatusSuccess)
	man := readManifest(t, st, "2025-10-01")
	table := crc32.MakeTable(crc32.Castagnoli)
	check := func(name, recorded, sha string) {
		t.Helper()
		b, err := st.Objects().Read(ctx, "snapshots/2025-10-01/"+name)
		must(t, err)
		if want := fmt.Sprintf("%08x", crc32.Checksum(b, table)); recorded != want || sha != "" {
			t.Errorf("%s: manifest crc32c %q sha256 %q, want crc32c %s and no sha256", name, recorded, sha, want)
		}
	}
	if len(man.Districts) == 0 {
		t.Fatal("no districts in the manifest")
	}
	for _, e := range man.Districts {
		check(e.FileName, e.CRC32C, e.SHA256)
	}
	check(man.AllDistrictsRankings.Filename, man.AllDistrictsRankings.CRC32C, man.AllDistrictsRankings.SHA256)
}

// Snapshots published before the CRC-32C record sha256 values: they are
// still read, verified (a damaged file is reported with the sha256) and
// checked by verify.
func TestManifestWithSHA256StillVerifies(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{CacheTTL: -1})
	ss := st.Snapshots()
	publish(t, ss, "2025-10-01", snapshot.StatusSuccess)
	man := readManifest(t, st, "2025-10-01")
	dir := "snapshots/2025-10-01/"
	sha := func(name string) string {
		b, err := st.Objects().Read(ctx, dir+name)
		must(t, err)
		h := sha256.Sum256(b)
		return hex.EncodeToString(h[:])
	}
	for i := range man.Districts {
		e := &man.Districts[i]
		e.SHA256, e.CRC32C = sha(e.FileName), ""
	}
	r := &man.AllDistrictsRankings
	r.SHA256, r.CRC32C = sha(r.Filename), ""
	b, err := json.Marshal(man)
	must(t, err)
	must(t, st.Objects().Write(ctx, dir+manifestFile, b))

	v, err := ss.Get(ctx, "2025-10-01")
	must(t, err)
	if _, err := v.District(ctx, "2"); err != nil {
		t.Fatalf("district of a sha256 manifest: %v", err)
	}
	if rep := ss.verify(ctx, "2025-10-01", true); len(rep.Problems) != 0 {
		t.Fatalf("verify of a sha256 manifest: %+v", rep.Problems)
	}

	p := dir + "district_2.json"
	want := sha("district_2.json")
	db, _ := st.Objects().Read(ctx, p)
	db[10] ^= 1
	must(t, st.Objects().Write(ctx, p, db))
	v, err = ss.Get(ctx, "2025-10-01")
	must(t, err)
	_, err = v.District(ctx, "2")
	var ce *ChecksumError
	if !errors.As(err, &ce) || ce.Want != want || ce.Got != sha("district_2.json") {
		t.Fatalf("damaged file of a sha256 manifest: %v (want the recorded sha256 %s)", err, want)
	}
	if rep := ss.verify(ctx, "2025-10-01", true); len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0], "district_2.json: checksum") {
		t.Fatalf("verify of a damaged file: %+v", rep.Problems)
	}
}

func readManifest(t *testing.T, st *Store, id string) snapshot.Manifest {
	t.Helper()
	b, err := st.Objects().Read(context.Background(), "snapshots/"+id+"/"+manifestFile)
	must(t, err)
	var man snapshot.Manifest
	must(t, json.Unmarshal(b, &man))
	return man
}
