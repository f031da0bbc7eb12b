package toaststats_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/store"
)

// A publish that stops after its snapshot is in place and before it moves
// current.json (a crash, a failed write, a lost lease) leaves the pointer
// on the snapshot before: the newer one is up to date, so no date is
// pending and no build would ever move the pointer, and readers are
// served the older snapshot. The scheduled check (Jobs.NeedsBuild, which
// asks Pending), Pending, BuildAll and Build each move it forward, without
// rebuilding anything.
func TestBuilderMendsAPointerLeftBehind(t *testing.T) {
	ctx := context.Background()
	_, dir := openFixture(t, fixture{dates: []string{"2025-11-14", "2025-12-03"}, config: []string{"42", "61"}})
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := toaststats.OpenStore(dir, store.Options{Now: clock, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b := toaststats.NewBuilder(st, toaststats.BuilderOptions{Now: clock, Logger: log})
	if _, err := b.Build(ctx, "2025-11-14"); err != nil {
		t.Fatal(err)
	}
	behind, err := os.ReadFile(filepath.Join(dir, "current.json"))
	if err != nil {
		t.Fatal(err)
	}
	// 2025-12-03 is the close of November: snapshot 2025-11-30.
	if res, err := b.Build(ctx, "2025-12-03"); err != nil || res.SnapshotID != "2025-11-30" || res.Skipped {
		t.Fatalf("build 2025-12-03: %+v %v", res, err)
	}
	manifest := filepath.Join(dir, "snapshots", "2025-11-30", "manifest.json")
	built, err := os.Stat(manifest)
	if err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name string
		run  func(t *testing.T)
	}{
		{"scheduled check", func(t *testing.T) {
			jobs := toaststats.NewJobs(b.Func(), toaststats.JobsOptions{Store: st, Pending: b.Pending})
			defer jobs.Close()
			if need, err := jobs.NeedsBuild(ctx); err != nil || need {
				t.Fatalf("needs build = %v %v, want false", need, err)
			}
		}},
		{"Pending", func(t *testing.T) {
			if p, err := b.Pending(ctx); err != nil || len(p) != 0 {
				t.Fatalf("pending = %v %v, want none", p, err)
			}
		}},
		{"BuildAll", func(t *testing.T) {
			if res, err := b.BuildAll(ctx); err != nil || len(res) != 0 {
				t.Fatalf("build all = %+v %v, want nothing built", res, err)
			}
		}},
		{"Build", func(t *testing.T) {
			if res, err := b.Build(ctx, "2025-12-03"); err != nil || !res.UpToDate {
				t.Fatalf("build = %+v %v, want up to date", res, err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			// The crash state: current.json as the 2025-11-14 publish wrote it.
			if err := os.WriteFile(filepath.Join(dir, "current.json"), behind, 0o644); err != nil {
				t.Fatal(err)
			}
			if v, err := st.Snapshots().Refresh(ctx); err != nil || v.ID != "2025-11-14" {
				t.Fatalf("current before = %v %v, want the older 2025-11-14", v, err)
			}
			logs.Reset()
			c.run(t)
			p, err := st.Snapshots().Pointer(ctx)
			if err != nil || p.SnapshotID != "2025-11-30" {
				t.Fatalf("current.json = %+v %v, want it moved forward to 2025-11-30", p, err)
			}
			if v, err := st.Snapshots().Current(ctx); err != nil || v.ID != "2025-11-30" {
				t.Fatalf("current = %v %v, want 2025-11-30", v, err)
			}
			l := logs.String()
			if !strings.Contains(l, "moved it forward") || !strings.Contains(l, "from=2025-11-14") || !strings.Contains(l, "to=2025-11-30") {
				t.Fatalf("log = %q, want the move of current.json with both snapshots", l)
			}
			if fi, err := os.Stat(manifest); err != nil || !os.SameFile(fi, built) || !fi.ModTime().Equal(built.ModTime()) {
				t.Fatalf("snapshot 2025-11-30 was rewritten (%v): moving the pointer must not rebuild it", err)
			}
			if rep, err := st.Snapshots().Check(ctx); err != nil || !rep.Healthy {
				t.Fatalf("check after the mend: %+v %v", rep, err)
			}
		})
	}
}
