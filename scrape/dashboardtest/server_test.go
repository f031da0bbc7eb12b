package dashboardtest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/toaststats/toaststats/normalize"
)

// testWorld spans the 2025 rollover: live year 2025-2026 (newest 09/30),
// archived 2024-2025 with its June close in July.
func testWorld() *World {
	return NewWorld(Config{Districts: 5, ClubsPerDistrict: 12, Seed: 42, From: "2025-05-01", To: "2025-09-30"})
}

type response struct {
	status int
	header http.Header
	body   []byte
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(t *testing.T, s *Server, path string) response {
	t.Helper()
	resp, err := noRedirect.Get(s.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

func exportPath(prefix, descriptor string) string {
	return prefix + "/export.aspx?type=CSV&report=" + descriptor
}

func worldCSV(t *testing.T, w *World, kind normalize.ReportKind, id, asOf string) []byte {
	t.Helper()
	b, err := w.CSV(kind, id, asOf)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	return lines[len(lines)-1]
}

func dataRows(t *testing.T, b []byte) int {
	t.Helper()
	return len(parseReport(t, b).rows)
}

// monthDates returns the published as-of dates of a data month, ascending.
func monthDates(w *World, m string) []string {
	var out []string
	for _, d := range w.AsOfDates() {
		if w.DataMonth(d) == m {
			out = append(out, d)
		}
	}
	return out
}

func slash(iso string) string { // 2025-07-09 -> 7/9/2025
	t, _ := parseISO(iso)
	return t.Format(unpadded)
}

func TestExportRules(t *testing.T) {
	w := testWorld()
	s := NewServer(w)
	defer s.Close()
	newest := w.Newest()
	if w.LiveProgramYear() != "2025-2026" || newest != "2025-09-30" {
		t.Fatalf("live %s newest %s", w.LiveProgramYear(), newest)
	}
	june := monthDates(w, "2025-06")
	juneClose := june[len(june)-1] // in July
	aug := monthDates(w, "2025-08")
	augMid := aug[10]

	type want struct {
		status int
		body   []byte // exact body, or nil
		rows   int    // -1: do not check
		footer string // "" = do not check
		inBody string
	}
	cases := []struct {
		name, path string
		want       want
	}{
		{"A: live year on its archive path", exportPath("/2025-2026", "districtsummary~8/31/2025~"+slash(augMid)+"~2025-2026"),
			want{status: 500, rows: -1, inBody: "URL Rewrite Module Error."}},
		{"B: root ignores the PY token", exportPath("", "clubperformance~61~8/31/2025~"+slash(augMid)+"~1999-2000"),
			want{status: 200, body: worldCSV(t, w, normalize.ReportClub, "61", augMid), rows: -1}},
		{"B: root serves current data for a past year's month", exportPath("", "districtsummary~6/30/2025~"+slash(juneClose)+"~2024-2025"),
			want{status: 200, body: worldCSV(t, w, normalize.ReportSummary, "", newest), rows: -1}},
		{"C: root, empty month end: today's data whatever the as-of", exportPath("", "districtperformance~61~~"+slash(augMid)+"~2025-2026"),
			want{status: 200, body: worldCSV(t, w, normalize.ReportDistrict, "61", newest), rows: -1}},
		{"C: root, both slots empty", exportPath("", "divisionperformance~61~~~2025-2026"),
			want{status: 200, body: worldCSV(t, w, normalize.ReportDivision, "61", newest), rows: -1}},
		{"root, month end only: the month's newest (closing) date", exportPath("", "clubperformance~61~8/31/2025~~2025-2026"),
			want{status: 200, body: worldCSV(t, w, normalize.ReportClub, "61", aug[len(aug)-1]), rows: -1}},
		{"D: archive, both slots", exportPath("/2024-2025", "clubperformance~61~6/30/2025~"+slash(juneClose)+"~2024-2025"),
			want{status: 200, body: worldCSV(t, w, normalize.ReportClub, "61", juneClose), rows: -1}},
		{"D: archive, padded dates", exportPath("/2024-2025", "districtsummary~06/30/2025~"+strings.ReplaceAll(juneClose[5:7]+"/"+juneClose[8:]+"/"+juneClose[:4], "-", "/")+"~2024-2025"),
			want{status: 200, body: worldCSV(t, w, normalize.ReportSummary, "", juneClose), rows: -1}},
		{"D: district id without padding", exportPath("/2024-2025", "clubperformance~2~6/30/2025~"+slash(juneClose)+"~2024-2025"),
			want{status: 200, body: worldCSV(t, w, normalize.ReportClub, "02", juneClose), rows: -1}},
		{"E: archive, as-of not in the month's list", exportPath("/2024-2025", "clubperformance~61~6/30/2025~8/20/2025~2024-2025"),
			want{status: 200, rows: 0, footer: "Month of Jun, As of 08/20/2025"}},
		{"E: root, a month not published yet (dark window shape)", exportPath("", "districtsummary~10/31/2025~10/3/2025~2025-2026"),
			want{status: 200, rows: 0, footer: "Month of Oct, As of 10/03/2025"}},
		{"E: archive, month end outside the path's year", exportPath("/2023-2024", "districtsummary~8/31/2025~~2023-2024"),
			want{status: 200, rows: 0, footer: "Month of Aug, As of 08/31/2025"}},
		{"E: unknown district", exportPath("", "clubperformance~999~8/31/2025~"+slash(augMid)+"~2025-2026"),
			want{status: 200, rows: 0, footer: "Month of Aug, As of " + augMid[5:7] + "/" + augMid[8:] + "/2025"}},
		{"archive, empty month end: final June body stamped today", exportPath("/2024-2025", "clubperformance~61~~~2024-2025"),
			want{status: 200, rows: -1, footer: "Month of Jun, As of 09/30/2025"}},
		{"archive, malformed month end (SHU's 31/12/31/2024)", exportPath("/2024-2025", "districtsummary~31/12/31/2024~~2024-2025"),
			want{status: 200, rows: -1, footer: "Month of Jun, As of 09/30/2025"}},
		{"a program year the dashboard does not have yet", exportPath("/2026-2027", "districtsummary~7/31/2026~~2026-2027"),
			want{status: 302, rows: -1}},
		{"case-insensitive page name", "/EXPORT.ASPX?type=CSV&report=CLUBPERFORMANCE~61~~~2025-2026",
			want{status: 200, body: worldCSV(t, w, normalize.ReportClub, "61", newest), rows: -1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := get(t, s, c.path)
			if r.status != c.want.status {
				t.Fatalf("status %d, want %d (%s)", r.status, c.want.status, r.body)
			}
			if c.want.inBody != "" && !bytes.Contains(r.body, []byte(c.want.inBody)) {
				t.Errorf("body %q lacks %q", r.body, c.want.inBody)
			}
			if r.status != 200 {
				return
			}
			if ct := r.header.Get("Content-Type"); ct != "application/octet-stream" {
				t.Errorf("Content-Type %q", ct)
			}
			if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") {
				t.Errorf("Content-Disposition %q", cd)
			}
			if c.want.body != nil && !bytes.Equal(r.body, c.want.body) {
				t.Errorf("body differs from World.CSV: footer %q want %q", lastLine(r.body), lastLine(c.want.body))
			}
			if c.want.rows >= 0 && dataRows(t, r.body) != c.want.rows {
				t.Errorf("rows %d, want %d", dataRows(t, r.body), c.want.rows)
			}
			if c.want.footer != "" && lastLine(r.body) != c.want.footer {
				t.Errorf("footer %q, want %q", lastLine(r.body), c.want.footer)
			}
		})
	}

	// The final June body has rows and equals June's close apart from the footer.
	r := get(t, s, exportPath("/2024-2025", "clubperformance~61~~~2024-2025"))
	closeBody := worldCSV(t, w, normalize.ReportClub, "61", juneClose)
	if dataRows(t, r.body) == 0 || !bytes.Equal(r.body[:bytes.LastIndex(r.body[:len(r.body)-2], []byte("\r\n"))], closeBody[:bytes.LastIndex(closeBody[:len(closeBody)-2], []byte("\r\n"))]) {
		t.Errorf("archive empty-slot body is not the June close")
	}
	r = get(t, s, exportPath("/2026-2027", "districtsummary~7/31/2026~~2026-2027"))
	if loc := r.header.Get("Location"); loc != "/error.aspx?aspxerrorpath=/2026-2027/export.aspx" {
		t.Errorf("Location %q", loc)
	}
	if !bytes.Contains(r.body, []byte("Object moved")) {
		t.Errorf("302 body %q", r.body)
	}
}

func TestFailureModes(t *testing.T) {
	w := testWorld()
	s := NewServer(w)
	defer s.Close()
	path := exportPath("", "clubperformance~61~~~2025-2026")
	normal := worldCSV(t, w, normalize.ReportClub, "61", w.Newest())

	s.SetFailure(FailRedirect)
	r := get(t, s, path)
	if r.status != 302 || r.header.Get("Location") != "/error.aspx?aspxerrorpath=/export.aspx" {
		t.Errorf("redirect: %d %q", r.status, r.header.Get("Location"))
	}
	// Following it ends on a 200 HTML error page.
	resp, err := http.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(b, []byte(`action="./error.aspx?aspxerrorpath=%2fexport.aspx"`)) {
		t.Errorf("followed redirect: %d %.200s", resp.StatusCode, b)
	}

	s.SetFailure(FailHTMLError)
	r = get(t, s, path)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !bytes.HasPrefix(r.body, []byte("<!DOCTYPE html")) {
		t.Errorf("html error: %d %q", r.status, r.header.Get("Content-Type"))
	}

	s.SetFailure(Fail500)
	if r = get(t, s, path); r.status != 500 {
		t.Errorf("500: got %d", r.status)
	}

	s.SetFailure(Fail503)
	if r = get(t, s, path); r.status != 503 || !bytes.Contains(r.body, []byte("<TITLE>Service Unavailable</TITLE>")) {
		t.Errorf("503: got %d %.100s", r.status, r.body)
	}

	s.SetFailure(FailEmpty)
	r = get(t, s, path)
	if r.status != 200 || dataRows(t, r.body) != 0 || lastLine(r.body) != lastLine(normal) {
		t.Errorf("empty: %d rows=%d footer %q", r.status, dataRows(t, r.body), lastLine(r.body))
	}

	s.SetFailure(FailRestatement)
	a, b2 := get(t, s, path), get(t, s, path)
	if lastLine(a.body) != lastLine(normal) || lastLine(b2.body) != lastLine(normal) {
		t.Errorf("restatement changed the footer")
	}
	if bytes.Equal(a.body, normal) || bytes.Equal(a.body, b2.body) {
		t.Errorf("restatement served identical bytes")
	}
	if dataRows(t, a.body) == 0 {
		t.Errorf("restatement has no rows")
	}

	// Pages are untouched by SetFailure.
	if r = get(t, s, "/District.aspx?id=61"); r.status != 200 {
		t.Errorf("page under export failure: %d", r.status)
	}

	s.SetFailure(FailNone)
	if r = get(t, s, path); !bytes.Equal(r.body, normal) {
		t.Errorf("FailNone does not restore normal service")
	}

	// Targeted: district 61 only, the next request only, pages too.
	s.AddFailure(FailureRule{Failure: Fail500, District: "61", Times: 1})
	s.AddFailure(FailureRule{Failure: FailRedirect, Page: "club.aspx"})
	if r = get(t, s, exportPath("", "clubperformance~02~~~2025-2026")); r.status != 200 {
		t.Errorf("other district failed: %d", r.status)
	}
	if r = get(t, s, path); r.status != 500 {
		t.Errorf("targeted failure not applied: %d", r.status)
	}
	if r = get(t, s, path); r.status != 200 {
		t.Errorf("Times=1 rule applied twice: %d", r.status)
	}
	if r = get(t, s, "/Club.aspx?id=61"); r.status != 302 {
		t.Errorf("page rule: %d", r.status)
	}
	// The first two exports of district 61's club report answer 503, then
	// it is served; its division report never fails.
	s.AddFailure(FailureRule{Failure: Fail503, District: "61", Report: normalize.ReportClub, Times: 2})
	for i, want := range []int{503, 503, 200, 200} {
		if r = get(t, s, exportPath("", "divisionperformance~61~~~2025-2026")); r.status != 200 {
			t.Errorf("division report under a club-report rule: %d", r.status)
		}
		if r = get(t, s, path); r.status != want || want == 200 && !bytes.Equal(r.body, normal) {
			t.Errorf("club export %d under Fail503 Times=2: %d, want %d", i+1, r.status, want)
		}
	}
	s.AddFailure(FailureRule{Failure: FailHTMLError, Page: "Default.aspx", Times: 1})
	if r = get(t, s, "/?month=8"); r.status != 200 || bytes.Contains(r.body, []byte("_ddlExport")) {
		t.Errorf("root page did not match a Default.aspx rule")
	}
	s.SetFailure(FailNone)
}

func TestSlowAndLatencyHonourCancellation(t *testing.T) {
	w := testWorld()
	s := NewServer(w)
	path := exportPath("", "districtsummary~~~2025-2026")
	s.SetSlowDelay(time.Hour)
	s.SetFailure(FailSlow)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+path, nil)
	_, err := http.DefaultClient.Do(req)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow: err = %v", err)
	}
	s.SetSlowDelay(50 * time.Millisecond)
	if r := get(t, s, path); r.status != 200 || dataRows(t, r.body) != 5 {
		t.Errorf("slow then served: %d", r.status)
	}
	s.SetFailure(FailNone)

	s.SetLatency(time.Hour)
	ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/", nil)
	_, err = http.DefaultClient.Do(req)
	cancel()
	if err == nil {
		t.Error("latency: request finished")
	}
	before := s.Requests()
	s.SetLatency(0)
	get(t, s, "/")
	if s.Requests() != before+1 {
		t.Errorf("Requests %d -> %d", before, s.Requests())
	}
	// Close must not wait for the hour-long sleeps still pending.
	s.SetLatency(time.Hour)
	go func() { _, _ = http.Get(s.URL + "/") }()
	time.Sleep(20 * time.Millisecond)
	s.Close()
}

var selectRE = regexp.MustCompile(`<select name="ctl00\$cpContent\$TopControls(\d)\$(\w+)" id="cpContent_TopControls(\d)_(\w+)"`)

func TestPages(t *testing.T) {
	w := testWorld()
	s := NewServer(w)
	defer s.Close()
	aug := monthDates(w, "2025-08")
	day := aug[3]

	r := get(t, s, "/district.aspx?id=61&month=8&day="+slash(day)+"&hideclub=1&progYear=2025-2026")
	page := string(r.body)
	for _, want := range []string{
		`<form method="post"`, `id="form1"`, `name="__VIEWSTATE" id="__VIEWSTATE"`,
		`<option selected="selected" value="8">Aug</option>`,
		`<option selected="selected" value="61"`, `>District 61</option>`, `<option value="">Select a District</option>`,
		`>As of ` + func() string { x, _ := parseISO(day); return x.Format(asOfOption) }() + `</option>`,
		`onchange="dll_onchange(this.value,&#39;districtperformance~61~8/31/2025~` + slash(day) + `~2025-2026&#39;, this)"`,
		`<option value="CSV">CSV</option>`,
		`window.open('export.aspx?type=' + value + '&report=' + report)`,
		`>Club Performance</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("district page lacks %q", want)
		}
	}
	ids := map[string]bool{}
	for _, m := range selectRE.FindAllStringSubmatch(page, -1) {
		if m[1] != "1" || m[3] != "1" || m[2] != m[4] {
			t.Errorf("control %v", m[0])
		}
		ids[m[2]] = true
	}
	for _, c := range []string{"ddlDistricts", "ddlProgramYear", "ddlMonth", "ddlAsOf", "ddlExport"} {
		if !ids[c] {
			t.Errorf("district page lacks %s", c)
		}
	}
	// Program years newest first, live selected.
	if i, j := strings.Index(page, ">2025-2026<"), strings.Index(page, ">2008-2009<"); i < 0 || j < i {
		t.Errorf("program years not newest first")
	}

	// Summary page: TopControls2, default = today's data.
	r = get(t, s, "/")
	page = string(r.body)
	if !strings.Contains(page, `id="cpContent_TopControls2_ddlExport"`) ||
		!strings.Contains(page, `&#39;districtsummary~9/30/2025~9/30/2025~2025-2026&#39;`) {
		t.Errorf("summary page controls/descriptor wrong")
	}
	if r2 := get(t, s, "/Default.aspx"); !bytes.Equal(r2.body, r.body) {
		t.Errorf("/Default.aspx differs from /")
	}

	// Unknown day: the newest date of the month's list, which runs into September.
	r = get(t, s, "/2025-2026/Club.aspx?id=61&month=8&day=1/1/2020")
	if !strings.Contains(string(r.body), "&#39;clubperformance~61~8/31/2025~"+slash(aug[len(aug)-1])+"~2025-2026&#39;") {
		t.Errorf("unknown day did not fall back to the month's closing date")
	}
	if !strings.Contains(string(r.body), "not yet final") {
		t.Errorf("closing banner missing")
	}
	// An archived year opens on June with its closing date, under /{PY}/.
	june := monthDates(w, "2025-06")
	r = get(t, s, "/2024-2025/DIVISION.ASPX?id=61")
	if !strings.Contains(string(r.body), "&#39;divisionperformance~61~6/30/2025~"+slash(june[len(june)-1])+"~2024-2025&#39;") ||
		!strings.Contains(string(r.body), `<option selected="selected" value="6">Jun</option>`) {
		t.Errorf("archived page descriptor wrong")
	}
	// /{PY} without a slash redirects so relative export.aspx resolves under it.
	if r = get(t, s, "/2024-2025?month=6"); r.status != 301 || r.header.Get("Location") != "/2024-2025/?month=6" {
		t.Errorf("PY redirect: %d %q", r.status, r.header.Get("Location"))
	}
	if r = get(t, s, "/2024-2025/?month=6"); r.status != 200 || !strings.Contains(string(r.body), "TopControls2_ddlAsOf") {
		t.Errorf("archived summary: %d", r.status)
	}
	if r = get(t, s, "/nope.aspx"); r.status != 404 {
		t.Errorf("unknown page: %d", r.status)
	}
	if r = get(t, s, "/error.aspx?aspxerrorpath=/x"); r.status != 200 || !strings.Contains(string(r.body), "error has occurred") {
		t.Errorf("error.aspx: %d", r.status)
	}
}

// Following a page's descriptor to export.aspx yields the page's date.
func TestPageDescriptorRoundTrip(t *testing.T) {
	w := testWorld()
	s := NewServer(w)
	defer s.Close()
	descRE := regexp.MustCompile(`dll_onchange\(this\.value,&#39;([^&]+)&#39;`)
	for _, c := range []struct{ page, prefix, kind, asOf string }{
		{"/2024-2025/Club.aspx?id=61&month=6", "/2024-2025", "clubperformance", monthDates(w, "2025-06")[len(monthDates(w, "2025-06"))-1]},
		{"/District.aspx?id=F&month=9&day=" + slash("2025-09-12"), "", "districtperformance", "2025-09-12"},
		{"/?month=8", "", "districtsummary", monthDates(w, "2025-08")[len(monthDates(w, "2025-08"))-1]},
	} {
		m := descRE.FindStringSubmatch(string(get(t, s, c.page).body))
		if m == nil {
			t.Fatalf("%s: no descriptor", c.page)
		}
		r := get(t, s, exportPath(c.prefix, m[1]))
		id := ""
		if c.kind != "districtsummary" {
			id = strings.Split(m[1], "~")[1]
		}
		if want := worldCSV(t, w, normalize.ReportKind(c.kind), id, c.asOf); !bytes.Equal(r.body, want) {
			t.Errorf("%s -> %s: footer %q want %q", c.page, m[1], lastLine(r.body), lastLine(want))
		}
	}
}

// TestNoLeakedGoroutines: after Close, nothing the server started is left,
// including handlers that were sleeping.
func TestNoLeakedGoroutines(t *testing.T) {
	client := &http.Client{Transport: &http.Transport{}}
	before := goleak.IgnoreCurrent()
	s := NewServer(testWorld())
	for _, p := range []string{"/", "/District.aspx?id=61", exportPath("", "districtsummary~~~2025-2026")} {
		resp, err := client.Get(s.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	s.SetLatency(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/", nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	for s.Requests() < 4 {
		runtime.Gosched()
	}
	s.Close()
	cancel()
	client.CloseIdleConnections()
	goleak.VerifyNone(t, before)
}

// TR #1465: at the root, a fetch for 2026-06-30 of a district that only
// exists from 2026-27 "succeeds" with current data; only the footer tells.
func TestRootPastDateTrap(t *testing.T) {
	w := NewWorld(Config{Districts: 12, ClubsPerDistrict: 5, Seed: 4, From: "2026-06-25", To: "2026-08-31"})
	s := NewServer(w)
	defer s.Close()
	june := monthDates(w, "2026-06")
	r := get(t, s, exportPath("", "clubperformance~201~6/30/2026~"+slash(june[len(june)-1])+"~2025-2026"))
	if r.status != 200 || !bytes.Equal(r.body, worldCSV(t, w, normalize.ReportClub, "201", w.Newest())) {
		t.Errorf("root past-year fetch: %d, footer %q", r.status, lastLine(r.body))
	}
	// The archive path has the real June close, where 201 does not exist.
	r = get(t, s, exportPath("/2025-2026", "clubperformance~201~6/30/2026~"+slash(june[len(june)-1])+"~2025-2026"))
	if r.status != 200 || dataRows(t, r.body) != 0 {
		t.Errorf("archive fetch of 201 in 2025-26: %d rows", dataRows(t, r.body))
	}
	r = get(t, s, exportPath("/2025-2026", "clubperformance~07~6/30/2026~"+slash(june[len(june)-1])+"~2025-2026"))
	if !bytes.Equal(r.body, worldCSV(t, w, normalize.ReportClub, "07", june[len(june)-1])) {
		t.Errorf("archive fetch of 07: footer %q", lastLine(r.body))
	}
}

// LoggedRequests names the page each request asked for, without the
// program-year prefix and in lower case, and when it arrived (before the
// latency), in the order of RequestLog.
func TestLoggedRequests(t *testing.T) {
	s := NewServer(testWorld())
	defer s.Close()
	s.SetLatency(20 * time.Millisecond)
	paths := []string{"/", "/2024-2025/District.aspx?id=61", exportPath("", "districtsummary~~~2025-2026"), "/Styles/site.css", "/2024-2025/Scripts/base.js", "/error.aspx?aspxerrorpath=/x"}
	want := []string{"default.aspx", "district.aspx", "export.aspx", "styles/site.css", "scripts/base.js", "error.aspx"}
	var sent, answered []time.Time
	for _, p := range paths {
		sent = append(sent, time.Now())
		get(t, s, p)
		answered = append(answered, time.Now())
	}
	got := s.LoggedRequests()
	uris := s.RequestLog()
	if len(got) != len(paths) || len(uris) != len(paths) {
		t.Fatalf("%d logged requests, %d URIs; want %d", len(got), len(uris), len(paths))
	}
	for i, r := range got {
		if r.Page != want[i] || r.URI != paths[i] || uris[i] != paths[i] {
			t.Errorf("request %d: page %q, URI %q (RequestLog %q); want %q, %q", i, r.Page, r.URI, uris[i], want[i], paths[i])
		}
		// Arrival, not the answer: the 20 ms latency comes after.
		if r.At.Before(sent[i]) || r.At.After(answered[i].Add(-20*time.Millisecond)) {
			t.Errorf("request %d logged at %v, sent at %v, answered at %v", i, r.At, sent[i], answered[i])
		}
	}
}
