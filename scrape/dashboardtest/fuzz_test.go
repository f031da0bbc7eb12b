package dashboardtest

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// FuzzExport sends arbitrary descriptors and paths to the handler: it never
// panics, and every CSV it serves is a well-formed report with a footer.
func FuzzExport(f *testing.F) {
	for _, seed := range []struct{ prefix, report string }{
		{"", "districtsummary~~~2025-2026"},
		{"/2024-2025", "clubperformance~61~6/30/2025~7/14/2025~2024-2025"},
		{"/2024-2025", "districtsummary~31/12/31/2024~~2024-2025"},
		{"", "divisionperformance~2~08/31/2025~09/05/2025~2025-2026"},
		{"/2025-2026", "districtperformance~F~~~"},
		{"", "~~~~~~"},
		{"/1900-1901", "clubperformance~U~2/29/2024~3/1/2024~x"},
	} {
		f.Add(seed.prefix, seed.report)
	}
	s := NewHandler(testWorld())
	defer s.Close()
	f.Fuzz(func(t *testing.T, prefix, report string) {
		u := prefix + "/export.aspx?type=CSV&report=" + url.QueryEscape(report)
		req, err := http.NewRequest(http.MethodGet, "http://x"+u, nil)
		if err != nil {
			return
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code == http.StatusOK && rec.Header().Get("Content-Type") == "application/octet-stream" {
			b := rec.Body.Bytes()
			if !bytes.HasSuffix(b, []byte("\r\n")) || !footerRE.Match(bytes.TrimSuffix(b[bytes.LastIndex(b[:len(b)-2], []byte("\r\n"))+2:], []byte("\r\n"))) {
				t.Fatalf("%s: malformed body %q", u, b)
			}
		}
	})
}

// FuzzParseSlashDate: whatever parses prints back to the same date.
func FuzzParseSlashDate(f *testing.F) {
	for _, s := range []string{"7/9/2025", "07/09/2025", "2/29/2024", "2/29/2025", "13/1/2025", "1/1/99999", "", "//"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseSlashDate(s)
		if !ok {
			return
		}
		for _, layout := range []string{unpadded, padded} {
			back, ok := parseSlashDate(d.Format(layout))
			if !ok || !back.Equal(d) {
				t.Fatalf("%q -> %v -> %q does not round-trip", s, d, d.Format(layout))
			}
		}
	})
}
