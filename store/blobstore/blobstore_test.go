package blobstore_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"go.uber.org/goleak"
	"golang.org/x/sync/errgroup"

	"github.com/toaststats/toaststats/store/blobstore"
	"github.com/toaststats/toaststats/store/blobstore/blobtest"
)

var srv *blobtest.Server

func TestMain(m *testing.M) {
	dir, _ := os.MkdirTemp("", "blobstore-test-")
	s, err := blobtest.Start(dir)
	switch {
	case errors.Is(err, blobtest.ErrNoMinio) && !blobtest.Required():
		// Tests skip one by one (see open).
	case err != nil:
		os.Stderr.WriteString(err.Error() + "\n")
		os.RemoveAll(dir)
		os.Exit(1)
	default:
		srv = s
	}
	code := m.Run()
	if srv != nil {
		srv.Stop()
	}
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(); err != nil {
			os.Stderr.WriteString("goroutines left running after the tests: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}

func open(t *testing.T) *blobstore.Objects {
	t.Helper()
	if srv == nil {
		t.Skip(blobtest.ErrNoMinio)
	}
	o, err := blobstore.Open(context.Background(), srv.NewBucketURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	return o
}

func TestReadWriteListDelete(t *testing.T) {
	ctx := context.Background()
	o := open(t)
	if _, err := o.Read(ctx, "a/b.json"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("read absent: %v, want fs.ErrNotExist", err)
	}
	for _, k := range []string{"a/b.json", "a/c/d.csv", "a/c/e.csv", "top.json"} {
		if err := o.Write(ctx, k, []byte("x-"+k)); err != nil {
			t.Fatal(err)
		}
	}
	b, err := o.Read(ctx, "a/c/d.csv")
	if err != nil || string(b) != "x-a/c/d.csv" {
		t.Fatalf("read = %q, %v", b, err)
	}
	got, err := o.List(ctx, "")
	if want := []string{"a/", "top.json"}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("list top = %v, %v; want %v", got, err, want)
	}
	got, _ = o.List(ctx, "a/")
	if want := []string{"a/b.json", "a/c/"}; !slices.Equal(got, want) {
		t.Fatalf("list a/ = %v, want %v", got, want)
	}
	if got, _ := o.List(ctx, "missing/"); len(got) != 0 {
		t.Fatalf("list missing = %v", got)
	}
	n, _, err := o.Stat(ctx, "a/b.json")
	if err != nil || n != int64(len("x-a/b.json")) {
		t.Fatalf("stat = %d, %v", n, err)
	}
	if err := o.Delete(ctx, "a/c/"); err != nil {
		t.Fatal(err)
	}
	got, _ = o.List(ctx, "a/")
	if want := []string{"a/b.json"}; !slices.Equal(got, want) {
		t.Fatalf("after delete: %v", got)
	}
	if err := o.Delete(ctx, "a/nothing"); err != nil {
		t.Fatalf("delete absent: %v", err)
	}
	if err := o.Rename(ctx, "a/", "z/"); err != nil {
		t.Fatal(err)
	}
	got, _ = o.List(ctx, "")
	if want := []string{"top.json", "z/"}; !slices.Equal(got, want) {
		t.Fatalf("after rename: %v", got)
	}
	if _, err := o.Read(ctx, "../x"); err == nil {
		t.Fatal("read ../x: no error")
	}
}

func TestConditionalWrites(t *testing.T) {
	ctx := context.Background()
	o := open(t)
	ok, err := o.WriteIfVersion(ctx, "p.json", []byte("1"), "")
	if err != nil || !ok {
		t.Fatalf("create: %v %v", ok, err)
	}
	ok, err = o.WriteIfVersion(ctx, "p.json", []byte("2"), "")
	if err != nil || ok {
		t.Fatalf("second create: %v %v, want false", ok, err)
	}
	b, v1, err := o.ReadVersion(ctx, "p.json")
	if err != nil || string(b) != "1" || v1 == "" {
		t.Fatalf("read version: %q %q %v", b, v1, err)
	}
	ok, err = o.WriteIfVersion(ctx, "p.json", []byte("3"), v1)
	if err != nil || !ok {
		t.Fatalf("write if match: %v %v", ok, err)
	}
	ok, err = o.WriteIfVersion(ctx, "p.json", []byte("4"), v1)
	if err != nil || ok {
		t.Fatalf("write with stale etag: %v %v, want false", ok, err)
	}
	b, _ = o.Read(ctx, "p.json")
	if string(b) != "3" {
		t.Fatalf("content %q, want 3", b)
	}
	_, _, v3, _ := o.StatVersion(ctx, "p.json")
	if v3 == v1 || v3 == "" {
		t.Fatalf("etag did not change: %q %q", v1, v3)
	}
	// If-Match on a missing key: not written, no error.
	ok, err = o.WriteIfVersion(ctx, "missing.json", []byte("5"), v3)
	if err != nil || ok {
		t.Fatalf("write if match on a missing key: %v %v, want false", ok, err)
	}
	if _, err := o.Read(ctx, "missing.json"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing.json after a failed If-Match: %v, want fs.ErrNotExist", err)
	}
	if _, _, _, err := o.StatVersion(ctx, "missing.json"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("stat missing: %v, want fs.ErrNotExist", err)
	}
}

// Two Objects (two "hosts") on one bucket: the lease admits one holder at a
// time, and an expired lease is taken over.
func TestLeaseIsExclusiveAcrossClients(t *testing.T) {
	ctx := context.Background()
	u := srv0(t).NewBucketURL(t)
	var clients []*blobstore.Objects
	for range 3 {
		o, err := blobstore.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		o.LeaseTTL = 3 * time.Second
		defer o.Close()
		clients = append(clients, o)
	}
	var inside, maxInside, total atomic.Int64
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := clients[i%3].Lock(ctx, "snapshots")
			if err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			for m := maxInside.Load(); n > m && !maxInside.CompareAndSwap(m, n); m = maxInside.Load() {
			}
			time.Sleep(30 * time.Millisecond)
			inside.Add(-1)
			total.Add(1)
			unlock()
		}()
	}
	wg.Wait()
	if maxInside.Load() != 1 || total.Load() != 6 {
		t.Fatalf("max holders %d, total %d; want 1 and 6", maxInside.Load(), total.Load())
	}
	// A holder that vanished without releasing (a killed process): its
	// lease is taken over once expired, not before.
	if err := clients[0].Write(ctx, ".locks/build.lease", []byte(`{"holder":"dead","expires":"`+time.Now().Add(time.Second).UTC().Format(time.RFC3339Nano)+`"}`)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	unlock, err := clients[1].Lock(ctx, "build")
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	if d := time.Since(start); d < 500*time.Millisecond {
		t.Fatalf("took over a live lease after %v", d)
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	unlock, err = clients[1].Lock(ctx, "build")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := clients[2].Lock(short, "build"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second holder: %v, want deadline exceeded", err)
	}
	unlock()
}

func srv0(t *testing.T) *blobtest.Server {
	if srv == nil {
		t.Skip(blobtest.ErrNoMinio)
	}
	return srv
}

// Open refuses, before any request, what it cannot honour, and names it: an
// unknown query parameter (a typo must not be ignored) or a bad value.
func TestOpenRefusesBadURLs(t *testing.T) {
	for u, want := range map[string]string{
		"s3://b/p?endpoint=http://x&use_path_stlye=true": `unknown query parameter "use_path_stlye"`,
		"s3://b/p?awssdk=v2":                             `unknown query parameter "awssdk"`,
		"s3://b/p?use_path_style=maybe":                  `invalid value for "use_path_style"`,
		"s3://b/p?anonymous=yes":                         `invalid value for "anonymous"`,
		"s3://key:secret@b/p":                            "carries credentials",
		"s3:///p":                                        "names no bucket",
		"s3://b/a/../b":                                  `bad prefix "a/../b"`,
		"s3://b/a..__0x2f__b":                            "bad prefix",
		"s3://b/x..":                                     `bad prefix "x.."`,
		"gs://b/p":                                       "ifGenerationMatch",
		"azblob://b/p":                                   "If-Match",
		"ftp://x":                                        `unsupported scheme "ftp"`,
		"s3://b/p?response_timeout=soon":                 `invalid value for "response_timeout" in "s3://b/p?response_timeout=soon": "soon" is not a duration`,
		"s3://b/p?response_timeout=-5s":                  `invalid value for "response_timeout"`,
	} {
		_, err := blobstore.Open(context.Background(), u)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%s) = %v, want an error containing %s", u, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%s): the error shows the secret: %v", u, err)
		}
	}
}

// A missing bucket is found at Open (HeadBucket), and said so.
func TestOpenMissingBucket(t *testing.T) {
	s := srv0(t)
	_, err := blobstore.Open(context.Background(), s.URL("no-such-bucket", "data"))
	if err == nil || !strings.Contains(err.Error(), `blobstore: bucket "no-such-bucket" at s3://no-such-bucket/data?`) || !strings.HasSuffix(err.Error(), ": no such bucket") {
		t.Fatalf("open a missing bucket: %v", err)
	}
}

// When Open's HEAD on the bucket is refused, the error says why in words,
// for the answers whose own text names no cause (a HEAD's answer has no
// body): AWS's 301 (or 400) for a bucket of another region, naming the
// bucket's region in x-amz-bucket-region, and 403 for credentials that may
// not list the bucket. No server is needed: a loopback server gives AWS's
// answers.
func TestOpenSaysWhyTheBucketIsUnreachable(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "test-key")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	for _, c := range []struct {
		name   string
		status int
		region string // x-amz-bucket-region, if any
		url    string // after s3://bucket?endpoint=...&use_path_style=true
		want   string
	}{
		{"another region (301)", 301, "eu-west-1", "",
			"the bucket is in region eu-west-1, not us-east-1: add region=eu-west-1 to the URL (or set AWS_REGION=eu-west-1)"},
		{"another region (400)", 400, "ap-southeast-2", "&region=eu-west-1",
			"the bucket is in region ap-southeast-2, not eu-west-1: add region=ap-southeast-2 to the URL"},
		{"denied", 403, "", "", "access denied: the credentials in use"},
		// AWS names the region on a 403 too: the same region is no cause.
		{"denied, same region", 403, "us-east-1", "", "access denied: the credentials in use"},
		{"missing", 404, "", "", "no such bucket"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var heads atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodHead && r.URL.Path == "/bucket" {
					heads.Add(1)
				}
				if c.region != "" {
					w.Header().Set("x-amz-bucket-region", c.region)
				}
				w.WriteHeader(c.status)
			}))
			defer ts.Close()
			u := "s3://bucket/data?endpoint=" + ts.URL + "&use_path_style=true" + c.url
			_, err := blobstore.Open(context.Background(), u)
			if testing.Verbose() {
				t.Log(err)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), `blobstore: bucket "bucket" at s3://bucket/data?`) {
				t.Fatalf("Open = %v; want an error naming the bucket and saying %q", err, c.want)
			}
			if c.status == 403 && strings.Contains(err.Error(), "region") {
				t.Errorf("a refusal in the bucket's own region blamed on the region: %v", err)
			}
			if heads.Load() == 0 {
				t.Errorf("no HEAD on the bucket reached the server")
			}
		})
	}
}

// response_timeout= in the URL sets how long each attempt waits on a
// silent server: Open's own HEAD to a server that never answers fails
// naming it, after the SDK's retries, instead of hanging; 0 is no bound.
func TestResponseTimeoutFromURL(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "test-key")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
	var silent atomic.Bool
	var heads atomic.Int32
	quit := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		heads.Add(1)
		if silent.Load() {
			select {
			case <-r.Context().Done():
			case <-quit:
			}
			return
		}
	}))
	defer ts.Close()
	defer close(quit) // before ts.Close, which waits on the handlers
	base := "s3://bucket/data?endpoint=" + ts.URL + "&use_path_style=true&region=us-east-1"
	for q, want := range map[string]time.Duration{"": 0, "&response_timeout=90s": 90 * time.Second, "&response_timeout=0": -1} {
		o, err := blobstore.Open(context.Background(), base+q)
		if err != nil {
			t.Fatalf("Open(%s): %v", q, err)
		}
		if o.ResponseTimeout != want {
			t.Errorf("Open(%s).ResponseTimeout = %v, want %v", q, o.ResponseTimeout, want)
		}
	}
	silent.Store(true)
	heads.Store(0)
	done := make(chan error, 1)
	go func() {
		_, err := blobstore.Open(context.Background(), base+"&response_timeout=200ms")
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "timeout: no response headers from the server within 200ms") {
			t.Fatalf("Open on a silent server = %v; want the 200ms timeout named", err)
		}
	case <-time.After(time.Minute): // a guard against a hang, not a timing assertion
		t.Fatal("Open on a silent server has not returned after a minute")
	}
	if n := heads.Load(); n != 3 {
		t.Errorf("%d HEADs reached the silent server; want 3 (the SDK's attempts)", n)
	}
}

// The URL's path, joined with prefix=, is the key prefix: objects are
// stored under it (with the content type of their extension), and listings
// strip it and skip folder markers.
func TestPrefix(t *testing.T) {
	ctx := context.Background()
	s := srv0(t)
	bucket, err := s.Bucket(ctx)
	if err != nil {
		t.Fatal(err)
	}
	o, err := blobstore.Open(ctx, s.URL(bucket, "data")+"&prefix=sub/")
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if err := o.Write(ctx, "a/b.json", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if err := o.Write(ctx, "c.csv", nil); err != nil {
		t.Fatal(err)
	}
	c := s.Client()
	for _, m := range []string{"data/sub/", "data/sub/a/"} { // folder markers, as some tools make
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(m), Body: strings.NewReader("")}); err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	for k, ct := range map[string]string{"data/sub/a/b.json": "application/json", "data/sub/c.csv": "text/csv"} {
		h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String(k)})
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if got := aws.ToString(h.ContentType); got != ct {
			t.Errorf("%s: content type %q, want %q", k, got, ct)
		}
		keys = append(keys, k)
	}
	if got, err := o.List(ctx, ""); err != nil || !slices.Equal(got, []string{"a/", "c.csv"}) {
		t.Fatalf("list top = %v, %v", got, err)
	}
	if got, err := o.List(ctx, "a/"); err != nil || !slices.Equal(got, []string{"a/b.json"}) {
		t.Fatalf("list a/ = %v, %v", got, err)
	}
	if b, err := o.Read(ctx, "c.csv"); err != nil || len(b) != 0 {
		t.Fatalf("read the empty object: %q, %v", b, err)
	}
	// The same objects through New on the client.
	n := blobstore.New(c, bucket, "/data/sub/", "test")
	if b, err := n.Read(ctx, "a/b.json"); err != nil || string(b) != "{}" {
		t.Fatalf("New: read = %q, %v", b, err)
	}
	if n.String() != "test" || n.Client() != c {
		t.Fatalf("New: String %q, Client %p", n.String(), n.Client())
	}
}

// Listings page (ListObjectsV2 returns at most 1,000 keys and common
// prefixes a request): a folder of 1,050 entries, half objects and half
// sub-folders, lists whole, and so do its 1,050 objects recursively.
func TestListPages(t *testing.T) {
	ctx := context.Background()
	o := open(t)
	const n = 1050
	var entries, objects []string
	for i := range n {
		if i%2 == 0 {
			entries = append(entries, fmt.Sprintf("big/f%04d.json", i))
			objects = append(objects, entries[i])
		} else {
			entries = append(entries, fmt.Sprintf("big/d%04d/", i))
			objects = append(objects, entries[i]+"x")
		}
	}
	slices.Sort(entries)
	slices.Sort(objects)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for _, k := range objects {
		g.Go(func() error { return o.Write(gctx, k, []byte(k)) })
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if got, err := o.List(ctx, "big/"); err != nil || !slices.Equal(got, entries) {
		t.Fatalf("list big/: %d entries, %v; want %d", len(got), err, n)
	}
	got, err := blobstore.ListAll(o, ctx, "big/")
	if slices.Sort(got); err != nil || !slices.Equal(got, objects) {
		t.Fatalf("listAll big/: %d keys, %v; want %d", len(got), err, n)
	}
	// A folder delete is a listing too: every object goes.
	if err := o.Delete(ctx, "big/"); err != nil {
		t.Fatal(err)
	}
	if got, err := blobstore.ListAll(o, ctx, "big/"); err != nil || len(got) != 0 {
		t.Fatalf("after delete: %d keys left, %v", len(got), err)
	}
}

// Copy escapes the source key: a space and a '+' reach the server as
// themselves.
func TestCopyEscapesKeys(t *testing.T) {
	ctx := context.Background()
	o := open(t)
	from, to := "in/a b+c.json", "out/d e+f.json"
	if err := o.Write(ctx, from, []byte("x y")); err != nil {
		t.Fatal(err)
	}
	if err := o.Copy(ctx, from, to); err != nil {
		t.Fatal(err)
	}
	if b, err := o.Read(ctx, to); err != nil || string(b) != "x y" {
		t.Fatalf("read the copy: %q, %v", b, err)
	}
	if got, err := o.List(ctx, "out/"); err != nil || !slices.Equal(got, []string{to}) {
		t.Fatalf("list out/ = %q, %v", got, err)
	}
	if err := o.Copy(ctx, "in/a b c.json", to); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("copy a missing key: %v, want fs.ErrNotExist", err)
	}
	if err := o.Rename(ctx, to, "out/g h+i.json"); err != nil {
		t.Fatal(err)
	}
	if got, _ := o.List(ctx, "out/"); !slices.Equal(got, []string{"out/g h+i.json"}) {
		t.Fatalf("after rename: %q", got)
	}
}

// Keys the previous, gocloud.dev-based backend stored under another name
// (escaped) are refused, rather than silently naming other objects.
func TestKeysStoredVerbatim(t *testing.T) {
	ctx := context.Background()
	o := open(t)
	for _, k := range []string{"a../b", "x__0x2f__y", "tab\there", "bad\xffutf8"} {
		if err := o.Write(ctx, k, nil); err == nil || !strings.Contains(err.Error(), "invalid key") {
			t.Errorf("write %q: %v, want invalid key", k, err)
		}
	}
	if _, err := o.List(ctx, "a../"); err == nil {
		t.Error("list a../: no error")
	}
}
