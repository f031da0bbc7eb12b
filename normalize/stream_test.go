package normalize

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// sameResult reports how got differs from want ("" when it does not).
func sameResult(got, want ReadResult) string {
	if (got.Err == nil) != (want.Err == nil) || (want.Err != nil && got.Err.Error() != want.Err.Error()) {
		return fmt.Sprintf("error %v, want %v", got.Err, want.Err)
	}
	got.Err, want.Err = nil, nil
	if !reflect.DeepEqual(got, want) {
		return "the report differs"
	}
	return ""
}

// checkStream asserts that ReadReports gives for every file what readExact
// (readTable and the kind's report, no stream) gives for it.
func checkStream(t *testing.T, files []ReportFile) {
	t.Helper()
	got := ReadReports(files)
	for i, f := range files {
		if d := sameResult(got[i], readExact(f)); d != "" {
			t.Fatalf("file %d (%s, %s): %s", i, f.Name, f.Kind, d)
		}
	}
}

// The stream gives readExact's result for files it cannot take whole: a
// CSV error, a row of the wrong width, a footer that does not parse, a
// footer in the middle, no rows, a header alone, in a batch of good files
// with the same header before and after.
func TestStreamFallsBackExactly(t *testing.T) {
	h := clubHeaders[EraCSP]
	rows := func(seed int64, n int) [][]string {
		clubs := randomClubs(seed, n, "2025-2026", true)
		out := make([][]string, len(clubs))
		for j, c := range clubs {
			out[j] = clubCells(h, "61", c)
		}
		return out
	}
	good := func(i int) ReportFile {
		return ReportFile{Kind: ReportClub, Name: fmt.Sprintf("good-%d.csv", i), Data: csvBytes(h, rows(int64(i), 4), footerJun)}
	}
	short := rows(9, 4)
	short[2] = short[2][:5]
	odd := []byte(string(csvBytes(h, rows(10, 3), "")) + "Month of Jun, As of 13/13/2025\r\n")
	middle := rows(11, 4)
	middle[1] = []string{"Month of Jun", " As of 09/13/2025"}
	bads := map[string][]byte{
		"quote":        []byte(string(csvBytes(h, rows(8, 3), footerJun)) + "\"a,b\r\n"),
		"short row":    csvBytes(h, short, footerJun),
		"bad footer":   odd,
		"footer twice": csvBytes(h, middle, footerJun),
		"no rows":      csvBytes(h, nil, footerJun),
		"header only":  csvBytes(h, nil, ""),
		"no footer":    csvBytes(h, rows(12, 2), ""),
		"bad cell":     csvBytes(h, append(rows(13, 2), append(append([]string{}, rows(14, 1)[0][:8]...), append([]string{"x"}, rows(14, 1)[0][9:]...)...)), footerJun),
	}
	for name, b := range bads {
		t.Run(name, func(t *testing.T) {
			if err := readExact(ReportFile{Kind: ReportClub, Name: name, Data: b}).Err; (err == nil) != (name == "no footer") {
				t.Fatalf("readExact: %v", err)
			}
			checkStream(t, []ReportFile{good(1), {Kind: ReportClub, Name: name, Data: b}, good(2), good(3)})
			checkStream(t, []ReportFile{{Kind: ReportClub, Name: name, Data: b}})
		})
	}
}

// FuzzReadReportsStream: a fuzzed file of each kind, alone and between two
// good files of the same kind, reads as readExact reads it.
func FuzzReadReportsStream(f *testing.F) {
	for _, k := range Kinds {
		addReportSeeds(f, k)
	}
	goods := map[ReportKind][]byte{
		ReportClub:     clubCSV(EraPathways, "61", randomClubs(3, 4, "2024-2025", false), footerJun),
		ReportSummary:  worldSummary(4, footerJun),
		ReportDistrict: readReal(f, "district-performance-D91-2024-2025.csv"),
		ReportDivision: csvBytes(divisionHeader33, [][]string{divisionRow()}, footerJun),
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		k := Kinds[len(b)%len(Kinds)]
		fz := ReportFile{Kind: k, Name: "fuzz.csv", Data: b}
		g := ReportFile{Kind: k, Name: "good.csv", Data: goods[k]}
		checkStream(t, []ReportFile{fz})
		checkStream(t, []ReportFile{g, fz, g})
	})
}

// Good files are read by the stream (not again alone), in one gocsv call
// per header layout, with readTable's lines and footer.
func TestStreamTakesGoodFiles(t *testing.T) {
	files := worldFiles()
	var ts []*streamTable
	for _, f := range files {
		st := openStream(f)
		if st == nil {
			t.Fatalf("%s: not opened", f.Name)
		}
		ts = append(ts, st)
	}
	decodeStream[clubRecord](ts)
	for i, st := range ts {
		if !st.done || st.failed || st.t.decoded == nil {
			t.Fatalf("%s: done %v failed %v", files[i].Name, st.done, st.failed)
		}
		want, err := readTable(files[i].Kind, files[i].Name, files[i].Data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(st.t.lines, want.lines) || st.t.footer != want.footer {
			t.Fatalf("%s: lines or footer differ from readTable's", files[i].Name)
		}
	}
}

// worldFiles are 3 club reports of one header layout.
func worldFiles() []ReportFile {
	var files []ReportFile
	for i := range 3 {
		files = append(files, ReportFile{Kind: ReportClub, Name: fmt.Sprintf("c%d.csv", i),
			Data: clubCSV(EraCSP, "61", randomClubs(int64(i), 20, "2025-2026", true), footerJun)})
	}
	return files
}

// digits agrees with strconv.Atoi on the cells it takes.
func TestDigitsIsAtoi(t *testing.T) {
	for _, s := range []string{"0", "7", "007", "1234", "999999999999999999", "", " 1", "1 ", "-1", "+1", "1,234", "1.0", "x", "9999999999999999999", "١"} {
		n, ok := digits(s)
		want, err := strconv.Atoi(s)
		if ok && (err != nil || n != want) {
			t.Errorf("digits(%q) = %d, Atoi %d %v", s, n, want, err)
		}
		if !ok && err == nil && len(s) > 0 && len(s) <= 18 && strings.Trim(s, "0123456789") == "" {
			t.Errorf("digits(%q) refused a plain number", s)
		}
	}
}
