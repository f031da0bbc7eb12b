package store

import (
	"context"
	"time"
)

// fileStamp is what a snapshot file looked like on disk (size and
// modification time) just before it was read into the read cache.
type fileStamp struct {
	size int64
	mod  time.Time
}

// stampPath is the object key of a snapshot file of the view.
func (v *View) stampPath(name string) string { return snapshotsPrefix + v.ID + "/" + name }

// recordStamp notes the file's size and modification time before it is
// read, so that a later change on disk (a damaged or hand-edited file, a
// repair by another process) is noticed: stat first, then read, so a
// change racing the read shows as a different stamp next time.
func (v *View) recordStamp(ctx context.Context, name string) {
	st, ok := v.s.objs.(Statter)
	if !ok {
		return
	}
	size, mod, err := st.Stat(ctx, v.stampPath(name))
	if err != nil {
		v.s.stamps.Delete(v.stampPath(name))
		return
	}
	v.s.stamps.Store(v.stampPath(name), fileStamp{size: size, mod: mod})
}

// unchanged reports whether the file is still as it was when its cached
// copies were read. When it is not (or cannot be told), the cached copies
// under keys are dropped, so the caller reads the file again and verifies
// it against the manifest: the read cache never keeps serving a file that
// changed on disk, and no restart is needed. It costs one stat per cached
// read. A backend that cannot stat (no Statter) is trusted as before.
func (v *View) unchanged(ctx context.Context, name string, keys ...string) bool {
	statter, ok := v.s.objs.(Statter)
	if !ok {
		return true
	}
	size, mod, err := statter.Stat(ctx, v.stampPath(name))
	if err == nil {
		if x, ok := v.s.stamps.Load(v.stampPath(name)); ok {
			if st := x.(fileStamp); st.size == size && st.mod.Equal(mod) {
				return true
			}
		}
	}
	for _, k := range keys {
		v.s.cache.Delete(k)
	}
	v.s.log.Info("snapshot file changed on disk; reading it again", "file", v.stampPath(name))
	return false
}
