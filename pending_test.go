package toaststats_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats/store"
)

// ageRaw sets the modification time of every raw date's metadata.json an
// hour back, as a cache written earlier has: Pending keeps nothing derived
// from a metadata.json written within the last seconds.
func ageRaw(t *testing.T, dir string) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "raw-csv", "*", "metadata.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no raw metadata: %v", err)
	}
	old := time.Now().Add(-time.Hour)
	for _, p := range paths {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
}

// pendingFile is history/pending.json as Pending keeps it.
type pendingFile struct {
	Dates map[string]struct {
		Stamp, Logical, Digest string
	} `json:"dates"`
	Snapshots map[string]struct {
		Stamp, InputChecksum string
	} `json:"snapshots"`
}

func readPendingFile(t *testing.T, dir string) (pendingFile, map[string]any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "history", "pending.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pf pendingFile
	var raw map[string]any
	if err := json.Unmarshal(b, &pf); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	return pf, raw
}

// Pending keeps what it derived per raw date and snapshot, and answers
// exactly as deriving everything again would: after a new raw file, a
// snapshot rebuilt by another builder, a month-end close and a deleted
// snapshot.
func TestPendingKeptState(t *testing.T) {
	ctx := context.Background()
	st, dir := openFixture(t, fixture{dates: []string{"2025-11-14", "2025-12-03"}, config: []string{"42", "61"}})
	b := newBuilder(st)
	ageRaw(t, dir)
	pending := func(want ...string) {
		t.Helper()
		p, err := b.Pending(ctx)
		if err != nil || !slices.Equal(p, want) {
			t.Fatalf("pending %v (%v), want %v", p, err, want)
		}
		// Whatever is kept, a state derived from nothing agrees.
		if err := os.Rename(filepath.Join(dir, "history", "pending.json"), filepath.Join(dir, "history", "pending.json.aside")); err != nil {
			t.Fatal(err)
		}
		fresh, err := newBuilder(st).Pending(ctx)
		if err != nil || !slices.Equal(fresh, want) {
			t.Fatalf("pending derived afresh %v (%v), want %v", fresh, err, want)
		}
		if err := os.Rename(filepath.Join(dir, "history", "pending.json.aside"), filepath.Join(dir, "history", "pending.json")); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := b.Build(ctx, "2025-11-14"); err != nil {
		t.Fatal(err)
	}
	// 2025-12-03 is the close of November (snapshot 2025-11-30), not built.
	pending("2025-12-03")
	pf, _ := readPendingFile(t, dir)
	if pf.Dates["2025-11-14"].Logical != "2025-11-14" || pf.Dates["2025-12-03"].Logical != "2025-11-30" ||
		!strings.HasPrefix(pf.Dates["2025-11-14"].Digest, "sha256:") || pf.Snapshots["2025-11-14"].Stamp == "" {
		t.Fatalf("kept state %+v", pf)
	}
	if _, ok := pf.Snapshots["2025-11-30"]; ok {
		t.Fatalf("a snapshot that does not exist is kept: %+v", pf.Snapshots)
	}

	// The kept state is what answers: a kept digest made different makes
	// the date pending (nothing else changed).
	_, raw := readPendingFile(t, dir)
	raw["dates"].(map[string]any)["2025-11-14"].(map[string]any)["digest"] = "sha256:other"
	tampered, _ := json.Marshal(raw)
	if err := os.WriteFile(filepath.Join(dir, "history", "pending.json"), tampered, 0o600); err != nil {
		t.Fatal(err)
	}
	if p, err := b.Pending(ctx); err != nil || !slices.Equal(p, []string{"2025-11-14", "2025-12-03"}) {
		t.Fatalf("pending with a kept digest changed: %v %v (the kept state is not used)", p, err)
	}
	// A damaged state is derived again.
	if err := os.WriteFile(filepath.Join(dir, "history", "pending.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	pending("2025-12-03")

	// A new raw file: the date's metadata.json is rewritten.
	club, err := st.Raw().Get(ctx, "2025-11-14", "42", store.ReportClub)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Raw().Put(ctx, "2025-11-14", "42", store.ReportClub, append(club, '\n'), store.PutInfo{Source: "test"}); err != nil {
		t.Fatal(err)
	}
	pending("2025-11-14", "2025-12-03")
	if _, err := b.BuildAll(ctx); err != nil {
		t.Fatal(err)
	}
	ageRaw(t, dir)
	pending()

	// A rebuilt date: another builder, under another configuration,
	// republishes 2025-11-14; under this configuration it is pending.
	if _, err := st.Config().Replace(ctx, []string{"42"}, "test"); err != nil {
		t.Fatal(err)
	}
	if res, err := newBuilder(st).Build(ctx, "2025-11-14"); err != nil || res.Skipped {
		t.Fatalf("rebuild: %+v %v", res, err)
	}
	if _, err := st.Config().Replace(ctx, []string{"42", "61"}, "test"); err != nil {
		t.Fatal(err)
	}
	pending("2025-11-14")
	if _, err := b.Build(ctx, "2025-11-14"); err != nil {
		t.Fatal(err)
	}
	pending()

	// A month-end close: a newer collection of November.
	fx, _ := openFixture(t, fixture{dates: []string{"2025-12-05"}})
	for _, r := range []string{"all-districts.csv", "district-42/club-performance.csv", "district-42/division-performance.csv",
		"district-42/district-performance.csv", "district-61/club-performance.csv", "district-61/division-performance.csv", "district-61/district-performance.csv"} {
		district, report := "", strings.TrimSuffix(r, ".csv")
		if i := strings.IndexByte(r, '/'); i >= 0 {
			district, report = strings.TrimPrefix(r[:i], "district-"), strings.TrimSuffix(r[i+1:], ".csv")
		}
		data, err := fx.Raw().Get(ctx, "2025-12-05", district, store.Report(report))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Raw().Put(ctx, "2025-12-05", district, store.Report(report), data, store.PutInfo{Source: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	pending("2025-12-05")
	if _, err := b.BuildAll(ctx); err != nil {
		t.Fatal(err)
	}
	ageRaw(t, dir)
	pending()

	// A deleted snapshot.
	if err := st.Snapshots().Delete(ctx, "2025-11-14"); err != nil {
		t.Fatal(err)
	}
	pending("2025-11-14")
}
