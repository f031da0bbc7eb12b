package toaststats_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/analytics"
)

// A Series is what a server keeps to answer analytics: each district's
// points loaded once per version of the snapshot list (concurrent requests
// share one load), and the rankings of every snapshot for rank histories.
func ExampleSeries() {
	ctx := context.Background()
	st, done, err := exampleStore(ctx, "2026-04-10", "2026-04-11", "2026-04-12")
	if err != nil {
		log.Fatal(err)
	}
	defer done()

	series := toaststats.NewSeries(st, nil)
	pts, _, err := series.District(ctx, "61")
	if err != nil {
		log.Fatal(err)
	}
	last := analytics.LastDate(pts)
	year := analytics.PointsBetween(pts, analytics.ProgramYearStartDate(last), last)
	fmt.Println("points of the program year up to", last+":", len(year))

	py, from, to := analytics.RankHistoryRange(last, "", "")
	ranks, err := series.RankPoints(ctx, "61", from, to)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range analytics.RankHistory(ranks, py).History {
		fmt.Println(r.Date, "overall rank", r.OverallRank)
	}
	// After a build, drop what the series holds; it reloads on demand.
	series.Clear()
	// Output:
	// points of the program year up to 2026-04-12: 3
	// 2026-04-10 overall rank 1
	// 2026-04-11 overall rank 1
	// 2026-04-12 overall rank 1
}

// exampleStore is a new data directory with the example world's dates
// collected and built; done closes and removes it.
func exampleStore(ctx context.Context, dates ...string) (st *toaststats.Store, done func(), err error) {
	dir, err := os.MkdirTemp("", "toaststats-example")
	if err != nil {
		return nil, nil, err
	}
	done = func() { os.RemoveAll(dir) }
	if st, err = toaststats.CreateStore(dir, toaststats.StoreOptions{Now: exampleNow}); err != nil {
		done()
		return nil, nil, err
	}
	done = func() { st.Close(); os.RemoveAll(dir) }
	w := exampleWorld()
	for _, date := range dates {
		if err = cacheWorld(ctx, st, w, date); err != nil {
			break
		}
	}
	if err == nil {
		_, err = toaststats.NewBuilder(st, toaststats.BuilderOptions{Now: exampleNow}).BuildAll(ctx)
	}
	if err != nil {
		done()
		return nil, nil, err
	}
	return st, done, nil
}
