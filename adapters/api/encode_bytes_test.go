package api

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/toaststats/toaststats/adapters/api/apitypes"
	"github.com/toaststats/toaststats/analytics"
)

// TestAnswerBytesAreEncodingJSONs: answers are encoded in pieces
// (internal/jsonpiece), and their bytes are still exactly encoding/json's
// (field order, omitempty, escaping, the trailing newline): each answer,
// decoded into its type and encoded again by encoding/json, is the same
// bytes. The goldens cannot show this, since they compare normalised JSON.
func TestAnswerBytesAreEncodingJSONs(t *testing.T) {
	ts := newTestServer(t, true, Config{}, Deps{})
	check := func(path string, v any) {
		t.Helper()
		resp, body := ts.do(t, "GET", path, nil, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(body, want.Bytes()) {
			t.Errorf("%s: the answer's bytes differ from encoding/json's:\n got %s\nwant %s", path, clip(body), clip(want.Bytes()))
		}
		t.Logf("%s: %d bytes", path, len(body))
		if len(body) < 1000 {
			t.Errorf("%s: only %d bytes; the check needs a real answer", path, len(body))
		}
	}
	check("/api/districts/42/analytics", &apitypes.Envelope[analytics.DistrictReport]{})
	check("/api/districts/42/membership-analytics", &apitypes.Envelope[analytics.MembershipReport]{})
	check("/api/districts/42/distinguished-club-analytics", &apitypes.Envelope[analytics.DistinguishedReport]{})
	check("/api/districts/42/leadership-insights", &apitypes.Envelope[analytics.LeadershipReport]{})
}
