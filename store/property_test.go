package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"

	"github.com/toaststats/toaststats/snapshot"
)

func propParams(t *testing.T, n int) *gopter.TestParameters {
	p := gopter.DefaultTestParameters()
	p.MinSuccessfulTests = n
	if testing.Short() {
		p.MinSuccessfulTests = n / 4
	}
	p.Rng.Seed(time.Now().UnixNano())
	t.Logf("gopter seed %d", p.Seed())
	return p
}

// districtSpec is a generated district: id, club names, a number.
type districtSpec struct {
	ID    string
	Names []string
	Base  int
	Pct   float64
}

var genDistrictID = gen.OneGenOf(
	gen.IntRange(1, 130).Map(func(i int) string { return fmt.Sprint(i) }),
	gen.RegexMatch(`^[A-Za-z0-9]{1,8}$`),
)

func genDistrictSpec() gopter.Gen {
	return gopter.CombineGens(genDistrictID, gen.SliceOfN(4, gen.AnyString()), gen.IntRange(-1000, 100000), gen.Float64Range(-1e6, 1e6)).
		Map(func(v []any) districtSpec {
			return districtSpec{ID: v[0].(string), Names: v[1].([]string), Base: v[2].(int), Pct: v[3].(float64)}
		})
}

func TestPropertySnapshotRoundTrip(t *testing.T) {
	ctx := context.Background()
	stores := map[bool]*Store{false: openTest(t, Options{}), true: openTest(t, Options{Gzip: true, CacheTTL: -1})}
	day := 0
	properties := gopter.NewProperties(propParams(t, 40))
	properties.Property("published snapshots read back exactly", prop.ForAll(
		func(specs []districtSpec, status int, gz, rankings bool) (bool, error) {
			day++
			id := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, day).Format(time.DateOnly)
			created := time.Date(2001, 2, 3, 4, 5, 6, 789000000, time.UTC)
			snap := makeSnapshot(id, []snapshot.Status{snapshot.StatusSuccess, snapshot.StatusPartial, snapshot.StatusFailed}[status], 0, 0)
			seen := map[string]bool{}
			want := map[string]snapshot.DistrictFile{}
			for _, s := range specs {
				up, _ := ValidDistrictID(s.ID)
				if seen[up] {
					continue
				}
				seen[up] = true
				df := makeDistrict(s.ID, id, created, len(s.Names))
				for i, n := range s.Names {
					df.Data.ClubDetails[i].ClubName = n
				}
				df.Data.Membership.Base = s.Base
				df.Data.Membership.ChangePercent = s.Pct
				snap.Districts = append(snap.Districts, df)
				df.DistrictID = up
				want[up] = df
			}
			if !rankings {
				snap.Rankings = nil
			}
			ss := stores[gz].Snapshots()
			if err := ss.Publish(ctx, snap); err != nil {
				return false, err
			}
			v, err := ss.Get(ctx, id)
			if err != nil {
				return false, err
			}
			if a, b := mustJSON(v.Metadata), mustJSON(snap.Metadata); !bytes.Equal(a, b) {
				return false, fmt.Errorf("metadata differs:\n%s\n%s", a, b)
			}
			ids := v.DistrictIDs()
			if len(ids) != len(want) || !slices.IsSortedFunc(ids, compareDistrictIDs) {
				return false, fmt.Errorf("ids %v, want %d", ids, len(want))
			}
			for did, w := range want {
				got, err := v.District(ctx, did)
				if err != nil {
					return false, err
				}
				if a, b := mustJSON(got), mustJSON(w); !bytes.Equal(a, b) {
					return false, fmt.Errorf("district %s differs", did)
				}
			}
			rf, err := v.Rankings(ctx)
			if !rankings {
				return err != nil, nil
			}
			if err != nil {
				return false, err
			}
			return bytes.Equal(mustJSON(rf), mustJSON(snap.Rankings)), nil
		},
		gen.SliceOfN(5, genDistrictSpec()), gen.IntRange(0, 2), gen.Bool(), gen.Bool(),
	))
	properties.Property("raw reports read back byte for byte", prop.ForAll(
		func(data []byte, id string, r int, date int) (bool, error) {
			if len(data) == 0 {
				data = []byte{0}
			}
			d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, date).Format(time.DateOnly)
			rep := DistrictReports[r]
			rc := stores[false].Raw()
			if err := rc.Put(ctx, d, id, rep, data, PutInfo{Source: "prop"}); err != nil {
				return false, err
			}
			got, err := rc.Get(ctx, d, id, rep)
			if err != nil {
				return false, err
			}
			md, err := rc.Metadata(ctx, d)
			if err != nil {
				return false, err
			}
			up, _ := ValidDistrictID(id)
			return bytes.Equal(got, data) && md.Integrity.Checksums["district-"+up+"/"+rep.FileName()] == sha256Hex(data), nil
		},
		gen.SliceOf(gen.UInt8()), gen.RegexMatch(`^[A-Za-z0-9]{1,8}$`), gen.IntRange(0, 2), gen.IntRange(0, 1000),
	))
	properties.TestingRun(t)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// TestPropertyRetention: whatever the snapshots, statuses, pointer and
// policy, Retain deletes exactly the snapshots outside the newest MaxCount
// that are older than MaxAge, never the current one nor the newest success.
func TestPropertyRetention(t *testing.T) {
	ctx := context.Background()
	// Templates: one published snapshot folder per status, copied below.
	tmpl := openTest(t, Options{})
	for i, s := range []snapshot.Status{snapshot.StatusSuccess, snapshot.StatusPartial, snapshot.StatusFailed} {
		if err := tmpl.Snapshots().Publish(ctx, makeSnapshot(fmt.Sprintf("2000-01-0%d", i+1), s, 1, 1)); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	properties := gopter.NewProperties(propParams(t, 50))
	properties.Property("retention keeps what it must", prop.ForAll(
		func(days []int, statuses []int, ptr int, maxCount, maxAgeDays int) (bool, error) {
			dir := testLocation(t)
			if !onS3() {
				must(t, os.MkdirAll(dir, 0o755))
			}
			st, err := Open(dir, Options{Now: func() time.Time { return now }})
			if err != nil {
				return false, err
			}
			defer st.Close()
			idset := map[string]int{}
			for i, d := range days {
				idset[now.AddDate(0, 0, -d).Format(time.DateOnly)] = statuses[i%len(statuses)]
			}
			var ids []string
			for id, s := range idset {
				ids = append(ids, id)
				src := fmt.Sprintf("snapshots/2000-01-0%d/", s+1)
				files, err := tmpl.Objects().List(ctx, src)
				if err != nil {
					return false, err
				}
				for _, f := range files {
					b, err := tmpl.Objects().Read(ctx, f)
					if err != nil {
						return false, err
					}
					if err := st.Objects().Write(ctx, "snapshots/"+id+"/"+strings.TrimPrefix(f, src), b); err != nil {
						return false, err
					}
				}
			}
			slices.Sort(ids)
			current := ""
			if ptr < len(ids) {
				current = ids[ptr]
				if err := st.Objects().Write(ctx, "current.json", []byte(`{"snapshot_id":"`+current+`"}`)); err != nil {
					return false, err
				}
			}
			newestSuccess := ""
			for _, id := range ids {
				if idset[id] == 0 {
					newestSuccess = id
				}
			}
			maxAge := time.Duration(maxAgeDays) * 24 * time.Hour
			rep, err := st.Snapshots().Retain(ctx, RetentionPolicy{MaxCount: maxCount, MaxAge: maxAge})
			if err != nil {
				return false, err
			}
			left, err := st.Snapshots().snapshotIDs(ctx)
			if err != nil {
				return false, err
			}
			for i, id := range ids {
				rank := len(ids) - 1 - i
				tm, _ := time.Parse(time.DateOnly, id)
				mustGo := rank >= maxCount && now.Sub(tm) > maxAge && id != current && id != newestSuccess
				gone := !slices.Contains(left, id)
				if gone != mustGo || gone != slices.Contains(rep.Deleted, id) {
					return false, fmt.Errorf("%s (rank %d, status %d, current %q, newest success %q): gone=%v, should go=%v; report %+v",
						id, rank, idset[id], current, newestSuccess, gone, mustGo, rep)
				}
			}
			return len(left) == len(ids)-len(rep.Deleted), nil
		},
		gen.SliceOfN(10, gen.IntRange(0, 200)), gen.SliceOfN(3, gen.IntRange(0, 2)), gen.IntRange(0, 14), gen.IntRange(1, 6), gen.IntRange(1, 90),
	))
	properties.TestingRun(t)
}
