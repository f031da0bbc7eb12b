//go:build linux

package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/toaststats/toaststats/snapshot"
)

// Where openat2 is missing (kernels before 5.6) every open goes through the
// os.Root: a snapshot is published and read back, and a link out of the data
// directory is still refused, on both paths.
func TestOpenWithAndWithoutOpenat2(t *testing.T) {
	localOnly(t, "openat2 and os.Root open files of the local directory")
	ctx := context.Background()
	for _, without := range []bool{false, true} {
		noOpenat2.Store(without)
		st := openTest(t, Options{})
		must(t, st.Snapshots().Publish(ctx, makeSnapshot("2025-10-01", snapshot.StatusSuccess, 3, 4)))
		v, err := st.Snapshots().Current(ctx)
		must(t, err)
		if _, err := v.District(ctx, v.DistrictIDs()[0]); err != nil {
			t.Errorf("without openat2 %v: read district: %v", without, err)
		}
		outside := filepath.Join(t.TempDir(), "secret")
		must(t, os.WriteFile(outside, []byte("secret"), 0o644))
		must(t, os.Symlink(outside, filepath.Join(st.Dir(), "link")))
		if b, err := st.Objects().Read(ctx, "link"); err == nil {
			t.Errorf("without openat2 %v: read %q through a link out of the directory", without, b)
		}
		if err := st.Objects().Write(ctx, "snapshots/x/link", []byte("x")); err != nil {
			t.Errorf("without openat2 %v: write: %v", without, err)
		}
	}
	noOpenat2.Store(false)
}

// TestReadsLeaveAccessTimes: reading an object or listing a folder does not
// update its access time (O_NOATIME), where a plain read would (relatime: the access time is
// older than the modification time). Skipped where the file system does not
// update access times at all.
func TestReadsLeaveAccessTimes(t *testing.T) {
	localOnly(t, "access times are a local file system's")
	ctx := context.Background()
	st := openTest(t, Options{})
	old := time.Now().Add(-48 * time.Hour).Truncate(time.Second)
	write := func(name string) string {
		p := filepath.Join(st.Dir(), name)
		must(t, os.WriteFile(p, []byte("district,club\n"), 0o644))
		must(t, os.Chtimes(p, old, time.Now()))
		return p
	}
	atime := func(p string) time.Time {
		var s unix.Stat_t
		must(t, unix.Stat(p, &s))
		return time.Unix(s.Atim.Unix())
	}
	control := write("control.csv")
	if _, err := os.ReadFile(control); err != nil {
		t.Fatal(err)
	}
	if atime(control).Equal(old) {
		t.Skip("this file system does not update access times on read (noatime)")
	}
	p := write("report.csv")
	b, err := st.Objects().Read(ctx, "report.csv")
	if err != nil || string(b) != "district,club\n" {
		t.Fatalf("read %q %v", b, err)
	}
	if got := atime(p); !got.Equal(old) {
		t.Fatalf("access time %v after a read, want it left at %v", got, old)
	}
	// A listing leaves the folder's access time alone too.
	dir := filepath.Join(st.Dir(), "raw-csv", "2025-11-20")
	must(t, os.MkdirAll(dir, 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "all-districts.csv"), []byte("x"), 0o644))
	must(t, os.Chtimes(dir, old, time.Now()))
	keys, err := st.Objects().List(ctx, "raw-csv/2025-11-20/")
	if err != nil || len(keys) != 1 {
		t.Fatalf("list: %q %v", keys, err)
	}
	if got := atime(dir); !got.Equal(old) {
		t.Fatalf("folder access time %v after a listing, want it left at %v", got, old)
	}
	if noatimeRefused.Load() {
		t.Fatal("O_NOATIME refused on the process's own file")
	}
}
