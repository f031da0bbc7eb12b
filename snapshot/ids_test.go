package snapshot

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
)

func TestDistrictIDs(t *testing.T) {
	for id, want := range map[string]string{
		"61": "61", "02": "02", "118": "118", "F": "F", "u": "U", "f1": "F1", "12345678": "12345678",
	} {
		got, ok := CanonicalDistrictID(id)
		if !ok || got != want || !IsDistrictID(id) {
			t.Errorf("CanonicalDistrictID(%q) = %q, %v; want %q", id, got, ok, want)
		}
	}
	for _, id := range []string{"", "123456789", "6 1", "61.", "../x", "Month of Jun", "District 61", "６１", "-1"} {
		if IsDistrictID(id) {
			t.Errorf("IsDistrictID(%q) = true", id)
		}
		if _, ok := CanonicalDistrictID(id); ok {
			t.Errorf("CanonicalDistrictID(%q) ok", id)
		}
	}
	ids := []string{"U", "118", "F", "02", "2", "61", "9", "A1", "100"}
	slices.SortFunc(ids, CompareDistrictIDs)
	// Numbers by value (02 and 2 tie in value, then by text: "02" < "2"),
	// then letters by text.
	want := []string{"02", "2", "9", "61", "100", "118", "A1", "F", "U"}
	if !slices.Equal(ids, want) {
		t.Errorf("sorted ids = %v, want %v", ids, want)
	}
	if CompareDistrictIDs("99999999999999999999999", "5") != 1 {
		t.Error("an id too long for uint64 must sort after shorter numbers")
	}
}

func TestParseDate(t *testing.T) {
	for _, d := range []string{"2026-03-31", "2024-02-29", "0001-01-01"} {
		if _, ok := ParseDate(d); !ok {
			t.Errorf("ParseDate(%q) not ok", d)
		}
	}
	for _, d := range []string{"", "2026-02-30", "2023-02-29", "2026-3-31", "2026/03/31", "2026-03-31T00:00:00Z", " 2026-03-31", "+026-03-31", "2026-13-01"} {
		if _, ok := ParseDate(d); ok {
			t.Errorf("ParseDate(%q) ok", d)
		}
	}
	for m, want := range map[string]bool{"2026-03": true, "2026-12": true, "2026-3": false, "2026-13": false, "2026-00": false, "2026-03-01": false, "": false} {
		if ValidMonth(m) != want {
			t.Errorf("ValidMonth(%q) = %v", m, !want)
		}
	}
	if got := ProgramYearFor(2025, time.July); got != "2025-2026" {
		t.Errorf("ProgramYearFor(2025, July) = %q", got)
	}
	if got := ProgramYearFor(2026, time.June); got != "2025-2026" {
		t.Errorf("ProgramYearFor(2026, June) = %q", got)
	}
}

// TestProgramYearRoundTrip pins that ProgramYearOf and ProgramYearStart are
// one rule: every date's program year parses back to the year it starts in.
func TestProgramYearRoundTrip(t *testing.T) {
	props := gopter.NewProperties(gopter.DefaultTestParameters())
	props.Property("ProgramYearStart(ProgramYearOf(d)) starts the July before d", prop.ForAll(
		func(days int) bool {
			d := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
			py := ProgramYearOf(d.Format(time.DateOnly))
			start, ok := ProgramYearStart(py)
			if !ok {
				return false
			}
			july := time.Date(start, time.July, 1, 0, 0, 0, 0, time.UTC)
			return !d.Before(july) && d.Before(july.AddDate(1, 0, 0))
		},
		gen.IntRange(0, 40000),
	))
	props.TestingRun(t)
}

func TestRoundPercent(t *testing.T) {
	for in, want := range map[float64]float64{
		66.66666666666666: 66.67, 74.07407407: 74.07, 0.125: 0.13, -0.125: -0.13, -3.333: -3.33, 0: 0,
		1e308: 1e308, -1e300: -1e300, 1e15: 1e15,
	} {
		if got := RoundPercent(in); got != want {
			t.Errorf("RoundPercent(%v) = %v, want %v", in, got, want)
		}
	}
	if got := RoundPercent(math.Inf(1)); !math.IsInf(got, 1) {
		t.Errorf("RoundPercent(+Inf) = %v", got)
	}
	if got := RoundPercent(math.NaN()); !math.IsNaN(got) {
		t.Errorf("RoundPercent(NaN) = %v", got)
	}
}

// TestProgramYearNamesAndStarts: ProgramYearFor writes what
// fmt.Sprintf("%04d-%04d") writes, for every year (its fast path covers
// 0..9998), and ProgramYearStart reads back every name it writes and
// refuses anything else of that shape.
func TestProgramYearNamesAndStarts(t *testing.T) {
	for y := -2; y <= 10001; y++ {
		for _, m := range []time.Month{time.June, time.July} {
			start := y
			if m < time.July {
				start--
			}
			want := fmt.Sprintf("%04d-%04d", start, start+1)
			got := ProgramYearFor(y, m)
			if got != want {
				t.Fatalf("ProgramYearFor(%d, %s) = %q, want %q", y, m, got, want)
			}
			back, ok := ProgramYearStart(got)
			if wantOK := start >= 0 && start <= 9998; ok != wantOK || ok && back != start {
				t.Fatalf("ProgramYearStart(%q) = %d %v", got, back, ok)
			}
		}
	}
	for _, bad := range []string{"2025-2027", "2025_2026", "2025-202x", "x025-2026", "+025-2026", "2025-2026 ", "", "2025/2026", "9999-0000"} {
		if y, ok := ProgramYearStart(bad); ok {
			t.Errorf("ProgramYearStart(%q) = %d, true", bad, y)
		}
	}
	if y, ok := ProgramYearStart("2025-2026"); !ok || y != 2025 {
		t.Errorf("ProgramYearStart(2025-2026) = %d %v", y, ok)
	}
}
