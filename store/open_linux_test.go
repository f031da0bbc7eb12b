//go:build linux

package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"

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
