package httpkit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// DecodeJSON reads r's body, at most maxBytes of it, into v. The errors
// are *Error values ready to answer:
//   - 413 PAYLOAD_TOO_LARGE: a body over maxBytes;
//   - 400 INVALID_BODY: the body could not be read;
//   - 400 MISSING_BODY: an empty or blank body, unless allowEmpty (then v
//     keeps its zero value and the error is nil);
//   - 415 UNSUPPORTED_MEDIA_TYPE: a Content-Type other than
//     application/json (none at all is accepted);
//   - 400 INVALID_JSON: not JSON, the wrong shape for v, a field v does not
//     have (details: the decoder's message), or trailing data.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any, maxBytes int64, allowEmpty bool) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return Errorf(http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE", fmt.Sprintf("Request body exceeds %d bytes", maxBytes), nil)
		}
		return Errorf(http.StatusBadRequest, "INVALID_BODY", "Could not read request body", nil)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		if allowEmpty {
			return nil
		}
		return Errorf(http.StatusBadRequest, "MISSING_BODY", "A JSON request body is required", nil)
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return Errorf(http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json", nil)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return Errorf(http.StatusBadRequest, "INVALID_JSON", "Request body is not valid JSON for this endpoint", err.Error())
	}
	// Only white space may follow the value. (dec.More is no test of that:
	// it reports false before a closing bracket, so "{}}" passed it.)
	if len(bytes.TrimSpace(data[dec.InputOffset():])) > 0 {
		return Errorf(http.StatusBadRequest, "INVALID_JSON", "Request body has trailing data", nil)
	}
	return nil
}
