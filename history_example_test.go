package toaststats_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/analytics"
)

// A History reads a district's series for analytics from the history index
// the Builder keeps as it publishes: one or two files per program year
// instead of every snapshot. Snapshots the index does not cover (published
// by an older version, or rebuilt elsewhere) are read from the snapshot.
func ExampleHistory_District() {
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

	h, err := toaststats.NewHistory(st, nil).District(ctx, "61")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("points:", len(h.Points), "from the index:", h.FromIndex, "from snapshots:", h.FromSnapshots)
	for _, p := range h.Points {
		fmt.Println(p.Date, "members", p.District.Membership.Total, "aggregate score", p.Ranking.AggregateScore, "of", p.TotalDistricts, "districts")
	}

	// The analytics of the program year up to the newest point, compared
	// with the point a year earlier (none here).
	last := h.Points[len(h.Points)-1].Date
	rep, err := analytics.MembershipAnalytics(h.Points, analytics.PreviousYearPoint(h.Points, last))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("change", rep.ChangeFrom, "to", rep.ChangeTo+":", *rep.MembershipChange)
	// Output:
	// points: 3 from the index: 3 from snapshots: 0
	// 2026-04-10 members 255 aggregate score 9 of 3 districts
	// 2026-04-11 members 257 aggregate score 9 of 3 districts
	// 2026-04-12 members 255 aggregate score 9 of 3 districts
	// change 2026-04-10 to 2026-04-12: 0
}
