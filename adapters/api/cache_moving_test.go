package api

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/store"
)

// TestCacheMetadataOfADateBeingMoved: a raw-cache date whose move to the
// trash was cut short (object storage copies, then deletes) may be split
// between the cache and the trash; its metadata route says so with 409
// CACHE_DATE_MOVING and what finishes the move, not a 500.
func TestCacheMetadataOfADateBeingMoved(t *testing.T) {
	ts := newTestServer(t, true, Config{AdminToken: testToken}, Deps{})
	if err := ts.store.Raw().Put(context.Background(), "2025-08-31", "", store.ReportSummary, []byte("REGION,DISTRICT\n05,42\n"), store.PutInfo{DataMonth: "2025-08", ProgramYear: "2025-2026", Source: "test"}); err != nil {
		t.Fatal(err)
	}
	marker := `{"date":"2025-08-31","trashId":"2025-08-31.1764547200000000000","move":"trash","startedAt":"2025-12-01T00:00:00Z"}`
	if err := os.WriteFile(filepath.Join(ts.dir, "raw-csv", "2025-08-31.moving"), []byte(marker), 0o644); err != nil {
		t.Fatal(err)
	}
	resp, body := ts.do(t, "GET", "/api/districts/cache/metadata/2025-08-31", map[string]string{"Authorization": "Bearer " + testToken}, nil)
	var e errorBody
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	details, _ := e.Error.Details.(string)
	if resp.StatusCode != 409 || e.Error.Code != "CACHE_DATE_MOVING" || !strings.Contains(e.Error.Message, "2025-08-31") ||
		!strings.Contains(details, "toaststats verify --repair") {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
}
