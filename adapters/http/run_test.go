package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/scrape/dashboardtest"
	"github.com/toaststats/toaststats/store"
)

// builtDataDir fills dir with one collection date of a generated world (two
// districts) and builds its snapshot, as scrape and build would.
func builtDataDir(t *testing.T, dir string) {
	t.Helper()
	ctx := t.Context()
	st, err := store.Create(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := dashboardtest.NewWorld(dashboardtest.Config{Districts: 2, ClubsPerDistrict: 4, Seed: 1, From: "2025-10-01", To: "2025-10-02"})
	date := w.Newest()
	put := func(kind normalize.ReportKind, id string, r store.Report) {
		b, err := w.CSV(kind, id, date)
		if err == nil {
			err = st.Raw().Put(ctx, date, id, r, b, store.PutInfo{RequestedDate: date, Source: "dashboardtest"})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	put(normalize.ReportSummary, "", store.ReportSummary)
	for _, id := range w.Districts(date) {
		put(normalize.ReportClub, id, store.ReportClub)
		put(normalize.ReportDivision, id, store.ReportDivision)
		put(normalize.ReportDistrict, id, store.ReportDistrict)
	}
	if _, err := toaststats.NewBuilder(st, toaststats.BuilderOptions{}).BuildAll(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestRunUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"no data dir", []string{"srv"}, nil},
		{"bad interval", []string{"srv", "--data-dir", t.TempDir(), "--rebuild-interval", "soon"}, nil},
		{"bad rate", []string{"srv", "--data-dir", t.TempDir(), "--rate-limit", "-1"}, nil},
		{"bad burst from env", []string{"srv", "--data-dir", t.TempDir()}, map[string]string{"TOASTSTATS_RATE_BURST": "0"}},
		{"bad log format", []string{"srv", "--data-dir", t.TempDir(), "--log-format", "xml"}, nil},
		{"bad addr", []string{"srv", "--data-dir", t.TempDir(), "--addr", "nowhere"}, nil},
		{"unknown flag", []string{"srv", "--data-dir", t.TempDir(), "--nope"}, nil},
		{"stray argument", []string{"srv", "--data-dir", t.TempDir(), "extra"}, nil},
	} {
		getenv := func(k string) string { return tc.env[k] }
		err := run(t.Context(), tc.args, getenv, io.Discard, io.Discard)
		var ue *usageError
		if !errors.As(err, &ue) {
			t.Errorf("%s: err %v, want a usage error", tc.name, err)
		}
	}
}

// TestRunServesAndShutsDown runs the whole program in-process: it listens,
// serves /health, and returns nil after a graceful shutdown.
func TestRunServesAndShutsDown(t *testing.T) {
	dir := t.TempDir()
	builtDataDir(t, dir)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// run prints "listening on http://ADDR" once the listener is up; the
	// pipe is closed when run returns, so a failed start ends the read.
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	env := map[string]string{"TOASTSTATS_DATA_DIR": dir, "TOASTSTATS_ADDR": "127.0.0.1:0"}
	go func() {
		err := run(ctx, []string{"srv", "--rebuild-interval", "0", "--log-format", "json"}, func(k string) string { return env[k] }, pw, io.Discard)
		pw.Close()
		done <- err
	}()
	line, _ := bufio.NewReader(pr).ReadString('\n')
	go io.Copy(io.Discard, pr)
	_, base, _ := strings.Cut(strings.TrimSpace(line), "listening on ")
	if base == "" {
		t.Fatalf("server never said where it listens (stdout %q)", line)
	}
	resp, err := http.Get(base + "/api/districts/rankings")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("rankings: %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run after shutdown: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	if _, err := http.Get(base + "/health"); err == nil {
		t.Error("server still answering after shutdown")
	}
}
