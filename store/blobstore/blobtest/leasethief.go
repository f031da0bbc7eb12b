package blobtest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// LeaseThief is a loopback proxy in front of the server, with a bucket of
// its own: the n-th time (from 1) a client takes a lock lease whose name
// starts with a given prefix (a PUT of .locks/<name>.lease with
// If-None-Match: * that succeeds), it deletes the lease before the answer
// goes back. To the client that is another host taking the lease over, and
// releasing it, while this one stalled right after taking it: its lease is
// lost (toaststats's store then stops with store.ErrLeaseLost).
type LeaseThief struct {
	// URL is the store URL (s3://bucket?endpoint=…) through the proxy.
	URL string

	mu     sync.Mutex
	lock   string
	n      int
	stolen []string // the leases deleted
}

// NewLeaseThief starts a LeaseThief on a new bucket of s that steals the
// n-th lease taken whose name starts with lock (n = 0: none until Arm).
func (s *Server) NewLeaseThief(t testing.TB, lock string, n int) *LeaseThief {
	t.Helper()
	proxy, via := s.NewBucketBehind(t)
	th := &LeaseThief{lock: lock, n: n}
	proxy.ModifyResponse = func(resp *http.Response) error {
		r := resp.Request
		_, name, ok := strings.Cut(r.URL.Path, "/.locks/")
		taken := r.Method == http.MethodPut && r.Header.Get("If-None-Match") == "*" // not a renewal
		if !taken || !ok || !strings.HasSuffix(name, ".lease") || resp.StatusCode != http.StatusOK {
			return nil
		}
		th.mu.Lock()
		defer th.mu.Unlock()
		if th.n <= 0 || !strings.HasPrefix(name, th.lock) {
			return nil
		}
		if th.n--; th.n != 0 {
			return nil
		}
		bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if _, err := s.Client().DeleteObject(r.Context(), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
			t.Errorf("steal %s: %v", key, err)
		}
		th.stolen = append(th.stolen, key)
		return nil
	}
	ps := httptest.NewServer(proxy)
	t.Cleanup(ps.Close)
	th.URL = via(ps.URL)
	return th
}

// Arm makes the thief delete the n-th lease taken from now on whose name
// starts with lock.
func (th *LeaseThief) Arm(lock string, n int) {
	th.mu.Lock()
	defer th.mu.Unlock()
	th.lock, th.n = lock, n
}

// Stolen returns the keys of the leases deleted so far.
func (th *LeaseThief) Stolen() []string {
	th.mu.Lock()
	defer th.mu.Unlock()
	return append([]string(nil), th.stolen...)
}
