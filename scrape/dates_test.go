package scrape

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
)

func day(s string) time.Time {
	t, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCandidates(t *testing.T) {
	type c struct {
		month, py string
		live      bool
	}
	cases := []struct {
		asOf, live string
		want       []c
	}{
		// An ordinary date of the live year: its month, then the previous month.
		{"2025-09-08", "2025-2026", []c{{"2025-09", "2025-2026", true}, {"2025-08", "2025-2026", true}}},
		// January: December of the previous calendar year.
		{"2026-01-04", "2025-2026", []c{{"2026-01", "2025-2026", true}, {"2025-12", "2025-2026", true}}},
		// July after the rollover: June is in the closed previous year.
		{"2025-07-10", "2025-2026", []c{{"2025-07", "2025-2026", true}, {"2025-06", "2024-2025", false}}},
		// July in the dark window: the new year is not published; June is live.
		{"2026-07-15", "2025-2026", []c{{"2026-06", "2025-2026", true}}},
		// A closed year entirely.
		{"2023-08-11", "2025-2026", []c{{"2023-08", "2023-2024", false}, {"2023-07", "2023-2024", false}}},
		// Leap February.
		{"2024-03-02", "2023-2024", []c{{"2024-03", "2023-2024", true}, {"2024-02", "2023-2024", true}}},
	}
	for _, tc := range cases {
		var got []c
		for _, x := range Candidates(day(tc.asOf), tc.live) {
			got = append(got, c{x.DataMonth, x.ProgramYear, x.Live})
			if x.MonthEnd.Format("2006-01") != x.DataMonth || x.MonthEnd.AddDate(0, 0, 1).Day() != 1 {
				t.Errorf("%s: month end %s for %s", tc.asOf, x.MonthEnd, x.DataMonth)
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Candidates(%s, %s) = %v, want %v", tc.asOf, tc.live, got, tc.want)
		}
	}
	got := requestCandidates(Request{DataMonth: "2025-06"}, day("2025-07-10"), "2025-2026")
	if len(got) != 1 || got[0].DataMonth != "2025-06" || got[0].Live {
		t.Errorf("narrowed candidates %+v", got)
	}
}

// The descriptors and URLs of spec §1.5, including the peers' test vectors.
func TestDescriptorAndURLs(t *testing.T) {
	base := "https://dashboards.toastmasters.org"
	cases := []struct {
		kind           normalize.ReportKind
		id             string
		monthEnd, asOf string
		py             string
		live           bool
		want           string
	}{
		{normalize.ReportSummary, "", "2025-05-31", "2025-06-30", "2024-2025", false,
			"/2024-2025/export.aspx?type=CSV&report=districtsummary~5/31/2025~6/30/2025~2024-2025"},
		{normalize.ReportClub, "61", "2025-08-31", "2025-09-08", "2025-2026", false,
			"/2025-2026/export.aspx?type=CSV&report=clubperformance~61~8/31/2025~9/8/2025~2025-2026"},
		{normalize.ReportDivision, "109", "", "2025-06-30", "2024-2025", false,
			"/2024-2025/export.aspx?type=CSV&report=divisionperformance~109~~6/30/2025~2024-2025"},
		{normalize.ReportDistrict, "44", "", "", "2025-2026", true,
			"/export.aspx?type=CSV&report=districtperformance~44~~~2025-2026"},
		{normalize.ReportSummary, "", "2023-07-31", "2023-08-11", "2023-2024", true,
			"/export.aspx?type=CSV&report=districtsummary~7/31/2023~8/11/2023~2023-2024"},
	}
	for _, tc := range cases {
		var me, ao time.Time
		if tc.monthEnd != "" {
			me = day(tc.monthEnd)
		}
		if tc.asOf != "" {
			ao = day(tc.asOf)
		}
		got := ExportURL(base+"/", tc.py, tc.live, Descriptor(tc.kind, tc.id, me, ao, tc.py))
		if got != base+tc.want {
			t.Errorf("got  %s\nwant %s", got, base+tc.want)
		}
	}
	c := Candidates(day("2024-11-03"), "2024-2025")[0]
	if got, want := PageURL(base, c, normalize.ReportClub, "42", day("2024-11-03")), base+"/Club.aspx?day=11%2F3%2F2024&id=42&month=11"; got != want {
		t.Errorf("page URL %s, want %s", got, want)
	}
	c = Candidates(day("2024-11-03"), "2025-2026")[0]
	if got, want := PageURL(base, c, normalize.ReportSummary, "", day("2024-11-03")), base+"/2024-2025/Default.aspx?day=11%2F3%2F2024&month=11"; got != want {
		t.Errorf("page URL %s, want %s", got, want)
	}
	if got, want := PageURL(base, Candidate{ProgramYear: "2025-2026", Live: true}, normalize.ReportDivision, "F", time.Time{}), base+"/Division.aspx?id=F"; got != want {
		t.Errorf("page URL %s, want %s", got, want)
	}
}

func TestParseAsOfOption(t *testing.T) {
	cases := map[string]string{
		"As of 11-Aug-2023":   "2023-08-11",
		"As of 1-Aug-2023":    "2023-08-01",
		"As of 01-Aug-2023":   "2023-08-01",
		"  As of 3-jan-2026 ": "2026-01-03",
		"As of 8/11/2023":     "2023-08-11",
		"As of 29-Feb-2024":   "2024-02-29",
	}
	for in, want := range cases {
		got, err := ParseAsOfOption(in)
		if err != nil || got != want {
			t.Errorf("ParseAsOfOption(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "As of", "As of 30-Feb-2024", "Month of Jun", "As of 11-Foo-2023", "As of 13/40/2023"} {
		if _, err := ParseAsOfOption(in); !errors.Is(err, ErrPage) {
			t.Errorf("ParseAsOfOption(%q): %v, want ErrPage", in, err)
		}
	}
}

func FuzzParseAsOfOption(f *testing.F) {
	for _, s := range []string{"As of 11-Aug-2023", "As of 8/11/2023", "As of 99-Xyz-0000", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseAsOfOption(s)
		if err != nil {
			return
		}
		if _, err := ParseDate(got); err != nil {
			t.Fatalf("ParseAsOfOption(%q) = %q, not a date", s, got)
		}
	})
}

func TestDataMonthFromPage(t *testing.T) {
	cases := []struct {
		month int
		asOf  string
		want  string
	}{
		{8, "2025-08-20", "2025-08"},
		{7, "2025-08-05", "2025-07"},
		{12, "2026-01-04", "2025-12"},
		{6, "2025-07-15", "2025-06"},
	}
	for _, tc := range cases {
		got, err := dataMonthFromPage(tc.month, tc.asOf)
		if err != nil || got != tc.want {
			t.Errorf("dataMonthFromPage(%d, %s) = %s, %v", tc.month, tc.asOf, got, err)
		}
	}
	if _, err := dataMonthFromPage(13, "2025-08-05"); err == nil {
		t.Error("month 13 accepted")
	}
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2025-02-29", "2025-13-01", "25-01-01", "2025-1-1", "", "2025-01-01T00:00:00Z"} {
		if _, err := ParseDate(s); !errors.Is(err, ErrInvalidDate) {
			t.Errorf("ParseDate(%q) accepted", s)
		}
	}
	if d, err := ParseDate("2024-02-29"); err != nil || !d.Equal(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ParseDate(2024-02-29) = %v, %v", d, err)
	}
	if _, err := ParseDate("2025-13-01"); err == nil || !strings.Contains(err.Error(), `"2025-13-01" (want YYYY-MM-DD)`) {
		t.Errorf("ParseDate(2025-13-01) = %v; want an error naming it", err)
	}
}

func TestDistrictsFromSummary(t *testing.T) {
	path := filepath.Join("testdata", "all-districts.csv")
	if *update {
		w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 5, ClubsPerDistrict: 4, Seed: 1})
		b, err := w.CSV(normalize.ReportSummary, "", w.Newest())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := DistrictsFromSummary(b)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"02", "61", "118", "F", "U"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("ids %v, want %v", ids, want)
	}
	for name, body := range map[string]string{
		"no district column": "\"REGION\",\"X\"\r\n\"01\",\"02\"\r\n",
		"footer only":        "\"REGION\",\"DISTRICT\"\r\nMonth of Jun, As of 07/01/2026\r\n",
		"empty":              "",
	} {
		if _, err := DistrictsFromSummary([]byte(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzDistrictsFromSummary(f *testing.F) {
	b, _ := os.ReadFile(filepath.Join("testdata", "all-districts.csv"))
	f.Add(b)
	f.Add([]byte("\"DISTRICT\"\r\n\"42\"\r\n\"42\"\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ids, err := DistrictsFromSummary(b)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if !districtIDSpec.MatchString(id) || seen[id] || strings.ToUpper(id) != id {
				t.Fatalf("bad or duplicate id %q in %v", id, ids)
			}
			seen[id] = true
		}
	})
}

// districtIDSpec is the spec's form of a district id (1-8 ASCII letters or
// digits), an oracle independent of snapshot.IsDistrictID.
var districtIDSpec = regexp.MustCompile(`^[A-Za-z0-9]{1,8}$`)
