package jsonpiece_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/internal/jsonpiece"
)

// envelope is the shape of the API's answers (data and its snapshot's
// metadata; adapters/api/apitypes, which an internal package's tests do
// not import).
type envelope struct {
	Data any `json:"data"`
	Meta *struct {
		SnapshotID string `json:"snapshotId"`
	} `json:"_snapshot_metadata"`
}

// TestRealAnswerTypes: the analytics answers of the analytics goldens,
// decoded into their own types and wrapped in an envelope like the API's, encode
// to encoding/json's bytes however small the pieces (so every container
// of every answer type is split somewhere).
func TestRealAnswerTypes(t *testing.T) {
	cases := map[string]func() any{
		"district_analytics.json":                      func() any { return &analytics.DistrictReport{} },
		"membership_analytics.json":                    func() any { return &analytics.MembershipReport{} },
		"club_trend_00000101.json":                     func() any { return &analytics.ClubTrend{} },
		"club_trend_00000105_suspended.json":           func() any { return &analytics.ClubTrend{} },
		"vulnerable_clubs.json":                        func() any { return &analytics.VulnerableReport{} },
		"leadership_insights.json":                     func() any { return &analytics.LeadershipReport{} },
		"distinguished_club_analytics.json":            func() any { return &analytics.DistinguishedReport{} },
		"distinguished_club_analytics_2025-06-30.json": func() any { return &analytics.DistinguishedReport{} },
		"educational_awards.json":                      func() any { return &analytics.EducationalAwardsReport{} },
	}
	for name, newV := range cases {
		raw, err := os.ReadFile(filepath.Join("..", "..", "analytics", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		v := newV()
		if err := json.Unmarshal(raw, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		env := envelope{Data: v}
		env.Meta = &struct {
			SnapshotID string `json:"snapshotId"`
		}{SnapshotID: "2025-08-15"}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(env); err != nil {
			t.Fatal(err)
		}
		w := bytes.TrimSuffix(want.Bytes(), []byte("\n"))
		for _, piece := range []int{1, 2, 3, 5, 8, 64, 4096} {
			restore := jsonpiece.SetPieceItems(piece)
			var got bytes.Buffer
			err := jsonpiece.Encode(&got, env)
			restore()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !bytes.Equal(got.Bytes(), w) {
				t.Errorf("%s in pieces of %d: differs from encoding/json\n got %s\nwant %s", name, piece, got.Bytes(), w)
				break
			}
		}
	}
}
