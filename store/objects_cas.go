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
// deleted by one while the other updates it, or copied in by migrate
// while a server updates it): ReadVersion reads the object and its
// version, WriteIfVersion writes the modified object only when it still
// has that version, WriteVersioned replaces it whatever it holds, and
// DeleteVersioned removes it and reports whether this call did; a
// WriteIfVersion with a version read before either of those fails. The
// caller reads again and retries when WriteIfVersion reports false.
//
// On object storage (ConditionalWriter) the version is the ETag and the
// write a PUT with If-Match, which the storage server decides atomically
// for every process on every host: after another PUT or a DELETE of the
// object, an If-Match write with the version read before fails. A
// backend without ConditionalWriter but with a Locker shared by its
// processes (the local directory: flock(2), so processes on one host) has
// the sha256 of the bytes as version, and WriteIfVersion compares and
// writes under the lock casLock, which WriteVersioned and DeleteVersioned
// take too. Writers that bypass these functions (Objects.Write, Delete)
// are not ordered with them.
//
// A DELETE cannot be made conditional on object storage: MinIO ignores
// If-Match on DeleteObject (it deletes whatever the object holds) and
// answers 204 whether or not there was an object, so no request tells a
// deleter that it removed the object. DeleteVersioned therefore takes
// the lock casLock there too (a lease, see LeaseLocker) and checks that
// the object exists and deletes it while holding it: concurrent deleters
// on every host take turns, and exactly one of them finds the object. That
// is exact as long as the lease holds, the guarantee the store gives its
// builders; a deleter stalled for longer than the lease's time to live
// (30 s) between confirming the lease and its DELETE reaching the server
// can overlap with the next holder, and then two deleters may both report
// a removal (or a late DELETE may remove an object created meanwhile). On
// the local directory the check and the removal are one step under the
// flock, with no such limit.

// casLock is the lock under which a backend without ConditionalWriter
// compares and swaps, and under which DeleteVersioned checks and removes
// on every backend; it is held for one read and one write or delete, and
// nothing else takes it (a snapshot build never waits on it).
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

// WriteVersioned writes data under key whatever the object holds (a
// whole replacement, like Objects.Write), ordered with the other functions
// here: a WriteIfVersion with a version read before fails, and on the
// local directory the write never lands between another writer's
// comparison and its write (casLock). It needs what WriteIfVersion needs.
func WriteVersioned(ctx context.Context, objs Objects, key string, data []byte) error {
	if _, ok := objs.(ConditionalWriter); ok {
		// One PUT: If-Match writes are decided against it by the server.
		return objs.Write(ctx, key, data)
	}
	if _, ok := objs.(Locker); !ok {
		return casUnsupported("write", key, objs)
	}
	lk, err := AcquireLock(ctx, objs, casLock)
	if err != nil {
		return fmt.Errorf("store: write %s: %w", key, err)
	}
	defer lk.Unlock()
	if err := lk.Check(ctx); err != nil {
		return err
	}
	return lk.LostOr(objs.Write(lk.Context(), key, data))
}

// DeleteVersioned removes the object key so that a WriteIfVersion with a
// version read before fails (a read-modify-write racing the delete cannot
// bring the object back), and reports whether this call removed it:
// removed is false, with a nil error, when there was no object. Of
// concurrent DeleteVersioned calls on one object, in any process using the
// backend, exactly one reports true (on object storage: as long as the
// lease casLock holds, see above). It checks and deletes under the lock
// casLock, so the backend needs a Locker (both the local directory and
// object storage have one); otherwise it returns an error wrapping
// errors.ErrUnsupported.
func DeleteVersioned(ctx context.Context, objs Objects, key string) (removed bool, err error) {
	if strings.HasSuffix(key, "/") {
		return false, fmt.Errorf("%w: %q is a folder", ErrInvalidKey, truncate(key))
	}
	if _, ok := objs.(Locker); !ok {
		return false, fmt.Errorf("store: delete %s and report whether it existed: the storage backend (%T) has no lock shared by its processes: %w", key, objs, errors.ErrUnsupported)
	}
	lk, err := AcquireLock(ctx, objs, casLock)
	if err != nil {
		return false, fmt.Errorf("store: delete %s: %w", key, err)
	}
	defer lk.Unlock()
	if exists, err := objectExists(lk.Context(), objs, key); err != nil || !exists {
		return false, lk.LostOr(err)
	}
	if err := lk.Check(ctx); err != nil {
		return false, err
	}
	if err := objs.Delete(lk.Context(), key); err != nil {
		return false, lk.LostOr(err)
	}
	return true, nil
}

// objectExists reports whether key is an object (one Stat, or a Read on
// a backend without Statter).
func objectExists(ctx context.Context, objs Objects, key string) (bool, error) {
	var err error
	if st, ok := objs.(Statter); ok {
		_, _, err = st.Stat(ctx, key)
	} else {
		_, err = objs.Read(ctx, key)
	}
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	}
	return false, err
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
