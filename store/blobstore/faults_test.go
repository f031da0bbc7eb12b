package blobstore_test

import (
	"context"
	"encoding/pem"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/toaststats/toaststats/store/blobstore"
)

// faultProxy is a loopback proxy in front of the test server, for what
// MinIO on loopback never does and AWS S3 does: before sees every request
// first and may answer it itself (returning true); after may change the
// server's answer to a request that went through. Both run under the
// proxy's mutex, so they may keep counts without their own.
type faultProxy struct {
	mu     sync.Mutex
	before func(w http.ResponseWriter, r *http.Request) bool
	after  func(resp *http.Response)
	// stall, when set, says how the proxy stalls a request (see stallMode);
	// a stalled request waits, outside the mutex, until the client gives up
	// on it or the test ends.
	stall func(r *http.Request) stallMode
}

// stallMode is how the proxy stalls a request.
type stallMode int

const (
	noStall      stallMode = iota
	stallAtOnce            // never answers, never forwards the request
	stallApplied           // forwards it (the server applies it), never answers
	stallBody              // forwards it, sends the answer's headers and half its body, then nothing
)

// openThrough opens a fresh bucket through a faultProxy (with Open, so the
// client is configured, retryer included, as the programs' is).
func openThrough(t *testing.T, p *faultProxy) *blobstore.Objects {
	t.Helper()
	proxy, via := srv0(t).NewBucketBehind(t)
	proxy.ModifyResponse = func(resp *http.Response) error {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.after != nil {
			p.after(resp)
		}
		return nil
	}
	quit := make(chan struct{})
	ps := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		mode := noStall
		if p.stall != nil {
			mode = p.stall(r)
		}
		answered := mode == noStall && p.before != nil && p.before(w, r)
		p.mu.Unlock()
		if mode != noStall {
			stallRequest(w, r, proxy, mode, quit)
			return
		}
		if !answered {
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(ps.Close)
	t.Cleanup(func() { close(quit) }) // runs before ps.Close, which waits on the handlers
	o, err := blobstore.Open(context.Background(), via(ps.URL))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// stallRequest stalls r as mode says, until the client gives up on it (it
// closes the connection) or quit is closed.
func stallRequest(w http.ResponseWriter, r *http.Request, proxy http.Handler, mode stallMode, quit <-chan struct{}) {
	if mode != stallAtOnce {
		rec := httptest.NewRecorder()
		proxy.ServeHTTP(rec, r)
		if mode == stallBody {
			maps.Copy(w.Header(), rec.Header())
			w.WriteHeader(rec.Code)
			b := rec.Body.Bytes()
			w.Write(b[:len(b)/2])
			w.(http.Flusher).Flush()
		}
	}
	select {
	case <-r.Context().Done():
	case <-quit:
	}
}

// conditionalPut reports whether r is a PUT with a precondition.
func conditionalPut(r *http.Request) bool {
	return r.Method == http.MethodPut && (r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Match") != "")
}

// s3ErrorBody is an S3 error document.
func s3ErrorBody(code, msg string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>` + code + `</Code><Message>` + msg + `</Message></Error>`
}

// replaceAnswer turns the server's answer into an S3 error.
func replaceAnswer(resp *http.Response, status int, code, msg string) {
	body := s3ErrorBody(code, msg)
	resp.Body.Close()
	resp.StatusCode, resp.Status = status, strconv.Itoa(status)+" "+http.StatusText(status)
	resp.Header = http.Header{"Content-Type": {"application/xml"}, "Content-Length": {strconv.Itoa(len(body))}}
	resp.Body, resp.ContentLength = io.NopCloser(strings.NewReader(body)), int64(len(body))
}

// A conditional PUT that S3 applied but whose answer never arrived (an
// InternalError after the write, a connection cut): the SDK sends it again,
// and the retry finds the object it wrote itself (412). That write is ours:
// WriteIfVersion reports it written, for a create and for an If-Match.
func TestConditionalWriteWhoseAnswerWasLost(t *testing.T) {
	ctx := context.Background()
	var statuses []int // of the conditional PUTs that reached the server
	lose := 0          // how many answers to lose still
	p := &faultProxy{after: func(resp *http.Response) {
		if !conditionalPut(resp.Request) {
			return
		}
		statuses = append(statuses, resp.StatusCode)
		if lose > 0 && resp.StatusCode == http.StatusOK {
			lose--
			replaceAnswer(resp, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
		}
	}}
	o := openThrough(t, p)
	arm := func() { p.mu.Lock(); lose, statuses = 1, nil; p.mu.Unlock() }
	seen := func() []int { p.mu.Lock(); defer p.mu.Unlock(); return append([]int(nil), statuses...) }

	arm()
	ok, err := o.WriteIfVersion(ctx, "a/created.json", []byte(`{"v":1}`), "")
	if err != nil || !ok {
		t.Fatalf("create whose answer was lost: written %v, %v; want true (the server's answers: %v)", ok, err, seen())
	}
	if got := seen(); len(got) != 2 || got[1] != http.StatusPreconditionFailed {
		t.Fatalf("the server answered %v; want the write (200) and the SDK's retry finding it (412)", got)
	}
	b, v1, err := o.ReadVersion(ctx, "a/created.json")
	if err != nil || string(b) != `{"v":1}` {
		t.Fatalf("read = %q, %v", b, err)
	}

	arm()
	ok, err = o.WriteIfVersion(ctx, "a/created.json", []byte(`{"v":2}`), v1)
	if err != nil || !ok {
		t.Fatalf("If-Match whose answer was lost: written %v, %v; want true (the server's answers: %v)", ok, err, seen())
	}
	if b, _ := o.Read(ctx, "a/created.json"); string(b) != `{"v":2}` {
		t.Fatalf("after the If-Match: %q", b)
	}
	// Not ours: a create where another write is there stays refused,
	// retried or not.
	arm()
	ok, err = o.WriteIfVersion(ctx, "a/created.json", []byte(`{"v":3}`), "")
	if err != nil || ok {
		t.Fatalf("create over an existing object: written %v, %v; want false", ok, err)
	}
	if b, _ := o.Read(ctx, "a/created.json"); string(b) != `{"v":2}` {
		t.Fatalf("after the refused create: %q", b)
	}
}

// AWS S3 answers a conditional PUT that met a concurrent operation on the
// key (a DELETE that won, another conditional write in flight) with 409
// ConditionalRequestConflict, and documents "On a 409 failure you should
// retry": nothing was written, and nobody is known to have won. The write
// is sent again, and decided by its precondition.
func TestConditionalWriteConflictIsRetried(t *testing.T) {
	ctx := context.Background()
	conflicts := 0 // how many conditional PUTs to answer with 409 still
	p := &faultProxy{before: func(w http.ResponseWriter, r *http.Request) bool {
		if !conditionalPut(r) || conflicts == 0 {
			return false
		}
		conflicts--
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusConflict)
		io.WriteString(w, s3ErrorBody("ConditionalRequestConflict", "A conflicting operation occurred. If using PutObject you can retry the request."))
		return true
	}}
	o := openThrough(t, p)
	arm := func(n int) { p.mu.Lock(); conflicts = n; p.mu.Unlock() }

	arm(2)
	ok, err := o.WriteIfVersion(ctx, "m/2024-05.json", []byte("first"), "")
	if err != nil || !ok {
		t.Fatalf("create after two 409s: written %v, %v; want true (nothing else is there)", ok, err)
	}
	b, v, err := o.ReadVersion(ctx, "m/2024-05.json")
	if err != nil || string(b) != "first" {
		t.Fatalf("read = %q, %v", b, err)
	}
	arm(1)
	if ok, err := o.WriteIfVersion(ctx, "m/2024-05.json", []byte("second"), v); err != nil || !ok {
		t.Fatalf("If-Match after a 409: written %v, %v; want true", ok, err)
	}
	arm(1)
	if ok, err := o.WriteIfVersion(ctx, "m/2024-05.json", []byte("third"), ""); err != nil || ok {
		t.Fatalf("create over an existing object after a 409: written %v, %v; want false", ok, err)
	}
	if b, _ := o.Read(ctx, "m/2024-05.json"); string(b) != "second" {
		t.Fatalf("content %q, want second", b)
	}
	// A server that never stops answering 409 is an error that says so,
	// not a precondition that failed.
	arm(1000)
	ok, err = o.WriteIfVersion(ctx, "m/2024-06.json", []byte("x"), "")
	if ok || err == nil || !strings.Contains(err.Error(), "ConditionalRequestConflict") {
		t.Fatalf("create under endless 409s: written %v, %v; want an error naming ConditionalRequestConflict", ok, err)
	}
}

// Taking a lease whose creating PUT landed but whose answer was lost: the
// lease is ours at once (not waited on for a TTL, then "taken over" from
// ourselves).
func TestLockWhoseAnswerWasLost(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lose, creates := 1, 0
	p := &faultProxy{
		before: func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method == http.MethodPut && r.Header.Get("If-None-Match") == "*" && strings.Contains(r.URL.Path, "/.locks/") {
				if creates++; creates > 2 {
					cancel() // Lock waits on a lease it holds itself
				}
			}
			return false
		},
		after: func(resp *http.Response) {
			if conditionalPut(resp.Request) && lose > 0 && resp.StatusCode == http.StatusOK {
				lose--
				replaceAnswer(resp, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
			}
		},
	}
	o := openThrough(t, p)
	o.LeaseTTL = time.Hour
	var logged strings.Builder
	o.Logger = slog.New(slog.NewTextHandler(&logged, nil))
	unlock, err := o.Lock(ctx, "build")
	if err != nil {
		t.Fatalf("lock: %v (it waited on its own lease)", err)
	}
	unlock()
	if logged.Len() != 0 {
		t.Fatalf("warnings: %s", logged.String())
	}
	if _, err := o.Read(context.Background(), ".locks/build.lease"); err == nil {
		t.Fatal("the lease is still there after unlock")
	}
}

// tlsProxy is a loopback HTTPS proxy in front of the test server (which
// speaks plain HTTP), trusted through AWS_CA_BUNDLE: the SDK's requests
// over TLS differ from those over HTTP. It answers every PUT whose body is
// aws-chunked (the SDK's default trailing checksum over HTTPS) with 400
// NotImplemented, as S3-compatible servers without that support do.
func tlsProxy(t *testing.T) (storeURL string, chunked func() int) {
	t.Helper()
	proxy, via := srv0(t).NewBucketBehind(t)
	var mu sync.Mutex
	n := 0
	ps := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") || r.Header.Get("X-Amz-Trailer") != "" {
			mu.Lock()
			n++
			mu.Unlock()
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, s3ErrorBody("NotImplemented", "aws-chunked transfer encoding is not supported"))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(ps.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ps.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CA_BUNDLE", ca)
	return via(ps.URL), func() int { mu.Lock(); defer mu.Unlock(); return n }
}

// An S3-compatible server over HTTPS that does not take aws-chunked
// uploads (GCS's XML API, several gateways and older servers): with an
// endpoint= the store writes plain PUTs, so writes, conditional writes and
// leases work there. AWS_REQUEST_CHECKSUM_CALCULATION still decides when set.
func TestS3CompatibleServerOverHTTPS(t *testing.T) {
	ctx := context.Background()
	u, chunked := tlsProxy(t)
	t.Setenv("AWS_REQUEST_CHECKSUM_CALCULATION", "") // unset below, restored after
	os.Unsetenv("AWS_REQUEST_CHECKSUM_CALCULATION")
	o, err := blobstore.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Write(ctx, "a/b c+d.json", []byte(`{"x":1}`)); err != nil {
		t.Fatalf("write over HTTPS: %v", err)
	}
	if ok, err := o.WriteIfVersion(ctx, "current.json", []byte(`{"id":"2024-05-01"}`), ""); err != nil || !ok {
		t.Fatalf("create over HTTPS: %v, %v", ok, err)
	}
	unlock, err := o.Lock(ctx, "snapshots")
	if err != nil {
		t.Fatalf("lock over HTTPS: %v", err)
	}
	unlock()
	for k, want := range map[string]string{"a/b c+d.json": `{"x":1}`, "current.json": `{"id":"2024-05-01"}`} {
		if b, err := o.Read(ctx, k); err != nil || string(b) != want {
			t.Fatalf("read %s = %q, %v; want %s", k, b, err, want)
		}
	}
	if !o.Client().Options().DisableLogOutputChecksumValidationSkipped {
		t.Error("the SDK logs every GET of an object stored without a checksum (all of them here) on stderr")
	}
	if n := chunked(); n != 0 {
		t.Fatalf("%d aws-chunked uploads", n)
	}

	t.Setenv("AWS_REQUEST_CHECKSUM_CALCULATION", "when_supported")
	o2, err := blobstore.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if err := o2.Write(ctx, "e.json", []byte("{}")); err == nil || !strings.Contains(err.Error(), "NotImplemented") || chunked() != 1 {
		t.Fatalf("write with AWS_REQUEST_CHECKSUM_CALCULATION=when_supported: %v (%d aws-chunked); want the server's refusal of an aws-chunked upload", err, chunked())
	}
}
