package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// keyFailure makes reads of one key fail, while armed, with an error
// that is not "not found": what a backend's transient failure (an S3 500,
// a timeout, a permission error) looks like to the store. With
// failWrites, writes of the key fail too, as if the process had died just
// before them.
type keyFailure struct {
	Objects
	key        string
	failWrites bool
	failed     atomic.Int64 // reads failed so far
	armed      atomic.Bool
}

var (
	errInjectedRead  = errors.New("injected: 500 Internal Server Error")
	errInjectedWrite = errors.New("injected: the process died before this write")
)

func (o *keyFailure) Read(ctx context.Context, key string) ([]byte, error) {
	if key == o.key && o.armed.Load() {
		o.failed.Add(1)
		return nil, fmt.Errorf("read %s: %w", key, errInjectedRead)
	}
	return o.Objects.Read(ctx, key)
}

func (o *keyFailure) Write(ctx context.Context, key string, data []byte) error {
	if key == o.key && o.failWrites && o.armed.Load() {
		return errInjectedWrite
	}
	return o.Objects.Write(ctx, key, data)
}

// s3GetFailure answers the GETs of one key, while armed, as S3 does when
// it fails a request (a 500 InternalError, every attempt the client's
// retryer makes); every other request goes through to the server.
type s3GetFailure struct {
	next   http.RoundTripper
	suffix string
	failed atomic.Int64
	armed  atomic.Bool
}

func (f *s3GetFailure) RoundTrip(req *http.Request) (*http.Response, error) {
	if f.armed.Load() && req.Method == http.MethodGet && strings.HasSuffix(req.URL.Path, f.suffix) && req.URL.Query().Get("list-type") == "" {
		f.failed.Add(1)
		const body = `<?xml version="1.0" encoding="UTF-8"?>` +
			`<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>`
		return &http.Response{
			Status: "500 Internal Server Error", StatusCode: http.StatusInternalServerError,
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header:        http.Header{"Content-Type": {"application/xml"}},
			Body:          io.NopCloser(strings.NewReader(body)),
			ContentLength: int64(len(body)),
			Request:       req,
		}, nil
	}
	return f.next.RoundTrip(req)
}

// A Put that cannot read the date's metadata.json for any reason but its
// absence (an S3 500, a timeout, a permission error) fails, naming the
// date and the key, and writes nothing: rebuilding the metadata from the
// files instead would drop the checksum of every other report of the date.
// Putting the report again once the read works records it beside them.
func TestRawPutFailsWhenMetadataCannotBeRead(t *testing.T) {
	const date = "2025-10-01"
	mdKey := rawPrefix + date + "/" + metadataFile
	report := func(who string) []byte { return []byte("Club Number,Club Name\n1," + who + "\n") }
	type arm struct {
		on, off func()
		failed  func() int64 // reads that failed
	}
	for _, c := range []struct {
		name string
		s3   bool
		open func(t *testing.T) (*Store, arm)
	}{
		{"backend read error", false, func(t *testing.T) (*Store, arm) {
			base := openTest(t, Options{})
			objs := &keyFailure{Objects: base.Objects(), key: mdKey}
			st := OpenObjects(base.Dir(), objs, Options{})
			t.Cleanup(func() { st.Close() }) // the wrapper hides the backend's Close: base closes it
			return st, arm{func() { objs.armed.Store(true) }, func() { objs.armed.Store(false) }, objs.failed.Load}
		}},
		{"S3 500 on the metadata GET", true, func(t *testing.T) (*Store, arm) {
			tr := &http.Transport{}
			t.Cleanup(tr.CloseIdleConnections)
			rt := &s3GetFailure{next: tr, suffix: "/" + mdKey}
			st, _ := leaseStore(t, fmt.Sprintf("t%d", testPrefixes.Add(1)), rt, 30*time.Second, time.Date(2025, 10, 2, 1, 0, 0, 0, time.UTC))
			return st, arm{func() { rt.armed.Store(true) }, func() { rt.armed.Store(false) }, rt.failed.Load}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.s3 && !onS3() {
				t.Skip("object storage only (TOASTSTATS_TEST_BACKEND=s3)")
			}
			t.Parallel()
			ctx := context.Background()
			st, a := c.open(t)
			rc := st.Raw()
			must(t, rc.Put(ctx, date, "", ReportSummary, report("summary"), PutInfo{}))
			for _, d := range []string{"61", "62"} {
				for _, r := range DistrictReports {
					must(t, rc.Put(ctx, date, d, r, report(d+" "+string(r)), PutInfo{}))
				}
			}
			md, err := rc.Metadata(ctx, date)
			must(t, err)
			sums := maps.Clone(md.Integrity.Checksums)
			if len(sums) != 7 {
				t.Fatalf("checksums before: %v", sums)
			}
			before := withoutLocks(objectsDigest(t, st))

			a.on()
			err = rc.Put(ctx, date, "61", ReportClub, report("61 again"), PutInfo{})
			a.off()
			if a.failed() == 0 {
				t.Fatal("no read of metadata.json failed: the test injects nothing")
			}
			if err == nil || errors.Is(err, ErrNotCached) || !strings.Contains(err.Error(), mdKey) || !strings.Contains(err.Error(), "date "+date) {
				t.Fatalf("Put with metadata.json unreadable = %v, want an error naming the date and %s", err, mdKey)
			}
			if after := withoutLocks(objectsDigest(t, st)); !maps.Equal(after, before) {
				t.Fatalf("the failed Put changed the store:\nbefore %v\nafter  %v", before, after)
			}
			md, err = rc.Metadata(ctx, date)
			if err != nil || !maps.Equal(md.Integrity.Checksums, sums) {
				t.Fatalf("checksums after the failed Put: %v %v, want %v", md.Integrity.Checksums, err, sums)
			}

			// Once the read works, the Put goes through and every other
			// report keeps its checksum (and still verifies).
			must(t, rc.Put(ctx, date, "61", ReportClub, report("61 again"), PutInfo{}))
			md, err = rc.Metadata(ctx, date)
			must(t, err)
			want := maps.Clone(sums)
			want["district-61/"+ReportClub.FileName()] = sha256Hex(report("61 again"))
			if !maps.Equal(md.Integrity.Checksums, want) || md.Integrity.FileCount != 7 {
				t.Fatalf("checksums after the Put again: %v (%d files), want %v", md.Integrity.Checksums, md.Integrity.FileCount, want)
			}
			if probs, err := rc.Check(ctx); err != nil || len(probs) != 0 {
				t.Fatalf("Check: %+v %v", probs, err)
			}
		})
	}
}

// A metadata.json that is there but does not parse is rebuilt from the
// files there (package documentation, "Raw cache"): the Put goes through,
// csvFiles lists every report present, and only the report just written
// has a checksum (the others' were never verified again, so none is
// invented). Telling it from a read error must not change that.
func TestRawPutRebuildsUnparsableMetadata(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	rc := st.Raw()
	const date = "2025-10-01"
	report := func(who string) []byte { return []byte("Club Number,Club Name\n1," + who + "\n") }
	must(t, rc.Put(ctx, date, "", ReportSummary, report("summary"), PutInfo{}))
	must(t, rc.Put(ctx, date, "61", ReportDivision, report("division"), PutInfo{}))
	must(t, st.Objects().Write(ctx, rawPrefix+date+"/"+metadataFile, []byte("{not json")))
	if _, err := rc.Metadata(ctx, date); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Metadata of an unparsable metadata.json = %v, want ErrCorrupt", err)
	}
	must(t, rc.Put(ctx, date, "61", ReportClub, report("club"), PutInfo{}))
	md, err := rc.Metadata(ctx, date)
	must(t, err)
	wantSums := map[string]string{"district-61/" + ReportClub.FileName(): sha256Hex(report("club"))}
	if !maps.Equal(md.Integrity.Checksums, wantSums) || !md.CSVFiles.AllDistricts ||
		md.CSVFiles.Districts["61"] != (DistrictCSVFiles{ClubPerformance: true, DivisionPerformance: true}) {
		t.Fatalf("rebuilt metadata: %+v", md)
	}
	for _, r := range []struct {
		d    string
		r    Report
		want []byte
	}{{"", ReportSummary, report("summary")}, {"61", ReportDivision, report("division")}, {"61", ReportClub, report("club")}} {
		if b, err := rc.Get(ctx, date, r.d, r.r); err != nil || !bytes.Equal(b, r.want) {
			t.Errorf("Get %s after the rebuild: %q %v", r.r, b, err)
		}
	}
	// The unparsable bytes were set aside before the rebuild replaced
	// them: one quarantine entry holding the date's metadata.json.
	list, err := rc.SetAsideList(ctx)
	must(t, err)
	if len(list) != 1 || !slices.Equal(list[0].Files, []string{rawPrefix + date + "/" + metadataFile}) {
		t.Fatalf("set aside: %+v, want one entry with %s", list, rawPrefix+date+"/"+metadataFile)
	}
	if b, err := st.Objects().Read(ctx, "quarantine/"+list[0].ID+"/"+rawPrefix+date+"/"+metadataFile); err != nil || string(b) != "{not json" {
		t.Fatalf("the set-aside copy: %q %v, want the unparsable bytes", b, err)
	}
}
