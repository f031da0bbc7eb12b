package snapshot

import (
	"strings"
	"testing"
	"time"
)

// The parsers of this package: dates, months, program years and district
// ids. Each property says what an accepted input looks like and that the
// helpers built on one another agree.

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-02-28", "2024-02-29", "2026-02-30", "2026-2-3", "+026-02-03", "0000-01-01", "2026-02-28x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDate(s)
		if !ok {
			return
		}
		if d.Format(time.DateOnly) != s || d.Location() != time.UTC {
			t.Fatalf("ParseDate(%q) = %v", s, d)
		}
		if !ValidMonth(s[:7]) || d.Year() >= 1 && ProgramYearOf(s) != ProgramYearFor(d.Year(), d.Month()) {
			t.Fatalf("%q: month %q valid %v, program year %q", s, s[:7], ValidMonth(s[:7]), ProgramYearOf(s))
		}
	})
}

func FuzzProgramYearOf(f *testing.F) {
	for _, s := range []string{"2025-07", "2026-06-30", "2024-02", "0001-01", "9998-12", "2025-+7", "+025-07", "2025-13", "2025-2026"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		py, last := ProgramYearOf(s), LastDayOfMonth(s)
		if (py == "") != (last == "") {
			t.Fatalf("%q: program year %q, last day %q", s, py, last)
		}
		if py == "" {
			return
		}
		// Only a month written YYYY-MM (then anything) is read.
		if !ValidMonth(s[:7]) || !strings.HasPrefix(last, s[:7]) {
			t.Fatalf("%q read as a month: program year %q, last day %q", s, py, last)
		}
		if _, ok := ParseDate(last); !ok {
			t.Fatalf("%q: last day %q is not a date", s, last)
		}
		// Year 9999's July starts "9999-10000", which is not a program year.
		if _, ok := ProgramYearStart(py); s[:4] != "9999" && (!ok || ProgramYearOf(last) != py) {
			t.Fatalf("%q: program year %q unreadable or not its last day's", s, py)
		}
	})
}

func FuzzProgramYearStart(f *testing.F) {
	for _, s := range []string{"2025-2026", "2025-26", "2025-2030", "0000-0001", "+025-2026", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		y, ok := ProgramYearStart(s)
		if !ok {
			return
		}
		if ProgramYearFor(y, time.July) != s || ProgramYearFor(y+1, time.June) != s {
			t.Fatalf("ProgramYearStart(%q) = %d", s, y)
		}
	})
}

func FuzzCanonicalDistrictID(f *testing.F) {
	for _, s := range []string{"02", "118", "f", "U", "District 61", " As of 02/26/2026", "", "123456789", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := CanonicalDistrictID(s)
		if ok != IsDistrictID(s) {
			t.Fatalf("%q: canonical %v, is an id %v", s, ok, IsDistrictID(s))
		}
		if !ok {
			return
		}
		if c != strings.ToUpper(s) || !IsDistrictID(c) || CompareDistrictIDs(c, c) != 0 {
			t.Fatalf("CanonicalDistrictID(%q) = %q", s, c)
		}
		if again, _ := CanonicalDistrictID(c); again != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, c, again)
		}
	})
}
