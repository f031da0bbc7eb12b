package toaststats

import (
	"context"
	"os"
	"testing"

	"github.com/toaststats/toaststats/internal/cputime"
	"github.com/toaststats/toaststats/store"
)

// BenchmarkDecodeDistrictYear decodes every record of one district's
// program-year log of TOASTSTATS_YEAR_DIR (TOASTSTATS_YEAR_DISTRICT, 61 by
// default): the decoding part of a first analytics answer, on one core,
// whatever format the log holds. Without the variable it is skipped.
func BenchmarkDecodeDistrictYear(b *testing.B) {
	dir := os.Getenv("TOASTSTATS_YEAR_DIR")
	if dir == "" {
		b.Skip("TOASTSTATS_YEAR_DIR not set")
	}
	district := os.Getenv("TOASTSTATS_YEAR_DISTRICT")
	if district == "" {
		district = "61"
	}
	ctx := context.Background()
	objs, err := store.NewDirObjects(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer objs.Close()
	years, err := objs.List(ctx, historyPrefix)
	if err != nil {
		b.Fatal(err)
	}
	var payloads [][]byte
	for _, y := range years {
		if y == typesPrefix {
			continue
		}
		p, _, err := store.ReadRecords(ctx, objs, y+"district_"+district+".log")
		if err == nil {
			payloads = append(payloads, p...)
		}
	}
	if len(payloads) == 0 {
		b.Fatal("no records")
	}
	n := 0
	for _, p := range payloads {
		n += len(p)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	start := cputime.Process()
	for b.Loop() {
		dec := newDecoders(ctx, objs)
		for _, p := range payloads {
			rec, ok := parseRecord(p)
			if !ok || rec.kind != kindDistrict {
				continue
			}
			var dd districtDay
			if err := dec.decode(rec, &dd); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(cputime.Process()-start)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(len(payloads)), "records")
}
