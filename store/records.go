package store

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"sync"

	"golang.org/x/sync/errgroup"
)

// A record log is an object that only grows: a sequence of checksummed
// records, each framed as its payload length (4 bytes, big-endian), the
// CRC-32C of the payload (4 bytes), the payload, and the length again (4
// bytes) so the last record can be checked from the end. A crash during an
// append leaves at most a torn last record, which readers ignore and the
// next append drops. The history index is made of record logs.

// recordOverhead is the framing around each payload.
const recordOverhead = 12

// maxRecord bounds one record's payload (a district of a world snapshot is
// far smaller).
const maxRecord = 1 << 28

// castagnoli is the CRC-32C table of record checksums.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrTornRecord reports a record log whose tail (or some record) is
// incomplete or fails its checksum: an append a crash cut short, or damage.
var ErrTornRecord = errors.New("torn or damaged record")

// frameRecord appends payload, framed, to dst.
func frameRecord(dst, payload []byte) []byte {
	n := uint32(len(payload))
	c := crc32.Checksum(payload, castagnoli)
	dst = append(dst, byte(n>>24), byte(n>>16), byte(n>>8), byte(n), byte(c>>24), byte(c>>16), byte(c>>8), byte(c))
	dst = append(dst, payload...)
	return append(dst, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// nextRecord reads the record at the start of b: its payload and the rest
// of b; io.EOF when b is empty.
func nextRecord(b []byte) (payload, rest []byte, err error) {
	if len(b) == 0 {
		return nil, nil, io.EOF
	}
	if len(b) < recordOverhead {
		return nil, b, fmt.Errorf("%w: %d bytes left, less than a record's framing", ErrTornRecord, len(b))
	}
	n := be32(b)
	if n > maxRecord || int(n) > len(b)-recordOverhead {
		return nil, b, fmt.Errorf("%w: length %d runs past the end", ErrTornRecord, n)
	}
	p := b[8 : 8+n]
	if crc32.Checksum(p, castagnoli) != be32(b[4:]) || be32(b[8+n:]) != n {
		return nil, b, fmt.Errorf("%w: checksum mismatch", ErrTornRecord)
	}
	return p, b[recordOverhead+n:], nil
}

// splitRecords returns the payloads of the valid records at the start of
// b, the length they span, and the error of what follows them (nil when b
// is all valid records).
func splitRecords(b []byte) (payloads [][]byte, valid int, damage error) {
	rest := b
	for {
		p, r, err := nextRecord(rest)
		if err == io.EOF {
			return payloads, len(b), nil
		}
		if err != nil {
			return payloads, len(b) - len(rest), fmt.Errorf("at byte %d: %w", len(b)-len(rest), err)
		}
		payloads = append(payloads, p)
		rest = r
	}
}

// ReadRecords reads the record log key: the payloads of its valid records,
// in order, and damage, the error describing an invalid tail (a torn last
// append or a damaged record; the records after it are not returned). A
// missing log has no records. err is an I/O error.
func ReadRecords(ctx context.Context, objs Objects, key string) (payloads [][]byte, damage, err error) {
	b, err := objs.Read(ctx, key)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: read %s: %w", key, err)
	}
	payloads, _, damage = splitRecords(b)
	if damage != nil {
		damage = fmt.Errorf("%s: %w", key, damage)
	}
	return payloads, damage, nil
}

// recordAppender is implemented by backends that can append to a record log
// in place (DirObjects).
type recordAppender interface {
	// appendRecords appends frames to key, fsynced when durable (else a
	// barrier opened before makes them durable); created reports that the
	// file was created, so its folder still needs an fsync (syncFolder)
	// when there is no barrier.
	appendRecords(ctx context.Context, key string, frames []byte, durable bool) (created bool, err error)
	syncFolder(key string) error
	openBarrier() barrier
	// createLog creates key empty when it does not exist.
	createLog(key string) error
}

// CreateRecordLog makes sure the record log key exists, creating it empty
// (not durably) when it does not, so that an append to it later does not
// create it: on DirObjects, creating a file (allocating its inode, under its
// folder's lock) costs more than appending to it, and a caller that knows
// which logs it will append to, like the Builder while it normalises, can
// pay that cost ahead of the append. An empty log has no records; the first
// append to it makes its folder durable as for a log it creates. On other
// backends it does nothing.
func CreateRecordLog(ctx context.Context, objs Objects, key string) error {
	a, ok := objs.(recordAppender)
	if !ok {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return a.createLog(key)
}

// AppendRecords appends payloads, as records, to the record log key (created
// when missing), durably: on DirObjects in place, checking only the last
// record (a torn tail is dropped first); on other backends by rewriting the
// object whole with Write. Records after a damaged one are dropped with it.
func AppendRecords(ctx context.Context, objs Objects, key string, payloads ...[]byte) error {
	var frames []byte
	for _, p := range payloads {
		if len(p) > maxRecord {
			return fmt.Errorf("store: append %s: record of %d bytes is too large", key, len(p))
		}
		frames = frameRecord(frames, p)
	}
	if a, ok := objs.(recordAppender); ok {
		created, err := a.appendRecords(ctx, key, frames, true)
		if err == nil && created {
			err = a.syncFolder(key)
		}
		return err
	}
	b, err := objs.Read(ctx, key)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: append %s: %w", key, err)
	}
	_, valid, _ := splitRecords(b)
	return objs.Write(ctx, key, append(b[:valid:valid], frames...))
}

// AppendRecordsEach appends one record to each log of logs (key ->
// payload), in parallel, as AppendRecords does. On DirObjects, where the
// file system has barriers (see barrier), nothing is fsynced on its own and
// one barrier makes every append (and the logs created) durable after the
// last; elsewhere each append is fsynced and the folders of the logs it
// creates are fsynced once each, after all the appends.
func AppendRecordsEach(ctx context.Context, objs Objects, logs map[string][]byte) error {
	a, ok := objs.(recordAppender)
	var bar barrier
	if ok {
		if bar = a.openBarrier(); bar != nil {
			defer bar.close()
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(appendParallel)
	var mu sync.Mutex
	folders := map[string]bool{}
	for key, p := range logs {
		g.Go(func() error {
			if !ok {
				return AppendRecords(gctx, objs, key, p)
			}
			if len(p) > maxRecord {
				return fmt.Errorf("store: append %s: record of %d bytes is too large", key, len(p))
			}
			buf := frameBuffers.Get().(*[]byte)
			*buf = frameRecord((*buf)[:0], p)
			created, err := a.appendRecords(gctx, key, *buf, bar == nil)
			frameBuffers.Put(buf)
			if created {
				mu.Lock()
				folders[parentOf(key)] = true
				mu.Unlock()
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if bar != nil {
		// Every log appended to, and the folders of those created, durable
		// at once.
		return bar.sync()
	}
	for f := range folders {
		if err := a.syncFolder(f + "/x"); err != nil {
			return err
		}
	}
	return nil
}

// frameBuffers hold framed records while AppendRecordsEach writes them (a
// world snapshot appends 129 records of ~15-40 kB).
var frameBuffers = sync.Pool{New: func() any { return new([]byte) }}

// appendParallel bounds the logs AppendRecordsEach appends to at once: the
// fsyncs overlap.
const appendParallel = 32

// WriteRecords replaces the record log key with exactly payloads, atomically.
func WriteRecords(ctx context.Context, objs Objects, key string, payloads ...[]byte) error {
	var frames []byte
	for _, p := range payloads {
		frames = frameRecord(frames, p)
	}
	return objs.Write(ctx, key, frames)
}

// appendRecords implements recordAppender: the end of the valid records is
// found from the last record's trailing length (a full scan only when that
// record is torn), the file is truncated there when something follows it,
// frames written and, when durable, fsynced. The file is opened with O_CREATE at once; an
// empty file counts as created (its folder is fsynced), whether this call or
// an earlier, interrupted one made it.
func (d *DirObjects) appendRecords(ctx context.Context, key string, frames []byte, durable bool) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	k, err := checkKey(key, false)
	if err != nil {
		return false, err
	}
	f, err := d.openFile(k, os.O_RDWR|os.O_CREATE, 0o644)
	if errors.Is(err, fs.ErrNotExist) {
		// Without durable, a barrier opened before makes the new folders
		// durable with the logs: no fsync of their parents here (appends
		// running at once may each make a folder and fsync its parent).
		if err := d.mkdirAllSync(parentOf(k), durable); err != nil {
			return false, err
		}
		f, err = d.openFile(k, os.O_RDWR|os.O_CREATE, 0o644)
	}
	if err != nil {
		return false, fmt.Errorf("append %s: %w", key, err)
	}
	defer f.Close()
	end, size, err := validEnd(f)
	created := size == 0
	if err != nil {
		return created, fmt.Errorf("append %s: %w", key, err)
	}
	if end != size {
		if err := f.Truncate(end); err != nil {
			return created, fmt.Errorf("append %s: truncate to %d: %w", key, end, err)
		}
	}
	if _, err := f.WriteAt(frames, end); err != nil {
		return created, fmt.Errorf("append %s: %w", key, err)
	}
	if durable {
		syncCalls.Add(1)
		if err := f.Sync(); err != nil {
			return created, fmt.Errorf("append %s: fsync: %w", key, err)
		}
	}
	return created, nil
}

// createLog implements recordAppender.
func (d *DirObjects) createLog(key string) error {
	k, err := checkKey(key, false)
	if err != nil {
		return err
	}
	f, err := d.openFile(k, os.O_WRONLY|os.O_CREATE, 0o644)
	if errors.Is(err, fs.ErrNotExist) {
		if err := d.mkdirAll(parentOf(k)); err != nil {
			return err
		}
		f, err = d.openFile(k, os.O_WRONLY|os.O_CREATE, 0o644)
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", key, err)
	}
	return f.Close()
}

// syncFolder fsyncs the folder of key.
func (d *DirObjects) syncFolder(key string) error {
	k, err := checkKey(key, false)
	if err != nil {
		return err
	}
	return d.syncDir(parentOf(k))
}

// validEnd returns the length of the valid records at the start of f, and
// f's size.
func validEnd(f *os.File) (end, size int64, err error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, 0, err
	}
	size = fi.Size()
	if size == 0 {
		return 0, 0, nil
	}
	if size >= recordOverhead {
		var tail [4]byte
		if _, err := f.ReadAt(tail[:], size-4); err != nil {
			return 0, size, err
		}
		n := int64(be32(tail[:]))
		if start := size - recordOverhead - n; start >= 0 && n <= maxRecord {
			rec := make([]byte, recordOverhead+n)
			if _, err := f.ReadAt(rec, start); err != nil {
				return 0, size, err
			}
			if _, rest, err := nextRecord(rec); err == nil && len(rest) == 0 {
				return size, size, nil
			}
		}
	}
	// The last record is torn: find the end of the valid ones from the start.
	b := make([]byte, size)
	if _, err := f.ReadAt(b, 0); err != nil {
		return 0, size, err
	}
	_, valid, _ := splitRecords(b)
	return int64(valid), size, nil
}

func parentOf(k string) string {
	for i := len(k) - 1; i >= 0; i-- {
		if k[i] == '/' {
			return k[:i]
		}
	}
	return "."
}
