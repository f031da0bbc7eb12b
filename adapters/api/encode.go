package api

import (
	"errors"
	"net/http"

	"github.com/toaststats/toaststats/adapters/httpkit"
	"github.com/toaststats/toaststats/store"
)

// apiError is an error answered to the client as
// {"error":{"code","message","details"}} (respondError) with an HTTP
// status; Err, the cause, is logged but never sent.
type apiError = httpkit.Error

// errorf builds an apiError.
func errorf(status int, code, message string, details any) *apiError {
	return httpkit.Errorf(status, code, message, details)
}

// internal wraps an unexpected failure as a 500 with the given code. The
// cause is logged, not sent. A write stopped because the store's lock
// lease was lost (store.ErrLeaseLost: object storage, another server took
// the lock over while this one stalled) is no failure of the request: it
// is 503 STORE_LOCK_LOST with Retry-After, as nothing more was written and
// the same request again is safe.
func internal(code string, err error) *apiError {
	if errors.Is(err, store.ErrLeaseLost) {
		return &apiError{Status: http.StatusServiceUnavailable, Code: "STORE_LOCK_LOST", RetryAfter: leaseLostRetryAfter, Err: err,
			Message: "The store's lock was lost while this change was being written (another server may hold it now); nothing more was written. Send the request again."}
	}
	return httpkit.Internal(code, err)
}

// leaseLostRetryAfter is the Retry-After (seconds) of STORE_LOCK_LOST: by
// then a lease taken over has been renewed or released.
const leaseLostRetryAfter = 5

// respond encodes v as JSON with status and writes it (no caching).
func respond(w http.ResponseWriter, r *http.Request, status int, v any) {
	er, err := httpkit.JSON(status, v, "no-store")
	if err != nil {
		respondError(w, r, internal("ENCODING_ERROR", err))
		return
	}
	er.ServeHTTP(w, r)
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
func noteAPIError(r *http.Request, err error) *apiError { return httpkit.Note(r, err) }

// respondError writes err as the API's error envelope
// (httpkit.Error.WriteJSON). Non-apiError errors become 500
// INTERNAL_SERVER_ERROR; the cause goes to the access log only.
func respondError(w http.ResponseWriter, r *http.Request, err error) {
	noteAPIError(r, err).WriteJSON(w, r)
}

// maxBodyBytes bounds every request body.
const maxBodyBytes = 64 << 10

// decodeJSON reads a JSON request body into v (httpkit.DecodeJSON, at
// most maxBodyBytes).
func decodeJSON(w http.ResponseWriter, r *http.Request, v any, allowEmpty bool) error {
	return httpkit.DecodeJSON(w, r, v, maxBodyBytes, allowEmpty)
}
