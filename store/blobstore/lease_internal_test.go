package blobstore

import (
	"context"
	"errors"
	"os"
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
