package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the demo's concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: decode: %v", url, err)
	}
	return resp.StatusCode
}

// TestDemoEndToEnd runs the demo command as a user would: it scrapes the
// imitation dashboard over a span with a month-end close, builds the
// snapshots, starts the real API server binary and answers queries until
// the context is cancelled (Ctrl-C).
func TestDemoEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the API server binary")
	}
	dataDir := filepath.Join(t.TempDir(), "data")
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--data-dir", dataDir, "--addr", addr,
			"--districts", "3", "--clubs", "8", "--from", "2026-03-29", "--to", "2026-04-13"},
			func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
	}()

	base := "http://" + addr
	deadline := time.Now().Add(4 * time.Minute)
	for !strings.Contains(stdout.String(), "Press Ctrl-C to stop") {
		select {
		case err := <-done:
			t.Fatalf("demo ended before serving: %v\nstderr:\n%s", err, stderr.String())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo not serving after 4 minutes\nstderr:\n%s", stderr.String())
		}
	}
	// The first thing the demo shows is the home page of the leader pages.
	out := stdout.String()
	if first := strings.Index(out, "http://"); first < 0 || !strings.HasPrefix(out[first:], base+"/ ") {
		t.Errorf("demo output does not open with the home page URL %s/:\n%s", base, out)
	}
	if code, body := getPage(t, base+"/"); code != 200 || !strings.Contains(body, "District rankings") {
		t.Errorf("home page: %d", code)
	}
	if !strings.Contains(stdout.String(), base+"/api/districts/rankings") {
		t.Errorf("demo output does not show a rankings curl command for %s:\n%s", base, stdout.String())
	}

	var rankings struct {
		Rankings []struct {
			DistrictID     string `json:"districtId"`
			AggregateScore int    `json:"aggregateScore"`
		} `json:"rankings"`
		Date string `json:"date"`
		Meta struct {
			SnapshotID string `json:"snapshot_id"`
		} `json:"_snapshot_metadata"`
	}
	if code := getJSON(t, base+"/api/districts/rankings", &rankings); code != 200 {
		t.Fatalf("rankings: status %d", code)
	}
	if len(rankings.Rankings) != 3 {
		t.Fatalf("rankings: %d districts, want 3", len(rankings.Rankings))
	}
	if rankings.Meta.SnapshotID != "2026-04-13" {
		t.Errorf("current snapshot = %q, want the newest date 2026-04-13", rankings.Meta.SnapshotID)
	}
	for _, r := range rankings.Rankings {
		if r.AggregateScore < 3 || r.AggregateScore > 9 {
			t.Errorf("district %s: aggregate %d outside 3..3N", r.DistrictID, r.AggregateScore)
		}
	}

	// The early-April collections are March's closing period: they must
	// have become the 2026-03-31 snapshot, never snapshots of their own date.
	var month struct {
		Data struct {
			DataMonth string `json:"dataMonth"`
			AsOfDate  string `json:"asOfDate"`
		} `json:"data"`
		Meta struct {
			SnapshotID          string `json:"snapshot_id"`
			IsClosingPeriodData *bool  `json:"is_closing_period_data"`
		} `json:"_snapshot_metadata"`
	}
	id := rankings.Rankings[0].DistrictID
	if code := getJSON(t, fmt.Sprintf("%s/api/districts/%s/statistics?date=2026-03-31", base, id), &month); code != 200 {
		t.Fatalf("statistics for 2026-03-31: status %d", code)
	}
	if month.Data.DataMonth != "2026-03" || month.Data.AsOfDate <= "2026-03-31" {
		t.Errorf("2026-03-31 snapshot holds data month %q as of %q; want March data collected in April", month.Data.DataMonth, month.Data.AsOfDate)
	}
	if month.Meta.IsClosingPeriodData == nil || !*month.Meta.IsClosingPeriodData {
		t.Errorf("2026-03-31 snapshot not marked as closing-period data: %+v", month.Meta)
	}
	entries, err := os.ReadDir(filepath.Join(dataDir, "snapshots"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if n := e.Name(); n > "2026-03-31" && n < "2026-04-05" {
			t.Errorf("closing-period collection published as its own date %s", n)
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("demo did not stop cleanly: %v\nstderr:\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not stop within 30s of Ctrl-C")
	}
	if _, err := http.Get(base + "/health"); err == nil {
		t.Error("API server still answering after the demo stopped")
	}
}

// getPage fetches an HTML page.
func getPage(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
