package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
)

// IDs lists the dated snapshots (folders named YYYY-MM-DD), ascending. It
// lists the folder only and reads no snapshot: it is the cheap way to learn
// which snapshots exist (List reads every snapshot's metadata).
func (s *SnapshotStore) IDs(ctx context.Context) ([]string, error) {
	return s.snapshotIDs(ctx)
}

// Stamp identifies the generation of snapshot id without reading it when
// the backend can stat (size and modification time of its manifest, which
// every publish writes afresh), or else by the sha256 prefix of its
// manifest (View.Generation). Two stamps of one id are equal exactly when
// the same generation is in place; a derived file (the history index)
// records the stamp of what it was derived from and is trusted only while
// the stamp still matches. ErrSnapshotNotFound when id has no manifest.
func (s *SnapshotStore) Stamp(ctx context.Context, id string) (string, error) {
	if err := ValidDate(id); err != nil {
		return "", fmt.Errorf("store: stamp %q: %w", id, err)
	}
	return s.stampOf(ctx, id, snapshotsPrefix+id+"/"+manifestFile)
}

// stampOf is Stamp of snapshot id from its manifest at key (a staged
// folder's manifest has the stamp the snapshot has once swapped in: a
// rename keeps a file's size and modification time).
func (s *SnapshotStore) stampOf(ctx context.Context, id, key string) (string, error) {
	if st, ok := s.objs.(Statter); ok {
		size, mod, err := st.Stat(ctx, key)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return "", fmt.Errorf("%w: %s", ErrSnapshotNotFound, id)
			}
			return "", fmt.Errorf("store: stamp %s: %w", id, err)
		}
		return "m" + strconv.FormatInt(size, 36) + "-" + strconv.FormatInt(mod.UnixNano(), 36), nil
	}
	b, err := s.objs.Read(ctx, key)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%w: %s", ErrSnapshotNotFound, id)
		}
		return "", fmt.Errorf("store: stamp %s: %w", id, err)
	}
	return "g" + genOf(b), nil
}
