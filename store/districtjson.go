package store

import (
	"bytes"

	gojson "github.com/goccy/go-json"

	"github.com/toaststats/toaststats/snapshot"
)

// District files are the bulk of a snapshot (~12 MB of JSON for the world's
// 128 districts) and encoding them with encoding/json was the largest single
// cost of a world build (~12 % of its CPU, ~20 ms). They are encoded with
// github.com/goccy/go-json instead (a module with no dependencies of its
// own), which writes the same bytes as encoding/json ~2.5 times as
// fast: TestDistrictJSONMatchesStdlib checks a whole world of districts and
// random ones (HTML and control characters, invalid UTF-8, extreme floats,
// the free-form performance rows), FuzzDistrictJSONMatchesStdlib the
// strings and numbers a dashboard could send. Every other file, and every
// reader, uses encoding/json.

// encodeDistrictJSON writes df's JSON to buf as encoding/json's
// Encoder.Encode does: Marshal's bytes, then a newline.
func encodeDistrictJSON(buf *bytes.Buffer, df *snapshot.DistrictFile) error {
	return gojson.NewEncoder(buf).Encode(df)
}

// marshalDistrictJSON is encoding/json.Marshal of df.
func marshalDistrictJSON(df *snapshot.DistrictFile) ([]byte, error) {
	return gojson.Marshal(df)
}
