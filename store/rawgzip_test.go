package store

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// csvReport is a report body that compresses well, like the real ones.
func csvReport(n int) []byte {
	var b bytes.Buffer
	b.WriteString("\"District\",\"Division\",\"Area\",\"Club Number\",\"Club Name\"\r\n")
	for i := range n {
		b.WriteString("\"61\",\"A\",\"01\",\"0000" + string(rune('0'+i%10)) + "\",\"Club of the Day\"\r\n")
	}
	b.WriteString("Month of Jun, As of 06/30/2025\r\n")
	return b.Bytes()
}

// exists reports whether the store holds the object key (on either
// backend).
func exists(t *testing.T, st *Store, key string) bool {
	t.Helper()
	_, err := st.Objects().Read(context.Background(), key)
	return err == nil
}

// With GzipAfter, a report written for an old date (a backfill) is stored
// as <report>.csv.gz, a report of a recent date stays plain; every read
// returns the verbatim bytes, verified against the checksum of those bytes.
func TestRawGzipAfterOnPut(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)
	st := openTest(t, Options{GzipAfter: 45 * 24 * time.Hour, Now: func() time.Time { return now }})
	rc := st.Raw()
	data := csvReport(200)
	for _, date := range []string{"2025-07-01", "2025-08-31"} { // 62 days old; 1 day old
		if err := rc.Put(ctx, date, "61", ReportClub, data, PutInfo{}); err != nil {
			t.Fatal(err)
		}
		if err := rc.Put(ctx, date, "", ReportSummary, data, PutInfo{}); err != nil {
			t.Fatal(err)
		}
	}
	old := "raw-csv/2025-07-01/"
	if exists(t, st, old+"district-61/club-performance.csv") || !exists(t, st, old+"district-61/club-performance.csv.gz") ||
		!exists(t, st, old+"all-districts.csv.gz") {
		t.Fatal("the old date's reports are not stored as .csv.gz only")
	}
	recent := "raw-csv/2025-08-31/district-61/"
	if !exists(t, st, recent+"club-performance.csv") || exists(t, st, recent+"club-performance.csv.gz") {
		t.Fatal("the recent date's report is not stored plain")
	}
	for _, date := range []string{"2025-07-01", "2025-08-31"} {
		b, err := rc.Get(ctx, date, "61", ReportClub)
		if err != nil || !bytes.Equal(b, data) {
			t.Fatalf("%s: Get = %d bytes, %v; want the %d verbatim bytes", date, len(b), err, len(data))
		}
		md, _ := rc.Metadata(ctx, date)
		if md.Integrity.Checksums["district-61/club-performance.csv"] != sha256Hex(data) {
			t.Fatalf("%s: the checksum is not that of the verbatim bytes", date)
		}
		if b, err := rc.GetWith(ctx, md, date, "", ReportSummary); err != nil || !bytes.Equal(b, data) {
			t.Fatalf("%s: GetWith summary: %v", date, err)
		}
		av, err := rc.Availability(ctx, date)
		if err != nil || !av.HasSummary || len(av.Districts["61"]) != 1 || !rc.Has(ctx, date, "61", ReportClub) {
			t.Fatalf("%s: availability %+v %v", date, av, err)
		}
	}
	mdOld, _ := rc.Metadata(ctx, "2025-07-01")
	mdNew, _ := rc.Metadata(ctx, "2025-08-31")
	if mdNew.Integrity.TotalSize != 2*int64(len(data)) || mdOld.Integrity.TotalSize >= mdNew.Integrity.TotalSize/4 {
		t.Fatalf("totalSize: old (gzipped) %d, recent %d (2 x %d)", mdOld.Integrity.TotalSize, mdNew.Integrity.TotalSize, len(data))
	}
	// Rewriting an old date's report with other bytes replaces the .gz.
	data2 := csvReport(201)
	if err := rc.Put(ctx, "2025-07-01", "61", ReportClub, data2, PutInfo{}); err != nil {
		t.Fatal(err)
	}
	if b, err := rc.Get(ctx, "2025-07-01", "61", ReportClub); err != nil || !bytes.Equal(b, data2) {
		t.Fatalf("after a rewrite: %d bytes, %v", len(b), err)
	}
}

// Compress rewrites a date's plain reports as .csv.gz after verifying them,
// leaves a damaged file alone, and does nothing the second time; reads
// return the same bytes before and after.
func TestRawCompress(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)
	st := openTest(t, Options{Now: func() time.Time { return now }})
	rc := st.Raw()
	club, div := csvReport(300), csvReport(150)
	for _, date := range []string{"2025-06-01", "2025-08-31"} {
		if err := rc.Put(ctx, date, "61", ReportClub, club, PutInfo{}); err != nil {
			t.Fatal(err)
		}
		if err := rc.Put(ctx, date, "61", ReportDivision, div, PutInfo{}); err != nil {
			t.Fatal(err)
		}
	}
	dir := "raw-csv/2025-06-01/district-61/"
	// Damage one report of the old date: it must be left as it is.
	if err := st.Objects().Write(ctx, dir+"division-performance.csv", []byte("tampered\n")); err != nil {
		t.Fatal(err)
	}
	res, err := rc.CompressSettled(ctx, 45*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Date != "2025-06-01" || res[0].Files != 1 || res[0].Before != int64(len(club)) || res[0].After >= res[0].Before/4 ||
		len(res[0].Skipped) != 1 || res[0].Skipped[0] != "district-61/division-performance.csv" {
		t.Fatalf("CompressSettled = %+v", res)
	}
	if exists(t, st, dir+"club-performance.csv") || !exists(t, st, dir+"club-performance.csv.gz") ||
		!exists(t, st, dir+"division-performance.csv") {
		t.Fatal("after Compress: want club .csv.gz only, the damaged division report untouched")
	}
	if b, err := rc.Get(ctx, "2025-06-01", "61", ReportClub); err != nil || !bytes.Equal(b, club) {
		t.Fatalf("Get after Compress: %d bytes, %v", len(b), err)
	}
	if _, err := rc.Get(ctx, "2025-06-01", "61", ReportDivision); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("the damaged report: %v, want ErrCorrupt", err)
	}
	if !exists(t, st, "raw-csv/2025-08-31/district-61/club-performance.csv") {
		t.Fatal("a recent date was compressed")
	}
	again, err := rc.Compress(ctx, "2025-06-01")
	if err != nil || again.Files != 0 {
		t.Fatalf("second Compress = %+v, %v", again, err)
	}

	// A compressed file that is not gzip is a damaged file, never deleted.
	gz := dir + "club-performance.csv.gz"
	if err := st.Objects().Write(ctx, gz, []byte("not gzip")); err != nil {
		t.Fatal(err)
	}
	var ce *ChecksumError
	if _, err := rc.Get(ctx, "2025-06-01", "61", ReportClub); !errors.As(err, &ce) || !strings.HasSuffix(ce.Key, ".csv.gz") {
		t.Fatalf("an unreadable .gz: %v, want a *ChecksumError naming it", err)
	}
	if !exists(t, st, gz) {
		t.Fatal("the damaged .gz was deleted")
	}
	if err := st.Objects().Delete(ctx, "raw-csv/2025-08-31/district-61/division-performance.csv"); err != nil {
		t.Fatal(err)
	}
	probs, err := rc.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range probs {
		got = append(got, p.Problem+" "+p.Date+"/"+p.File)
	}
	want := []string{
		"damaged 2025-06-01/district-61/club-performance.csv",
		"damaged 2025-06-01/district-61/division-performance.csv",
		"missing 2025-08-31/district-61/division-performance.csv",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("Check:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A settled date whose metadata.json does not parse cannot be verified, so
// none of its reports is compressed; CompressSettled says so for that date
// and still compresses the later ones (it used to stop there, failing
// every `build --gzip-after-days` until the date's next scrape).
func TestCompressSettledGoesOnPastUnparsableMetadata(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)
	st := openTest(t, Options{Now: func() time.Time { return now }})
	rc := st.Raw()
	club := csvReport(300)
	for _, date := range []string{"2025-06-01", "2025-06-02"} {
		must(t, rc.Put(ctx, date, "61", ReportClub, club, PutInfo{}))
	}
	must(t, st.Objects().Write(ctx, "raw-csv/2025-06-01/metadata.json", []byte("{not json")))
	res, err := rc.CompressSettled(ctx, 45*24*time.Hour)
	if err != nil {
		t.Fatalf("CompressSettled: %v, want the damaged date reported and the next one compressed", err)
	}
	if len(res) != 2 || res[0].Date != "2025-06-01" || res[0].Files != 0 || !strings.Contains(res[0].Problem, "metadata.json does not parse") ||
		res[1].Date != "2025-06-02" || res[1].Files != 1 || res[1].Problem != "" {
		t.Fatalf("CompressSettled = %+v", res)
	}
	if !exists(t, st, "raw-csv/2025-06-01/district-61/club-performance.csv") || exists(t, st, "raw-csv/2025-06-01/district-61/club-performance.csv.gz") ||
		!exists(t, st, "raw-csv/2025-06-02/district-61/club-performance.csv.gz") {
		t.Fatal("want the damaged date left plain and the next one gzipped")
	}
	if b, _ := st.Objects().Read(ctx, "raw-csv/2025-06-01/metadata.json"); string(b) != "{not json" {
		t.Fatalf("the damaged metadata.json was changed: %q", b)
	}
}
