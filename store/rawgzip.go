package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// Raw reports may be stored gzip-compressed, as <report>.csv.gz next to
// where <report>.csv would be: a day of the world is 5.5 MB of CSV and
// ~1.2 MB gzipped, so a program year of daily collections shrinks from
// 2.3 GB to ~0.75 GB on disk (mostly the file system's 4 KB blocks). The checksums in metadata.json stay those of the
// verbatim CSV bytes (the key stays "district-<id>/<report>.csv"), every
// read decompresses and verifies against them, and Get returns exactly the
// bytes downloaded. A report is compressed when it is written for a date
// more than Options.GzipAfter before now (a backfill), or later by
// Compress; the newest dates stay plain, so the daily build reads them
// without decompressing. A folder holding both names (a crash between
// writing one and removing the other) is read through the plain file.

// compressWorkers is how many reports Compress rewrites at once.
const compressWorkers = 8

// rawGzSuffix is appended to a report's file name when it is stored
// gzip-compressed.
const rawGzSuffix = ".gz"

// gzipRaw compresses a report for storage, at the fastest level: a
// report is a few KB once compressed, so the file system's 4 KB blocks
// decide its size on disk more than the level does (a world day: 5.5 MB of
// CSV is ~1.6 MB on disk at level 1, ~1.5 MB at level 6, which takes
// about 2.5 times the CPU).
func gzipRaw(data []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(data) / 4)
	zw := rawGzipWriters.Get().(*gzip.Writer)
	zw.Reset(&b)
	_, _ = zw.Write(data)
	_ = zw.Close()
	zw.Reset(io.Discard)
	rawGzipWriters.Put(zw)
	return b.Bytes()
}

// rawGzipWriters are reused: a new flate compressor allocates a few
// hundred KB, as much as the report it compresses.
var rawGzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return zw
}}

// gunzipRaw returns the verbatim bytes of a compressed report.
func gunzipRaw(z []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, err
	}
	zr.Multistream(false)
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	return out, zr.Close()
}

// readRawObject returns the verbatim bytes of the report stored under key
// (…/<report>.csv): the plain object, or the decompressed key+".gz" when
// only that exists (fs.ErrNotExist when neither does). A compressed file
// that does not decompress is a *ChecksumError: a damaged file, reported
// like one whose bytes changed, never deleted.
func (c *RawCache) readRawObject(ctx context.Context, key string) ([]byte, error) {
	return c.readRawObjectInto(ctx, key, nil)
}

// readRawObjectInto is readRawObject reading a plain report into buf's
// memory when the objects can (a local directory) and it is large enough.
func (c *RawCache) readRawObjectInto(ctx context.Context, key string, buf []byte) ([]byte, error) {
	var b []byte
	var err error
	if ir, ok := c.objs.(intoReader); ok && buf != nil {
		b, err = ir.readInto(ctx, key, buf)
	} else {
		b, err = c.objs.Read(ctx, key)
	}
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return b, err
	}
	z, zerr := c.objs.Read(ctx, key+rawGzSuffix)
	if zerr != nil {
		if errors.Is(zerr, fs.ErrNotExist) {
			return nil, err
		}
		return nil, zerr
	}
	out, derr := gunzipRaw(z)
	if derr != nil {
		return nil, &ChecksumError{Key: key + rawGzSuffix, Want: "a gzip stream", Got: "unreadable gzip (" + derr.Error() + ")"}
	}
	return out, nil
}

// rawStat returns the stored size of the report under key, plain or
// compressed.
func (c *RawCache) rawStat(ctx context.Context, key string) (int64, error) {
	st, ok := c.objs.(Statter)
	if !ok {
		return 0, errors.ErrUnsupported
	}
	n, _, err := st.Stat(ctx, key)
	if err == nil {
		return n, nil
	}
	n, _, zerr := st.Stat(ctx, key+rawGzSuffix)
	if zerr == nil {
		return n, nil
	}
	return 0, err
}

// settledDate reports whether the day date is more than age before now
// (never when age is not positive).
func settledDate(date string, age time.Duration, now time.Time) bool {
	if age <= 0 {
		return false
	}
	day, err := time.Parse(time.DateOnly, date)
	return err == nil && now.Sub(day) > age
}

// gzipOnPut reports whether a report of date is stored compressed when it
// is written now (Options.GzipAfter).
func (c *RawCache) gzipOnPut(date string) bool {
	return settledDate(date, c.gzipAfter, c.now())
}

// writeRawObject stores a report's bytes under key, compressed when
// compress is true, and then removes the other form of the file, so only
// one is left (a crash in between leaves both: readers take the plain
// one, and both hold bytes a checksum of the date names). The caller holds
// lk, the date's lock: it is confirmed right before each of the two steps.
// It returns the number of bytes stored.
func (c *RawCache) writeRawObject(ctx context.Context, lk *HeldLock, key string, data []byte, compress bool) (int, error) {
	name, other, body := key, key+rawGzSuffix, data
	if compress {
		name, other, body = key+rawGzSuffix, key, gzipRaw(data)
	}
	if err := lk.Check(ctx); err != nil {
		return 0, err
	}
	if err := c.objs.Write(ctx, name, body); err != nil {
		return 0, err
	}
	if err := lk.Check(ctx); err != nil {
		return 0, err
	}
	if err := c.objs.Delete(ctx, other); err != nil {
		return 0, fmt.Errorf("remove %s: %w", other, err)
	}
	return len(body), nil
}

// CompressResult is what Compress did to one collection date.
type CompressResult struct {
	Date string `json:"date"`
	// Files is how many reports were compressed now.
	Files int `json:"files"`
	// Before and After are the stored bytes of those reports.
	Before int64 `json:"before"`
	After  int64 `json:"after"`
	// Skipped names reports left plain because their bytes do not match
	// the recorded checksum (a damaged file is never rewritten).
	Skipped []string `json:"skipped,omitempty"`
	// Problem, from CompressSettled, says why nothing of the date was
	// compressed: its metadata.json does not parse, so no report of it
	// can be verified (Check lists it; the date's next Put rebuilds it).
	Problem string `json:"problem,omitempty"`
}

// Compress stores every plain report of a collection date gzip-compressed
// (<report>.csv.gz), after checking its bytes against the checksum the
// date's metadata records: a file that does not verify, or has no recorded
// checksum, is left as it is. Each file is replaced atomically and reads
// keep working throughout; the checksums are unchanged. Compressing a date
// twice does nothing the second time. A lost lock lease (object storage)
// stops it as it stops Put: the error wraps ErrLeaseLost, and compressing
// again is safe. An interrupted move of the date to or from the trash is
// finished first, as Put does.
func (c *RawCache) Compress(ctx context.Context, date string) (_ *CompressResult, err error) {
	if err := ValidDate(date); err != nil {
		return nil, err
	}
	lk, err := c.lock(ctx, "raw-"+date)
	if err != nil {
		return nil, err
	}
	defer lk.Unlock()
	ctx = lk.Context()
	defer func() { err = lk.stopped(err, "store: compress "+date) }()
	if _, err := c.finishMove(ctx, lk, date, "compress"); err != nil {
		return nil, fmt.Errorf("store: compress %s: a move of the date to or from the trash must be finished first: %w", date, err)
	}
	md, err := c.readMetadata(ctx, date)
	if err != nil {
		return nil, err
	}
	res := &CompressResult{Date: date}
	// Each file costs two fsyncs (the file, its folder): run a few at once.
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(compressWorkers)
	for _, k := range slices.Sorted(maps.Keys(md.Integrity.Checksums)) {
		g.Go(func() error {
			key := rawPrefix + date + "/" + k
			b, err := c.objs.Read(gctx, key)
			if errors.Is(err, fs.ErrNotExist) {
				return nil // already compressed, or gone (Check reports that)
			}
			if err != nil {
				return fmt.Errorf("store: compress %s: %w", key, err)
			}
			if _, err := verifyRaw(key, k, b, md); err != nil {
				mu.Lock()
				res.Skipped = append(res.Skipped, k)
				mu.Unlock()
				return nil
			}
			n, err := c.writeRawObject(gctx, lk, key, b, true)
			if err != nil {
				return fmt.Errorf("store: compress %s: %w", key, err)
			}
			mu.Lock()
			res.Files++
			res.Before += int64(len(b))
			res.After += int64(n)
			mu.Unlock()
			return nil
		})
	}
	werr := g.Wait()
	slices.Sort(res.Skipped)
	if lost := lk.Lost(); lost != nil {
		// The metadata is left to the lease's new holder: the checksums
		// do not change, so the files compressed so far verify as they are.
		return res, fmt.Errorf("store: compress %s: %w", date, lost)
	}
	if res.Files > 0 {
		// totalSize counts the stored bytes: record what was compressed,
		// also when a later file failed.
		if err := c.recount(ctx, date, md); err != nil {
			return res, errors.Join(werr, err)
		}
		if err := c.writeMetadata(ctx, lk, date, md); err != nil {
			return res, errors.Join(werr, err)
		}
	}
	return res, werr
}

// CompressSettled compresses (Compress) every collection date more than
// age before now that still holds a plain report, oldest first, and
// returns what it did to each date it changed. A date whose metadata.json
// does not parse is left as it is, with a Problem, and the later dates are
// still compressed: one damaged file does not stop the others.
func (c *RawCache) CompressSettled(ctx context.Context, age time.Duration) ([]CompressResult, error) {
	dates, err := c.Dates(ctx)
	if err != nil {
		return nil, err
	}
	var out []CompressResult
	for _, d := range dates {
		if !settledDate(d, age, c.now()) {
			continue
		}
		if !c.hasPlain(ctx, d) {
			continue
		}
		r, err := c.Compress(ctx, d)
		if err != nil {
			if errors.Is(err, ErrNotCached) {
				continue // no metadata: nothing is verified, nothing compressed
			}
			if errors.Is(err, ErrCorrupt) {
				c.log.Warn("raw cache: metadata does not parse; date not compressed", "date", d, "err", err)
				out = append(out, CompressResult{Date: d, Problem: "metadata.json does not parse: nothing compressed (toaststats verify lists it; the next scrape of the date rebuilds it)"})
				continue
			}
			return out, err
		}
		if r.Files > 0 || len(r.Skipped) > 0 {
			out = append(out, *r)
		}
	}
	return out, nil
}

// hasPlain reports whether the date still has an uncompressed report.
func (c *RawCache) hasPlain(ctx context.Context, date string) bool {
	prefix := rawPrefix + date + "/"
	ents, err := c.objs.List(ctx, prefix)
	if err != nil {
		return true
	}
	for _, e := range ents {
		switch {
		case strings.HasSuffix(e, ".csv"):
			return true
		case strings.HasSuffix(e, "/"):
			files, err := c.objs.List(ctx, e)
			if err != nil {
				return true
			}
			for _, f := range files {
				if strings.HasSuffix(f, ".csv") {
					return true
				}
			}
		}
	}
	return false
}

// RawProblem is a raw report that does not read back as recorded.
type RawProblem struct {
	Date string `json:"date"`
	// File is the report's checksum key ("district-<id>/<report>.csv").
	File string `json:"file"`
	// Problem is "missing" or "damaged" (bytes or gzip stream that do not
	// give the recorded checksum).
	Problem string `json:"problem"`
	Detail  string `json:"detail,omitempty"`
}

// Check reads back every report that the metadata of every collection date
// records a checksum for, plain or compressed, and lists those missing or
// not matching their checksum. It reads the whole cache and changes
// nothing. Dates without metadata (a predecessor cache without checksums)
// have nothing to check against and are skipped.
func (c *RawCache) Check(ctx context.Context) ([]RawProblem, error) {
	dates, err := c.Dates(ctx)
	if err != nil {
		return nil, err
	}
	var out []RawProblem
	for _, d := range dates {
		md, err := c.readMetadata(ctx, d)
		if err != nil {
			if errors.Is(err, ErrNotCached) {
				continue
			}
			out = append(out, RawProblem{Date: d, File: "metadata.json", Problem: "damaged", Detail: err.Error()})
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(md.Integrity.Checksums)) {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			key := rawPrefix + d + "/" + k
			b, err := c.readRawObject(ctx, key)
			if err == nil {
				_, err = verifyRaw(key, k, b, md)
			}
			switch {
			case err == nil:
			case errors.Is(err, fs.ErrNotExist):
				out = append(out, RawProblem{Date: d, File: k, Problem: "missing"})
			case errors.Is(err, ErrCorrupt):
				out = append(out, RawProblem{Date: d, File: k, Problem: "damaged", Detail: err.Error()})
			default:
				return out, fmt.Errorf("store: check %s: %w", key, err)
			}
		}
	}
	return out, nil
}
