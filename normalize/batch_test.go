package normalize

import (
	"fmt"
	"reflect"
	"testing"
)

// readAlone is what the kind's own reader gives for f.
func readAlone(f ReportFile) ReadResult {
	var r ReadResult
	switch f.Kind {
	case ReportSummary:
		r.Summary, r.Err = ReadSummary(f.Name, f.Data)
	case ReportDistrict:
		r.District, r.Err = ReadDistrictPerformance(f.Name, f.Data)
	case ReportDivision:
		r.Division, r.Err = ReadDivisionPerformance(f.Name, f.Data)
	case ReportClub:
		r.Club, r.Err = ReadClubPerformance(f.Name, f.Data)
	}
	return r
}

// ReadReports gives, file by file, exactly what the readers give alone:
// batches of files with one header, files of other eras and kinds between
// them, and cells that do not convert at the start, middle and end of a
// batch (gocsv stops at the first; the files after it are decoded again).
func TestReadReportsMatchesReadersAlone(t *testing.T) {
	clubFile := func(i int, era string, bad map[[2]int]string) ReportFile {
		h := clubHeaders[era]
		clubs := randomClubs(int64(i), 5+i%4, "2025-2026", era == EraCSP || era == EraEOM)
		rows := make([][]string, len(clubs))
		for j, c := range clubs {
			rows[j] = clubCells(h, "61", c)
		}
		for at, v := range bad {
			rows[at[0]][at[1]] = v
		}
		return ReportFile{Kind: ReportClub, Name: fmt.Sprintf("club-%d.csv", i), Data: csvBytes(h, rows, footerJun)}
	}
	files := []ReportFile{
		clubFile(0, EraCSP, map[[2]int]string{{0, 7}: "x"}), // first row of the first file
		clubFile(1, EraCSP, nil),
		clubFile(2, EraPathways, nil),
		clubFile(3, EraCSP, map[[2]int]string{{2, 15}: "many", {3, 6}: "maybe"}),
		{Kind: ReportSummary, Name: "all-districts.csv", Data: worldSummary(5, footerJun)},
		clubFile(4, EraCSP, nil),
		clubFile(5, EraPathways, map[[2]int]string{{4, 8}: "0x10"}),
		clubFile(6, EraCSP, nil),
		{Kind: ReportClub, Name: "html.csv", Data: []byte("<html><body>error</body></html>")},
		clubFile(7, EraPathways, nil),
		clubFile(8, EraCSP, map[[2]int]string{{4, 9}: "1.5"}), // last row of the last file
		{Kind: ReportKind("nonsense"), Name: "x.csv", Data: []byte("a,b\n1,2\n")},
	}
	got := ReadReports(files)
	if len(got) != len(files) {
		t.Fatalf("%d results for %d files", len(got), len(files))
	}
	failed := 0
	for i, f := range files {
		want := readAlone(f)
		if f.Kind == "nonsense" {
			_, want.Err = readTable(f.Kind, f.Name, f.Data)
		}
		if (got[i].Err == nil) != (want.Err == nil) || (want.Err != nil && got[i].Err.Error() != want.Err.Error()) {
			t.Errorf("%s: error %v, alone %v", f.Name, got[i].Err, want.Err)
		}
		if want.Err != nil {
			failed++
		}
		got[i].Err, want.Err = nil, nil
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("%s: the report differs from the reader's alone", f.Name)
		}
	}
	// The five bad cells, the HTML page and the unknown kind.
	if failed != 6 {
		t.Errorf("%d files failed, want 6 (4 bad cells, html, unknown kind)", failed)
	}
	if got[1].Club == nil || len(got[1].Club.Clubs) != 6 || got[4].Summary == nil || len(got[4].Summary.Rows) != 5 {
		t.Errorf("batch results: %+v %+v", got[1].Club, got[4].Summary)
	}
}
