package api

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// apiError is an error answered to the client as
// {"error":{"code","message","details"}} with an HTTP status.
type apiError struct {
	Status  int
	Code    string
	Message string
	Details any
	// RetryAfter, when > 0, is sent as the Retry-After header (seconds).
	RetryAfter int
	// Err is the underlying cause, logged but never sent to the client.
	Err error
}

func (e *apiError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *apiError) Unwrap() error { return e.Err }

// errorf builds an apiError.
func errorf(status int, code, message string, details any) *apiError {
	return &apiError{Status: status, Code: code, Message: message, Details: details}
}

// internal wraps an unexpected failure as a 500 with the given code. The
// cause is logged, not sent.
func internal(code string, err error) *apiError {
	return &apiError{Status: http.StatusInternalServerError, Code: code, Message: "An internal error occurred", Err: err}
}

// errorBody is the wire shape of every error response.
type errorBody struct {
	Error errorPayload `json:"error"`
}

type errorPayload struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details any    `json:"details,omitempty"`
}

// encodedResponse is a response body ready to be written, with its ETag and
// an optional gzip variant. Encoded responses are immutable once built, so
// they can be shared by the response cache.
type encodedResponse struct {
	status       int
	contentType  string
	cacheControl string
	body         []byte
	gz           []byte // nil when not worth compressing
	etag         string
	header       map[string]string // extra headers

	// Header values prepared once (read-only, len == cap so an append
	// elsewhere copies): the hot path sets them without canonicalising.
	hdrOnce                       sync.Once
	ccV, etagV, ctV, lenV, gzLenV []string
}

// gzipMinBytes is the smallest body worth compressing.
const gzipMinBytes = 1024

// encodeJSON marshals v into an encodedResponse with status and cache
// control.
func encodeJSON(status int, v any, cacheControl string) (*encodedResponse, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode json: %w", err)
	}
	return newEncoded(status, "application/json; charset=utf-8", buf.Bytes(), cacheControl), nil
}

// newEncoded wraps body bytes, computing the ETag and the gzip variant.
func newEncoded(status int, contentType string, body []byte, cacheControl string) *encodedResponse {
	sum := sha256.Sum256(body)
	er := &encodedResponse{
		status:       status,
		contentType:  contentType,
		cacheControl: cacheControl,
		body:         body,
		etag:         `"` + hex.EncodeToString(sum[:12]) + `"`,
	}
	if len(body) >= gzipMinBytes {
		var zb bytes.Buffer
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(&zb)
		_, _ = zw.Write(body)
		_ = zw.Close()
		zw.Reset(nil)
		gzipWriters.Put(zw)
		if zb.Len() < len(body) {
			er.gz = zb.Bytes()
		}
	}
	return er
}

// gzipWriters recycles compressors: a gzip.Writer carries about 800 KB of
// state, which a new one per answer would allocate again every time.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

// write sends the encoded response, answering 304 when If-None-Match names
// its ETag and choosing gzip when the client accepts it.
func (er *encodedResponse) write(w http.ResponseWriter, r *http.Request) {
	er.hdrOnce.Do(func() {
		er.ccV, er.etagV, er.ctV = []string{er.cacheControl}, []string{er.etag}, []string{er.contentType}
		er.lenV, er.gzLenV = []string{strconv.Itoa(len(er.body))}, []string{strconv.Itoa(len(er.gz))}
	})
	h := w.Header()
	for k, v := range er.header {
		h.Set(k, v)
	}
	if er.cacheControl != "" {
		h["Cache-Control"] = er.ccV
	}
	addVary(h, "Accept-Encoding")
	if er.status == http.StatusOK {
		h["Etag"] = er.etagV // the canonical form of ETag
		if etagMatches(r.Header.Get("If-None-Match"), er.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h["Content-Type"] = er.ctV
	body, length := er.body, er.lenV
	if er.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body, length = er.gz, er.gzLenV
	}
	h["Content-Length"] = length
	w.WriteHeader(er.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// etagMatches reports whether an If-None-Match header value names etag
// (weak comparison, as RFC 9110 asks for If-None-Match).
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	if strings.TrimSpace(header) == "*" {
		return true
	}
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		part = strings.TrimPrefix(part, "W/")
		if part == etag {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			params = strings.ReplaceAll(params, " ", "")
			return params != "q=0" && params != "q=0.0" && params != "q=0.00" && params != "q=0.000"
		}
	}
	return false
}

// respond encodes v as JSON with status and writes it (no caching).
func respond(w http.ResponseWriter, r *http.Request, status int, v any) {
	er, err := encodeJSON(status, v, "no-store")
	if err != nil {
		respondError(w, r, internal("ENCODING_ERROR", err))
		return
	}
	er.write(w, r)
}

// jsonHandler is a handler that returns its answer: v is sent as JSON with
// status 200 and Cache-Control no-store, err as the error envelope. A
// handler that wrote its answer itself returns nil, nil.
type jsonHandler func(w http.ResponseWriter, r *http.Request) (v any, err error)

func (h jsonHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch v, err := h(w, r); {
	case err != nil:
		respondError(w, r, err)
	case v != nil:
		respond(w, r, http.StatusOK, v)
	}
}

// noteAPIError returns err as an apiError (a non-apiError becomes 500
// INTERNAL_SERVER_ERROR) and notes failures for the access log.
func noteAPIError(r *http.Request, err error) *apiError {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = internal("INTERNAL_SERVER_ERROR", err)
	}
	if ae.Err != nil || ae.Status >= 500 {
		noteError(r, ae)
	}
	return ae
}

// respondError writes err as the error envelope. Non-apiError errors become
// 500 INTERNAL_SERVER_ERROR; the cause goes to the access log only.
func respondError(w http.ResponseWriter, r *http.Request, err error) {
	ae := noteAPIError(r, err)
	if ae.RetryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(ae.RetryAfter))
	}
	body := errorBody{Error: errorPayload{Code: ae.Code, Message: ae.Message, Details: ae.Details}}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(body)
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", fmt.Sprint(buf.Len()))
	w.WriteHeader(ae.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// maxBodyBytes bounds every request body.
const maxBodyBytes = 64 << 10

// decodeJSON reads a JSON request body into v. An empty body is allowed
// when allowEmpty is set (v keeps its zero value). Unknown fields, trailing
// data and oversized bodies are 4xx errors.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any, allowEmpty bool) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errorf(http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE", fmt.Sprintf("Request body exceeds %d bytes", maxBodyBytes), nil)
		}
		return errorf(http.StatusBadRequest, "INVALID_BODY", "Could not read request body", nil)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		if allowEmpty {
			return nil
		}
		return errorf(http.StatusBadRequest, "MISSING_BODY", "A JSON request body is required", nil)
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return errorf(http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json", nil)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errorf(http.StatusBadRequest, "INVALID_JSON", "Request body is not valid JSON for this endpoint", err.Error())
	}
	if dec.More() {
		return errorf(http.StatusBadRequest, "INVALID_JSON", "Request body has trailing data", nil)
	}
	return nil
}
