package normalize

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// Every known column of a report has exactly one field of the report's
// record type, tagged with the column's gocsv key, and no field is tagged
// with anything else: a column added to a schema without a field (or a tag
// misspelled) would be silently unread.
func TestRecordTagsMatchSchema(t *testing.T) {
	for _, tc := range []struct {
		s   *schema
		rec any
	}{
		{summarySchema, summaryRecord{}},
		{districtSchema, districtRecord{}},
		{divisionSchema, divisionRecord{}},
		{clubSchema, clubRecord{}},
	} {
		typ := reflect.TypeOf(tc.rec)
		var tags []string
		for i := range typ.NumField() {
			tag := typ.Field(i).Tag.Get("csv")
			if tag == "" || strings.Contains(tag, ",") {
				t.Errorf("%s.%s: tag %q is empty or has a comma (gocsv splits tags at commas)", typ.Name(), typ.Field(i).Name, tag)
			}
			tags = append(tags, tag)
		}
		keys := slices.Clone(tc.s.keys)
		slices.Sort(tags)
		slices.Sort(keys)
		if !slices.Equal(tags, keys) {
			t.Errorf("%s tags\n %q\nschema %s keys\n %q", typ.Name(), tags, tc.s.kind, keys)
		}
	}
}

// A cell gocsv cannot convert is an ErrMalformed that names the file line
// (not the record number) and the column's canonical name, commas
// included, whatever alias the file printed.
func TestConversionErrorsNameLineAndColumn(t *testing.T) {
	clubs := randomClubs(7, 4, "2026-2027", true)
	rows := make([][]string, len(clubs))
	for i, c := range clubs {
		rows[i] = clubCells(header2026_27, "61", c)
	}
	rows[3][15] = "many" // "Level 4s, Path Completions, or DTM Awards"
	rows[2][6] = "maybe" // CSP
	_, err := ReadClubPerformance("c.csv", csvBytes(header2026_27, rows, footerJun))
	want := `c.csv: malformed: line 4, column "CSP": "maybe" is not Y or N`
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), `line 4, column "CSP": "maybe" is not Y or N`) {
		t.Fatalf("got %v\nwant like %s", err, want)
	}
	rows[2][6] = "Y"
	_, err = ReadClubPerformance("c.csv", csvBytes(header2026_27, rows, footerJun))
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), `line 5, column "Level 4s, Path Completions, or DTM Awards": "many" is not a whole number`) {
		t.Fatalf("got %v", err)
	}

	// A quoted cell holding a line break: the error still names the file line.
	div := divisionRow()
	div[4] = "Two\nLines Club"
	bad := divisionRow()
	bad[32] = "Chartered last year"
	_, err = ReadDivisionPerformance("v.csv", csvBytes(divisionHeader33, [][]string{div, bad}, footerJun))
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), `line 4, column "Charter Date/Suspend Date": "Chartered last year" holds neither`) {
		t.Fatalf("got %v", err)
	}

	sum := string(worldSummary(3, footerJun))
	sum = strings.Replace(sum, `"-1.5%"`, `"lots%"`, 1) // the first district's % Club Growth
	if !strings.Contains(sum, "lots%") {
		t.Fatal("the generated summary has no -1.5% cell to spoil")
	}
	_, err = ReadSummary("s.csv", []byte(sum))
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), `line 2, column "% Club Growth": "lots%" is not a percentage`) {
		t.Fatalf("got %v", err)
	}
}

// The conversions gocsv runs through the cell types: thousands separators,
// empty cells, N/A percentages, Y/N words, an empty Net Growth.
func TestCellTypes(t *testing.T) {
	var n count
	for in, want := range map[string]int{"": 0, " 12 ": 12, "1,234": 1234, "-3": -3} {
		if err := n.UnmarshalCSV(in); err != nil || int(n) != want {
			t.Errorf("count %q = %d, %v; want %d", in, n, err, want)
		}
	}
	if err := n.UnmarshalCSV("0x10"); err == nil {
		t.Errorf("count 0x10 = %d, want an error (gocsv's own int conversion would read 16)", n)
	}
	var p percent
	for in, want := range map[string]float64{"": 0, "N/A": 0, "-8.29%": -8.29, " 12.5 % ": 12.5} {
		if err := p.UnmarshalCSV(in); err != nil || float64(p) != want {
			t.Errorf("percent %q = %v, %v; want %v", in, p, err, want)
		}
	}
	var f yesNo
	for in, want := range map[string]yesNo{"": unknownYN, "y": yes, " No ": no, "1": yes, "FALSE": no} {
		if err := f.UnmarshalCSV(in); err != nil || f != want {
			t.Errorf("yesNo %q = %v, %v; want %v", in, f, err, want)
		}
	}
	if unknownYN.ptr() != nil || !*yes.ptr() || *no.ptr() {
		t.Error("yesNo.ptr: unknown is nil, yes is true, no is false")
	}
	var m maybeCount
	if err := m.UnmarshalCSV("  "); err != nil || m.ok {
		t.Errorf("maybeCount of a blank cell = %+v, %v; want not ok", m, err)
	}
	if err := m.UnmarshalCSV("-2"); err != nil || !m.ok || m.n != -2 {
		t.Errorf("maybeCount -2 = %+v, %v", m, err)
	}
}
