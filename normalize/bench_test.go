package normalize

import (
	"testing"
	"time"

	"github.com/toaststats/toaststats/internal/cputime"
)

func reportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(cputime.Process()-start)/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkReadClubPerformance250 parses a 250-club club report (2025-26
// header, footer, CRLF), goals and levels included.
func BenchmarkReadClubPerformance250(b *testing.B) {
	data := clubCSV(EraCSP, "61", randomClubs(250, 250, "2025-2026", true), "Month of Mar, As of 03/15/2026")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := cputime.Process()
	defer reportCPU(b, start)
	for b.Loop() {
		rep, err := ReadClubPerformance("club-performance.csv", data)
		if err != nil || len(rep.Clubs) != 250 {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadSummaryWorld parses the full world's summary: 128 districts
// (PY 2025-26 had 128).
func BenchmarkReadSummaryWorld(b *testing.B) {
	data := worldSummary(128, "Month of Mar, As of 03/15/2026")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := cputime.Process()
	defer reportCPU(b, start)
	for b.Loop() {
		rep, err := ReadSummary("all-districts.csv", data)
		if err != nil || len(rep.Rows) != 128 {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckReportClub250 is the scraper's guard on a 250-club body.
func BenchmarkCheckReportClub250(b *testing.B) {
	data := clubCSV(EraCSP, "61", randomClubs(250, 250, "2025-2026", true), "Month of Mar, As of 03/15/2026")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	start := cputime.Process()
	defer reportCPU(b, start)
	for b.Loop() {
		if _, n, err := CheckReport(ReportClub, "club-performance.csv", data); err != nil || n != 250 {
			b.Fatal(err)
		}
	}
}

// BenchmarkAssembleRealD91 reads the real D91 club and district reports and
// assembles the district.
func BenchmarkAssembleRealD91(b *testing.B) {
	cb := readReal(b, "club-performance-D91-2024-2025.csv")
	db := readReal(b, "district-performance-D91-2024-2025.csv")
	b.ReportAllocs()
	start := cputime.Process()
	defer reportCPU(b, start)
	for b.Loop() {
		club, err := ReadClubPerformance("c.csv", cb)
		if err != nil {
			b.Fatal(err)
		}
		district, err := ReadDistrictPerformance("d.csv", db)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := Assemble("91", club, nil, district, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// worldClubFiles are the club reports of 4 districts of 110 clubs (one
// Builder chunk), 2025-26 header.
func worldClubFiles() []ReportFile {
	files := make([]ReportFile, 4)
	for i := range files {
		files[i] = ReportFile{Kind: ReportClub, Name: "club-performance.csv",
			Data: clubCSV(EraCSP, "61", randomClubs(int64(i), 110, "2025-2026", true), "Month of Mar, As of 03/15/2026")}
	}
	return files
}

// BenchmarkReadClubReportsAlone reads 4 club reports one by one: gocsv
// matches each file's header against the record's tags (compare
// BenchmarkReadClubReportsTogether).
func BenchmarkReadClubReportsAlone(b *testing.B) {
	files := worldClubFiles()
	b.ReportAllocs()
	start := cputime.Process()
	defer reportCPU(b, start)
	for b.Loop() {
		for _, f := range files {
			if _, err := ReadClubPerformance(f.Name, f.Data); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkReadClubReportsTogether reads the same 4 club reports with one
// ReadReports call: one gocsv call, one header match.
func BenchmarkReadClubReportsTogether(b *testing.B) {
	files := worldClubFiles()
	b.ReportAllocs()
	start := cputime.Process()
	defer reportCPU(b, start)
	for b.Loop() {
		for _, r := range ReadReports(files) {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	}
}
