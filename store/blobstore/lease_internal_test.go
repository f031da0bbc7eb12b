package blobstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/toaststats/toaststats/store/blobstore/blobtest"
)

// startMinio starts a MinIO of the test's own (the package's external
// tests share theirs through TestMain, which internal tests cannot see).
func startMinio(t *testing.T) *blobtest.Server {
	t.Helper()
	dir := t.TempDir()
	s, err := blobtest.Start(dir)
	if errors.Is(err, blobtest.ErrNoMinio) && !blobtest.Required() {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop(); os.RemoveAll(dir) })
	return s
}

// The scraper host and the server host share a bucket, and their clocks
// disagree (no NTP on one of them): the lease must stay exclusive. Its
// expiry is judged on the storage server's clock, never by comparing one
// host's clock with a time another host wrote.
func TestLeaseExclusiveDespiteClockSkew(t *testing.T) {
	ctx := context.Background()
	u := startMinio(t).NewBucketURL(t)
	for _, skew := range []time.Duration{time.Minute, -time.Minute} {
		t.Run(skew.String(), func(t *testing.T) {
			holder, err := Open(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			waiter, err := Open(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			holder.LeaseTTL, waiter.LeaseTTL = 2*time.Second, 2*time.Second
			// The holder's clock is behind the waiter's by skew.
			holder.now = func() time.Time { return time.Now().Add(-skew / 2) }
			waiter.now = func() time.Time { return time.Now().Add(skew / 2) }
			unlock, err := holder.Lock(ctx, "build")
			if err != nil {
				t.Fatal(err)
			}
			// Longer than the TTL: the holder renews meanwhile.
			short, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			if u2, err := waiter.Lock(short, "build"); err == nil {
				u2()
				unlock()
				t.Fatal("a host with a skewed clock took over a lease its holder keeps renewing")
			} else if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatal(err)
			}
			unlock()
			u3, err := waiter.Lock(ctx, "build")
			if err != nil {
				t.Fatal(err)
			}
			u3()
		})
	}
}

// A holder on another host that crashed without releasing: its lease is
// taken over once it has gone unrenewed for its TTL (plus the storage
// clock's one-second resolution), not before, whatever the clocks say.
func TestLeaseOfCrashedHolderTakenOverAfterTTL(t *testing.T) {
	ctx := context.Background()
	u := startMinio(t).NewBucketURL(t)
	crashed, err := Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	crashed.LeaseTTL = 2 * time.Second
	crashed.holder = "another-host/1/dead"
	crashed.now = func() time.Time { return time.Now().Add(time.Hour) } // its clock far ahead
	if ok, err := crashed.WriteIfVersion(ctx, ".locks/build.lease", crashed.leaseBytes(), ""); err != nil || !ok {
		t.Fatalf("write lease: %v %v", ok, err)
	}
	waiter, err := Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	waiter.LeaseTTL = 2 * time.Second
	start := time.Now()
	limit, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	unlock, err := waiter.Lock(limit, "build")
	if err != nil {
		t.Fatalf("stale lease never taken over: %v", err)
	}
	unlock()
	if d := time.Since(start); d < time.Second {
		t.Fatalf("took over after %v, before the lease's TTL", d)
	}
}

// A lease whose holder was a process on this host that has exited (killed
// with SIGKILL, as the crash stress kills builds) is taken over at once,
// long before its expiry, and the warning says why: not "expired", which
// sent an operator looking for a stalled holder or a skewed clock.
func TestLeaseOfExitedHolderTakenOverAtOnceSayingWhy(t *testing.T) {
	ctx := context.Background()
	u := startMinio(t).NewBucketURL(t)
	dead := exec.Command(blobtest.Binary(), "--version")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	if !processGone(dead.Process.Pid) {
		t.Skip("this platform cannot tell that a process exited: leases expire instead")
	}
	exited, err := Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	exited.LeaseTTL = time.Hour
	host, _, _ := strings.Cut(exited.holder, "/")
	exited.holder = fmt.Sprintf("%s/%d/exited", host, dead.Process.Pid)
	if ok, err := exited.WriteIfVersion(ctx, ".locks/build.lease", exited.leaseBytes(), ""); err != nil || !ok {
		t.Fatalf("write lease: %v %v", ok, err)
	}
	var logs bytes.Buffer
	waiter, err := Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	waiter.LeaseTTL = time.Hour
	waiter.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	limit, cancel := context.WithTimeout(ctx, time.Minute) // a hang guard, not a timing assertion
	defer cancel()
	unlock, err := waiter.Lock(limit, "build")
	if err != nil {
		t.Fatalf("the lease of an exited holder was not taken over: %v", err)
	}
	unlock()
	l := logs.String()
	if !strings.Contains(l, `msg="took over the lock lease of a process on this host that has exited"`) ||
		!strings.Contains(l, "previous="+exited.holder) || strings.Contains(l, "expired") {
		t.Fatalf("log = %q, want the take-over of an exited holder's lease, not an expired one", l)
	}
}

// linkGate sits between one client and the server: while closed, every
// request whose path contains match waits, unsent, until the gate opens
// or the request's context ends; failNext answers that many matching
// requests at once with 403 AccessDenied (a transient failure the lease
// cannot tell from others).
type linkGate struct {
	next  *http.Transport
	match string

	mu       sync.Mutex
	open     chan struct{} // nil: not closed
	failNext int
}

func newLinkGate(t *testing.T, match string) *linkGate {
	g := &linkGate{next: &http.Transport{}, match: match}
	t.Cleanup(g.next.CloseIdleConnections)
	t.Cleanup(g.reopen)
	return g
}

func (g *linkGate) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open == nil {
		g.open = make(chan struct{})
	}
}

func (g *linkGate) reopen() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.open != nil {
		close(g.open)
		g.open = nil
	}
}

func (g *linkGate) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.Contains(req.URL.Path, g.match) {
		g.mu.Lock()
		open, fail := g.open, g.failNext > 0
		if fail {
			g.failNext--
		}
		g.mu.Unlock()
		if fail {
			body := `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>denied by the test</Message></Error>`
			return &http.Response{StatusCode: http.StatusForbidden, Status: "403 Forbidden", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
				Header: http.Header{"Content-Type": {"application/xml"}}, Body: io.NopCloser(strings.NewReader(body)),
				ContentLength: int64(len(body)), Request: req}, nil
		}
		if open != nil {
			select {
			case <-open:
			case <-req.Context().Done():
				return nil, req.Context().Err()
			}
		}
	}
	return g.next.RoundTrip(req)
}

// leaseObjects returns Objects on bucket of s whose requests go through
// rt (nil: straight), with a lease of ttl.
func leaseObjects(t *testing.T, s *blobtest.Server, bucket string, rt http.RoundTripper, ttl time.Duration) *Objects {
	t.Helper()
	if rt == nil {
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		rt = tr
	}
	o := New(s.ClientThrough(t, rt), bucket, "data", "test")
	o.LeaseTTL = ttl
	return o
}

// waitLost waits (a long minute at most) for held to be cancelled.
func waitLost(t *testing.T, held context.Context) {
	t.Helper()
	select {
	case <-held.Done():
	case <-time.After(time.Minute):
		t.Fatal("the lease was never reported lost")
	}
}

// A holder whose renewals cannot get through (a network partition, a
// stalled process) for a whole TTL has lost its lease: another host may
// take it over from then on. LockLease's context is cancelled with that
// cause, confirm never revives the lease (even once the link is back),
// and unlock leaves the new holder's lease alone.
func TestLeaseLostWhenNotRenewedWithinTTL(t *testing.T) {
	ctx := context.Background()
	s := startMinio(t)
	bucket, err := s.Bucket(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gate := newLinkGate(t, "/.locks/")
	holder := leaseObjects(t, s, bucket, gate, time.Second)
	held, confirm, unlock, err := holder.LockLease(ctx, "snapshots")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	gate.close()
	waitLost(t, held)
	if cause := context.Cause(held); cause == nil || !strings.Contains(cause.Error(), "not renewed within its TTL") || errors.Is(cause, context.Canceled) {
		t.Fatalf("cause = %v, want the lease not renewed within its TTL (not a cancellation)", cause)
	}
	// Another host takes it over (after the TTL, on the server's clock).
	taker := leaseObjects(t, s, bucket, nil, time.Second)
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	unlockTaker, err := taker.Lock(tctx, "snapshots")
	if err != nil {
		t.Fatal(err)
	}
	defer unlockTaker()
	gate.reopen()
	if err := confirm(ctx); err == nil || !strings.Contains(err.Error(), "not renewed within its TTL") {
		t.Fatalf("confirm after the loss = %v, want the loss", err)
	}
	unlock()
	l, _, _, err := taker.readLease(ctx, ".locks/snapshots.lease")
	if err != nil || l.Holder != taker.holder {
		t.Fatalf("lease after the old holder's unlock: %+v %v, want the taker's", l, err)
	}
}

// A holder that stalled while another host took its lease over finds out
// at its next confirm, before its renewal timer fires: confirm names the
// new holder and cancels the held context, and unlock does not delete the
// new holder's lease.
func TestLeaseTakenOverIsLostAtConfirm(t *testing.T) {
	ctx := context.Background()
	s := startMinio(t)
	bucket, err := s.Bucket(ctx)
	if err != nil {
		t.Fatal(err)
	}
	holder := leaseObjects(t, s, bucket, nil, 30*time.Second)
	held, confirm, unlock, err := holder.LockLease(ctx, "snapshots")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if err := confirm(ctx); err != nil || held.Err() != nil {
		t.Fatalf("confirm of a lease held = %v (held: %v)", err, held.Err())
	}
	// What a taker does once the lease expired: If-Match on its ETag.
	taker := leaseObjects(t, s, bucket, nil, 30*time.Second)
	taker.holder = "another-host/7/taker"
	_, etag, err := taker.ReadVersion(ctx, ".locks/snapshots.lease")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := taker.WriteIfVersion(ctx, ".locks/snapshots.lease", taker.leaseBytes(), etag); err != nil || !ok {
		t.Fatalf("take over: %v %v", ok, err)
	}
	err = confirm(ctx)
	if err == nil || !strings.Contains(err.Error(), "taken over by another-host/7/taker") {
		t.Fatalf("confirm after a takeover = %v, want it naming the new holder", err)
	}
	if context.Cause(held) != err {
		t.Fatalf("held context: %v (cause %v), want cancelled with %v", held.Err(), context.Cause(held), err)
	}
	unlock()
	l, _, _, err := taker.readLease(ctx, ".locks/snapshots.lease")
	if err != nil || l.Holder != "another-host/7/taker" {
		t.Fatalf("lease after the old holder's unlock: %+v %v, want the taker's", l, err)
	}
}

// Renewals that fail for less than the TTL do not lose the lease: confirm
// tries again until one gets through, and the lease stays this holder's.
func TestLeaseSurvivesRenewalFailuresWithinTTL(t *testing.T) {
	ctx := context.Background()
	s := startMinio(t)
	bucket, err := s.Bucket(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gate := newLinkGate(t, "/.locks/")
	holder := leaseObjects(t, s, bucket, gate, 30*time.Second)
	held, confirm, unlock, err := holder.LockLease(ctx, "snapshots")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	gate.mu.Lock()
	gate.failNext = 3
	gate.mu.Unlock()
	if err := confirm(ctx); err != nil || held.Err() != nil {
		t.Fatalf("confirm through failing renewals = %v (held: %v), want the lease kept", err, held.Err())
	}
	gate.mu.Lock()
	left := gate.failNext
	gate.mu.Unlock()
	if left != 0 {
		t.Fatalf("%d failures left: confirm did not renew", left)
	}
	l, _, _, err := holder.readLease(ctx, ".locks/snapshots.lease")
	if err != nil || l.Holder != holder.holder {
		t.Fatalf("lease = %+v %v, want still ours", l, err)
	}
}

// The lease's warnings go to Logger when it is set, else to the logger the
// store handed over (UseLogger), else nowhere.
func TestLeaseLoggerPrecedence(t *testing.T) {
	o := New(nil, "bucket", "", "s3://bucket")
	o.logger().Warn("none") // discarded: no logger at all
	var handed, own bytes.Buffer
	o.UseLogger(slog.New(slog.NewTextHandler(&handed, nil)))
	o.logger().Warn("handed")
	o.Logger = slog.New(slog.NewTextHandler(&own, nil))
	o.logger().Warn("own")
	if h := handed.String(); !strings.Contains(h, "msg=handed") || strings.Contains(h, "msg=own") || strings.Contains(h, "msg=none") {
		t.Errorf("the handed-over logger got %q, want only the warning logged while Logger was unset", h)
	}
	if s := own.String(); !strings.Contains(s, "msg=own") || strings.Contains(s, "msg=handed") {
		t.Errorf("Logger got %q, want only the warning logged once it was set", s)
	}
}
