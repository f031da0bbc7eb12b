package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// Compare-and-swap of one object, for a read-modify-write that must not
// undo another one (a month's assessment updated by two servers, or
// deleted by one while the other updates it): ReadVersion reads the object
// and its version, WriteIfVersion writes the modified object only when it
// still has that version, and DeleteVersioned removes an object so that a
// WriteIfVersion with a version read before fails. The caller reads again
// and retries when WriteIfVersion reports false.
//
// On object storage (ConditionalWriter) the version is the ETag and the
// write a PUT with If-Match, which the storage server decides atomically
// for every process on every host; a delete needs no condition there: an
// If-Match write after it fails. A backend without ConditionalWriter but
// with a Locker shared by its processes (the local directory: flock(2), so
// processes on one host) has the sha256 of the bytes as version, and
// WriteIfVersion compares and writes under the lock casLock, which
// DeleteVersioned takes too. Writers that bypass these functions
// (Objects.Write, Delete) are not ordered with them.

// casLock is the lock under which a backend without ConditionalWriter
// compares and swaps; it is held for one read and one write, and nothing
// else takes it (a snapshot build never waits on it).
const casLock = "objects-cas"

// ReadVersion returns an object's bytes and the version they are, for
// WriteIfVersion (fs.ErrNotExist when the object is absent). It needs a
// ConditionalWriter or a Locker (see WriteIfVersion); otherwise it returns
// an error wrapping errors.ErrUnsupported.
func ReadVersion(ctx context.Context, objs Objects, key string) (data []byte, version string, err error) {
	switch b := objs.(type) {
	case ConditionalWriter:
		return b.ReadVersion(ctx, key)
	case Locker:
		data, err := objs.Read(ctx, key)
		if err != nil {
			return nil, "", err
		}
		return data, contentVersion(data), nil
	}
	return nil, "", casUnsupported("read", key, objs)
}

// WriteIfVersion writes data under key only when the object still has
// version (as ReadVersion returned it: nobody wrote it, or deleted it with
// DeleteVersioned, since), the check and the write being one atomic step
// for every process using the backend; when version is "", only when no
// object has that key (CreateExclusive). It reports false, with a nil
// error, when that precondition failed and nothing was written. It uses
// the backend's ConditionalWriter, else its Locker (see casLock); a backend
// with neither is an error wrapping errors.ErrUnsupported.
func WriteIfVersion(ctx context.Context, objs Objects, key string, data []byte, version string) (written bool, err error) {
	if cw, ok := objs.(ConditionalWriter); ok {
		return cw.WriteIfVersion(ctx, key, data, version)
	}
	if _, ok := objs.(Locker); !ok {
		return false, casUnsupported("write", key, objs)
	}
	if version == "" {
		return CreateExclusive(ctx, objs, key, data)
	}
	lk, err := AcquireLock(ctx, objs, casLock)
	if err != nil {
		return false, fmt.Errorf("store: write %s: %w", key, err)
	}
	defer lk.Unlock()
	cur, err := objs.Read(lk.Context(), key)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, lk.LostOr(err)
	case contentVersion(cur) != version:
		return false, nil
	}
	if err := lk.Check(ctx); err != nil {
		return false, err
	}
	if err := objs.Write(lk.Context(), key, data); err != nil {
		return false, lk.LostOr(err)
	}
	return true, nil
}

// DeleteVersioned removes the object key (absent is not an error) so that
// a WriteIfVersion with a version read before fails: a read-modify-write
// racing the delete cannot bring the object back. It needs what
// WriteIfVersion needs.
func DeleteVersioned(ctx context.Context, objs Objects, key string) error {
	if strings.HasSuffix(key, "/") {
		return fmt.Errorf("%w: %q is a folder", ErrInvalidKey, truncate(key))
	}
	if _, ok := objs.(ConditionalWriter); ok {
		return objs.Delete(ctx, key)
	}
	if _, ok := objs.(Locker); !ok {
		return casUnsupported("delete", key, objs)
	}
	lk, err := AcquireLock(ctx, objs, casLock)
	if err != nil {
		return fmt.Errorf("store: delete %s: %w", key, err)
	}
	defer lk.Unlock()
	if err := lk.Check(ctx); err != nil {
		return err
	}
	return lk.LostOr(objs.Delete(lk.Context(), key))
}

// contentVersion is the version of an object's bytes on a backend without
// ConditionalWriter. Two writes of the same bytes are one version: a
// read-modify-write that read them computes the same result from either.
func contentVersion(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func casUnsupported(op, key string, objs Objects) error {
	return fmt.Errorf("store: %s %s by compare-and-swap: the storage backend (%T) has neither conditional writes nor a lock shared by its processes: %w", op, key, objs, errors.ErrUnsupported)
}
