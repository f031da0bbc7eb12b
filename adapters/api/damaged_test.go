package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/store"
)

// One damaged district file never yields a bare 500 nor takes the district
// down: its statistics answer 503 SNAPSHOT_DAMAGED naming the snapshot, its
// history leaves the damaged date out, /health says degraded with the
// reason, and a repaired file is served again without a restart.
func TestDamagedDistrictFile(t *testing.T) {
	// Compare cached files with the disk on every read (the default is
	// once a second), so the test needs no waiting.
	dir := t.TempDir()
	st, err := store.Create(dir, store.Options{Now: clock, FileCheckInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range fixtureDates {
		if err := st.Snapshots().Publish(context.Background(), makeSnapshot(d, i)); err != nil {
			t.Fatal(err)
		}
	}
	srv := NewServer(Config{}, Deps{Store: st, Now: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	t.Cleanup(srv.Close)
	ts := &testServer{Server: newLoopbackServer(t, srv), srv: srv, store: st, dir: dir}
	cur := fixtureDates[len(fixtureDates)-1]
	id := fixtureDistricts[0]
	path := "/api/districts/" + id + "/statistics"
	if resp, body := ts.do(t, "GET", path, nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("before damage: %d %s", resp.StatusCode, body)
	}
	f := filepath.Join(ts.dir, "snapshots", cur, store.DistrictFileName(id))
	good, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f, []byte(`{"damaged": true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	// The same route: the response cache must notice the change too.
	resp, body := ts.do(t, "GET", path, nil, nil)
	var e errorBody
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("not an error envelope: %s", body)
	}
	if resp.StatusCode != http.StatusServiceUnavailable || e.Error.Code != "SNAPSHOT_DAMAGED" || !strings.Contains(e.Error.Message, cur) ||
		!strings.Contains(e.Error.Message, "verify --repair") {
		t.Fatalf("damaged file: %d %s", resp.StatusCode, body)
	}
	// The district's history still answers, without the damaged date.
	resp, body = ts.do(t, "GET", "/api/districts/"+id+"/membership-history", nil, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("membership-history with a damaged date: %d %s", resp.StatusCode, body)
	}
	// Another district is untouched.
	if resp, body := ts.do(t, "GET", "/api/districts/"+fixtureDistricts[1]+"/statistics?date="+cur, nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("other district: %d %s", resp.StatusCode, body)
	}
	var h struct {
		Status  string   `json:"status"`
		Ready   bool     `json:"ready"`
		Reasons []string `json:"degraded_reasons"`
	}
	_, body = ts.do(t, "GET", "/health", nil, nil)
	if err := json.Unmarshal(body, &h); err != nil {
		t.Fatal(err)
	}
	if h.Status != "degraded" || !h.Ready || len(h.Reasons) == 0 || !strings.Contains(strings.Join(h.Reasons, " "), store.DistrictFileName(id)) {
		t.Fatalf("health with a damaged file: %s", body)
	}
	// Repaired on disk: served again, health ok, no restart.
	if err := os.WriteFile(f, good, 0o644); err != nil {
		t.Fatal(err)
	}
	if resp, body := ts.do(t, "GET", path, nil, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("after repair: %d %s", resp.StatusCode, body)
	}
	_, body = ts.do(t, "GET", "/health", nil, nil)
	h.Reasons = nil
	if err := json.Unmarshal(body, &h); err != nil || h.Status != "ok" || len(h.Reasons) != 0 {
		t.Fatalf("health after repair: %s", body)
	}
}
