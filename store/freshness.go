package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// fileStamp is what a snapshot file looked like on disk (size and
// modification time) just before it was read into the read cache, and when
// that was last confirmed (checked, on the monotonic clock).
type fileStamp struct {
	size    int64
	mod     time.Time
	ver     string // ETag on object storage
	checked time.Time
}

func (st *fileStamp) same(size int64, mod time.Time, ver string) bool {
	return st.size == size && st.mod.Equal(mod) && st.ver == ver
}

// statFile stats key with its version when the backend has one.
func (s *SnapshotStore) statFile(ctx context.Context, key string) (int64, time.Time, string, error) {
	if vs, ok := s.objs.(VersionStatter); ok {
		return vs.StatVersion(ctx, key)
	}
	n, mod, err := s.objs.(Statter).Stat(ctx, key)
	return n, mod, "", err
}

// stampPath is the object key of a snapshot file of the view.
func (v *View) stampPath(name string) string { return snapshotsPrefix + v.ID + "/" + name }

// stamp returns the recorded stamp of the file and whether it was confirmed
// within the check interval (so need not be looked at again yet).
func (v *View) stamp(name string) (st *fileStamp, fresh bool) {
	x, ok := v.s.stamps.Load(v.stampPath(name))
	if !ok {
		return nil, false
	}
	st = x.(*fileStamp)
	every := v.s.opts.FileCheckInterval
	return st, every > 0 && time.Since(st.checked) < every
}

// recordStamp notes the file's size and modification time before it is
// read, so that a later change on disk (a damaged or hand-edited file, a
// repair by another process) is noticed: stat first, then read, so a
// change racing the read shows as a different stamp next time.
func (v *View) recordStamp(ctx context.Context, name string) {
	if _, ok := v.s.objs.(Statter); !ok {
		return
	}
	size, mod, ver, err := v.s.statFile(ctx, v.stampPath(name))
	if err != nil {
		v.s.stamps.Delete(v.stampPath(name))
		return
	}
	v.s.stamps.Store(v.stampPath(name), &fileStamp{size: size, mod: mod, ver: ver, checked: time.Now()})
}

// unchanged reports whether the file is still as it was when its cached
// copies were read. When it is not (or cannot be told), the cached copies
// under keys are dropped, so the caller reads the file again and verifies
// it against the manifest: the read cache never keeps serving a file that
// changed on disk, and no restart is needed. The disk is looked at (one
// stat) at most once per Options.FileCheckInterval per file. A backend that
// cannot stat (no Statter) is trusted as before.
func (v *View) unchanged(ctx context.Context, name string, keys ...string) bool {
	if _, ok := v.s.objs.(Statter); !ok {
		return true
	}
	st, fresh := v.stamp(name)
	if fresh {
		return true
	}
	size, mod, ver, err := v.s.statFile(ctx, v.stampPath(name))
	if err == nil && st != nil && st.same(size, mod, ver) {
		v.s.stamps.Store(v.stampPath(name), &fileStamp{size: size, mod: mod, ver: ver, checked: time.Now()})
		return true
	}
	for _, k := range keys {
		v.s.cache.Delete(k)
	}
	v.s.log.Info("snapshot file changed on disk; reading it again", "file", v.stampPath(name))
	return false
}

// DamagedFile is a snapshot file a read found damaged (missing, wrong
// sha256, or not the JSON the manifest promises).
type DamagedFile struct {
	SnapshotID string `json:"snapshotId"`
	// File is the object key, e.g. "snapshots/2026-03-31/district_61.json".
	File    string `json:"file"`
	Problem string `json:"problem"`
}

// noteRead records the outcome of reading a snapshot file: a damaged file
// is remembered (see Damaged) until a later read of it succeeds.
func (v *View) noteRead(name string, err error) {
	switch {
	case err == nil:
		v.s.damaged.Delete(v.stampPath(name))
	case errors.Is(err, ErrCorrupt):
		v.s.damaged.Store(v.stampPath(name), DamagedFile{SnapshotID: v.ID, File: v.stampPath(name), Problem: err.Error()})
	}
}

// Damaged lists the files of snapshot id that reads found damaged since
// they were last read successfully (all snapshots when id is ""), sorted by
// file. It is what a server reports in its health answer; Check and
// CheckSnapshot verify every file instead.
func (s *SnapshotStore) Damaged(id string) []DamagedFile {
	var out []DamagedFile
	s.damaged.Range(func(_, x any) bool {
		if d := x.(DamagedFile); id == "" || d.SnapshotID == id {
			out = append(out, d)
		}
		return true
	})
	slices.SortFunc(out, func(a, b DamagedFile) int { return strings.Compare(a.File, b.File) })
	return out
}

// QuickCheck checks one dated snapshot cheaply: metadata and manifest
// parse, and every file the manifest lists is present with its size (no
// sha256; CheckSnapshot does the full check).
func (s *SnapshotStore) QuickCheck(ctx context.Context, id string) (SnapshotCheck, error) {
	if err := ValidDate(id); err != nil {
		return SnapshotCheck{}, fmt.Errorf("store: check snapshot %q: %w", id, err)
	}
	c := s.verify(ctx, id, false)
	return c, ctx.Err()
}

// FileStamp identifies the on-disk version of a district's file of the
// view (of the rankings file when districtID is ""; "" when the backend
// cannot stat): it changes whenever the file is rewritten, damaged or
// removed, even within one snapshot generation, as seen at most
// Options.FileCheckInterval ago. Response caches
// above the store add it to their keys so that they, too, notice a file
// that changed on disk without a restart.
func (v *View) FileStamp(ctx context.Context, districtID string) string {
	if _, ok := v.s.objs.(Statter); !ok || v.legacy != nil {
		return ""
	}
	name := v.Manifest.AllDistrictsRankings.Filename
	if name == "" {
		name = rankingsFile
	}
	if districtID != "" {
		e, err := v.entry(districtID)
		if err != nil {
			return ""
		}
		name = e.FileName
		if name == "" {
			name = DistrictFileName(e.DistrictID)
		}
	}
	if st, fresh := v.stamp(name); fresh {
		return fmt.Sprintf("%d-%d%s", st.size, st.mod.UnixNano(), st.ver)
	}
	size, mod, ver, err := v.s.statFile(ctx, v.stampPath(name))
	if err != nil {
		return "gone"
	}
	if st, _ := v.stamp(name); st != nil && st.same(size, mod, ver) {
		v.s.stamps.Store(v.stampPath(name), &fileStamp{size: size, mod: mod, ver: ver, checked: time.Now()})
	}
	return fmt.Sprintf("%d-%d%s", size, mod.UnixNano(), ver)
}
