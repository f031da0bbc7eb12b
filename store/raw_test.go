package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRawConcurrentPutsKeepAllMetadata(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	rc := st.Raw()
	const workers, districts = 4, 12
	var wg sync.WaitGroup
	errs := make(chan error, workers*districts*3)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := w; d < districts; d += workers {
				for _, r := range DistrictReports {
					data := []byte(fmt.Sprintf("h\n%d,%s\n", d, r))
					if err := rc.Put(ctx, "2025-09-13", fmt.Sprint(d+1), r, data, PutInfo{Source: "scraper"}); err != nil {
						errs <- err
					}
				}
			}
			if w == 0 {
				if err := rc.Put(ctx, "2025-09-13", "", ReportSummary, []byte("s\n1\n"), PutInfo{}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	md, err := rc.Metadata(ctx, "2025-09-13")
	if err != nil {
		t.Fatal(err)
	}
	if md.Integrity.FileCount != districts*3+1 || len(md.CSVFiles.Districts) != districts || !md.CSVFiles.AllDistricts {
		t.Fatalf("metadata lost entries: %d files, %d districts", md.Integrity.FileCount, len(md.CSVFiles.Districts))
	}
	for d := 0; d < districts; d++ {
		for _, r := range DistrictReports {
			b, err := rc.Get(ctx, "2025-09-13", fmt.Sprint(d+1), r)
			if err != nil || !bytes.Equal(b, []byte(fmt.Sprintf("h\n%d,%s\n", d, r))) {
				t.Fatalf("get %d %s: %q %v", d, r, b, err)
			}
		}
	}
}

func TestRawChecksumMismatchIsReportedNotDeleted(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	rc := st.Raw()
	if err := rc.Put(ctx, "2025-09-13", "42", ReportClub, []byte("a,b\n1,2\n"), PutInfo{}); err != nil {
		t.Fatal(err)
	}
	p := "raw-csv/2025-09-13/district-42/club-performance.csv"
	if err := st.Objects().Write(ctx, p, []byte("a,b\n1,3\n")); err != nil {
		t.Fatal(err)
	}
	before := objectsDigest(t, st)
	for i := 0; i < 2; i++ {
		_, err := rc.Get(ctx, "2025-09-13", "42", ReportClub)
		var ce *ChecksumError
		if !errors.As(err, &ce) || ce.Want != sha256Hex([]byte("a,b\n1,2\n")) || ce.Got != sha256Hex([]byte("a,b\n1,3\n")) {
			t.Fatalf("err = %v", err)
		}
	}
	_, _ = rc.Availability(ctx, "2025-09-13")
	_, _ = rc.Metadata(ctx, "2025-09-13")
	_ = rc.Has(ctx, "2025-09-13", "42", ReportClub)
	_, _ = rc.Dates(ctx)
	_, _ = rc.LatestModified(ctx)
	if after := objectsDigest(t, st); !mapsEqual(before, after) {
		t.Fatal("reads changed the cache")
	}
	// Re-putting the report heals it (the mismatch is no pending checksum).
	if err := rc.Put(ctx, "2025-09-13", "42", ReportClub, []byte("a,b\n1,4\n"), PutInfo{}); err != nil {
		t.Fatal(err)
	}
	if b, err := rc.Get(ctx, "2025-09-13", "42", ReportClub); err != nil || string(b) != "a,b\n1,4\n" {
		t.Fatalf("after re-put: %q %v", b, err)
	}
}

func TestRawInvalidInputs(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	rc := st.Raw()
	cases := []struct {
		date, id string
		r        Report
		want     error
	}{
		{"2025-02-30", "42", ReportClub, ErrInvalidDate},
		{"2025-2-03", "42", ReportClub, ErrInvalidDate},
		{"../../etc", "42", ReportClub, ErrInvalidDate},
		{"2025-09-13", "../42", ReportClub, ErrInvalidID},
		{"2025-09-13", "42/..", ReportClub, ErrInvalidID},
		{"2025-09-13", "", ReportClub, ErrInvalidID},
		{"2025-09-13", "123456789", ReportClub, ErrInvalidID},
		{"2025-09-13", "4 2", ReportClub, ErrInvalidID},
		{"2025-09-13", "42", Report("../x"), ErrInvalidID},
		{"2025-09-13", "42", ReportSummary, ErrInvalidID},
	}
	for _, c := range cases {
		if err := rc.Put(ctx, c.date, c.id, c.r, []byte("x\n"), PutInfo{}); !errors.Is(err, c.want) {
			t.Errorf("Put(%q,%q,%q) = %v, want %v", c.date, c.id, c.r, err, c.want)
		}
		if _, err := rc.Get(ctx, c.date, c.id, c.r); !errors.Is(err, c.want) {
			t.Errorf("Get(%q,%q,%q) = %v, want %v", c.date, c.id, c.r, err, c.want)
		}
	}
	if _, err := rc.Get(ctx, "2025-09-13", "42", ReportClub); !errors.Is(err, ErrNotCached) {
		t.Fatalf("absent: %v", err)
	}
	if _, err := rc.Availability(ctx, "2025-09-13"); !errors.Is(err, ErrNotCached) {
		t.Fatalf("absent date: %v", err)
	}
	if err := rc.Put(ctx, "2025-09-13", "42", ReportClub, nil, PutInfo{}); err == nil {
		t.Fatal("empty put accepted")
	}
	if ents, _ := st.Objects().List(ctx, ""); len(ents) != 0 {
		t.Fatalf("invalid calls created %v", ents)
	}
}

func TestRawDatesDeleteLatest(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 9, 14, 9, 0, 0, 0, time.UTC)
	st := openTest(t, Options{Now: func() time.Time { return now }})
	rc := st.Raw()
	for i, d := range []string{"2025-09-13", "2025-07-01", "2025-08-31"} {
		now = now.Add(time.Minute * time.Duration(i+1))
		if err := rc.Put(ctx, d, "", ReportSummary, []byte("a\n1\n"), PutInfo{}); err != nil {
			t.Fatal(err)
		}
	}
	must(t, st.Objects().Write(ctx, "raw-csv/not-a-date/x", []byte("x")))
	dates, err := rc.Dates(ctx)
	if err != nil || !slices.Equal(dates, []string{"2025-07-01", "2025-08-31", "2025-09-13"}) {
		t.Fatalf("dates = %v %v", dates, err)
	}
	lm, err := rc.LatestModified(ctx)
	if err != nil || !lm.Equal(now.Truncate(time.Millisecond)) {
		t.Fatalf("latest = %v, want %v (%v)", lm, now, err)
	}
	must(t, rc.DeleteDate(ctx, "2025-08-31"))
	dates, _ = rc.Dates(ctx)
	if !slices.Equal(dates, []string{"2025-07-01", "2025-09-13"}) {
		t.Fatalf("after delete: %v", dates)
	}
	if err := rc.DeleteDate(ctx, "../"); !errors.Is(err, ErrInvalidDate) {
		t.Fatalf("delete hostile: %v", err)
	}
	if !rc.Has(ctx, "2025-07-01", "", ReportSummary) || rc.Has(ctx, "2025-08-31", "", ReportSummary) {
		t.Fatal("Has wrong")
	}
}

// TestSymlinksCannotEscape plants symlinks inside the data directory that
// point outside it; no read or write may follow them out.
func TestSymlinksCannotEscape(t *testing.T) {
	localOnly(t, "symlinks")
	ctx := context.Background()
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.csv")
	must(t, os.WriteFile(secret, []byte("secret\n"), 0o644))
	st := openTest(t, Options{})
	dir := st.Dir()
	// raw-csv/<date> -> outside, snapshots -> outside, a file link.
	must(t, os.MkdirAll(filepath.Join(dir, "raw-csv"), 0o755))
	must(t, os.Symlink(outside, filepath.Join(dir, "raw-csv", "2025-09-13")))
	must(t, os.MkdirAll(filepath.Join(dir, "raw-csv", "2025-09-14"), 0o755))
	must(t, os.Symlink(secret, filepath.Join(dir, "raw-csv", "2025-09-14", "all-districts.csv")))
	must(t, os.Symlink(outside, filepath.Join(dir, "snapshots")))
	must(t, os.Symlink(secret, filepath.Join(dir, "current.json")))

	rc := st.Raw()
	if b, err := rc.Get(ctx, "2025-09-14", "", ReportSummary); err == nil {
		t.Fatalf("read through a file link: %q", b)
	}
	if err := rc.Put(ctx, "2025-09-13", "", ReportSummary, []byte("x\n1\n"), PutInfo{}); err == nil {
		t.Fatal("wrote through a directory link")
	}
	if err := st.Snapshots().Publish(ctx, makeSnapshot("2025-09-13", "success", 1, 1)); err == nil {
		t.Fatal("published through a directory link")
	}
	if _, err := st.Snapshots().Current(ctx); err == nil {
		t.Fatal("current read through a link")
	}
	if err := rc.DeleteDate(ctx, "2025-09-13"); err != nil {
		t.Logf("delete link: %v", err)
	}
	ents, _ := os.ReadDir(outside)
	if len(ents) != 1 || ents[0].Name() != "secret.csv" {
		t.Fatalf("outside dir changed: %v", ents)
	}
	if b, _ := os.ReadFile(secret); string(b) != "secret\n" {
		t.Fatal("secret changed")
	}
}

func TestDirObjects(t *testing.T) {
	ctx := context.Background()
	o, err := NewDirObjects(t.TempDir())
	must(t, err)
	defer o.Close()
	must(t, o.Write(ctx, "a/b/c.json", []byte("1")))
	must(t, o.Write(ctx, "a/b/c.json", []byte("22")))
	must(t, o.Write(ctx, "a/d.json", []byte("3")))
	b, err := o.Read(ctx, "a/b/c.json")
	if err != nil || string(b) != "22" {
		t.Fatalf("read = %q %v", b, err)
	}
	if _, err := o.Read(ctx, "a/zz"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("absent = %v", err)
	}
	if _, err := o.Read(ctx, "a/b"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("folder read = %v", err)
	}
	l, err := o.List(ctx, "a/")
	if err != nil || !slices.Equal(l, []string{"a/b/", "a/d.json"}) {
		t.Fatalf("list = %v %v", l, err)
	}
	if l, _ := o.List(ctx, ""); !slices.Equal(l, []string{"a/"}) {
		t.Fatalf("top list = %v", l)
	}
	if l, err := o.List(ctx, "nope/"); err != nil || len(l) != 0 {
		t.Fatalf("missing list = %v %v", l, err)
	}
	for _, bad := range []string{"", "/a", "a//b", "../a", "a/../b", "a/./b", "a\\b", "a b", "a/b/", strings.Repeat("x", 2000)} {
		if err := o.Write(ctx, bad, nil); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Write(%q) = %v", bad, err)
		}
	}
	if err := o.Delete(ctx, "/"); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("delete top: %v", err)
	}
	must(t, o.Delete(ctx, "a/b/"))
	must(t, o.Delete(ctx, "a/zz"))
	if l, _ := o.List(ctx, "a/"); !slices.Equal(l, []string{"a/d.json"}) {
		t.Fatalf("after delete = %v", l)
	}
	// No temporary files are left behind.
	ents, _ := os.ReadDir(filepath.Join(o.Dir(), "a"))
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Fatalf("left %s", e.Name())
		}
	}
}

// TestRawReplaceCrashWindow recreates the state a crash leaves between the
// two writes of a Put that replaces a report: both the old and the new
// bytes must verify.
func TestRawReplaceCrashWindow(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	rc := st.Raw()
	old, next := []byte("a\n1\n"), []byte("a\n2\n")
	must(t, rc.Put(ctx, "2025-09-13", "7", ReportDivision, old, PutInfo{}))
	md, err := rc.Metadata(ctx, "2025-09-13")
	must(t, err)
	md.Integrity.Pending = map[string]string{"district-7/division-performance.csv": sha256Hex(next)}
	lk, err := rc.lock(ctx, "raw-2025-09-13")
	must(t, err)
	must(t, rc.writeMetadata(ctx, lk, "2025-09-13", md))
	lk.Unlock()
	if b, err := rc.Get(ctx, "2025-09-13", "7", ReportDivision); err != nil || !bytes.Equal(b, old) {
		t.Fatalf("old bytes with pending checksum: %q %v", b, err)
	}
	p := "raw-csv/2025-09-13/district-7/division-performance.csv"
	must(t, st.Objects().Write(ctx, p, next))
	if b, err := rc.Get(ctx, "2025-09-13", "7", ReportDivision); err != nil || !bytes.Equal(b, next) {
		t.Fatalf("new bytes with pending checksum: %q %v", b, err)
	}
	must(t, st.Objects().Write(ctx, p, []byte("a\n3\n")))
	var ce *ChecksumError
	if _, err := rc.Get(ctx, "2025-09-13", "7", ReportDivision); !errors.As(err, &ce) {
		t.Fatalf("third bytes: %v", err)
	}
	// A completed Put clears the pending entry.
	must(t, rc.Put(ctx, "2025-09-13", "7", ReportDivision, next, PutInfo{}))
	md, _ = rc.Metadata(ctx, "2025-09-13")
	if md.Integrity.Pending != nil || md.Integrity.Checksums["district-7/division-performance.csv"] != sha256Hex(next) {
		t.Fatalf("metadata = %+v", md.Integrity)
	}
}

// TestRawGetInto: GetInto reads a report into the buffer it is given when
// the buffer is large enough (the same memory comes back), allocates when it
// is not, and verifies the checksum either way.
func TestRawGetInto(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	rc := st.Raw()
	data := []byte("a,b\n1,2\n")
	if err := rc.Put(ctx, "2025-09-13", "42", ReportClub, data, PutInfo{}); err != nil {
		t.Fatal(err)
	}
	md, err := rc.Metadata(ctx, "2025-09-13")
	if err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 0, 64)
	got, err := rc.GetInto(ctx, md, "2025-09-13", "42", ReportClub, big)
	if err != nil || string(got) != string(data) {
		t.Fatalf("GetInto = %q %v", got, err)
	}
	if !onS3() && &got[:1][0] != &big[:1][0] {
		t.Error("a large enough buffer was not used") // object storage allocates
	}
	small := make([]byte, 0, 4)
	got, err = rc.GetInto(ctx, md, "2025-09-13", "42", ReportClub, small)
	if err != nil || string(got) != string(data) || cap(got) < len(data) {
		t.Fatalf("GetInto with a small buffer = %q %v", got, err)
	}
	// A corrupt report is a ChecksumError, whatever the buffer.
	if err := st.Objects().Write(ctx, "raw-csv/2025-09-13/district-42/club-performance.csv", []byte("a,b\n1,3\n")); err != nil {
		t.Fatal(err)
	}
	var ce *ChecksumError
	if _, err := rc.GetInto(ctx, md, "2025-09-13", "42", ReportClub, big); !errors.As(err, &ce) {
		t.Fatalf("GetInto of a corrupt report: %v", err)
	}
}
