package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/toaststats/toaststats/snapshot"
)

// copyFixture copies testdata/<name> into a temporary directory.
func copyFixture(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", name))); err != nil {
		t.Fatal(err)
	}
	return dir
}

// treeDigest maps every path under dir to the sha256 of its content (or
// "dir"/"link"), to prove reads change nothing.
func treeDigest(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.IsDir():
			out[rel] = "dir"
		case d.Type()&fs.ModeSymlink != 0:
			out[rel] = "link"
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h := sha256.Sum256(b)
			out[rel] = hex.EncodeToString(h[:])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadPredecessorDataDir(t *testing.T) {
	ctx := context.Background()
	dir := copyFixture(t, "predecessor")
	before := treeDigest(t, dir)
	st, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ss := st.Snapshots()

	cur, err := ss.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cur.ID != "2025-12-31" || cur.Metadata.Status != snapshot.StatusSuccess || cur.Metadata.SchemaVersion != "1.0.0" ||
		cur.Metadata.IsClosingPeriodData == nil || !*cur.Metadata.IsClosingPeriodData || cur.Metadata.LogicalDate != "2025-12-31" ||
		cur.Metadata.CollectionDate != "2026-01-05" || cur.Metadata.ProcessingDuration != 41 {
		t.Fatalf("current = %s %+v", cur.ID, cur.Metadata)
	}
	if got := cur.DistrictIDs(); !slices.Equal(got, []string{"42", "F"}) {
		t.Fatalf("DistrictIDs = %v", got)
	}
	d42, err := cur.District(ctx, "42")
	if err != nil {
		t.Fatal(err)
	}
	if d42.DistrictName != "District 42" || d42.Status != snapshot.StatusSuccess || d42.Data.Membership.Total != 32 ||
		len(d42.Data.Membership.ByClub) != 2 || d42.Data.Membership.ByClub[1].ClubName != "Beta Orators" ||
		d42.Data.Membership.ByClub[0].MemberCount != 23 || d42.Data.Clubs.Low != 1 ||
		len(d42.Data.ClubPerformance) != 3 || d42.Data.ClubPerformance[2]["District"] != "Month of Dec" ||
		len(d42.Data.DistrictPerformance) != 3 || d42.Data.DivisionPerformance[0]["Nov Visit award"] != "1" {
		t.Fatalf("district 42 = %+v", d42.Data)
	}
	if dF, err := cur.District(ctx, "f"); err != nil || dF.DistrictID != "F" {
		t.Fatalf("district f: %v %v", dF, err)
	}
	rf, err := cur.Rankings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rf.Rankings) != 3 || rf.Rankings[0].DistrictID != "F" || rf.Rankings[1].AggregateScore != 4 ||
		rf.Metadata.RankingVersion != "2.0" || !rf.Metadata.FromCache || rf.Metadata.TotalDistricts != 3 {
		t.Fatalf("rankings = %+v", rf)
	}

	partial, err := ss.Get(ctx, "2026-01-04")
	if err != nil {
		t.Fatal(err)
	}
	if partial.Metadata.Status != snapshot.StatusPartial || partial.Manifest.FailedDistricts != 1 {
		t.Fatalf("partial = %+v", partial.Metadata)
	}
	if _, err := partial.District(ctx, "101"); !errors.Is(err, ErrDistrictNotFound) {
		t.Fatalf("failed district: err = %v, want ErrDistrictNotFound", err)
	}

	legacy, err := ss.Get(ctx, "snapshot_1767430993000")
	if err != nil {
		t.Fatal(err)
	}
	if !legacy.Legacy() || legacy.Metadata.Status != snapshot.StatusSuccess || legacy.Metadata.DataAsOfDate != "2026-01-03" ||
		legacy.Metadata.ProcessingDuration != 812 {
		t.Fatalf("legacy = %+v", legacy.Metadata)
	}
	ld, err := legacy.District(ctx, "42")
	if err != nil || len(ld.Data.Membership.ByClub) != 2 || ld.Data.Membership.Total != 32 {
		t.Fatalf("legacy district: %+v %v", ld, err)
	}
	if _, err := legacy.Rankings(ctx); !errors.Is(err, ErrNoRankings) {
		t.Fatalf("legacy rankings err = %v", err)
	}
	if err := ss.Delete(ctx, "snapshot_1767430993000"); !errors.Is(err, ErrLegacyReadOnly) {
		t.Fatalf("delete legacy err = %v", err)
	}

	list, err := ss.List(ctx, ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range list {
		ids = append(ids, e.SnapshotID)
	}
	if !slices.Equal(ids, []string{"2026-01-04", "snapshot_1767430993000", "2025-12-31"}) || !list[1].Legacy ||
		list[2].DistrictCount != 2 || list[0].ErrorCount != 1 || list[2].SizeBytes < 6000 {
		t.Fatalf("list = %+v", list)
	}

	rep, err := ss.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Healthy || len(rep.Corrupted) != 0 || rep.NewestSuccess != "2025-12-31" || !rep.Pointer.Valid || len(rep.Snapshots) != 3 {
		t.Fatalf("check = %+v", rep)
	}

	rc := st.Raw()
	dates, err := rc.Dates(ctx)
	if err != nil || !slices.Equal(dates, []string{"2026-01-04", "2026-01-05"}) {
		t.Fatalf("dates = %v %v", dates, err)
	}
	sum, err := rc.Get(ctx, "2026-01-05", "", ReportSummary)
	if err != nil || len(sum) < 100 {
		t.Fatalf("summary: %v", err)
	}
	if _, err := rc.Get(ctx, "2026-01-05", "42", ReportDivision); err != nil {
		t.Fatal(err)
	}
	if b, err := rc.Get(ctx, "2026-01-04", "", ReportSummary); err != nil || len(b) == 0 {
		t.Fatalf("unverifiable (no metadata) file: %v", err)
	}
	md, err := rc.Metadata(ctx, "2026-01-05")
	if err != nil {
		t.Fatal(err)
	}
	if md.DownloadStats == nil || md.IsClosingPeriod == nil || !*md.IsClosingPeriod || md.DataMonth != "2025-12" ||
		md.Integrity.FileCount != 5 || !md.CSVFiles.Districts["F"].ClubPerformance || md.CSVFiles.Districts["F"].DistrictPerformance {
		t.Fatalf("raw metadata = %+v", md)
	}
	av, err := rc.Availability(ctx, "2026-01-05")
	if err != nil || !av.HasSummary || len(av.Districts["42"]) != 3 || !slices.Equal(av.Districts["F"], []Report{ReportClub}) {
		t.Fatalf("availability = %+v %v", av, err)
	}

	ids, exists, err := st.Config().Load(ctx)
	if err != nil || !exists || !slices.Equal(ids, []string{"42", "101", "F"}) {
		t.Fatalf("config = %v %v %v", ids, exists, err)
	}
	hist, err := st.Config().History(ctx, 0)
	if err != nil || len(hist) != 2 || hist[0].DistrictID == nil || *hist[0].DistrictID != "101" {
		t.Fatalf("history = %+v %v", hist, err)
	}

	if after := treeDigest(t, dir); !mapsEqual(before, after) {
		t.Fatalf("reading changed the data directory:\nbefore %v\nafter  %v", before, after)
	}

	// Writing into a predecessor directory: a newer success becomes current,
	// the predecessor's metadata keeps its downloadStats and checksums.
	if err := rc.Put(ctx, "2026-01-05", "61", ReportClub, []byte("a,b\n1,2\n"), PutInfo{Source: "scraper"}); err != nil {
		t.Fatal(err)
	}
	md2, _ := rc.Metadata(ctx, "2026-01-05")
	if md2.DownloadStats == nil || md2.Integrity.FileCount != 6 || md2.Integrity.Checksums["all-districts.csv"] != md.Integrity.Checksums["all-districts.csv"] {
		t.Fatalf("metadata after put = %+v", md2)
	}
	if err := ss.Publish(ctx, makeSnapshot("2026-01-05", snapshot.StatusSuccess, 2, 3)); err != nil {
		t.Fatal(err)
	}
	if v, err := ss.Current(ctx); err != nil || v.ID != "2026-01-05" {
		t.Fatalf("current after publish = %v %v", v, err)
	}
}

func TestLegacyPointer(t *testing.T) {
	ctx := context.Background()
	dir := copyFixture(t, "predecessor")
	// The predecessor's refresh path left current.json naming a legacy file.
	if err := os.WriteFile(filepath.Join(dir, "current.json"), []byte(`{"snapshot_id":"snapshot_1767430993000","updated_at":"2026-01-03T09:03:13.100Z","schema_version":"1.0.0","calculation_version":"1.0.0"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := st.Snapshots().Current(ctx)
	if err != nil || v.ID != "snapshot_1767430993000" || !v.Legacy() {
		t.Fatalf("current = %v %v", v, err)
	}
	// The predecessor writes dated snapshots beside a legacy current one
	// (its backfill) and leaves the pointer: a legacy pointer is not
	// "behind" a dated success, for Check as for AdvancePointer.
	rep, err := st.Snapshots().Check(ctx)
	if err != nil || !rep.Pointer.Valid || rep.NewestSuccess != "2025-12-31" {
		t.Fatalf("check with a legacy pointer: %+v %v", rep, err)
	}
	if adv, err := st.Snapshots().AdvancePointer(ctx); err != nil || adv.Moved() {
		t.Fatalf("advance with a legacy pointer = %+v %v, want nothing", adv, err)
	}
	// A dated snapshot supersedes a legacy current one.
	if err := st.Snapshots().Publish(ctx, makeSnapshot("2025-11-30", snapshot.StatusSuccess, 1, 2)); err != nil {
		t.Fatal(err)
	}
	p, err := st.Snapshots().Pointer(ctx)
	if err != nil || p.SnapshotID != "2025-11-30" {
		t.Fatalf("pointer = %+v %v", p, err)
	}
}

func TestRecoverQuarantinesOnlyBrokenLegacyFiles(t *testing.T) {
	ctx := context.Background()
	dir := copyFixture(t, "predecessor")
	snaps := filepath.Join(dir, "snapshots")
	must(t, os.WriteFile(filepath.Join(snaps, "snapshot_1.json"), []byte(`{"snapshot_id": "snapshot_1", "status": 7}`), 0o644))
	must(t, os.WriteFile(filepath.Join(snaps, "snapshot_2.json"), []byte(`{"snapshot_id": "snapsh`), 0o644))
	st, err := Open(dir, Options{})
	must(t, err)
	rep, err := st.Snapshots().Check(ctx)
	must(t, err)
	if rep.Healthy || !slices.Equal(rep.Corrupted, []string{"snapshot_2"}) {
		t.Fatalf("check = %+v", rep)
	}
	rr, err := st.Snapshots().Recover(ctx)
	must(t, err)
	if !rr.Recovered || len(rr.Actions) != 1 || rr.Actions[0].SnapshotID != "snapshot_2" || rr.Actions[0].Action != "quarantine" {
		t.Fatalf("recover = %+v", rr.Actions)
	}
	if _, err := os.Stat(filepath.Join(snaps, "snapshot_1.json")); err != nil {
		t.Fatal("odd but valid legacy JSON was moved")
	}
	if p, _ := st.Snapshots().Pointer(ctx); p.SnapshotID != "2025-12-31" {
		t.Fatalf("pointer changed: %+v", p)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
