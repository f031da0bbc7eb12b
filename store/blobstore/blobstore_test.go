package blobstore_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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

func TestRefusedSchemes(t *testing.T) {
	for _, u := range []string{"gs://b/p", "azblob://b/p", "ftp://x"} {
		if _, err := blobstore.Open(context.Background(), u); err == nil {
			t.Errorf("%s: no error", u)
		} else {
			t.Logf("%s: %v", u, err)
		}
	}
}
