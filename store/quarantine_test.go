package store

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/toaststats/toaststats/snapshot"
)

// Everything the store moves or copies into quarantine/ is listed by
// QuarantineList under the names it was given: the damaged raw reports
// SetAside copies, and the damaged snapshots (a folder, or a legacy
// file) and the leftovers of interrupted writes Recover moves aside
// (their listed paths are exactly where Recover's actions say it moved
// them). Purge removes one entry and nothing else; Restore refuses them,
// naming where to look; what the store did not put there is neither
// listed nor purged.
func TestQuarantineListAndPurge(t *testing.T) {
	ctx := context.Background()
	var clock atomic.Int64
	clock.Store(time.Date(2025, 10, 4, 1, 2, 3, 4, time.UTC).UnixNano())
	st := openTest(t, Options{Now: func() time.Time { return time.Unix(0, clock.Load()).UTC() }})
	ss, rc := st.Snapshots(), st.Raw()

	// A damaged raw report set aside, as scrape does.
	const date = "2025-10-01"
	key := rawPrefix + date + "/district-61/" + ReportClub.FileName()
	must(t, rc.Put(ctx, date, "61", ReportClub, []byte("Club Number\n1\n"), PutInfo{}))
	must(t, st.Objects().Write(ctx, key, []byte("damaged\n")))
	_, damage := rc.Get(ctx, date, "61", ReportClub)
	_, setAside, err := rc.SetAside(ctx, date, "61", ReportClub, damage)
	must(t, err)
	setAsideAt := time.Unix(0, clock.Load()).UTC()

	// A damaged snapshot, a damaged legacy snapshot and two leftovers of
	// interrupted writes, which Recover moves aside an hour later.
	publish(t, ss, "2025-10-01", snapshot.StatusSuccess)
	publish(t, ss, "2025-10-02", snapshot.StatusSuccess)
	must(t, st.Objects().Delete(ctx, snapshotsPrefix+"2025-10-02/district_2.json"))
	must(t, st.Objects().Write(ctx, snapshotsPrefix+"legacy_1.json", []byte("not json")))
	for _, k := range []string{genPrefix + "2025-10-03-1a/district_1.json", delPrefix + "2025-09-01-7/" + manifestFile} {
		must(t, st.Objects().Write(ctx, snapshotsPrefix+k, []byte("{}")))
	}
	// What the store did not put in quarantine/ (an operator's note, a
	// folder named otherwise) is left alone.
	foreign := []string{quarantinePrefix + "notes.txt", quarantinePrefix + "2025-09-30-20251002T000000/" + manifestFile, quarantinePrefix + "leftovers-old/x/" + manifestFile}
	for _, k := range foreign {
		must(t, st.Objects().Write(ctx, k, []byte("{}")))
	}
	recoveredAt := time.Date(2025, 10, 4, 2, 2, 3, 5_000_000, time.UTC)
	clock.Store(recoveredAt.Add(678).UnixNano()) // the stamp keeps milliseconds
	rr, err := ss.Recover(ctx)
	must(t, err)
	movedTo := map[string]string{}
	for _, a := range rr.Actions {
		if a.Action == "quarantine" || a.Action == "quarantine-leftover" {
			movedTo[a.From] = a.To
		}
	}
	if len(movedTo) != 4 || !rr.Recovered {
		t.Fatalf("Recover: %+v", rr)
	}
	leftovers := strings.TrimSuffix(movedTo[snapshotsPrefix+genPrefix+"2025-10-03-1a/"], "gen-2025-10-03-1a/")

	list, err := rc.QuarantineList(ctx)
	must(t, err)
	want := []QuarantineEntry{
		{ID: "raw-2025-10-04T01-02-03.000000004Z", Kind: QuarantineRawReports, At: setAsideAt,
			Path: quarantinePrefix + "raw-2025-10-04T01-02-03.000000004Z/", Files: []string{key}},
		{ID: "2025-10-02-2025-10-04T02-02-03-005Z", Kind: QuarantineSnapshot, At: recoveredAt, SnapshotID: "2025-10-02",
			Path: movedTo[snapshotsPrefix+"2025-10-02/"]},
		{ID: "leftovers-2025-10-04T02-02-03-005Z", Kind: QuarantineLeftovers, At: recoveredAt,
			Path: leftovers, Folders: []string{"del-2025-09-01-7", "gen-2025-10-03-1a"}},
		{ID: "legacy_1-2025-10-04T02-02-03-005Z.json", Kind: QuarantineSnapshot, At: recoveredAt, SnapshotID: "legacy_1",
			Path: movedTo[snapshotsPrefix+"legacy_1.json"]},
	}
	eq := func(a, b QuarantineEntry) bool {
		return a.ID == b.ID && a.Kind == b.Kind && a.At.Equal(b.At) && a.Path == b.Path && a.SnapshotID == b.SnapshotID &&
			slices.Equal(a.Files, b.Files) && slices.Equal(a.Folders, b.Folders)
	}
	if !slices.EqualFunc(list, want, eq) {
		t.Fatalf("QuarantineList =\n%+v\nwant\n%+v", list, want)
	}
	if setAside != want[0].Path+key || leftovers != quarantinePrefix+want[2].ID+"/" {
		t.Fatalf("SetAside copied to %s, Recover moved leftovers to %s", setAside, leftovers)
	}
	if sa, err := rc.SetAsideList(ctx); err != nil || len(sa) != 1 || sa[0].ID != want[0].ID || !slices.Equal(sa[0].Files, []string{key}) {
		t.Fatalf("SetAsideList = %+v %v: only the raw reports", sa, err)
	}

	before := objectsDigest(t, st)
	for _, e := range want {
		if _, err := rc.Restore(ctx, e.ID); err == nil || !strings.Contains(err.Error(), "not restored") || !strings.Contains(err.Error(), e.Path) {
			t.Errorf("Restore(%s) = %v, want a refusal naming %s", e.ID, err, e.Path)
		}
	}
	for _, bad := range []string{"notes.txt", "2025-09-30-20251002T000000", "leftovers-old", "2025-10-02-2025-10-04T02-02-03-006Z", "../snapshots/2025-10-01"} {
		if err := rc.Purge(ctx, bad); !errors.Is(err, ErrTrashNotFound) {
			t.Errorf("Purge(%q) = %v, want ErrTrashNotFound", bad, err)
		}
	}
	if got := objectsDigest(t, st); !maps.Equal(got, before) {
		t.Fatal("a refused Restore or Purge changed the store")
	}

	for i, e := range want {
		must(t, rc.Purge(ctx, e.ID))
		after := objectsDigest(t, st)
		for k := range before {
			if _, ok := after[k]; !ok && !strings.HasPrefix(k, e.Path) {
				t.Errorf("Purge(%s) removed %s", e.ID, k)
			}
			if _, ok := after[k]; ok && strings.HasPrefix(k, e.Path) {
				t.Errorf("Purge(%s) kept %s", e.ID, k)
			}
		}
		before = after
		if list, err := rc.QuarantineList(ctx); err != nil || !slices.EqualFunc(list, want[i+1:], eq) {
			t.Fatalf("QuarantineList after purging %s = %+v %v", e.ID, list, err)
		}
		if err := rc.Purge(ctx, e.ID); !errors.Is(err, ErrTrashNotFound) {
			t.Fatalf("Purge of purged %s = %v, want ErrTrashNotFound", e.ID, err)
		}
	}
	for _, k := range foreign {
		if _, ok := before[k]; !ok {
			t.Errorf("%s, not the store's, is gone", k)
		}
	}
	if v, err := ss.Current(ctx); err != nil || v.ID != "2025-10-01" {
		t.Fatalf("Current after the purges: %v %v", v, err)
	}
}

// The names Recover gives read back as the times they were given at,
// and nothing else reads as one.
func TestRecoverStampRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 31, 23, 59, 58, 999_000_000, time.UTC)
	s := recoverStamp(at)
	if got, ok := parseRecoverStamp(s); s != "2026-12-31T23-59-58-999Z" || !ok || !got.Equal(at) {
		t.Fatalf("recoverStamp = %q, parsed %v %v", s, got, ok)
	}
	for _, bad := range []string{"", "2026-12-31T23-59-58-999", "2026-12-31T23:59:58.999Z", "2026-12-31T23-59-58-999+01", "2026-02-30T23-59-58-999Z", "20261231T235958Z"} {
		if _, ok := parseRecoverStamp(bad); ok {
			t.Errorf("parseRecoverStamp(%q) accepted", bad)
		}
	}
	for _, id := range []string{"raw-2025-10-04T01-02-03Z", "2025-10-02-" + s + ".json/x", "bad id-" + s + ".json", "2025-13-01-" + s, "leftovers" + s, s} {
		if e, ok := parseQuarantineID(id); ok {
			t.Errorf("parseQuarantineID(%q) = %+v", id, e)
		}
	}
}
