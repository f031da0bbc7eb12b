package api

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/assess"
	"github.com/toaststats/toaststats/store/blobstore/blobtest"
)

// Concurrent POSTs creating the same district's month, on a real server on
// loopback over the local directory and over a bucket (MinIO on loopback;
// skipped without minio unless TOASTSTATS_REQUIRE_S3=1): exactly one gets
// 201, every other one 409 ASSESSMENT_EXISTS, and the stored assessment is
// the winner's, whole. Before creation was atomic, several passed the
// existence check and each replaced the one before (several 201s).
func TestAssessmentCreateConcurrentPOSTs(t *testing.T) {
	for _, backend := range []string{"dir", "s3"} {
		t.Run(backend, func(t *testing.T) {
			location := t.TempDir()
			if backend == "s3" {
				location = blobtest.New(t).NewBucketURL(t)
			}
			st := openFixtureStore(t, location, true)
			srv := NewServer(Config{AdminToken: testToken, Version: "test"}, Deps{Store: st, Now: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			hs := newLoopbackServer(t, srv)
			t.Cleanup(srv.Close)

			// Several rounds, each on a month not assessed yet.
			for round, month := range []string{"2025-06", "2025-07", "2025-08"} {
				const n = 8
				codes := make([]int, n)
				bodies := make([][]byte, n)
				start := make(chan struct{})
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						body := fmt.Sprintf(`{"month":%q,"notes":"writer %d of round %d"}`, month, i, round)
						req, err := http.NewRequest("POST", hs.URL+"/api/assessment/monthly/42", strings.NewReader(body))
						if err != nil {
							t.Error(err)
							return
						}
						req.Header.Set("Authorization", "Bearer "+testToken)
						req.Header.Set("Content-Type", "application/json")
						<-start
						resp, err := hs.Client().Do(req)
						if err != nil {
							t.Error(err)
							return
						}
						defer resp.Body.Close()
						codes[i] = resp.StatusCode
						bodies[i], _ = io.ReadAll(resp.Body)
					})
				}
				close(start)
				wg.Wait()
				winner := -1
				for i, code := range codes {
					switch code {
					case http.StatusCreated:
						if winner >= 0 {
							t.Fatalf("%s: writers %d and %d both got 201 (codes %v)", month, winner, i, codes)
						}
						winner = i
					case http.StatusConflict:
						if !strings.Contains(string(bodies[i]), `"ASSESSMENT_EXISTS"`) {
							t.Errorf("%s: writer %d: 409 %s", month, i, bodies[i])
						}
					default:
						t.Fatalf("%s: writer %d: %d %s", month, i, code, bodies[i])
					}
				}
				if winner < 0 {
					t.Fatalf("%s: no writer got 201 (codes %v)", month, codes)
				}
				var created apitypes.Data[assess.Assessment]
				if err := json.Unmarshal(bodies[winner], &created); err != nil {
					t.Fatal(err)
				}
				req, _ := http.NewRequest("GET", hs.URL+"/api/assessment/monthly/42/"+month, nil)
				req.Header.Set("Authorization", "Bearer "+testToken)
				resp, err := hs.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				var stored apitypes.Data[assess.Assessment]
				if err := json.Unmarshal(b, &stored); resp.StatusCode != 200 || err != nil {
					t.Fatalf("GET %s: %d %s %v", month, resp.StatusCode, b, err)
				}
				want := fmt.Sprintf("writer %d of round %d", winner, round)
				if stored.Data.Notes != want || !reflect.DeepEqual(stored.Data, created.Data) {
					t.Fatalf("%s: stored %+v, the winner (writer %d) was answered %+v", month, stored.Data, winner, created.Data)
				}
			}
		})
	}
}
