package normalize_test

import (
	"testing"

	"github.com/toaststats/toaststats/internal/cputime"
	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
)

// worldChunks are the three per-district reports of the full world (128
// districts of ~110 clubs, 2025-26) on one date, in chunks of 4 districts
// as the Builder reads them (one ReadReports call per chunk).
func worldChunks(b *testing.B) ([][]normalize.ReportFile, [][]string, int) {
	b.Helper()
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 128, ClubsPerDistrict: 110, Seed: 7, From: "2025-11-01", To: "2025-11-20"})
	dates := w.AsOfDates()
	date := dates[len(dates)-1]
	kinds := []normalize.ReportKind{normalize.ReportClub, normalize.ReportDivision, normalize.ReportDistrict}
	var chunks [][]normalize.ReportFile
	var ids [][]string
	size := 0
	districts := w.Districts(date)
	for i := 0; i < len(districts); i += 4 {
		var files []normalize.ReportFile
		var chunkIDs []string
		for _, id := range districts[i:min(i+4, len(districts))] {
			chunkIDs = append(chunkIDs, id)
			for _, k := range kinds {
				data, err := w.CSV(k, id, date)
				if err != nil {
					b.Fatal(err)
				}
				size += len(data)
				files = append(files, normalize.ReportFile{Kind: k, Name: id + "/" + k.FileName(), Data: data})
			}
		}
		chunks = append(chunks, files)
		ids = append(ids, chunkIDs)
	}
	return chunks, ids, size
}

// BenchmarkReadWorldChunks reads and assembles every district of one world
// date the way the Builder does: ReadReports per chunk of 4 districts, then
// Assemble per district (no summary row).
func BenchmarkReadWorldChunks(b *testing.B) {
	chunks, ids, size := worldChunks(b)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	start := cputime.Process()
	for b.Loop() {
		for c, files := range chunks {
			res := normalize.ReadReports(files)
			for i, id := range ids[c] {
				r := res[3*i : 3*i+3]
				for _, x := range r {
					if x.Err != nil {
						b.Fatal(x.Err)
					}
				}
				if _, _, err := normalize.Assemble(id, r[0].Club, r[1].Division, r[2].District, nil); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	if b.N > 0 {
		b.ReportMetric(float64(cputime.Process()-start)/float64(b.N), "cpu-ns/op")
	}
}
