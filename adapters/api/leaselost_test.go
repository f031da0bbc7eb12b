package api

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/store"
	"github.com/toaststats/toaststats/store/blobstore/blobtest"
)

// On object storage, a write whose lock lease is lost while it holds it
// (another server took the lock over while this one stalled) stops with
// store.ErrLeaseLost. Such a write is not a failure of the request: the
// admin routes that take a lease (changing the tracked districts, deleting
// an assessment) answer 503 STORE_LOCK_LOST with Retry-After: 5 and say
// that nothing more was written and that sending it again is safe, and
// sending it again does the change. (A 500 said "An internal error
// occurred".) A lease thief in front of MinIO deletes the lease right
// after the server takes it.
func TestLostLeaseIsServiceUnavailable(t *testing.T) {
	th := blobtest.New(t).NewLeaseThief(t, "", 0)
	st := openFixtureStore(t, th.URL, true)
	srv := NewServer(Config{AdminToken: testToken, Version: "test"}, Deps{Store: st, Now: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	t.Cleanup(srv.Close)
	hs := newLoopbackServer(t, srv)

	do := func(method, path, body string) (int, string, http.Header) {
		t.Helper()
		req, err := http.NewRequest(method, hs.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+testToken)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	lost := func(what string, status int, body string, h http.Header) {
		t.Helper()
		if status != http.StatusServiceUnavailable || h.Get("Retry-After") != "5" ||
			!strings.Contains(body, `"code":"STORE_LOCK_LOST"`) || !strings.Contains(body, "nothing more was written") {
			t.Fatalf("%s with its lease lost: %d (Retry-After %q) %s, want 503 STORE_LOCK_LOST, Retry-After 5", what, status, h.Get("Retry-After"), body)
		}
	}

	for _, tc := range []struct {
		name, lock, method, path, body string
		want                           int
		check                          func(t *testing.T)
	}{
		{"add districts", "config", "POST", "/api/admin/districts/config", `{"districtIds":["61"]}`, http.StatusOK, func(t *testing.T) {
			ids, _, err := st.Config().Load(t.Context())
			if err != nil || len(ids) != 1 || ids[0] != "61" {
				t.Fatalf("configured after the retry: %v %v, want [61]", ids, err)
			}
		}},
		{"remove a district", "config", "DELETE", "/api/admin/districts/config/61", "", http.StatusOK, func(t *testing.T) {
			if ids, _, err := st.Config().Load(t.Context()); err != nil || len(ids) != 0 {
				t.Fatalf("configured after the retry: %v %v, want none", ids, err)
			}
		}},
		{"delete an assessment", "objects-cas", "DELETE", "/api/assessment/monthly/42/2025-07", "", http.StatusOK, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Contains(tc.path, "/assessment/") {
				if status, body, _ := do("POST", "/api/assessment/monthly/42", `{"month":"2025-07"}`); status != http.StatusCreated {
					t.Fatalf("create: %d %s", status, body)
				}
			}
			before := len(th.Stolen())
			th.Arm(tc.lock, 1)
			status, body, h := do(tc.method, tc.path, tc.body)
			if len(th.Stolen()) != before+1 {
				t.Fatalf("no %s lease was taken: %d %s", tc.lock, status, body)
			}
			lost(tc.name, status, body, h)
			if status, body, _ := do(tc.method, tc.path, tc.body); status != tc.want {
				t.Fatalf("again: %d %s, want %d", status, body, tc.want)
			}
			if tc.check != nil {
				tc.check(t)
			}
		})
	}
	// Other failures stay 500s.
	if ae := internal("X", store.ErrCorrupt); ae.Status != http.StatusInternalServerError || ae.Code != "X" {
		t.Errorf("internal(ErrCorrupt) = %d %s, want 500 X", ae.Status, ae.Code)
	}
}
