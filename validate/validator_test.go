package validate

import (
	"reflect"
	"sync"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

// validateByDistrict is Validate through a Validator, the districts
// validated from several goroutines at once, in reverse order.
func validateByDistrict(in Input) []snapshot.Finding {
	x := NewValidator(in)
	ids := make([]string, len(in.Districts))
	per := make([][]snapshot.Finding, len(in.Districts))
	var wg sync.WaitGroup
	for i := len(in.Districts) - 1; i >= 0; i-- {
		ids[i] = in.Districts[i].DistrictID
		wg.Add(1)
		go func() {
			defer wg.Done()
			per[i] = x.District(&in.Districts[i])
		}()
	}
	wg.Wait()
	return x.Findings(ids, per, in.DistrictErrors)
}

// A Validator fed district by district finds exactly what Validate finds:
// snapshot-wide findings first, districts in id order, duplicates, invalid
// ids, no summary, no districts, unavailable districts.
func TestValidatorMatchesValidate(t *testing.T) {
	cases := map[string]func(in *Input){
		"consistent": func(in *Input) {},
		"findings everywhere": func(in *Input) {
			in.Districts[0].ClubDetails[0].ActiveMembers = -3
			in.Districts[1].AsOfDate = "2026-01-04"
			in.Summary = append(in.Summary, goodSummary("61"), snapshot.SummaryRow{DistrictID: "x y"})
			in.DataAsOfDate = "2025-12-01"
		},
		"duplicate and invalid ids": func(in *Input) {
			in.Districts = append(in.Districts, goodDistrict("61"), goodDistrict("bad id"), goodDistrict("02"))
		},
		"no summary":   func(in *Input) { in.Summary = nil },
		"no districts": func(in *Input) { in.Districts, in.Summary[0].TotalYTDPayments = nil, 1 },
		"nothing":      func(in *Input) { in.Districts, in.Summary = nil, nil },
		"unavailable districts": func(in *Input) {
			in.DistrictErrors = []snapshot.DistrictError{{DistrictID: "02", Reason: "missing_report", Report: "club-performance.csv", Error: "gone"}, {DistrictID: "61", Reason: "parse_error"}}
		},
	}
	for name, mutate := range cases {
		in := goodInput()
		mutate(&in)
		want := Validate(in)
		if got := validateByDistrict(in); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\nby district %v\nValidate    %v", name, summarise(got), summarise(want))
		}
		if name != "consistent" && len(want) == 0 {
			t.Errorf("%s: no findings to compare", name)
		}
	}
}
