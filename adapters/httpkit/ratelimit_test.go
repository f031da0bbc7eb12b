package httpkit

import (
	"math"
	"testing"
)

// TestLimiter: each client has its own bucket of burst tokens; a refused
// client is told to wait the time of one token, rounded up, at least 1 s.
func TestLimiter(t *testing.T) {
	l := NewLimiter(0.25, 2) // a token every 4 s
	defer l.Close()
	for i, want := range []bool{true, true, false} {
		if ok, retry := l.Allow("a"); ok != want || (!ok && retry != 4) {
			t.Fatalf("a #%d: %v, retry %d", i+1, ok, retry)
		}
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("b refused: buckets are per client")
	}
	fast := NewLimiter(50, 0) // burst raised to 1; a token every 20 ms
	defer fast.Close()
	if ok, _ := fast.Allow("a"); !ok {
		t.Fatal("first request refused")
	}
	if ok, retry := fast.Allow("a"); ok || retry != 1 {
		t.Fatalf("second: %v, retry %d (want refused, 1)", ok, retry)
	}
	off := NewLimiter(0, 0)
	for range 100 {
		if ok, _ := off.Allow("a"); !ok {
			t.Fatal("a disabled limiter refused")
		}
	}
	off.Close()
	off.Close() // twice is fine
	l.Close()
}

// TestLimiterNaNRate: a NaN rate is no limit, as a rate <= 0 is, and
// Close returns. It started the sweeping goroutine, then Allow let every
// request through and Close (which closed nothing, NaN > 0 being false)
// waited for that goroutine for ever: a server's shutdown hung.
func TestLimiterNaNRate(t *testing.T) {
	l := NewLimiter(math.NaN(), 2)
	for i := range 5 {
		if ok, retry := l.Allow("192.0.2.1"); !ok || retry != 0 {
			t.Fatalf("request %d: %v, %d", i, ok, retry)
		}
	}
	l.Close() // hung before
}
