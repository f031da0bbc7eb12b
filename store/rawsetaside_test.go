package store

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// Damaged raw reports set aside (what scrape does before downloading one
// again) are listed, oldest first, with the files each entry holds (the
// keys they had in the cache, their bytes under quarantine/<ID>/), apart
// from the snapshots and leftovers Recover quarantines; Purge removes one
// entry and nothing else; Restore refuses them.
func TestRawSetAsideListAndPurge(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 10, 2, 1, 2, 3, 4, time.UTC)
	st := openTest(t, Options{Now: func() time.Time { return now }})
	rc := st.Raw()
	const date = "2025-10-01"
	good := []byte("Club Number,Club Name\n1,good\n")
	setAside := func(district string, r Report) (damaged []byte, to string) {
		t.Helper()
		must(t, rc.Put(ctx, date, district, r, good, PutInfo{}))
		key, _, _, err := rawKey(date, district, r)
		must(t, err)
		damaged = []byte("damaged " + key + "\n")
		must(t, st.Objects().Write(ctx, key, damaged))
		_, err = rc.Get(ctx, date, district, r)
		from, to, err := rc.SetAside(ctx, date, district, r, err)
		if err != nil || from != key || to == "" {
			t.Fatalf("SetAside = %q %q %v", from, to, err)
		}
		must(t, rc.Put(ctx, date, district, r, good, PutInfo{})) // downloaded again
		return damaged, to
	}
	club, clubTo := setAside("61", ReportClub)
	first := now
	now = now.Add(time.Hour)
	summary, summaryTo := setAside("", ReportSummary)
	// What Recover quarantines is not a set-aside entry.
	for _, k := range []string{quarantinePrefix + "2025-09-30-20251002T000000/" + manifestFile, quarantinePrefix + "leftovers-20251002T000000/gen-x/" + metadataFile} {
		must(t, st.Objects().Write(ctx, k, []byte("{}")))
	}

	list, err := rc.SetAsideList(ctx)
	must(t, err)
	want := []SetAsideEntry{
		{ID: "raw-2025-10-02T01-02-03.000000004Z", SetAsideAt: first, Files: []string{rawPrefix + date + "/district-61/" + ReportClub.FileName()}},
		{ID: "raw-2025-10-02T02-02-03.000000004Z", SetAsideAt: now, Files: []string{rawPrefix + date + "/" + ReportSummary.FileName()}},
	}
	if !slices.EqualFunc(list, want, func(a, b SetAsideEntry) bool {
		return a.ID == b.ID && a.SetAsideAt.Equal(b.SetAsideAt) && slices.Equal(a.Files, b.Files)
	}) {
		t.Fatalf("SetAsideList =\n%+v\nwant\n%+v", list, want)
	}
	for i, e := range list {
		b, err := st.Objects().Read(ctx, quarantinePrefix+e.ID+"/"+e.Files[0])
		if wantB := [][]byte{club, summary}[i]; err != nil || !bytes.Equal(b, wantB) {
			t.Errorf("bytes of %s: %q %v, want %q", e.Files[0], b, err, wantB)
		}
		if to := []string{clubTo, summaryTo}[i]; to != quarantinePrefix+e.ID+"/"+e.Files[0] {
			t.Errorf("SetAside copied to %s, listed as %s", to, quarantinePrefix+e.ID+"/"+e.Files[0])
		}
	}

	before := objectsDigest(t, st)
	if _, err := rc.Restore(ctx, list[0].ID); err == nil || !strings.Contains(err.Error(), "not restored") {
		t.Fatalf("Restore of a set-aside entry = %v, want an error saying it is not restored", err)
	}
	for _, bad := range []string{"raw-2025-10-02T01-02-03Z", "raw-../../raw-csv", "raw-2025-10-02T01-02-03.000000005Z"} {
		if err := rc.Purge(ctx, bad); !errors.Is(err, ErrTrashNotFound) {
			t.Errorf("Purge(%q) = %v, want ErrTrashNotFound", bad, err)
		}
	}
	if got := objectsDigest(t, st); !maps.Equal(got, before) {
		t.Fatal("a refused Restore or Purge changed the store")
	}

	must(t, rc.Purge(ctx, list[0].ID))
	after := objectsDigest(t, st)
	for k := range before {
		if _, ok := after[k]; !ok && !strings.HasPrefix(k, quarantinePrefix+list[0].ID+"/") {
			t.Errorf("Purge removed %s", k)
		}
	}
	if _, ok := after[clubTo]; ok || len(after) != len(before)-1 {
		t.Errorf("after Purge: %d objects of %d, %s kept", len(after), len(before), clubTo)
	}
	if list, err := rc.SetAsideList(ctx); err != nil || len(list) != 1 || list[0].ID != want[1].ID {
		t.Fatalf("SetAsideList after Purge = %+v %v", list, err)
	}
	if err := rc.Purge(ctx, want[0].ID); !errors.Is(err, ErrTrashNotFound) {
		t.Fatalf("Purge of a purged entry = %v, want ErrTrashNotFound", err)
	}
	if trash, err := rc.TrashList(ctx); err != nil || len(trash) != 0 {
		t.Fatalf("TrashList = %v %v: set-aside entries are not trash entries", trash, err)
	}
}
