package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/assess"
	"github.com/toaststats/toaststats/store"
	"github.com/toaststats/toaststats/store/blobstore/blobtest"
)

// The tests below run two servers, each with its own store handle, on one
// location (two processes sharing a data directory or a bucket): the local
// directory, and a bucket of a MinIO on loopback (skipped without minio
// unless TOASTSTATS_REQUIRE_S3=1).

// twoServers returns two loopback servers on one location holding the
// fixture's snapshots. Before the first request, a test may give the first
// server's Book its own snapshot-ids function (see pauseOnce): assess.Book
// calls it while it updates an assessment, between its read and its write.
func twoServers(t *testing.T, backend string) (first *Server, hs1, hs2 *httptest.Server) {
	t.Helper()
	location := t.TempDir()
	if backend == "s3" {
		location = blobtest.New(t).NewBucketURL(t)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st1 := openFixtureStore(t, location, true)
	st2, err := store.Open(location, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	srv1 := NewServer(Config{AdminToken: testToken, Version: "test"}, Deps{Store: st1, Now: clock, Logger: quiet})
	srv2 := NewServer(Config{AdminToken: testToken, Version: "test"}, Deps{Store: st2, Now: clock, Logger: quiet})
	t.Cleanup(srv1.Close)
	t.Cleanup(srv2.Close)
	return srv1, newLoopbackServer(t, srv1), newLoopbackServer(t, srv2)
}

// withSnapshotIDs gives s's Book the snapshot-ids function wrap(the
// server's own).
func (s *Server) withSnapshotIDs(wrap func(next func(context.Context) ([]string, error)) func(context.Context) ([]string, error)) {
	s.book = assess.NewBook(s.store, assess.Options{Now: s.now, SnapshotIDs: wrap(s.series.SuccessfulIDs)})
}

// pauseOnce pauses the first call after arm until release: the update
// that makes it has read the assessment and not written it yet.
type pauseOnce struct {
	mu      sync.Mutex
	armed   bool
	paused  chan struct{}
	release chan struct{}
}

func (p *pauseOnce) arm() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed, p.paused, p.release = true, make(chan struct{}), make(chan struct{})
}

func (p *pauseOnce) wrap(next func(context.Context) ([]string, error)) func(context.Context) ([]string, error) {
	return func(ctx context.Context) ([]string, error) {
		p.mu.Lock()
		first, paused, release := p.armed, p.paused, p.release
		p.armed = false
		p.mu.Unlock()
		if first {
			close(paused)
			<-release
		}
		return next(ctx)
	}
}

// reply is one request's status and body.
type reply struct {
	status int
	body   []byte
}

func (a reply) String() string { return fmt.Sprintf("%d %s", a.status, a.body) }

// assessmentRequest sends an admin request to hs.
func assessmentRequest(t *testing.T, hs *httptest.Server, method, path, body string) reply {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, hs.URL+path, r)
	if err != nil {
		t.Error(err)
		return reply{}
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hs.Client().Do(req)
	if err != nil {
		t.Error(err)
		return reply{}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Error(err)
	}
	return reply{resp.StatusCode, b}
}

// async sends the request in a goroutine; the reply arrives on the channel.
func async(t *testing.T, hs *httptest.Server, method, path, body string) <-chan reply {
	out := make(chan reply, 1)
	go func() { out <- assessmentRequest(t, hs, method, path, body) }()
	return out
}

// stored decodes an assessment reply; ok is false for 404.
func stored(t *testing.T, a reply) (assess.Assessment, bool) {
	t.Helper()
	if a.status == http.StatusNotFound {
		if !strings.Contains(string(a.body), `"ASSESSMENT_NOT_FOUND"`) {
			t.Fatalf("404 without ASSESSMENT_NOT_FOUND: %s", a.body)
		}
		return assess.Assessment{}, false
	}
	var d apitypes.Data[assess.Assessment]
	if err := json.Unmarshal(a.body, &d); err != nil || a.status != http.StatusOK && a.status != http.StatusCreated {
		t.Fatalf("reply %v (%v)", a, err)
	}
	return d.Data, true
}

// waitPaused waits until the request pauses between its read and its
// write, failing when it is answered first.
func waitPaused(t *testing.T, p *pauseOnce, req <-chan reply) {
	t.Helper()
	select {
	case <-p.paused:
	case a := <-req:
		t.Fatalf("the PUT was answered (%v) without reading the snapshot ids between its read and its write", a)
	}
}

// A DELETE answered while a PUT of the same month is between its read and
// its write (on the other server): the PUT then answers 404
// ASSESSMENT_NOT_FOUND and the assessment stays deleted. Before updates
// were compare-and-swaps, the PUT wrote the assessment it had read back
// (200) and the deleted assessment came back.
func TestAssessmentDeleteDuringPUT(t *testing.T) {
	for _, backend := range []string{"dir", "s3"} {
		t.Run(backend, func(t *testing.T) {
			srv1, hs1, hs2 := twoServers(t, backend)
			var p pauseOnce
			srv1.withSnapshotIDs(p.wrap)
			for _, tc := range []struct{ month, body string }{
				{"2025-07", `{"notes":"revised"}`},
				{"2025-08", `{}`}, // recompute only
			} {
				path := "/api/assessment/monthly/42/" + tc.month
				if a := assessmentRequest(t, hs2, "POST", "/api/assessment/monthly/42", `{"month":"`+tc.month+`","notes":"first"}`); a.status != http.StatusCreated {
					t.Fatalf("create %s: %v", tc.month, a)
				}
				p.arm()
				put := async(t, hs1, "PUT", path, tc.body)
				waitPaused(t, &p, put)
				if a := assessmentRequest(t, hs2, "DELETE", path, ""); a.status != http.StatusOK {
					t.Fatalf("DELETE %s while a PUT is in flight: %v", tc.month, a)
				}
				close(p.release)
				if a := <-put; a.status != http.StatusNotFound || !strings.Contains(string(a.body), `"ASSESSMENT_NOT_FOUND"`) {
					t.Errorf("PUT %s %s whose assessment was deleted after its read: %v, want 404 ASSESSMENT_NOT_FOUND", tc.month, tc.body, a)
				}
				for _, hs := range []*httptest.Server{hs1, hs2} {
					if a, ok := stored(t, assessmentRequest(t, hs, "GET", path, "")); ok {
						t.Fatalf("%s was deleted (200) and is back after the PUT: %+v", tc.month, a)
					}
				}
			}
		})
	}
}

// A PUT without notes (recompute only) between its read and its write
// while a PUT with notes is answered on the other server: it then applies
// after that one, keeping its notes. Before updates were compare-and-swaps
// it wrote back the notes it had read, and the other client's notes were
// lost although both got 200.
func TestAssessmentPUTDuringPUT(t *testing.T) {
	for _, backend := range []string{"dir", "s3"} {
		t.Run(backend, func(t *testing.T) {
			srv1, hs1, hs2 := twoServers(t, backend)
			var p pauseOnce
			srv1.withSnapshotIDs(p.wrap)
			path := "/api/assessment/monthly/42/2025-07"
			if a := assessmentRequest(t, hs2, "POST", "/api/assessment/monthly/42", `{"month":"2025-07","notes":"first"}`); a.status != http.StatusCreated {
				t.Fatalf("create: %v", a)
			}
			p.arm()
			recompute := async(t, hs1, "PUT", path, `{}`)
			waitPaused(t, &p, recompute)
			withNotes, _ := stored(t, assessmentRequest(t, hs2, "PUT", path, `{"notes":"second client"}`))
			if withNotes.Notes != "second client" {
				t.Fatalf("PUT with notes answered %+v", withNotes)
			}
			close(p.release)
			a, ok := stored(t, <-recompute)
			if !ok || a.Notes != "second client" {
				t.Errorf("the recomputing PUT answered notes %q, want the other PUT's %q", a.Notes, "second client")
			}
			for _, hs := range []*httptest.Server{hs1, hs2} {
				got, ok := stored(t, assessmentRequest(t, hs, "GET", path, ""))
				if !ok || got.Notes != "second client" {
					t.Fatalf("stored notes %q after both PUTs were answered 200: the notes %q were lost", got.Notes, "second client")
				}
				if !reflect.DeepEqual(got, a) {
					t.Fatalf("stored %+v, the PUT applied last answered %+v", got, a)
				}
			}
		})
	}
}

// A PUT whose assessment is changed by another PUT between its read and
// its write, every time it reads it again, gives up after its attempts
// with 409 ASSESSMENT_CONFLICT and writes nothing: the last other PUT's
// notes stay.
func TestAssessmentPUTConflict(t *testing.T) {
	for _, backend := range []string{"dir", "s3"} {
		t.Run(backend, func(t *testing.T) {
			srv1, hs1, hs2 := twoServers(t, backend)
			path := "/api/assessment/monthly/42/2025-07"
			if a := assessmentRequest(t, hs2, "POST", "/api/assessment/monthly/42", `{"month":"2025-07","notes":"first"}`); a.status != http.StatusCreated {
				t.Fatalf("create: %v", a)
			}
			var mu sync.Mutex
			others := 0
			srv1.withSnapshotIDs(func(next func(context.Context) ([]string, error)) func(context.Context) ([]string, error) {
				return func(ctx context.Context) ([]string, error) {
					mu.Lock()
					others++
					n := others
					mu.Unlock()
					if a := assessmentRequest(t, hs2, "PUT", path, fmt.Sprintf(`{"notes":"other %d"}`, n)); a.status != http.StatusOK {
						t.Errorf("other PUT %d: %v", n, a)
					}
					return next(ctx)
				}
			})
			a := assessmentRequest(t, hs1, "PUT", path, `{"notes":"never"}`)
			if a.status != http.StatusConflict || !strings.Contains(string(a.body), `"ASSESSMENT_CONFLICT"`) {
				t.Fatalf("PUT overtaken on every attempt: %v, want 409 ASSESSMENT_CONFLICT", a)
			}
			mu.Lock()
			n := others
			mu.Unlock()
			if n < 2 {
				t.Fatalf("the PUT tried %d times", n)
			}
			got, _ := stored(t, assessmentRequest(t, hs1, "GET", path, ""))
			if want := fmt.Sprintf("other %d", n); got.Notes != want {
				t.Fatalf("stored notes %q, want the last other PUT's %q", got.Notes, want)
			}
		})
	}
}

// Rounds of a DELETE and a PUT of one month sent at once to the two
// servers: whichever applies first, the month is never stored once both
// are answered and the DELETE was answered 200.
func TestAssessmentConcurrentDELETEAndPUT(t *testing.T) {
	for _, backend := range []string{"dir", "s3"} {
		t.Run(backend, func(t *testing.T) {
			_, hs1, hs2 := twoServers(t, backend)
			path := "/api/assessment/monthly/42/2025-07"
			for round := range 20 {
				if a := assessmentRequest(t, hs1, "POST", "/api/assessment/monthly/42", `{"month":"2025-07","notes":"first"}`); a.status != http.StatusCreated {
					t.Fatalf("round %d: create: %v", round, a)
				}
				var put, del reply
				start := make(chan struct{})
				var wg sync.WaitGroup
				wg.Go(func() {
					<-start
					put = assessmentRequest(t, hs1, "PUT", path, fmt.Sprintf(`{"notes":"round %d"}`, round))
				})
				wg.Go(func() { <-start; del = assessmentRequest(t, hs2, "DELETE", path, "") })
				close(start)
				wg.Wait()
				if del.status != http.StatusOK {
					t.Fatalf("round %d: DELETE %v", round, del)
				}
				if put.status != http.StatusOK && put.status != http.StatusNotFound {
					t.Fatalf("round %d: PUT %v", round, put)
				}
				if a, ok := stored(t, assessmentRequest(t, hs2, "GET", path, "")); ok {
					t.Fatalf("round %d: deleted (200) but stored after both were answered (PUT %d): %+v", round, put.status, a)
				}
			}
		})
	}
}

// Rounds of 8 PUTs of a month sent at once, alternating between the two
// servers: one sets notes, the others only recompute. All are answered
// 200, and the stored assessment has the notes that were set (a
// recomputing PUT that read the assessment before never writes the notes
// it was created with back over them) and is the reply of one of the PUTs.
func TestAssessmentConcurrentPUTs(t *testing.T) {
	for _, backend := range []string{"dir", "s3"} {
		t.Run(backend, func(t *testing.T) {
			_, hs1, hs2 := twoServers(t, backend)
			for round := range 10 {
				month := []string{"2025-06", "2025-07", "2025-08"}[round%3]
				path := "/api/assessment/monthly/42/" + month
				if a := assessmentRequest(t, hs1, "POST", "/api/assessment/monthly/42", `{"month":"`+month+`","notes":"created"}`); a.status != http.StatusCreated {
					t.Fatalf("create %s: %v", month, a)
				}
				const n = 8
				notes := fmt.Sprintf("set in round %d", round)
				replies := make([]reply, n)
				start := make(chan struct{})
				var wg sync.WaitGroup
				for i := range n {
					hs, body := hs1, `{}`
					if i%2 == 1 {
						hs = hs2
					}
					if i == n/2+1 {
						body = `{"notes":"` + notes + `"}`
					}
					wg.Go(func() { <-start; replies[i] = assessmentRequest(t, hs, "PUT", path, body) })
				}
				close(start)
				wg.Wait()
				var results []assess.Assessment
				for i, a := range replies {
					if a.status != http.StatusOK {
						t.Fatalf("%s: PUT %d: %v", month, i, a)
					}
					r, _ := stored(t, a)
					results = append(results, r)
				}
				got, ok := stored(t, assessmentRequest(t, hs2, "GET", path, ""))
				if !ok || got.Notes != notes {
					t.Fatalf("round %d: stored notes %q after the PUT setting %q was answered 200: its notes were lost", round, got.Notes, notes)
				}
				if !slices.ContainsFunc(results, func(r assess.Assessment) bool { return reflect.DeepEqual(r, got) }) {
					t.Fatalf("round %d: stored %+v is no PUT's reply", round, got)
				}
				if a := assessmentRequest(t, hs1, "DELETE", path, ""); a.status != http.StatusOK {
					t.Fatalf("round %d: DELETE %v", round, a)
				}
			}
		})
	}
}

// A PUT's answers outside races: the month is checked first, then the body
// (JSON, notes), then the assessment is read, once (in assess.Book.Update):
// a month not assessed is 404.
func TestAssessmentPUTAnswers(t *testing.T) {
	_, hs, _ := twoServers(t, "dir")
	for _, tc := range []struct {
		path, body string
		status     int
		code       string
	}{
		{"/api/assessment/monthly/42/2025-13", `not json`, 400, "INVALID_MONTH"},
		{"/api/assessment/monthly/42/2025-07", `{}`, 404, "ASSESSMENT_NOT_FOUND"},
		{"/api/assessment/monthly/42/2025-07", `{"notes":"` + strings.Repeat("x", assess.MaxNotes+1) + `"}`, 400, "NOTES_TOO_LONG"},
	} {
		a := assessmentRequest(t, hs, "PUT", tc.path, tc.body)
		var e errorBody
		if err := json.Unmarshal(a.body, &e); err != nil || a.status != tc.status || e.Error.Code != tc.code {
			t.Errorf("PUT %s %.20s: %v, want %d %s", tc.path, tc.body, a, tc.status, tc.code)
		}
	}
	if a := assessmentRequest(t, hs, "POST", "/api/assessment/monthly/42", `{"month":"2025-07","notes":"first"}`); a.status != http.StatusCreated {
		t.Fatalf("create: %v", a)
	}
	got, _ := stored(t, assessmentRequest(t, hs, "PUT", "/api/assessment/monthly/42/2025-07", `{"notes":"second"}`))
	if got.Notes != "second" || got.SnapshotID != "2025-07-16" {
		t.Fatalf("PUT answered %+v", got)
	}
}

// Rounds of 8 DELETEs of one month sent at once, alternating between the
// two servers: exactly one is answered 200 and every other one 404
// ASSESSMENT_NOT_FOUND, and the month is not stored afterwards. Before a
// delete reported whether it removed the assessment, every DELETE that
// read it before the first removal also answered 200.
func TestAssessmentConcurrentDELETEs(t *testing.T) {
	for _, backend := range []string{"dir", "s3"} {
		t.Run(backend, func(t *testing.T) {
			_, hs1, hs2 := twoServers(t, backend)
			rounds := 50
			if backend == "s3" {
				rounds = 6 // each DELETE takes the lease in turn
			}
			for round := range rounds {
				month := []string{"2025-06", "2025-07", "2025-08"}[round%3]
				path := "/api/assessment/monthly/42/" + month
				if a := assessmentRequest(t, hs1, "POST", "/api/assessment/monthly/42", `{"month":"`+month+`","notes":"created"}`); a.status != http.StatusCreated {
					t.Fatalf("round %d: create %s: %v", round, month, a)
				}
				const n = 8
				replies := make([]reply, n)
				start := make(chan struct{})
				var wg sync.WaitGroup
				for i := range n {
					hs := hs1
					if i%2 == 1 {
						hs = hs2
					}
					wg.Go(func() { <-start; replies[i] = assessmentRequest(t, hs, "DELETE", path, "") })
				}
				close(start)
				wg.Wait()
				var ok []int
				for i, a := range replies {
					switch {
					case a.status == http.StatusOK:
						var d apitypes.AssessmentDeleted
						if err := json.Unmarshal(a.body, &d); err != nil || !d.Success || d.Month != month || d.DistrictID != "42" {
							t.Fatalf("round %d: DELETE %d answered %v (%v)", round, i, a, err)
						}
						ok = append(ok, i)
					case a.status == http.StatusNotFound && strings.Contains(string(a.body), `"ASSESSMENT_NOT_FOUND"`):
					default:
						t.Fatalf("round %d: DELETE %d: %v, want 200 or 404 ASSESSMENT_NOT_FOUND", round, i, a)
					}
				}
				if len(ok) != 1 {
					t.Fatalf("round %d: DELETEs %v of %d answered 200, want exactly one", round, ok, n)
				}
				for _, hs := range []*httptest.Server{hs1, hs2} {
					if a, stillThere := stored(t, assessmentRequest(t, hs, "GET", path, "")); stillThere {
						t.Fatalf("round %d: deleted (200) but still stored: %+v", round, a)
					}
				}
			}
		})
	}
}
