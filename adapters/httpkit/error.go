package httpkit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Error is a failure answered to the client: an HTTP status, a stable
// machine-readable code, a message for people and optional details. How it
// is written is the server's choice (see Chain.Fail; WriteJSON writes the
// common JSON envelope); Err, the cause, is for the access log only and
// never meant for the client.
type Error struct {
	Status  int
	Code    string
	Message string
	Details any
	// RetryAfter, when > 0, is meant as the Retry-After header (seconds).
	RetryAfter int
	// Err is the underlying cause, logged but never sent to the client.
	Err error
}

// Error is "CODE: message", with the cause after a colon when there is one.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// errorBody is the wire shape of WriteJSON.
type errorBody struct {
	Error errorPayload `json:"error"`
}

type errorPayload struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details any    `json:"details,omitempty"`
}

// WriteJSON writes e as the JSON error envelope
// {"error":{"code","message","details"}} (details left out when nil; HTML
// characters not escaped; one trailing newline) with e's status,
// Cache-Control: no-store and, when RetryAfter > 0, Retry-After. HEAD gets
// the headers only. Writers pass the error through [Note] first.
func (e *Error) WriteJSON(w http.ResponseWriter, r *http.Request) {
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(e.RetryAfter))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(errorBody{Error: errorPayload{Code: e.Code, Message: e.Message, Details: e.Details}})
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", fmt.Sprint(buf.Len()))
	w.WriteHeader(e.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// Errorf builds an Error answered with status.
func Errorf(status int, code, message string, details any) *Error {
	return &Error{Status: status, Code: code, Message: message, Details: details}
}

// Internal wraps an unexpected failure as a 500 with the given code and
// the message "An internal error occurred"; the cause is kept for the log.
func Internal(code string, err error) *Error {
	return &Error{Status: http.StatusInternalServerError, Code: code, Message: "An internal error occurred", Err: err}
}

// Note returns err as an *Error (any other error becomes a 500
// INTERNAL_SERVER_ERROR with err as its cause) and, when it is a failure
// of the server (a cause, or a 5xx status), records it in the request's
// [Info] for the access log. Error writers call it first.
func Note(r *http.Request, err error) *Error {
	var e *Error
	if !errors.As(err, &e) {
		e = Internal("INTERNAL_SERVER_ERROR", err)
	}
	if e.Err != nil || e.Status >= 500 {
		if ri := InfoOf(r.Context()); ri != nil {
			ri.Err = e
		}
	}
	return e
}

// Info travels with a request served through a [Chain], for handlers, the
// access log and the metrics.
type Info struct {
	// ID is the request id, echoed as X-Request-ID.
	ID string
	// Client is the client IP (see [Proxies.ClientIP]).
	Client string
	// Route names the logical route that served the request (set by the
	// router's wrapper, for example "GET /users/:id"); "" logs as
	// "unmatched".
	Route string
	// Err is the failure answered, as [Note] recorded it.
	Err *Error
}

type ctxKey int

const infoKey ctxKey = 1

// InfoOf returns the request's Info, or nil outside a Chain.
func InfoOf(ctx context.Context) *Info {
	ri, _ := ctx.Value(infoKey).(*Info)
	return ri
}
