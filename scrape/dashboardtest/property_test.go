package dashboardtest

import (
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
)

// TestWorldProperty: for any seed, size and span, every published date is
// internally consistent across the four reports.
func TestWorldProperty(t *testing.T) {
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 25
	params.Rng.Seed(20261129)
	props := gopter.NewProperties(params)
	base, _ := parseISO("2023-01-01")
	props.Property("reports agree on every date", prop.ForAll(
		func(seed int64, districts, clubs, startDay, span int) bool {
			from := base.AddDate(0, 0, startDay)
			w := NewWorld(Config{Districts: districts, ClubsPerDistrict: clubs, Seed: seed,
				From: from.Format(isoDate), To: from.AddDate(0, 0, span).Format(isoDate)})
			dates := w.AsOfDates()
			if len(dates) == 0 {
				return span < 10 // only a span inside the July dark window publishes nothing
			}
			for _, d := range []string{dates[0], dates[len(dates)/2], dates[len(dates)-1]} {
				checkConsistency(t, w, d)
			}
			return !t.Failed()
		},
		gen.Int64(), gen.IntRange(1, 12), gen.IntRange(1, 40), gen.IntRange(0, 4*365), gen.IntRange(0, 60),
	))
	props.TestingRun(t)
}
