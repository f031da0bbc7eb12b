package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// The raw cache's and the district configuration's writers, on a lease
// they lose, as TestPublishStopsWhenItsLeaseIsLost does for a publish:
// each case cuts the first holder's link to the bucket at one of its
// writes (or the process stalls there) for longer than the lease's TTL; a
// second store takes the lease over, as it should, and writes. When the
// first one's link comes back it must not go on: it fails with
// ErrLeaseLost, and every object the second one wrote stays as it wrote it
// (without that, the first one's write lands when the link comes back: an
// older metadata.json replacing the newer one, a report or audit-log line
// of the second one lost).
func TestRawAndConfigWritesStopWhenTheirLeaseIsLost(t *testing.T) {
	if !onS3() {
		t.Skip("object storage only: a local directory's lock is an OS file lock, never lost")
	}
	const date = "2025-10-01"
	put := func(suffix string) func(*http.Request) bool {
		return func(r *http.Request) bool {
			return r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, suffix)
		}
	}
	report := func(who string) []byte { return []byte("Club Number,Club Name\n1," + who + "\n") }
	club := "/" + rawPrefix + date + "/district-61/" + ReportClub.FileName()
	putReport := func(ctx context.Context, st *Store, r Report, who string) error {
		return st.Raw().Put(ctx, date, "61", r, report(who), PutInfo{Source: who})
	}
	// wantReports checks the reports of the date read back as the second
	// store wrote them, and the whole cache verifies.
	wantReports := func(want map[Report]string) func(*testing.T, *Store) {
		return func(t *testing.T, st *Store) {
			ctx := context.Background()
			for r, who := range want {
				b, err := st.Raw().Get(ctx, date, "61", r)
				if err != nil || !bytes.Equal(b, report(who)) {
					t.Errorf("%s after both writers: %q %v, want %q", r, b, err, report(who))
				}
			}
			probs, err := st.Raw().Check(ctx)
			if err != nil || len(probs) > 0 {
				t.Errorf("raw cache check after both writers: %+v %v", probs, err)
			}
		}
	}
	wantConfig := func(ids []string, action string, newIDs []string) func(*testing.T, *Store) {
		return func(t *testing.T, st *Store) {
			ctx := context.Background()
			got, _, err := st.Config().Load(ctx)
			if err != nil || !slices.Equal(got, ids) {
				t.Errorf("districts after both writers: %v %v, want %v", got, err, ids)
			}
			h, err := st.Config().History(ctx, 0)
			if err != nil || len(h) == 0 || h[0].Action != action || h[0].AdminUser != "b" || !slices.Equal(h[0].NewDistricts, newIDs) {
				t.Errorf("audit log after both writers: %+v %v, want b's %s to %v last", h, err, action, newIDs)
			}
		}
	}
	for _, c := range []struct {
		name    string
		setup   func(context.Context, *Store) error // by the second store, first
		trigger func(*http.Request) bool            // the first store's request that is cut
		a, b    func(context.Context, *Store) error
		check   func(*testing.T, *Store)
	}{
		{
			name:    "put: the report",
			trigger: put(club),
			a:       func(ctx context.Context, st *Store) error { return putReport(ctx, st, ReportClub, "a") },
			b: func(ctx context.Context, st *Store) error {
				return errors.Join(putReport(ctx, st, ReportClub, "b"), putReport(ctx, st, ReportDivision, "b"))
			},
			check: wantReports(map[Report]string{ReportClub: "b", ReportDivision: "b"}),
		},
		{
			name:    "put: the metadata",
			trigger: put("/" + rawPrefix + date + "/metadata.json"),
			a:       func(ctx context.Context, st *Store) error { return putReport(ctx, st, ReportClub, "a") },
			b: func(ctx context.Context, st *Store) error {
				return errors.Join(putReport(ctx, st, ReportClub, "b"), putReport(ctx, st, ReportDivision, "b"))
			},
			check: wantReports(map[Report]string{ReportClub: "b", ReportDivision: "b"}),
		},
		{
			name:    "put: the pending checksum of a replaced report",
			setup:   func(ctx context.Context, st *Store) error { return putReport(ctx, st, ReportClub, "old") },
			trigger: put("/" + rawPrefix + date + "/metadata.json"),
			a:       func(ctx context.Context, st *Store) error { return putReport(ctx, st, ReportClub, "a") },
			b:       func(ctx context.Context, st *Store) error { return putReport(ctx, st, ReportClub, "b") },
			check:   wantReports(map[Report]string{ReportClub: "b"}),
		},
		{
			name:    "compress",
			setup:   func(ctx context.Context, st *Store) error { return putReport(ctx, st, ReportClub, "old") },
			trigger: put(club + rawGzSuffix),
			a: func(ctx context.Context, st *Store) error {
				_, err := st.Raw().Compress(ctx, date)
				return err
			},
			b:     func(ctx context.Context, st *Store) error { return putReport(ctx, st, ReportClub, "b") },
			check: wantReports(map[Report]string{ReportClub: "b"}),
		},
		{
			name:  "trash",
			setup: func(ctx context.Context, st *Store) error { return putReport(ctx, st, ReportClub, "old") },
			trigger: func(r *http.Request) bool {
				return r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") != "" && strings.Contains(r.URL.Path, "/"+rawTrashPrefix)
			},
			a: func(ctx context.Context, st *Store) error {
				_, err := st.Raw().Trash(ctx, date)
				return err
			},
			b: func(ctx context.Context, st *Store) error { return putReport(ctx, st, ReportDivision, "b") },
			// a's move stopped during its copies, marked: b's Put
			// finishes it first (rolls it forward), so the date's old
			// report is in the trash entry, whole, and b's Put starts
			// the date again.
			check: func(t *testing.T, st *Store) {
				wantReports(map[Report]string{ReportDivision: "b"})(t, st)
				ctx := context.Background()
				if st.Raw().Has(ctx, date, "61", ReportClub) {
					t.Errorf("the cache still holds the report a's trash moved")
				}
				list, err := st.Raw().TrashList(ctx)
				if err != nil || len(list) != 1 || list[0].MoveInterrupted {
					t.Fatalf("trash after both writers: %+v %v, want a's entry, its move finished", list, err)
				}
				b, err := st.Objects().Read(ctx, rawTrashPrefix+list[0].ID+"/district-61/"+ReportClub.FileName())
				if err != nil || !bytes.Equal(b, report("old")) {
					t.Errorf("trashed report: %q %v, want %q", b, err, report("old"))
				}
			},
		},
		{
			name:    "config: the districts",
			trigger: put("/" + configKey),
			a: func(ctx context.Context, st *Store) error {
				_, err := st.Config().Replace(ctx, []string{"61"}, "a")
				return err
			},
			b: func(ctx context.Context, st *Store) error {
				_, err := st.Config().Replace(ctx, []string{"42"}, "b")
				return err
			},
			check: wantConfig([]string{"42"}, "replace", []string{"42"}),
		},
		{
			name:    "config: the audit log",
			trigger: put("/" + configLogKey),
			a: func(ctx context.Context, st *Store) error {
				_, err := st.Config().Add(ctx, []string{"61"}, "a")
				return err
			},
			b: func(ctx context.Context, st *Store) error {
				_, err := st.Config().Add(ctx, []string{"42"}, "b")
				return err
			},
			// a's change was written before its link was cut, its log
			// line was not: b's change starts from it.
			check: wantConfig([]string{"42", "61"}, "add", []string{"42", "61"}),
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			prefix := fmt.Sprintf("t%d", testPrefixes.Add(1))
			cut := newPartition(t, c.trigger)
			defer cut.heal()
			a, _ := leaseStore(t, prefix, cut, time.Second, time.Date(2025, 10, 2, 1, 0, 0, 0, time.UTC))
			b, _ := leaseStore(t, prefix, nil, time.Second, time.Date(2025, 10, 2, 2, 0, 0, 0, time.UTC))
			if c.setup != nil {
				must(t, c.setup(ctx, b))
			}

			aDone := make(chan error, 1)
			go func() { aDone <- c.a(ctx, a) }()
			select {
			case <-cut.started:
			case err := <-aDone:
				t.Fatalf("a finished (%v) without reaching the write where the link is cut", err)
			}
			// B waits for A's lease to expire, takes it over, and writes.
			must(t, c.b(ctx, b))
			want := withoutLocks(objectsDigest(t, b))
			cut.heal()
			err := <-aDone
			assertUnchangedSinceLost(t, want, withoutLocks(objectsDigest(t, b)))
			if !errors.Is(err, ErrLeaseLost) {
				t.Fatalf("the writer that lost its lease returned %v, want ErrLeaseLost", err)
			}
			if errors.Is(err, context.Canceled) {
				t.Fatalf("lease loss reported as a cancellation: %v", err)
			}
			c.check(t, b)
		})
	}
}

// A holder stalls in the middle of a raw-cache or configuration write (a
// long GC pause, a VM suspended) while another host takes its lease over,
// and resumes before its renewal timer fires, so nothing has told it yet.
// The writer confirms its lease right before each write and stops there
// with ErrLeaseLost naming the new holder: nothing in the store changes
// from the moment the lease was taken.
func TestRawAndConfigWritesConfirmTheirLease(t *testing.T) {
	if !onS3() {
		t.Skip("object storage only: a local directory's lock is an OS file lock, never lost")
	}
	const date = "2025-10-01"
	club := "/" + rawPrefix + date + "/district-61/" + ReportClub.FileName()
	req := func(method, suffix string) func(*http.Request) bool {
		return func(r *http.Request) bool {
			return r.Method == method && strings.HasSuffix(r.URL.Path, suffix) && r.URL.Query().Get("list-type") == ""
		}
	}
	report := func(who string) []byte { return []byte("Club Number,Club Name\n1," + who + "\n") }
	putClub := func(who string) func(context.Context, *Store) error {
		return func(ctx context.Context, st *Store) error {
			return st.Raw().Put(ctx, date, "61", ReportClub, report(who), PutInfo{})
		}
	}
	compress := func(ctx context.Context, st *Store) error {
		_, err := st.Raw().Compress(ctx, date)
		return err
	}
	const rawLock, cfgLock = "raw-" + date, configLock
	for _, c := range []struct {
		name    string
		lock    string
		setup   func(context.Context, *Store) error
		trigger func(*http.Request) bool // the stall: after the step before the check
		a       func(context.Context, *Store) error
	}{
		{"put: before the pending checksum", rawLock, putClub("old"), req(http.MethodGet, "/"+rawPrefix+date+"/metadata.json"), putClub("a")},
		{"put: before the report", rawLock, putClub("old"), req(http.MethodPut, "/"+rawPrefix+date+"/metadata.json"), putClub("a")},
		{"put: before removing the other form", rawLock,
			func(ctx context.Context, st *Store) error {
				return errors.Join(putClub("old")(ctx, st), compress(ctx, st))
			},
			req(http.MethodPut, club), putClub("a")},
		{"put: before the metadata", rawLock, nil, req(http.MethodDelete, club+rawGzSuffix), putClub("a")},
		{"compress: before the file", rawLock, putClub("old"), req(http.MethodGet, club), compress},
		{"compress: before the metadata", rawLock, putClub("old"), req(http.MethodDelete, club), compress},
		{"trash: before the move", rawLock, putClub("old"), func(r *http.Request) bool {
			return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Query().Get("prefix"), "/"+rawPrefix+date+"/")
		}, func(ctx context.Context, st *Store) error {
			_, err := st.Raw().Trash(ctx, date)
			return err
		}},
		{"config: before the districts", cfgLock, nil, req(http.MethodGet, "/"+configKey), func(ctx context.Context, st *Store) error {
			_, err := st.Config().Replace(ctx, []string{"61"}, "a")
			return err
		}},
		{"config: before the audit log", cfgLock, nil, req(http.MethodPut, "/"+configKey), func(ctx context.Context, st *Store) error {
			_, err := st.Config().Add(ctx, []string{"61"}, "a")
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			prefix := fmt.Sprintf("t%d", testPrefixes.Add(1))
			other, otherObjs := leaseStore(t, prefix, nil, 30*time.Second, time.Date(2025, 10, 2, 2, 0, 0, 0, time.UTC))
			if c.setup != nil {
				must(t, c.setup(ctx, other))
			}
			lease := ".locks/" + c.lock + ".lease"
			var taken map[string]string // the store when the lease was taken
			stall := newPartition(t, c.trigger)
			stall.onTrigger = func() {
				// What the other host does once the lease expired.
				_, etag, err := otherObjs.ReadVersion(ctx, lease)
				if err != nil {
					t.Errorf("read the lease: %v", err)
					return
				}
				lk := []byte(`{"holder":"another-host/7/taker","expires":"2099-01-01T00:00:00Z","ttlMs":30000}`)
				if ok, err := otherObjs.WriteIfVersion(ctx, lease, lk, etag); err != nil || !ok {
					t.Errorf("take over: %v %v", ok, err)
				}
				taken = withoutLocks(objectsDigest(t, other))
			}
			a, _ := leaseStore(t, prefix, stall, 30*time.Second, time.Date(2025, 10, 2, 1, 0, 0, 0, time.UTC))
			err := c.a(ctx, a)
			if taken == nil {
				t.Fatalf("a = %v without reaching the stall", err)
			}
			if got := withoutLocks(objectsDigest(t, other)); !maps.Equal(got, taken) {
				t.Errorf("the store changed after the lease was taken over:\n got %v\nwant %v", got, taken)
			}
			if !errors.Is(err, ErrLeaseLost) || !strings.Contains(err.Error(), "another-host/7/taker") {
				t.Fatalf("a = %v, want ErrLeaseLost naming the new holder", err)
			}
			b, err := otherObjs.Read(ctx, lease)
			if err != nil || !strings.Contains(string(b), "another-host/7/taker") {
				t.Fatalf("lease after a: %s %v, want the new holder's", b, err)
			}
		})
	}
}
