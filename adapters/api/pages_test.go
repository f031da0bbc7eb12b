package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/adapters/pages"
	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/store"
)

func pageGet(t *testing.T, url string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultTransport.RoundTrip(req) // no redirects followed
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestPagesHTTP checks the pages' HTTP behaviour: HTML with an ETag and a
// Cache-Control, 304 on If-None-Match, CSV downloads, HTML errors and the
// search redirect.
func TestPagesHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a world")
	}
	st, _ := worldStore(t, dashboardtest.Config{Districts: 2, ClubsPerDistrict: 8, Seed: 2, From: "2026-03-25", To: "2026-04-05"})
	srv := NewServer(Config{}, Deps{Store: st})
	t.Cleanup(srv.Close)
	base := newLoopbackServer(t, srv).URL

	for _, path := range []string{"/", "/districts/61", "/districts/61/clubs"} {
		resp, body := pageGet(t, base+path, nil)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "</html>") {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		etag := resp.Header.Get("ETag")
		if etag == "" || resp.Header.Get("Cache-Control") != "public, max-age=60" {
			t.Errorf("%s: ETag %q Cache-Control %q", path, etag, resp.Header.Get("Cache-Control"))
		}
		resp, body = pageGet(t, base+path, map[string]string{"If-None-Match": etag})
		if resp.StatusCode != 304 || body != "" {
			t.Errorf("%s with If-None-Match: %d", path, resp.StatusCode)
		}
		// The same answer again: same ETag (served from the response cache).
		if resp, _ := pageGet(t, base+path, nil); resp.Header.Get("ETag") != etag {
			t.Errorf("%s: ETag changed between two reads", path)
		}
	}
	// A page of a named date: cacheable for an hour (it depends on the series).
	var dates struct {
		Data struct {
			Dates []string `json:"dates"`
		} `json:"data"`
	}
	apiGet(t, base+"/api/districts/cache/dates", &dates)
	if len(dates.Data.Dates) < 2 {
		t.Fatalf("snapshot dates %v", dates.Data.Dates)
	}
	older := dates.Data.Dates[1] // newest first
	resp, body := pageGet(t, base+"/districts/61?date="+older, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=3600" || !strings.Contains(body, `snapshot <a href="?date=`+older+`">`+older+`</a>`) {
		t.Errorf("dated page: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if strings.Contains(body, `class="asof requested"`) {
		t.Errorf("page of the snapshot %s says it shows another date", older)
	}
	// A date no snapshot has is answered from the newest snapshot before it,
	// and every page says so (the API's answer says it in
	// _snapshot_metadata.fallback); the links then carry the snapshot's date.
	const noSnapshot = "2026-05-20" // after the world's last date
	newest := dates.Data.Dates[0]
	for _, path := range []string{"/", "/districts/61", "/districts/61/clubs", "/districts/61/divisions/A"} {
		resp, body := pageGet(t, base+path+"?date="+noSnapshot, nil)
		want := `<p class="asof requested" role="note">No snapshot for <strong>` + noSnapshot + `</strong>: this page shows the newest snapshot before it.</p>`
		if resp.StatusCode != 200 || !strings.Contains(body, want) || !strings.Contains(body, `snapshot <a href="?date=`+newest+`">`+newest+`</a>`) {
			t.Errorf("%s?date=%s: %d, want the snapshot %s and the note %s; as-of lines: %q", path, noSnapshot, resp.StatusCode, newest, want,
				regexp.MustCompile(`<p class="asof[^\n]*`).FindAllString(body, -1))
		}
	}
	// CSV of the clubs table.
	resp, body = pageGet(t, base+"/districts/61/clubs?format=csv", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), `filename="district_61_clubs_`) || !strings.HasPrefix(body, "Club,Club name,Division") {
		t.Errorf("clubs csv: %d %v %.80s", resp.StatusCode, resp.Header, body)
	}
	// Errors are HTML pages with the right status, never cached.
	for path, code := range map[string]int{"/districts/999": 404, "/districts/61/clubs/99999999": 404, "/districts/61/divisions/Z": 404,
		"/districts/!!/clubs": 400, "/?format=pdf": 400, "/district?id=%3Cscript%3E": 400} {
		resp, body := pageGet(t, base+path, nil)
		if resp.StatusCode != code || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d %s %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
		}
		if strings.Contains(body, "<script") {
			t.Errorf("%s: the input was echoed as markup", path)
		}
		// No snapshot stands behind an error page: its footer names none
		// (it read "Snapshot  · toaststats" with a blank id).
		if !strings.Contains(body, "<p>toaststats, from the public Toastmasters dashboard.</p>") {
			t.Errorf("%s: footer %q", path, regexp.MustCompile(`<footer[^<]*(?:<[^/][^>]*>[^<]*)*`).FindString(body))
		}
	}
	// The search box redirects to the district page, canonical id.
	resp, _ = pageGet(t, base+"/district?id=61", nil)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/districts/61" {
		t.Errorf("search: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// From a page of a past snapshot the search form sends its date: the
	// district page of that date, not today's. A date that is not one is
	// dropped, not echoed into the Location.
	resp, _ = pageGet(t, base+"/district?id=61&date="+older, nil)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/districts/61?date="+older {
		t.Errorf("search with date: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = pageGet(t, base+"/district?id=61&date=x%0d%0a", nil)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/districts/61" {
		t.Errorf("search with a bad date: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A page of a past date links every page with that date, and its CSV
	// link keeps the filters and sort (the table as shown).
	_, body = pageGet(t, base+"/districts/61/clubs?division=A&sort=members&date="+older, nil)
	for _, want := range []string{`href="/districts/61?date=` + older + `"`, `<input type="hidden" name="date" value="` + older + `">`,
		`href="?date=` + older + `&amp;division=A&amp;format=csv&amp;sort=members" download`, `href="?date=` + older + `&amp;division=A&amp;sort=goals"`} {
		if !strings.Contains(body, want) {
			t.Errorf("dated clubs page has no %s", want)
		}
	}
}

// TestPageErrorCodes: the loaders' errors answer as the JSON routes that
// read the same thing do.
func TestPageErrorCodes(t *testing.T) {
	rs := &resolved{view: &store.View{ID: "2025-10-01"}}
	disk := errors.New("disk gone")
	for _, c := range []struct {
		err    error
		status int
		code   string
	}{
		{&pages.NotFoundError{Err: pages.ErrDistrictNotFound, Detail: "No snapshot contains district 9"}, 404, "DISTRICT_NOT_FOUND"},
		{&pages.NotFoundError{Err: pages.ErrDivisionNotFound, Detail: "Division Z is not in District 61 on 2025-10-01"}, 404, "DIVISION_NOT_FOUND"},
		{&pages.NotFoundError{Err: pages.ErrAreaNotFound, Detail: "Area 9 is not in Division A of District 61 on 2025-10-01"}, 404, "AREA_NOT_FOUND"},
		{&pages.ReadError{Op: pages.OpRankings, Err: store.ErrNoRankings}, 404, "RANKINGS_DATA_NOT_FOUND"},
		{&pages.ReadError{Op: pages.OpRankings, Err: fmt.Errorf("rankings: %w", store.ErrCorrupt)}, 503, "SNAPSHOT_DAMAGED"},
		{&pages.ReadError{Op: pages.OpRankings, Err: disk}, 500, "SNAPSHOT_READ_ERROR"},
		{&pages.ReadError{Op: pages.OpRankedSeries, Err: disk}, 500, "SNAPSHOT_READ_ERROR"},
		{&pages.ReadError{Op: pages.OpSeries, Err: disk}, 500, "ANALYTICS_ERROR"},
		{&pages.ReadError{Op: pages.OpRankHistory, Err: disk}, 500, "RANK_HISTORY_ERROR"},
		{analytics.ErrClubNotFound, 404, "CLUB_NOT_FOUND"},
		{disk, 500, "ANALYTICS_ERROR"},
	} {
		var ae *apiError
		if !errors.As(pageError(rs, c.err), &ae) || ae.Status != c.status || ae.Code != c.code {
			t.Errorf("%v: %+v, want %d %s", c.err, ae, c.status, c.code)
		}
	}
	if ae := pageError(rs, &pages.NotFoundError{Err: pages.ErrDivisionNotFound, Detail: "Division Z is not in District 61 on 2025-10-01"}).(*apiError); ae.Message != "Division Z is not in District 61 on 2025-10-01" {
		t.Errorf("division message %q", ae.Message)
	}
}
