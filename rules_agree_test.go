package toaststats_test

import (
	"testing"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/toaststats/toaststats/ranking"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// TestRulesAgree pins that every package's district-id, ordering and date
// checks are the one rule in snapshot, over generated input that mixes
// valid and invalid ids and dates.
func TestRulesAgree(t *testing.T) {
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 2000
	props := gopter.NewProperties(params)
	idChars := gen.OneGenOf(gen.AlphaNumChar(), gen.OneConstOf(' ', '.', '/', '-', 'é'))
	ids := gen.SliceOfN(10, idChars).Map(func(r []rune) string { return string(r) })
	short := gen.IntRange(0, 10)
	props.Property("district id validity agrees", prop.ForAll(
		func(id string, n int) bool {
			id = string([]rune(id)[:min(n, len([]rune(id)))])
			want := snapshot.IsDistrictID(id)
			canon, _ := snapshot.CanonicalDistrictID(id)
			got, err := store.ValidDistrictID(id)
			return ranking.IsDistrictID(id) == want && (err == nil) == want && got == canon
		}, ids, short))
	props.Property("district id order agrees", prop.ForAll(
		func(a, b string) bool {
			want := snapshot.CompareDistrictIDs(a, b)
			list := []string{a, b}
			store.SortDistrictIDs(list)
			sortedOK := snapshot.CompareDistrictIDs(list[0], list[1]) <= 0
			return ranking.CompareDistrictIDs(a, b) == want && sortedOK &&
				snapshot.CompareDistrictIDs(b, a) == -want
		},
		gen.OneGenOf(gen.NumString(), gen.AlphaString()).Map(func(s string) string { return s[:min(len(s), 4)] }),
		gen.OneGenOf(gen.NumString(), gen.AlphaString()).Map(func(s string) string { return s[:min(len(s), 4)] })))
	props.Property("date validity agrees", prop.ForAll(
		func(y, m, d int, sep string) bool {
			date := pad(y, 4) + sep + pad(m, 2) + "-" + pad(d, 2)
			_, want := snapshot.ParseDate(date)
			return (store.ValidDate(date) == nil) == want
		},
		gen.IntRange(1999, 2031), gen.IntRange(0, 13), gen.IntRange(0, 32), gen.OneConstOf("-", "/")))
	props.TestingRun(t)
}

func pad(n, width int) string {
	s := []byte{}
	for ; width > 0; width-- {
		s = append([]byte{byte('0' + n%10)}, s...)
		n /= 10
	}
	return string(s)
}
