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
	dir, err := os.MkdirTemp("", "toaststats-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := toaststats.OpenStore(dir, toaststats.StoreOptions{Now: exampleNow})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	w := exampleWorld()
	for _, date := range []string{"2026-04-10", "2026-04-11", "2026-04-12"} {
		if err := cacheWorld(ctx, st, w, date); err != nil {
			log.Fatal(err)
		}
	}
	if _, err := toaststats.NewBuilder(st, toaststats.BuilderOptions{Now: exampleNow}).BuildAll(ctx); err != nil {
		log.Fatal(err)
	}

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
