package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

// benchStore returns a store holding one current snapshot of n districts
// with clubs clubs each.
func benchStore(b *testing.B, opts Options, n, clubs int) *Store {
	b.Helper()
	st := openTest(b, opts)
	if err := st.Snapshots().Publish(context.Background(), makeSnapshot("2025-12-01", snapshot.StatusSuccess, n, clubs)); err != nil {
		b.Fatal(err)
	}
	return st
}

func BenchmarkCurrentRankings(b *testing.B) {
	for _, c := range []struct {
		name string
		opts Options
	}{{"cached", Options{}}, {"uncached", Options{CacheTTL: -1}}} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			st := benchStore(b, c.opts, 128, 4)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				v, err := st.Snapshots().Current(ctx)
				if err != nil {
					b.Fatal(err)
				}
				rf, err := v.Rankings(ctx)
				if err != nil || len(rf.Rankings) != 128 {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"-shared", func(b *testing.B) {
			ctx := context.Background()
			st := benchStore(b, c.opts, 128, 4)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				v, err := st.Snapshots().Current(ctx)
				if err != nil {
					b.Fatal(err)
				}
				rf, err := v.RankingsShared(ctx)
				if err != nil || len(rf.Rankings) != 128 {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"-json", func(b *testing.B) {
			ctx := context.Background()
			st := benchStore(b, c.opts, 128, 4)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				v, err := st.Snapshots().Current(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := v.RankingsJSON(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDistrictRead(b *testing.B) {
	for _, c := range []struct {
		name string
		opts Options
	}{{"cached", Options{}}, {"uncached", Options{CacheTTL: -1}}, {"cached-gzip", Options{Gzip: true}}, {"uncached-gzip", Options{CacheTTL: -1, Gzip: true}}} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			st := benchStore(b, c.opts, 4, 110)
			v, _ := st.Snapshots().Current(ctx)
			raw, _ := v.DistrictJSON(ctx, "3")
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				v, err := st.Snapshots().Current(ctx)
				if err != nil {
					b.Fatal(err)
				}
				df, err := v.District(ctx, "3")
				if err != nil || len(df.Data.ClubDetails) != 110 {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"-shared", func(b *testing.B) {
			ctx := context.Background()
			st := benchStore(b, c.opts, 4, 110)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				v, err := st.Snapshots().Current(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if df, err := v.DistrictShared(ctx, "3"); err != nil || len(df.Data.ClubDetails) != 110 {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"-json", func(b *testing.B) {
			ctx := context.Background()
			st := benchStore(b, c.opts, 4, 110)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				v, err := st.Snapshots().Current(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := v.DistrictJSON(ctx, "3"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPublish128(b *testing.B) {
	for _, gz := range []bool{false, true} {
		b.Run(fmt.Sprintf("gzip=%v", gz), func(b *testing.B) {
			ctx := context.Background()
			st := openTest(b, Options{Gzip: gz})
			snap := makeSnapshot("2025-12-01", snapshot.StatusSuccess, 128, 110)
			var size int64
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := st.Snapshots().Publish(ctx, snap); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			v, _ := st.Snapshots().Current(ctx)
			for _, e := range v.Manifest.Districts {
				size += e.FileSize
			}
			b.ReportMetric(float64(size)/float64(len(v.Manifest.Districts)), "B/district-file")
		})
	}
}
