package main

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/toaststats/toaststats/scrape"
	"github.com/toaststats/toaststats/store"
	"github.com/toaststats/toaststats/store/blobstore/blobtest"
)

// leaseThief is a loopback proxy in front of the S3 server: the n-th time
// (from 1) a client takes a lock lease whose name starts with lock (a PUT
// of .locks/<name>.lease with If-None-Match: * that succeeds), it deletes
// the lease before the answer goes back. To the client that is another host taking the lease
// over, and releasing it, while this one stalled right after taking it:
// its lease is lost.
type leaseThief struct {
	url string // the store's URL through the proxy

	mu     sync.Mutex
	lock   string
	n      int
	stolen []string // the leases deleted
}

func newLeaseThief(t *testing.T, srv *blobtest.Server, lock string, n int) *leaseThief {
	t.Helper()
	direct := srv.NewBucketURL(t)
	u, err := url.Parse(direct)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	target, err := url.Parse(q.Get("endpoint"))
	if err != nil {
		t.Fatal(err)
	}
	th := &leaseThief{lock: lock, n: n}
	proxy := httputil.NewSingleHostReverseProxy(target) // keeps the signed Host header
	proxy.ModifyResponse = func(resp *http.Response) error {
		r := resp.Request
		_, name, ok := strings.Cut(r.URL.Path, "/.locks/")
		taken := r.Method == http.MethodPut && r.Header.Get("If-None-Match") == "*" // not a renewal
		if !taken || !ok || !strings.HasPrefix(name, th.lock) || !strings.HasSuffix(name, ".lease") || resp.StatusCode != http.StatusOK {
			return nil
		}
		th.mu.Lock()
		defer th.mu.Unlock()
		if th.n--; th.n != 0 {
			return nil
		}
		bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		if _, err := srv.Client().DeleteObject(r.Context(), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
			t.Errorf("steal %s: %v", key, err)
		}
		th.stolen = append(th.stolen, key)
		return nil
	}
	ps := httptest.NewServer(proxy)
	t.Cleanup(ps.Close)
	q.Set("endpoint", ps.URL)
	u.RawQuery = q.Encode()
	th.url = u.String()
	return th
}

// arm makes the thief delete the n-th lease taken from now on whose name
// starts with lock.
func (th *leaseThief) arm(lock string, n int) {
	th.mu.Lock()
	defer th.mu.Unlock()
	th.lock, th.n = lock, n
}

func (th *leaseThief) stole() []string {
	th.mu.Lock()
	defer th.mu.Unlock()
	return append([]string(nil), th.stolen...)
}

// A scrape, a backfill or a change of the tracked districts on object
// storage whose lock lease is lost while it writes (another host took it
// over) fails with exit 1, not as a usage error, with a message that says
// the lease was lost and that running the command again is safe; and
// running it again does finish the job.
func TestWritesStoppedByALostLeaseExitOne(t *testing.T) {
	srv := blobtest.New(t)
	w, dash := scrapeTestWorld(t, 2)
	date := w.Newest()
	ctx := context.Background()
	check := func(t *testing.T, code int, stderr string, what string) {
		t.Helper()
		if code != exitFailed {
			t.Errorf("exit %d, want %d\n%s", code, exitFailed, stderr)
		}
		for _, want := range []string{what + " stopped", "lock lease was lost", "Running the command again is safe", store.ErrLeaseLost.Error()} {
			if !strings.Contains(stderr, want) {
				t.Errorf("message lacks %q:\n%s", want, stderr)
			}
		}
	}

	t.Run("scrape", func(t *testing.T) {
		// The second raw-cache write: a district's first report.
		th := newLeaseThief(t, srv, "raw-", 2)
		args := []string{"scrape", "--mode", "http", "--rate", "0", "--date", date, "--json", "--store", th.url, "--base-url", dash.URL}
		stdout, stderr, code := scrapeCLI(t, nil, args...)
		check(t, code, stderr, "writing into the raw cache")
		s := decodeScrapeSummary(t, stdout)
		if len(th.stole()) != 1 || s.Status != scrape.StatusPartial || len(s.Errors) != 1 || !strings.Contains(s.Errors[0].Error, store.ErrLeaseLost.Error()) {
			t.Fatalf("stole %v; summary %+v", th.stole(), s)
		}
		// Again: the report that was not written is collected now.
		stdout, stderr, code = scrapeCLI(t, nil, args...)
		if s := decodeScrapeSummary(t, stdout); code != 0 || s.Cache.FilesCreated != 1 {
			t.Fatalf("scrape again: exit %d, summary %+v\n%s", code, s, stderr)
		}

		// build --gzip-after-days compresses the raw cache after building,
		// under the same leases.
		th.arm("raw-", 1)
		build := []string{"build", "--store", th.url, "--date", date, "--gzip-after-days", "1", "--json"}
		stdout, stderr, code = scrapeCLI(t, map[string]string{"TOASTSTATS_NOW": snapshotTestNow}, build...)
		check(t, code, stderr, "compressing the raw cache")
		if len(th.stole()) != 2 {
			t.Fatalf("stole %v, want a raw-cache lease taken by the build", th.stole())
		}
		stdout, stderr, code = scrapeCLI(t, map[string]string{"TOASTSTATS_NOW": snapshotTestNow}, build...)
		if code != 0 || !strings.Contains(stdout, `"rawCompressed"`) {
			t.Fatalf("build again: exit %d\n%s%s", code, stdout, stderr)
		}
	})
	t.Run("backfill", func(t *testing.T) {
		th := newLeaseThief(t, srv, "raw-", 2)
		args := []string{"backfill", "--mode", "http", "--rate", "0", "--from", date, "--to", date, "--store", th.url, "--base-url", dash.URL}
		_, stderr, code := scrapeCLI(t, nil, args...)
		check(t, code, stderr, "writing into the raw cache")
		if _, stderr, code := scrapeCLI(t, nil, args...); code != 0 {
			t.Fatalf("backfill again: exit %d\n%s", code, stderr)
		}
	})
	t.Run("init --districts", func(t *testing.T) {
		th := newLeaseThief(t, srv, "config", 1)
		_, stderr, code := scrapeCLI(t, nil, "init", "--store", th.url, "--districts", "61")
		check(t, code, stderr, "remembering --districts in config/districts.json")
		objs, err := store.OpenBackend(ctx, th.url)
		if err != nil {
			t.Fatal(err)
		}
		if b, err := objs.Read(ctx, "config/districts.json"); !errors.Is(err, fs.ErrNotExist) || len(th.stole()) != 1 {
			t.Fatalf("config/districts.json after the lost lease: %q %v (stole %v), want none", b, err, th.stole())
		}
		if stdout, stderr, code := scrapeCLI(t, nil, "init", "--store", th.url, "--districts", "61"); code != 0 || !strings.Contains(stdout, "tracking 61 districts") {
			t.Fatalf("init again: exit %d\n%s%s", code, stdout, stderr)
		}
	})
}
