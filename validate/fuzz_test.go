package validate

import (
	"math"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// FuzzValidate feeds arbitrary ids, dates, statuses and counts to Validate:
// it must never panic, every finding must have a known severity, a code
// and a message, and the result must not depend on being run twice.
func FuzzValidate(f *testing.F) {
	f.Add("61", "2026-01-05", "2026-01-06", "Active", "D", "00000001", 5, 40, -3, 2.5, int64(0))
	f.Add("Month of Dec", "", "bad", "", "X", "", -1, 0, 0, math.NaN(), int64(1<<62))
	f.Fuzz(func(t *testing.T, id, asOf, coll, status, level, clubID string, n, members, change int, pct float64, now int64) {
		d := goodDistrict(id)
		d.AsOfDate = asOf
		d.ClubDetails[0].Status, d.ClubDetails[0].DistinguishedStatus, d.ClubDetails[0].ClubID = status, level, clubID
		d.ClubDetails[1].GoalsMet = n
		d.Clubs.Low += n
		d.Membership.Total, d.Membership.Change, d.Membership.ChangePercent = members, change, pct
		row := goodSummary(id)
		row.ActiveClubs = n
		in := Input{
			Districts:      []snapshot.District{d, goodDistrict("F"), d},
			Summary:        []snapshot.SummaryRow{row, {DistrictID: clubID}},
			DataAsOfDate:   asOf,
			CollectionDate: coll,
			Now:            time.Unix(0, now),
			DistrictErrors: []snapshot.DistrictError{{DistrictID: id, Reason: status, Error: level}},
		}
		got := Validate(in)
		for _, x := range got {
			if (x.Severity != snapshot.SeverityError && x.Severity != snapshot.SeverityWarning) || x.Code == "" || x.Message == "" {
				t.Fatalf("malformed finding %+v", x)
			}
		}
		if again := Validate(in); len(again) != len(got) {
			t.Fatalf("not deterministic: %d then %d findings", len(got), len(again))
		}
	})
}
