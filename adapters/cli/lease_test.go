package main

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/scrape"
	"github.com/toaststats/toaststats/store"
	"github.com/toaststats/toaststats/store/blobstore/blobtest"
)

// A scrape, a backfill or a change of the tracked districts on object
// storage whose lock lease is lost while it writes (another host took it
// over) fails with exit 1, not as a usage error, with a message that says
// the lease was lost and that running the command again is safe; and
// running it again does finish the job.
func TestWritesStoppedByALostLeaseExitOne(t *testing.T) {
	srv := blobtest.New(t)
	w, dash := scrapeTestWorld(t, 2)
	date := w.Newest()
	ctx := context.Background()
	check := func(t *testing.T, code int, stderr string, what string) {
		t.Helper()
		if code != exitFailed {
			t.Errorf("exit %d, want %d\n%s", code, exitFailed, stderr)
		}
		for _, want := range []string{what + " stopped", "lock lease was lost", "Running the command again is safe", store.ErrLeaseLost.Error()} {
			if !strings.Contains(stderr, want) {
				t.Errorf("message lacks %q:\n%s", want, stderr)
			}
		}
	}

	t.Run("scrape", func(t *testing.T) {
		// The second raw-cache write: a district's first report.
		th := srv.NewLeaseThief(t, "raw-", 2)
		args := []string{"scrape", "--mode", "http", "--rate", "0", "--date", date, "--json", "--store", th.URL, "--base-url", dash.URL}
		stdout, stderr, code := scrapeCLI(t, nil, args...)
		check(t, code, stderr, "writing into the raw cache")
		s := decodeScrapeSummary(t, stdout)
		if len(th.Stolen()) != 1 || s.Status != scrape.StatusPartial || len(s.Errors) != 1 || !strings.Contains(s.Errors[0].Error, store.ErrLeaseLost.Error()) {
			t.Fatalf("stole %v; summary %+v", th.Stolen(), s)
		}
		// Again: the report that was not written is collected now.
		stdout, stderr, code = scrapeCLI(t, nil, args...)
		if s := decodeScrapeSummary(t, stdout); code != 0 || s.Cache.FilesCreated != 1 {
			t.Fatalf("scrape again: exit %d, summary %+v\n%s", code, s, stderr)
		}

		// build --gzip-after-days compresses the raw cache after building,
		// under the same leases.
		th.Arm("raw-", 1)
		build := []string{"build", "--store", th.URL, "--date", date, "--gzip-after-days", "1", "--json"}
		stdout, stderr, code = scrapeCLI(t, map[string]string{"TOASTSTATS_NOW": snapshotTestNow}, build...)
		check(t, code, stderr, "compressing the raw cache")
		if len(th.Stolen()) != 2 {
			t.Fatalf("stole %v, want a raw-cache lease taken by the build", th.Stolen())
		}
		stdout, stderr, code = scrapeCLI(t, map[string]string{"TOASTSTATS_NOW": snapshotTestNow}, build...)
		if code != 0 || !strings.Contains(stdout, `"rawCompressed"`) {
			t.Fatalf("build again: exit %d\n%s%s", code, stdout, stderr)
		}
	})
	t.Run("backfill", func(t *testing.T) {
		th := srv.NewLeaseThief(t, "raw-", 2)
		args := []string{"backfill", "--mode", "http", "--rate", "0", "--from", date, "--to", date, "--store", th.URL, "--base-url", dash.URL}
		_, stderr, code := scrapeCLI(t, nil, args...)
		check(t, code, stderr, "writing into the raw cache")
		if _, stderr, code := scrapeCLI(t, nil, args...); code != 0 {
			t.Fatalf("backfill again: exit %d\n%s", code, stderr)
		}
	})
	t.Run("init --districts", func(t *testing.T) {
		th := srv.NewLeaseThief(t, "config", 1)
		_, stderr, code := scrapeCLI(t, nil, "init", "--store", th.URL, "--districts", "61")
		check(t, code, stderr, "remembering --districts in config/districts.json")
		objs, err := store.OpenBackend(ctx, th.URL)
		if err != nil {
			t.Fatal(err)
		}
		if b, err := objs.Read(ctx, "config/districts.json"); !errors.Is(err, fs.ErrNotExist) || len(th.Stolen()) != 1 {
			t.Fatalf("config/districts.json after the lost lease: %q %v (stole %v), want none", b, err, th.Stolen())
		}
		if stdout, stderr, code := scrapeCLI(t, nil, "init", "--store", th.URL, "--districts", "61"); code != 0 || !strings.Contains(stdout, "tracking 61 districts") {
			t.Fatalf("init again: exit %d\n%s%s", code, stdout, stderr)
		}
	})
}
