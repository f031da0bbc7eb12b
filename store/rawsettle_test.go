package store

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// A Put of a report whose earlier Put was interrupted (the new bytes
// written, their checksum still pending) first settles which version the
// file holds. When the file cannot be read for that (an S3 500), the Put
// stops before writing anything: going on, it replaced the pending
// checksum with its own, and a crash before its file write then left the
// interrupted version on disk with neither checksum naming it, a report
// that no longer verified.
func TestRawPutSettlesAnInterruptedWriteOrStops(t *testing.T) {
	ctx := context.Background()
	const date, sumKey = "2025-10-01", "district-61/club-performance.csv"
	key := rawPrefix + date + "/" + sumKey
	base := openTest(t, Options{})
	objs := &keyFailure{Objects: base.Objects(), key: key, failWrites: true}
	st := OpenObjects(base.Dir(), objs, Options{})
	t.Cleanup(func() { st.Close() }) // the wrapper hides the backend's Close: base closes it
	rc := st.Raw()
	v1, v2, v3 := []byte("Club Number\n1\n"), []byte("Club Number\n2\n"), []byte("Club Number\n3\n")

	// v1 is recorded; a Put of v2 wrote its file and died before
	// recording its checksum (left pending, as Put does first).
	must(t, rc.Put(ctx, date, "61", ReportClub, v1, PutInfo{}))
	md, err := rc.Metadata(ctx, date)
	must(t, err)
	md.Integrity.Pending = map[string]string{sumKey: sha256Hex(v2)}
	lk, err := rc.lock(ctx, "raw-"+date)
	must(t, err)
	must(t, rc.writeMetadata(ctx, lk, date, md))
	lk.Unlock()
	must(t, objs.Objects.Write(ctx, key, v2))

	// The next Put of the report cannot read the file (and would die
	// before writing it).
	objs.armed.Store(true)
	err = rc.Put(ctx, date, "61", ReportClub, v3, PutInfo{})
	objs.armed.Store(false)
	if objs.failed.Load() == 0 {
		t.Fatal("no read of the report failed: the test injects nothing")
	}
	if err == nil || !errors.Is(err, errInjectedRead) || !strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("Put with the interrupted report unreadable = %v, want an error naming %s saying nothing was written", err, key)
	}
	md, err = rc.Metadata(ctx, date)
	must(t, err)
	if md.Integrity.Checksums[sumKey] != sha256Hex(v1) || md.Integrity.Pending[sumKey] != sha256Hex(v2) {
		t.Fatalf("after the failed Put: checksum %s pending %v; want v1's checksum and v2's pending", md.Integrity.Checksums[sumKey], md.Integrity.Pending)
	}
	if b, err := rc.Get(ctx, date, "61", ReportClub); err != nil || !bytes.Equal(b, v2) {
		t.Fatalf("the interrupted version after the failed Put: %q %v; want it to verify", b, err)
	}

	// Once the file reads, the Put settles (v2 is what is there) and goes
	// through.
	must(t, rc.Put(ctx, date, "61", ReportClub, v3, PutInfo{}))
	md, err = rc.Metadata(ctx, date)
	must(t, err)
	if md.Integrity.Checksums[sumKey] != sha256Hex(v3) || len(md.Integrity.Pending) != 0 {
		t.Fatalf("after the Put: %+v", md.Integrity)
	}
	if b, err := rc.Get(ctx, date, "61", ReportClub); err != nil || !bytes.Equal(b, v3) {
		t.Fatalf("Get after the Put: %q %v", b, err)
	}
}
