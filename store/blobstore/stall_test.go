package blobstore_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/toaststats/toaststats/store/blobstore"
)

// stallTimeout is the ResponseTimeout of the stall tests: small, so that
// they run quickly, and large enough that MinIO's answers to the requests
// that are not stalled always come within it.
const stallTimeout = 500 * time.Millisecond

// returns runs f and fails the test if it has not returned within a minute:
// a guard against a hang (the bug under test), not a timing assertion.
func returns(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatalf("%s has not returned after a minute: a stalled request hangs it", what)
	}
}

// isGet reports whether r is a GET of the object key (under the test's prefix).
func isGet(r *http.Request, key string) bool {
	return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/"+key)
}

// stalledGets opens a bucket through a proxy that stalls, as mode says,
// the first n GETs of key after arm(n) (none before the first arm), and
// writes body there. gets is the number of GETs of key since the last arm.
func stalledGets(t *testing.T, key string, mode stallMode, body []byte) (o *blobstore.Objects, arm func(n int), gets func() int) {
	t.Helper()
	stalls, seen := 0, 0
	p := &faultProxy{stall: func(r *http.Request) stallMode {
		if !isGet(r, key) {
			return noStall
		}
		if seen++; seen <= stalls {
			return mode
		}
		return noStall
	}}
	o = openThrough(t, p)
	o.ResponseTimeout = stallTimeout
	if err := o.Write(context.Background(), key, body); err != nil {
		t.Fatal(err)
	}
	arm = func(n int) { p.mu.Lock(); stalls, seen = n, 0; p.mu.Unlock() }
	gets = func() int { p.mu.Lock(); defer p.mu.Unlock(); return seen }
	return o, arm, gets
}

// A GET whose first attempt is never answered (a server or middlebox that
// took the request and went silent): the attempt times out and the SDK's
// retry reads the object.
func TestStalledGetIsRetried(t *testing.T) {
	ctx := context.Background()
	o, arm, gets := stalledGets(t, "a/x.json", stallAtOnce, []byte(`{"x":1}`))
	arm(1)
	var b []byte
	var err error
	returns(t, "Read", func() { b, err = o.Read(ctx, "a/x.json") })
	if err != nil || string(b) != `{"x":1}` {
		t.Fatalf("read after a stalled attempt = %q, %v; want {\"x\":1}", b, err)
	}
	if n := gets(); n != 2 {
		t.Fatalf("%d GETs reached the proxy; want 2 (the stalled one and its retry)", n)
	}
}

// A server that never answers: the call fails with an error naming the
// timeout once the SDK's attempts are spent, instead of hanging.
func TestEveryAttemptStalls(t *testing.T) {
	ctx := context.Background()
	o, arm, gets := stalledGets(t, "a/x.json", stallAtOnce, []byte(`{"x":1}`))
	arm(1 << 30)
	var err error
	returns(t, "Read", func() { _, err = o.Read(ctx, "a/x.json") })
	if err == nil || !strings.Contains(err.Error(), "timeout: no response headers from the server within 500ms") {
		t.Fatalf("read from a server that never answers: %v; want an error naming the timeout", err)
	}
	if n, want := gets(), o.Client().Options().Retryer.MaxAttempts(); n != want {
		t.Fatalf("%d GETs reached the proxy; want %d (every attempt the retryer allows)", n, want)
	}
}

// A GET whose answer stops halfway through its body is sent again (the
// SDK's retryer has returned by then): a body that stalls once is read by
// the next GET; one that stalls every time fails, once every attempt is
// spent, with an error naming the timeout instead of hanging.
func TestStalledBodyIsRetried(t *testing.T) {
	ctx := context.Background()
	want := strings.Repeat("x", 1000)
	o, arm, gets := stalledGets(t, "a/x.json", stallBody, []byte(want))
	attempts := o.Client().Options().Retryer.MaxAttempts()
	for _, c := range []struct{ stalls, gets int }{{1, 2}, {attempts, attempts}} {
		arm(c.stalls)
		var b []byte
		var etag string
		var err error
		returns(t, "ReadVersion", func() { b, etag, err = o.ReadVersion(ctx, "a/x.json") })
		if n := gets(); n != c.gets {
			t.Errorf("%d stalled bodies: %d GETs reached the proxy, want %d", c.stalls, n, c.gets)
		}
		if c.stalls < attempts {
			if err != nil || string(b) != want || etag == "" {
				t.Fatalf("read after %d stalled bodies = %d bytes, etag %q, %v; want the 1000 bytes and their ETag", c.stalls, len(b), etag, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "read a/x.json: ") || !strings.Contains(err.Error(), "timeout: no response body data from the server within 500ms") {
			t.Fatalf("read of a body that stalls every time = %d bytes, %v; want an error naming the key and the timeout", len(b), err)
		}
	}
}

// A conditional PUT that the server applied but whose answer never came:
// the attempt times out, the SDK sends it again, its precondition fails on
// the object it wrote itself, and WriteIfVersion reports it written (the
// read-back of a PUT sent more than once). One that never reached the
// server is simply written by the retry.
func TestConditionalWriteWhoseAnswerStalled(t *testing.T) {
	ctx := context.Background()
	mode, puts := noStall, 0
	p := &faultProxy{stall: func(r *http.Request) stallMode {
		if !conditionalPut(r) {
			return noStall
		}
		puts++
		m := mode
		mode = noStall
		return m
	}}
	o := openThrough(t, p)
	o.ResponseTimeout = stallTimeout
	arm := func(m stallMode) { p.mu.Lock(); mode, puts = m, 0; p.mu.Unlock() }
	sent := func() int { p.mu.Lock(); defer p.mu.Unlock(); return puts }

	for _, c := range []struct {
		name string
		mode stallMode
	}{{"applied", stallApplied}, {"not applied", stallAtOnce}} {
		key := "m/" + strings.ReplaceAll(c.name, " ", "-") + ".json"
		arm(c.mode)
		var ok bool
		var err error
		returns(t, "WriteIfVersion", func() { ok, err = o.WriteIfVersion(ctx, key, []byte("first"), "") })
		if err != nil || !ok || sent() != 2 {
			t.Fatalf("create whose first answer stalled (%s): written %v, %v after %d PUTs; want true after 2", c.name, ok, err, sent())
		}
		b, v, err := o.ReadVersion(ctx, key)
		if err != nil || string(b) != "first" {
			t.Fatalf("read = %q, %v", b, err)
		}
		arm(c.mode)
		returns(t, "WriteIfVersion", func() { ok, err = o.WriteIfVersion(ctx, key, []byte("second"), v) })
		if err != nil || !ok || sent() != 2 {
			t.Fatalf("If-Match whose first answer stalled (%s): written %v, %v after %d PUTs; want true after 2", c.name, ok, err, sent())
		}
		if b, err := o.Read(ctx, key); err != nil || string(b) != "second" {
			t.Fatalf("after the If-Match: %q, %v", b, err)
		}
	}
}

// Open's client bounds attempts by default; a negative ResponseTimeout
// lifts the bound.
func TestResponseTimeoutDefault(t *testing.T) {
	var o blobstore.Objects
	if got := blobstore.ResponseTimeoutOf(&o); got != time.Minute {
		t.Fatalf("default response timeout %v; want 1m", got)
	}
	o.ResponseTimeout = -1
	if got := blobstore.ResponseTimeoutOf(&o); got != 0 {
		t.Fatalf("negative ResponseTimeout: %v; want 0 (no bound)", got)
	}
}
