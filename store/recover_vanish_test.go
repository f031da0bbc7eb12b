package store

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/toaststats/toaststats/snapshot"
)

// vanishOnRename is the data directory, but whatever Recover moves aside
// is deleted just before the move: what Recover meets when a DELETE sent
// by a writer that crashed lands between its listing and its move.
type vanishOnRename struct {
	*DirObjects
	vanished []string
}

func (o *vanishOnRename) Rename(ctx context.Context, from, to string) error {
	if err := o.DirObjects.Delete(ctx, from); err != nil {
		return err
	}
	o.vanished = append(o.vanished, from)
	return o.DirObjects.Rename(ctx, from, to)
}

// Recover skips a damaged snapshot or a leftover that is gone by the time
// it moves it (there is nothing left to set aside), and repairs the rest;
// it used to fail ("move leftover …: file does not exist"), so a store a
// crashed writer left could not be repaired until Recover ran again.
func TestRecoverSkipsWhatVanished(t *testing.T) {
	localOnly(t, "wraps the directory backend's rename")
	ctx := context.Background()
	objs, err := NewDirObjects(t.TempDir())
	must(t, err)
	wrapped := &vanishOnRename{DirObjects: objs}
	st := OpenObjects(objs.Dir(), wrapped, Options{})
	t.Cleanup(func() { st.Close() })
	ss := st.Snapshots()

	publish(t, ss, "2025-10-01", snapshot.StatusSuccess)
	publish(t, ss, "2025-10-02", snapshot.StatusSuccess)
	must(t, objs.Delete(ctx, snapshotsPrefix+"2025-10-02/district_2.json")) // damaged: Recover moves it aside
	must(t, objs.Write(ctx, snapshotsPrefix+genPrefix+"2025-10-03-1a/district_1.json", []byte("{}")))

	rr, err := ss.Recover(ctx)
	if err != nil {
		t.Fatalf("Recover: %v (what vanished: %v)", err, wrapped.vanished)
	}
	if want := []string{snapshotsPrefix + "2025-10-02/", snapshotsPrefix + genPrefix + "2025-10-03-1a/"}; strings.Join(wrapped.vanished, " ") != strings.Join(want, " ") {
		t.Fatalf("vanished before their move: %v, want %v", wrapped.vanished, want)
	}
	var acts []string
	for _, a := range rr.Actions {
		acts = append(acts, a.Action+" "+a.SnapshotID)
	}
	// Nothing was moved (both were gone); the pointer, on the damaged
	// snapshot, goes back to the newest complete one.
	if strings.Join(acts, ",") != "repoint 2025-10-01" || !rr.Recovered {
		t.Fatalf("Recover did %v, recovered %v; want only the repoint to 2025-10-01", acts, rr.Recovered)
	}
	if list, err := st.Raw().QuarantineList(ctx); err != nil || len(list) != 0 {
		t.Fatalf("quarantine holds %+v (%v); nothing was left to move there", list, err)
	}
}

// copySourceVanishes deletes the source of the first server-side copy out
// of a leftover folder just before the copy reaches the storage server.
type copySourceVanishes struct {
	next    http.RoundTripper
	client  *s3.Client
	bucket  string
	once    atomic.Bool
	deleted atomic.Pointer[string]
}

func (c *copySourceVanishes) RoundTrip(r *http.Request) (*http.Response, error) {
	src := r.Header.Get("X-Amz-Copy-Source")
	if r.Method == http.MethodPut && strings.Contains(src, "/"+snapshotsPrefix+genPrefix) && c.once.CompareAndSwap(false, true) {
		key := strings.TrimPrefix(strings.TrimPrefix(src, "/"), c.bucket+"/")
		if _, err := c.client.DeleteObject(r.Context(), &s3.DeleteObjectInput{Bucket: &c.bucket, Key: &key}); err != nil {
			return nil, err
		}
		c.deleted.Store(&key)
	}
	return c.next.RoundTrip(r)
}

// On object storage a folder is moved one object at a time: an object of
// a leftover deleted between Recover's listing and its copy is skipped,
// the others are moved, and the source is left empty.
func TestRecoverSkipsAnObjectThatVanishedMidMove(t *testing.T) {
	if !onS3() {
		t.Skip("object storage only (TOASTSTATS_TEST_BACKEND=s3)")
	}
	ctx := context.Background()
	prefix := fmt.Sprintf("t%d", testPrefixes.Add(1))
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	rt := &copySourceVanishes{next: tr, client: testS3.Client(), bucket: testS3Bucket}
	st, _ := leaseStore(t, prefix, rt, 30*time.Second, time.Date(2025, 10, 4, 1, 0, 0, 0, time.UTC))
	ss := st.Snapshots()
	publish(t, ss, "2025-10-01", snapshot.StatusSuccess)
	left := snapshotsPrefix + genPrefix + "2025-10-03-1a/"
	for _, f := range []string{"district_1.json", "district_2.json"} {
		must(t, st.Objects().Write(ctx, left+f, []byte("{}")))
	}

	rr, err := ss.Recover(ctx)
	if err != nil {
		t.Fatalf("Recover: %v", err)
	}
	gone := rt.deleted.Load()
	if gone == nil {
		t.Fatal("the test deleted nothing: no copy out of the leftover was seen")
	}
	var to string
	for _, a := range rr.Actions {
		if a.Action == "quarantine-leftover" && a.From == left {
			to = a.To
		}
	}
	if to == "" || !rr.Recovered {
		t.Fatalf("Recover: %+v before %+v after %+v; want the leftover moved to quarantine", rr, rr.Before, rr.After)
	}
	survivor := "district_1.json"
	if strings.HasSuffix(*gone, survivor) {
		survivor = "district_2.json"
	}
	if b, err := st.Objects().Read(ctx, to+survivor); err != nil || string(b) != "{}" {
		t.Fatalf("quarantined %s: %q %v", to+survivor, b, err)
	}
	if ents, err := st.Objects().List(ctx, left); err != nil || len(ents) != 0 {
		t.Fatalf("the leftover still holds %v (%v)", ents, err)
	}
}
