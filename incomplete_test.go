package toaststats_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// A district tracked from now on has no reports in the dates cached
// before: building them again would give partial snapshots, which never
// replace the successful ones. They were pending for ever, so the
// server's schedule rebuilt every old date at each interval and build
// --all did the same work and exited 1 on every run. Now they are not
// pending but Incomplete, naming what they lack, until the reports are
// collected; then they are pending and build as before.
func TestTrackedDistrictAddedLater(t *testing.T) {
	ctx := context.Background()
	var skip []string
	for _, date := range []string{"2025-11-14", "2025-12-03"} {
		for _, r := range []string{"club", "division", "district"} {
			skip = append(skip, date+"/district-F/"+r+"-performance.csv")
		}
	}
	st, dir := openFixture(t, fixture{dates: []string{"2025-11-14", "2025-12-03"}, skip: skip, config: []string{"42", "61"}})
	ageRaw(t, dir)
	b := newBuilder(st)
	res, err := b.BuildAll(ctx)
	if err != nil || len(res) != 2 || res[0].Status != snapshot.StatusSuccess || res[1].Status != snapshot.StatusSuccess {
		t.Fatalf("first build: %+v %v", res, err)
	}

	if _, err := st.Config().Replace(ctx, []string{"42", "61", "F"}, "test"); err != nil {
		t.Fatal(err)
	}
	want := []toaststats.IncompleteCollection{
		{CollectionDate: "2025-11-14", SnapshotID: "2025-11-14", MissingDistricts: []string{"F"}},
		{CollectionDate: "2025-12-03", SnapshotID: "2025-11-30", MissingDistricts: []string{"F"}},
	}
	check := func(wantPending []string, wantIncomplete []toaststats.IncompleteCollection) {
		t.Helper()
		// Twice: derived, then from the state Pending keeps.
		for range 2 {
			p, err := b.Pending(ctx)
			if err != nil || !slices.Equal(p, wantPending) {
				t.Fatalf("pending %v (%v), want %v", p, err, wantPending)
			}
			inc, err := b.Incomplete(ctx)
			if err != nil || !reflect.DeepEqual(inc, wantIncomplete) {
				t.Fatalf("incomplete %+v (%v), want %+v", inc, err, wantIncomplete)
			}
		}
	}
	check(nil, want)

	// build --all builds nothing, and touches no snapshot.
	before := snapshotFiles(t, dir, "2025-11-14")
	if res, err := b.BuildAll(ctx); err != nil || len(res) != 0 {
		t.Fatalf("build all with F missing: %+v %v", res, err)
	}
	if !reflect.DeepEqual(snapshotFiles(t, dir, "2025-11-14"), before) {
		t.Fatal("snapshot 2025-11-14 changed")
	}

	// Status says the same.
	cs, err := b.Status(ctx, "2025-11-14")
	if err != nil || cs.Pending || cs.Incomplete == nil || !reflect.DeepEqual(*cs.Incomplete, want[0]) {
		t.Fatalf("status: pending %v incomplete %+v (%v)", cs.Pending, cs.Incomplete, err)
	}

	// Built anyway (build --date), it says why it is not published and
	// what collects the missing reports.
	one, err := b.Build(ctx, "2025-12-03")
	if err != nil || !one.Skipped || one.Status != snapshot.StatusPartial {
		t.Fatalf("build 2025-12-03: %+v %v", one, err)
	}
	for _, s := range []string{"is successful and this build is partial", "collection 2025-12-03 lacks the reports of district F",
		"`toaststats backfill --from 2025-12-03 --to 2025-12-03`"} {
		if !strings.Contains(one.SkipReason, s) {
			t.Errorf("skip reason %q does not say %q", one.SkipReason, s)
		}
	}

	// F's reports collected for 2025-11-14: that date is pending again,
	// and builds with F.
	for _, r := range []store.Report{store.ReportClub, store.ReportDivision, store.ReportDistrict} {
		data, err := os.ReadFile(filepath.Join("testdata", "cache", "2025-11-14", "district-F", string(r)+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Raw().Put(ctx, "2025-11-14", "F", r, data, store.PutInfo{RequestedDate: "2025-11-14", Source: "fixture"}); err != nil {
			t.Fatal(err)
		}
	}
	ageRaw(t, dir)
	check([]string{"2025-11-14"}, want[1:])
	res, err = b.BuildAll(ctx)
	if err != nil || len(res) != 1 || res[0].Skipped || res[0].Status != snapshot.StatusSuccess || !slices.Contains(res[0].DistrictsIncluded, "F") {
		t.Fatalf("build after F was collected: %+v %v", res, err)
	}
	check(nil, want[1:])
}
