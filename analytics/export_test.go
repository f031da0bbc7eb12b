package analytics

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
)

func TestSafeCell(t *testing.T) {
	cases := map[string]string{
		"":                        "",
		"Alpha":                   "Alpha",
		"=HYPERLINK(\"x\")":       "'=HYPERLINK(\"x\")",
		"+1+1":                    "'+1+1",
		"-1+cmd|' /C calc'!A0":    "'-1+cmd|' /C calc'!A0",
		"@SUM(A1)":                "'@SUM(A1)",
		"\tTab":                   "'\tTab",
		"\rCR":                    "'\rCR",
		"-3":                      "-3",
		"-1.5":                    "-1.5",
		"-Inf":                    "'-Inf",
		"-1e5":                    "'-1e5",
		"Delta =HYPERLINK(\"x\")": "Delta =HYPERLINK(\"x\")",
	}
	for in, want := range cases {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSafeCell(f *testing.F) {
	for _, s := range []string{"=1", "-2", "@x", "abc", "\t", "-1.5", "+", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := SafeCell(s)
		if got == "" {
			if s != "" {
				t.Fatalf("SafeCell(%q) is empty", s)
			}
			return
		}
		if strings.ContainsRune("=+-@\t\r", rune(got[0])) {
			// Only a plain negative number may start with a sign.
			if got[0] != '-' || got != s || strings.ContainsAny(got, "eEnN+*/()|!=@") {
				t.Fatalf("SafeCell(%q) = %q starts with a formula character", s, got)
			}
		}
		if got != s && got != "'"+s {
			t.Fatalf("SafeCell(%q) = %q changed more than a leading apostrophe", s, got)
		}
	})
}

func TestExportCSVIsSafeAndSectioned(t *testing.T) {
	pts := fixtureSeries()
	var buf bytes.Buffer
	if err := ExportCSV(&buf, pts); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(buf.String()))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, rec := range recs {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+@\t\r", rune(cell[0])) {
				t.Fatalf("row %d: unsafe cell %q", i, cell)
			}
		}
	}
	// A section is the line after a blank line.
	var sections []string
	lines := strings.Split(buf.String(), "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i-1] == "" && lines[i] != "" {
			sections = append(sections, lines[i])
		}
	}
	want := []string{"Summary Statistics", "Membership Trend", "Payments Trend", "Top Growth Clubs",
		"Vulnerable Clubs", "All Clubs Performance", "Division Rankings", "Top Performing Areas"}
	if strings.Join(sections, "|") != strings.Join(want, "|") {
		t.Fatalf("sections %q, want %q", sections, want)
	}
	if !strings.Contains(buf.String(), "Delta =HYPERLINK") {
		t.Fatal("club name with a formula inside lost")
	}
	if err := ExportCSV(&buf, nil); !errors.Is(err, ErrNoData) {
		t.Fatalf("empty series: %v", err)
	}
}

func TestErrors(t *testing.T) {
	pts := fixtureSeries()
	if _, err := ClubTrendOf(pts, "nope"); !errors.Is(err, ErrClubNotFound) {
		t.Fatalf("unknown club: %v", err)
	}
	if _, err := MembershipHistory(pts, Scope{DivisionID: "Z"}); !errors.Is(err, ErrScopeNotFound) || !errors.Is(err, ErrNoData) {
		t.Fatalf("unknown division: %v", err)
	}
	if _, err := MembershipHistory(pts, Scope{ClubID: "nope"}); !errors.Is(err, ErrScopeNotFound) || !errors.Is(err, ErrClubNotFound) {
		t.Fatalf("unknown club: %v", err)
	}
	for name, f := range map[string]func() error{
		"membership": func() error { _, err := MembershipAnalytics(nil, nil); return err },
		"district":   func() error { _, err := DistrictAnalytics([]Point{{Date: "2025-01-01"}}, nil); return err },
		"vulnerable": func() error { _, err := VulnerableClubs(nil); return err },
		"leadership": func() error { _, err := LeadershipInsights(nil); return err },
		"awards":     func() error { _, err := EducationalAwards(nil); return err },
	} {
		if err := f(); !errors.Is(err, ErrNoData) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if r := YearOverYear(pts[0], nil); r.DataAvailable || r.PreviousYearDate != "2024-06-28" {
		t.Fatalf("yoy without previous: %+v", r)
	}
	if got := DailyReports(nil, nil); len(got) != 0 {
		t.Fatalf("no points: %v", got)
	}
}
