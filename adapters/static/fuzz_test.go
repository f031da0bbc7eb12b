package static_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/adapters/static"
	"github.com/toaststats/toaststats/store"
)

// FuzzParseIndex: index.json comes from the destination, which anyone with
// access to the bucket or folder may have changed. Parsing never panics; an
// index it accepts names only files under api/ that are valid object keys,
// and encodes back to an index that parses to the same value.
func FuzzParseIndex(f *testing.F) {
	f.Add([]byte(`{"format":"toaststats-static/1","snapshot_id":"2025-11-16","files":[{"path":"api/districts.json","request":"/api/districts","sha256":"beeeaf6b27403bd832f18e68044d729322bf524512ddd530b558a89c4725aedf","size":551,"snapshot_id":"2025-11-16"}]}`))
	f.Add([]byte(`{"format":"toaststats-static/1","files":[{"path":"api/../x.json","sha256":"00","size":-1}]}`))
	f.Add([]byte(`{"format":"toaststats-static/2","files":[]}`))
	f.Add([]byte(`{"format":"toaststats-static/1","files":[]} {}`))
	f.Add([]byte(`{"format":"toaststats-static/1","snapshot_id":"2025-11-16","complete":false,"failures":[{"path":"api/districts/61/analytics.json","request":"/api/districts/61/analytics","status":503,"error":"SNAPSHOT_DAMAGED: x"}],"files":[]}`))
	f.Add([]byte(`{"format":"toaststats-static/1","complete":true,"failures":[],"files":[]}`))
	f.Add([]byte(`{"format":"toaststats-static/1","complete":true,"failures":[{"path":"api/x.json","request":"/api/x"}],"files":[]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"format":"toaststats-static/1","files":[]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		idx, err := static.ParseIndex(data)
		if err != nil {
			return
		}
		if !json.Valid(bytes.TrimSpace(data)) {
			t.Fatalf("accepted %q, which is not one JSON value", data)
		}
		for _, e := range idx.Files {
			if !strings.HasPrefix(e.Path, "api/") || store.ValidKey(e.Path) != nil || e.Size < 0 || len(e.SHA256) != 64 {
				t.Fatalf("accepted entry %+v", e)
			}
		}
		if idx.Complete && len(idx.Failures) > 0 {
			t.Fatalf("accepted a complete index with failures: %+v", idx.Failures)
		}
		for _, f := range idx.Failures {
			if !strings.HasPrefix(f.Path, "api/") || store.ValidKey(f.Path) != nil || !strings.HasPrefix(f.Request, "/api/") {
				t.Fatalf("accepted failure %+v", f)
			}
		}
		raw, err := idx.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		again, err := static.ParseIndex(raw)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", raw, err)
		}
		if !reflect.DeepEqual(idx, again) {
			t.Fatalf("round trip changed the index:\n%+v\n%+v", idx, again)
		}
	})
}

// An index followed by anything but white space is refused, whatever
// follows: another value, or a closing bracket.
func TestParseIndexRefusesTrailingData(t *testing.T) {
	const idx = `{"format":"toaststats-static/1","files":[]}`
	for _, tail := range []string{" {}", "}", "]", " x"} {
		if _, err := static.ParseIndex([]byte(idx + tail)); err == nil || !strings.Contains(err.Error(), "data after the index") {
			t.Errorf("index + %q: %v, want data after the index", tail, err)
		}
	}
	if _, err := static.ParseIndex([]byte(idx + " \n")); err != nil {
		t.Errorf("index + white space: %v", err)
	}
}
