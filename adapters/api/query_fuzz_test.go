package api

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats/store"
)

// FuzzQueryParams reads arbitrary query strings with the API's query
// readers (integers in a range, dates, date ranges, timestamps, the
// division/area/club scope). A value read is the one the query holds and
// within what the parameter allows; a value refused is a 400 whose details
// name it; and no parameter the query sends is silently dropped: a query
// that does not parse (a bad %-escape, a ';') is refused with a 400
// before any handler reads it (one over maxQueryBytes is refused 414
// first).
func FuzzQueryParams(f *testing.F) {
	for _, s := range []string{"limit=5", "limit=0", "limit=+7", "limit=1001", "startDate=2025-07-01&endDate=2025-06-30", "startDate=2025-02-30",
		"since=2025-07-01T00:00:00Z", "since=2025-07-01", "since=yesterday", "divisionId=A&areaId=A1", "areaId=1", "clubId=00012345",
		"limit=5&limit=x", "divisionId=A%20B", ""} {
		f.Add(s)
	}
	// testdata/fuzz/FuzzQueryParams holds queries that do not parse.
	st, err := store.Create(f.TempDir(), store.Options{Now: clock})
	if err != nil {
		f.Fatal(err)
	}
	srv := NewServer(Config{}, Deps{Store: st, Now: clock})
	f.Cleanup(srv.Close)
	f.Fuzz(func(t *testing.T, raw string) {
		if strings.ContainsAny(raw, " #\r\n\t") || len(raw) > 4096 {
			return
		}
		r, err := http.NewRequest("GET", "http://127.0.0.1/api/districts/42/statistics?"+raw, nil)
		if err != nil || r.URL.RawQuery != raw {
			return
		}
		q, perr := url.ParseQuery(raw)
		if len(raw) > maxQueryBytes {
			// Refused for its length first, whether it parses or not.
			rec := httptest.NewRecorder()
			r.RemoteAddr = "127.0.0.1:1"
			srv.ServeHTTP(rec, r)
			if rec.Code != http.StatusRequestURITooLong {
				t.Fatalf("?%s (%d bytes): %d %.300s; want 414", raw, len(raw), rec.Code, rec.Body)
			}
			return
		}
		if perr != nil {
			// The whole server refuses it before any reader.
			rec := httptest.NewRecorder()
			r.RemoteAddr = "127.0.0.1:1"
			srv.ServeHTTP(rec, r)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"INVALID_QUERY"`) {
				t.Fatalf("?%s (%v): %d %.300s; want 400 INVALID_QUERY", raw, perr, rec.Code, rec.Body)
			}
			return
		}
		refused := func(name string, ae *apiError, code string) {
			t.Helper()
			if ae.Status != http.StatusBadRequest || ae.Code != code {
				t.Fatalf("?%s: %s refused with %d %s, want 400 %s", raw, name, ae.Status, ae.Code, code)
			}
		}
		names := func(name string, ae *apiError) {
			t.Helper()
			if d, _ := ae.Details.(string); d != "Received: "+truncate(q.Get(name), 40) {
				t.Fatalf("?%s: %s refused with details %v, want the value received", raw, name, ae.Details)
			}
		}

		n, ae := queryInt(r, "limit", 100, 1, 1000, "INVALID_LIMIT")
		if v := q.Get("limit"); ae != nil {
			refused("limit", ae, "INVALID_LIMIT")
			names("limit", ae)
		} else if want, err := strconv.Atoi(v); v == "" && n != 100 || v != "" && (err != nil || n != want || n < 1 || n > 1000) {
			t.Fatalf("?%s: limit %d", raw, n)
		}

		start, end, ae := dateRangeQuery(r)
		if ae != nil {
			if ae.Code == "INVALID_DATE_RANGE" {
				if q.Get("startDate") <= q.Get("endDate") {
					t.Fatalf("?%s: range refused: %v", raw, ae)
				}
			} else {
				refused("startDate/endDate", ae, "INVALID_DATE_FORMAT")
				if d, _ := ae.Details.(string); d != "Received: "+truncate(q.Get("startDate"), 40) && d != "Received: "+truncate(q.Get("endDate"), 40) {
					t.Fatalf("?%s: date refused with details %v", raw, ae.Details)
				}
			}
		} else {
			if start != q.Get("startDate") || end != q.Get("endDate") {
				t.Fatalf("?%s: range %q..%q", raw, start, end)
			}
			for _, d := range []string{start, end} {
				if d != "" && store.ValidDate(d) != nil {
					t.Fatalf("?%s: date %q accepted", raw, d)
				}
			}
			if start != "" && end != "" && start > end {
				t.Fatalf("?%s: range %s..%s accepted", raw, start, end)
			}
		}

		at, ae := queryTime(r, "since")
		if v := q.Get("since"); ae != nil {
			refused("since", ae, "INVALID_DATE_FORMAT")
			names("since", ae)
		} else if v == "" && !at.IsZero() {
			t.Fatalf("?%s: since %v without one", raw, at)
		} else if v != "" {
			again, err := time.Parse(time.RFC3339Nano, at.Format(time.RFC3339Nano))
			if err != nil || !again.Equal(at) {
				t.Fatalf("?%s: since %v does not read back: %v", raw, at, err)
			}
		}

		sc, ae := scopeQuery(r)
		if ae != nil {
			if ae.Code != "INVALID_SCOPE" && ae.Code != "INVALID_CLUB_ID" {
				t.Fatalf("?%s: scope refused with %s", raw, ae.Code)
			}
			refused("scope", ae, ae.Code)
			if ae.Details != nil {
				d, _ := ae.Details.(string)
				if d != "Received: "+truncate(q.Get("divisionId"), 40) && d != "Received: "+truncate(q.Get("areaId"), 40) && d != "Received: "+truncate(q.Get("clubId"), 40) {
					t.Fatalf("?%s: scope refused with details %v", raw, ae.Details)
				}
			}
		} else {
			if sc.DivisionID != q.Get("divisionId") || sc.AreaID != q.Get("areaId") || sc.ClubID != q.Get("clubId") || sc.AreaID != "" && sc.DivisionID == "" {
				t.Fatalf("?%s: scope %+v", raw, sc)
			}
			for _, v := range []string{sc.DivisionID, sc.AreaID, sc.ClubID} {
				if strings.Trim(v, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != "" {
					t.Fatalf("?%s: scope %+v", raw, sc)
				}
			}
		}
	})
}
