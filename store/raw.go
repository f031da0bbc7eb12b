package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// Report names one of the dashboard's four CSV reports as the raw cache
// stores it.
type Report string

// The four reports. ReportSummary is stored once per date
// (all-districts.csv); the others once per district
// (district-<id>/<report>.csv).
const (
	ReportSummary  Report = "all-districts"
	ReportDistrict Report = "district-performance"
	ReportDivision Report = "division-performance"
	ReportClub     Report = "club-performance"
)

// DistrictReports are the three per-district reports, in the order the
// scraper fetches them.
var DistrictReports = []Report{ReportClub, ReportDivision, ReportDistrict}

// Valid reports whether r is one of the four reports.
func (r Report) Valid() bool {
	switch r {
	case ReportSummary, ReportDistrict, ReportDivision, ReportClub:
		return true
	}
	return false
}

// FileName is the report's file name: "all-districts.csv",
// "club-performance.csv", ...
func (r Report) FileName() string { return string(r) + ".csv" }

// RawCacheVersion is the cacheVersion written into raw metadata.json.
const RawCacheVersion = 1

// RawMetadata is raw-csv/<date>/metadata.json, in the predecessor's shape
// (predecessor.md §5.4) plus closingPeriodSource.
type RawMetadata struct {
	Date          string `json:"date"`
	RequestedDate string `json:"requestedDate,omitempty"`
	// Timestamp is the time of the last write, in epoch milliseconds.
	Timestamp       int64  `json:"timestamp"`
	ProgramYear     string `json:"programYear"`
	DataMonth       string `json:"dataMonth,omitempty"`
	IsClosingPeriod *bool  `json:"isClosingPeriod,omitempty"`
	// ClosingPeriodSource says where IsClosingPeriod came from
	// ("csv-footer").
	ClosingPeriodSource string   `json:"closingPeriodSource,omitempty"`
	CSVFiles            CSVFiles `json:"csvFiles"`
	// DownloadStats is the predecessor's read counters, kept as found (the
	// store never updates anything on read).
	DownloadStats *json.RawMessage `json:"downloadStats,omitempty"`
	Integrity     RawIntegrity     `json:"integrity"`
	Source        string           `json:"source"`
	CacheVersion  int              `json:"cacheVersion"`
}

// CSVFiles records which reports of the date are cached.
type CSVFiles struct {
	AllDistricts bool                        `json:"allDistricts"`
	Districts    map[string]DistrictCSVFiles `json:"districts"`
}

// DistrictCSVFiles records which of a district's reports are cached.
type DistrictCSVFiles struct {
	DistrictPerformance bool `json:"districtPerformance"`
	DivisionPerformance bool `json:"divisionPerformance"`
	ClubPerformance     bool `json:"clubPerformance"`
}

// RawIntegrity holds the sha256 of every cached file of the date, keyed
// "all-districts.csv" / "district-<id>/<report>.csv".
type RawIntegrity struct {
	Checksums map[string]string `json:"checksums"`
	TotalSize int64             `json:"totalSize"`
	FileCount int               `json:"fileCount"`
	// Pending holds the checksum of a report being replaced, recorded
	// before the new bytes are written and cleared once Checksums has it,
	// so a crash between the two writes leaves a file that still verifies.
	Pending map[string]string `json:"pendingChecksums,omitempty"`
}

// PutInfo is what the scraper knows about a download besides its bytes.
type PutInfo struct {
	// RequestedDate is the date the scraper asked the dashboard for.
	RequestedDate string
	// DataMonth (YYYY-MM) and ProgramYear ("2025-2026") come from the footer.
	DataMonth, ProgramYear string
	// IsClosingPeriod is nil when unknown (no footer).
	IsClosingPeriod *bool
	// Source names the writer ("scraper", "backfill", ...).
	Source string
	// ClosingPeriodSource says where IsClosingPeriod came from; it defaults
	// to "csv-footer" when IsClosingPeriod is set.
	ClosingPeriodSource string
}

// Availability says which reports are cached for a date.
type Availability struct {
	Date       string
	HasSummary bool
	// Districts maps upper-cased district ids to their cached reports.
	Districts map[string][]Report
}

// RawCache is the raw CSV cache: the dashboard's reports kept verbatim per
// collection date, with sha256 checksums in metadata.json. Reads never
// modify or delete anything.
//
// Concurrency: every Put to a date runs under a per-date lock, so concurrent
// Puts (the scraper runs several at once) never lose metadata entries. The
// lock is an flock(2) on <data-dir>/.locks/raw-<date>.lock for DirObjects,
// so separate processes writing the same date are serialised too.
type RawCache struct {
	objs Objects
	now  func() time.Time
	log  *slog.Logger
	lock lockFunc
	// gzipAfter is Options.GzipAfter: a report written for a date older
	// than that is stored compressed (rawgzip.go).
	gzipAfter time.Duration
}

const rawPrefix = "raw-csv/"

// rawKey builds the object key of a report, after validating everything.
// It returns the key and the checksum key (relative to the date folder).
func rawKey(date, districtID string, r Report) (key, sumKey, id string, err error) {
	if err := ValidDate(date); err != nil {
		return "", "", "", err
	}
	if !r.Valid() {
		return "", "", "", fmt.Errorf("%w: report %q", ErrInvalidID, truncate(string(r)))
	}
	if r == ReportSummary {
		if districtID != "" {
			return "", "", "", fmt.Errorf("%w: the summary report has no district (got %q)", ErrInvalidID, truncate(districtID))
		}
		return rawPrefix + date + "/" + r.FileName(), r.FileName(), "", nil
	}
	id, err = ValidDistrictID(districtID)
	if err != nil {
		return "", "", "", err
	}
	sumKey = "district-" + id + "/" + r.FileName()
	return rawPrefix + date + "/" + sumKey, sumKey, id, nil
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Put stores a report's bytes verbatim for a collection date (districtID ""
// for the summary) and records it in the date's metadata.json. Both writes
// are atomic; the file is written before its checksum is recorded.
// A date without metadata.json starts one; one that does not parse is set
// aside in quarantine/raw-<time>/ (as SetAside keeps damaged reports) and
// rebuilt from the files there (without checksums: none is invented).
// Any other failure to read it (an object store's 5xx, a timeout, a
// permission error) fails the Put, naming the date and the key, before
// anything is written: the checksums of the date's other reports are kept.
// So does a failure to read the report itself when an earlier Put of it
// was interrupted (its checksum still pending): which version the file
// holds must be settled before this Put replaces the pending checksum.
//
// On object storage the date's lock is a lease, which a stalled or cut-off
// process can lose while it works: every request is then cancelled, the
// lease is confirmed (renewed) right before each write, and a Put that
// lost it stops with an error wrapping ErrLeaseLost, writing nothing more
// (what it wrote before reads as after a crash there; putting the report
// again is safe), so that it never overwrites what the lease's new holder
// wrote.
//
// An interrupted move of the date to or from the trash (see
// InterruptedMoves) is finished first; when it cannot be, nothing is
// written and the error wraps ErrMoveInterrupted.
func (c *RawCache) Put(ctx context.Context, date, districtID string, r Report, data []byte, info PutInfo) (err error) {
	key, sumKey, id, err := rawKey(date, districtID, r)
	if err != nil {
		return err
	}
	if len(data) == 0 {
		return fmt.Errorf("store: put %s: empty report", key)
	}
	lk, err := c.lock(ctx, "raw-"+date)
	if err != nil {
		return err
	}
	defer lk.Unlock()
	ctx = lk.Context()
	defer func() { err = lk.stopped(err, "store: put "+key) }()
	if _, err := c.finishMove(ctx, lk, date, "put"); err != nil {
		return fmt.Errorf("store: put %s: date %s: a move of the date to or from the trash must be finished first, so nothing was written: %w", key, date, err)
	}

	md, err := c.readMetadata(ctx, date)
	switch {
	case err == nil:
	case errors.Is(err, ErrNotCached):
		md = nil // no metadata.json yet: started from the files there
	case errors.Is(err, ErrCorrupt):
		// A metadata.json that does not parse is rebuilt from the files
		// there rather than blocking every later write of the date; its
		// bytes are set aside first (quarantine/raw-<time>/), so that
		// rebuilding it loses nothing.
		to, serr := c.setAsideMetadata(ctx, lk, date)
		if serr != nil {
			return fmt.Errorf("store: put %s: date %s: %s does not parse and could not be set aside, so nothing was written: %w", key, date, rawMetadataKey(date), serr)
		}
		c.log.Warn("raw metadata unparsable; set aside and rebuilt", "date", date, "setAside", to, "err", err)
		md = nil
	default:
		// Any other failure (an object store's 500, a timeout, a
		// permission error) says nothing about the file: rebuilding it
		// would drop the checksum of every other report of the date.
		return fmt.Errorf("store: put %s: date %s: cannot read %s, so nothing was written (put the report again): %w", key, date, rawMetadataKey(date), err)
	}
	if md == nil {
		md, err = c.rebuildMetadata(ctx, date)
		if err != nil {
			return err
		}
	}
	sum := sha256Hex(data)
	if p, ok := md.Integrity.Pending[sumKey]; ok {
		// An earlier Put of this report was interrupted between writing the
		// file and recording its checksum: the file on disk is the old or the
		// pending version. Settle which, before the pending slot is reused,
		// or a crash during this Put would leave the pending version on disk
		// with neither checksum naming it.
		// A file that is missing or unreadable as gzip is named by neither
		// checksum either way; any other failure to read it says nothing
		// about which version it is, so the Put stops before writing.
		var ce *ChecksumError
		cur, err := c.readRawObject(ctx, key)
		switch {
		case err == nil:
			if strings.EqualFold(sha256Hex(cur), p) {
				md.Integrity.Checksums[sumKey] = p
			}
		case errors.Is(err, fs.ErrNotExist), errors.As(err, &ce):
		default:
			return fmt.Errorf("store: put %s: an earlier write of it was interrupted, and the file cannot be read to settle which version it holds, so nothing was written (put the report again): %w", key, err)
		}
		delete(md.Integrity.Pending, sumKey)
	}
	if old, ok := md.Integrity.Checksums[sumKey]; ok && old != sum {
		// Replacing a verified file: record the new checksum as pending
		// first, so either version verifies whatever happens next.
		if md.Integrity.Pending == nil {
			md.Integrity.Pending = map[string]string{}
		}
		md.Integrity.Pending[sumKey] = sum
		if err := c.writeMetadata(ctx, lk, date, md); err != nil {
			return err
		}
	}
	if _, err := c.writeRawObject(ctx, lk, key, data, c.gzipOnPut(date)); err != nil {
		return fmt.Errorf("store: put %s: %w", key, err)
	}

	md.Date = date
	if info.RequestedDate != "" {
		md.RequestedDate = info.RequestedDate
	}
	if info.ProgramYear != "" {
		md.ProgramYear = info.ProgramYear
	}
	if info.DataMonth != "" {
		md.DataMonth = info.DataMonth
	}
	if info.IsClosingPeriod != nil {
		v := *info.IsClosingPeriod
		md.IsClosingPeriod = &v
		md.ClosingPeriodSource = info.ClosingPeriodSource
		if md.ClosingPeriodSource == "" {
			md.ClosingPeriodSource = "csv-footer"
		}
	}
	if info.Source != "" {
		md.Source = info.Source
	} else if md.Source == "" {
		md.Source = "scraper"
	}
	md.CacheVersion = RawCacheVersion
	md.Timestamp = c.now().UnixMilli()
	if r == ReportSummary {
		md.CSVFiles.AllDistricts = true
	} else {
		f := md.CSVFiles.Districts[id]
		switch r {
		case ReportDistrict:
			f.DistrictPerformance = true
		case ReportDivision:
			f.DivisionPerformance = true
		case ReportClub:
			f.ClubPerformance = true
		}
		md.CSVFiles.Districts[id] = f
	}
	md.Integrity.Checksums[sumKey] = sum
	delete(md.Integrity.Pending, sumKey)
	if len(md.Integrity.Pending) == 0 {
		md.Integrity.Pending = nil
	}
	if err := c.recount(ctx, date, md); err != nil {
		return err
	}
	return c.writeMetadata(ctx, lk, date, md)
}

// writeMetadata writes the date's metadata.json, under lk, the date's lock,
// confirmed right before.
func (c *RawCache) writeMetadata(ctx context.Context, lk *HeldLock, date string, md *RawMetadata) error {
	b, err := json.MarshalIndent(md, "", "  ")
	if err != nil {
		return fmt.Errorf("store: encode raw metadata: %w", err)
	}
	if err := lk.Check(ctx); err != nil {
		return fmt.Errorf("store: put %s metadata: %w", date, err)
	}
	if err := c.objs.Write(ctx, rawMetadataKey(date), b); err != nil {
		return fmt.Errorf("store: put %s metadata: %w", date, err)
	}
	return nil
}

// recount sets totalSize and fileCount from the files the checksums name.
func (c *RawCache) recount(ctx context.Context, date string, md *RawMetadata) error {
	var total int64
	for k := range md.Integrity.Checksums {
		key := rawPrefix + date + "/" + k
		if n, err := c.rawStat(ctx, key); err == nil {
			total += n
			continue
		}
		if b, err := c.objs.Read(ctx, key); err == nil {
			total += int64(len(b))
		} else if z, err := c.objs.Read(ctx, key+rawGzSuffix); err == nil {
			total += int64(len(z))
		}
	}
	md.Integrity.TotalSize = total
	md.Integrity.FileCount = len(md.Integrity.Checksums)
	return nil
}

// rebuildMetadata starts a metadata.json for a date with no (readable)
// metadata, recording the files already there without checksums (they were
// never verified, so none is invented).
func (c *RawCache) rebuildMetadata(ctx context.Context, date string) (*RawMetadata, error) {
	md := &RawMetadata{Date: date, CacheVersion: RawCacheVersion}
	md.CSVFiles.Districts = map[string]DistrictCSVFiles{}
	md.Integrity.Checksums = map[string]string{}
	av, err := c.Availability(ctx, date)
	if err != nil && !errors.Is(err, ErrNotCached) {
		return nil, err
	}
	if av != nil {
		md.CSVFiles.AllDistricts = av.HasSummary
		for id, reps := range av.Districts {
			var f DistrictCSVFiles
			for _, r := range reps {
				switch r {
				case ReportDistrict:
					f.DistrictPerformance = true
				case ReportDivision:
					f.DivisionPerformance = true
				case ReportClub:
					f.ClubPerformance = true
				}
			}
			md.CSVFiles.Districts[id] = f
		}
	}
	return md, nil
}

// setAsideMetadata copies a date's metadata.json, byte for byte, to
// quarantine/raw-<time>/ (where SetAside keeps damaged reports; trash
// lists and purges it) before Put rebuilds it, and returns the copy's key.
func (c *RawCache) setAsideMetadata(ctx context.Context, lk *HeldLock, date string) (string, error) {
	from := rawMetadataKey(date)
	b, err := c.objs.Read(ctx, from)
	if err != nil {
		return "", err
	}
	if err := lk.Check(ctx); err != nil {
		return "", err
	}
	to := setAsideKey(c.now(), from)
	if err := c.objs.Write(ctx, to, b); err != nil {
		return "", err
	}
	return to, nil
}

// rawMetadataKey is the key of a date's metadata.json.
func rawMetadataKey(date string) string { return rawPrefix + date + "/" + metadataFile }

// readMetadata reads the date's metadata.json: ErrNotCached when there is
// none, ErrCorrupt when it does not parse, any other error as the backend
// gave it (the file may be intact).
func (c *RawCache) readMetadata(ctx context.Context, date string) (*RawMetadata, error) {
	b, err := c.objs.Read(ctx, rawMetadataKey(date))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: no metadata for %s", ErrNotCached, date)
		}
		return nil, err
	}
	var md RawMetadata
	if err := json.Unmarshal(b, &md); err != nil {
		return nil, fmt.Errorf("%w: raw-csv/%s/metadata.json: %v", ErrCorrupt, date, err)
	}
	if md.CSVFiles.Districts == nil {
		md.CSVFiles.Districts = map[string]DistrictCSVFiles{}
	}
	if md.Integrity.Checksums == nil {
		md.Integrity.Checksums = map[string]string{}
	}
	return &md, nil
}

// Get returns a report's bytes exactly as downloaded (decompressed when
// stored compressed, rawgzip.go), after checking them
// against the sha256 recorded in metadata.json (*ChecksumError on mismatch).
// A file with no recorded checksum (a predecessor cache without one) is
// returned unverified. Get never modifies or deletes anything.
func (c *RawCache) Get(ctx context.Context, date, districtID string, r Report) ([]byte, error) {
	key, sumKey, _, err := rawKey(date, districtID, r)
	if err != nil {
		return nil, err
	}
	b, err := c.readRawObject(ctx, key)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s", ErrNotCached, key)
		}
		var ce *ChecksumError
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, fmt.Errorf("store: get %s: %w", key, err)
	}
	md, err := c.readMetadata(ctx, date)
	if err != nil {
		if errors.Is(err, ErrNotCached) {
			return b, nil
		}
		return nil, fmt.Errorf("store: get %s: %w", key, err)
	}
	return verifyRaw(key, sumKey, b, md)
}

// GetWith is Get for a caller that reads many reports of one date: it
// verifies against md, the date's metadata the caller read once with
// Metadata, instead of reading metadata.json for every file. A nil md
// means no checksums are recorded (as for predecessor files).
func (c *RawCache) GetWith(ctx context.Context, md *RawMetadata, date, districtID string, r Report) ([]byte, error) {
	return c.GetInto(ctx, md, date, districtID, r, nil)
}

// GetInto is GetWith reading the report into buf's memory when it is large
// enough and the cache is a local directory: the bytes returned may then be
// buf's, and are the caller's to reuse once read. (The Builder reads the
// world's 385 reports, 6.6 MB, through a few pooled buffers.)
func (c *RawCache) GetInto(ctx context.Context, md *RawMetadata, date, districtID string, r Report, buf []byte) ([]byte, error) {
	key, sumKey, _, err := rawKey(date, districtID, r)
	if err != nil {
		return nil, err
	}
	b, err := c.readRawObjectInto(ctx, key, buf)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s", ErrNotCached, key)
		}
		var ce *ChecksumError
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, fmt.Errorf("store: get %s: %w", key, err)
	}
	if md == nil {
		return b, nil
	}
	return verifyRaw(key, sumKey, b, md)
}

// verifyRaw checks b against the checksum md records for sumKey; a report
// being replaced verifies against either its old or its pending checksum.
func verifyRaw(key, sumKey string, b []byte, md *RawMetadata) ([]byte, error) {
	if want := md.Integrity.Checksums[sumKey]; want != "" {
		got := sha256Hex(b)
		if !strings.EqualFold(got, want) && !strings.EqualFold(got, md.Integrity.Pending[sumKey]) {
			return nil, &ChecksumError{Key: key, Want: want, Got: got}
		}
	}
	return b, nil
}

// Has reports whether the report is cached (without verifying it).
func (c *RawCache) Has(ctx context.Context, date, districtID string, r Report) bool {
	key, _, _, err := rawKey(date, districtID, r)
	if err != nil {
		return false
	}
	if _, err := c.rawStat(ctx, key); err == nil || !errors.Is(err, errors.ErrUnsupported) {
		return err == nil
	}
	_, err = c.readRawObject(ctx, key)
	return err == nil
}

// Metadata returns the date's metadata.json (ErrNotCached when absent).
func (c *RawCache) Metadata(ctx context.Context, date string) (*RawMetadata, error) {
	if err := ValidDate(date); err != nil {
		return nil, err
	}
	return c.readMetadata(ctx, date)
}

// Availability lists the reports cached for a date, from the files present
// (ErrNotCached when the date has no folder). It is what tells a reader
// which reports a date holds (the Builder, the cache status), so it is
// where a date whose move to or from the trash began and has not finished
// is refused: an error wrapping ErrMoveInterrupted says so, naming the
// date and what finishes the move, because the date may be split between
// the cache and the trash. (Get and the other reads of one report do not
// look: that would cost a request per report.)
func (c *RawCache) Availability(ctx context.Context, date string) (*Availability, error) {
	if err := ValidDate(date); err != nil {
		return nil, err
	}
	prefix := rawPrefix + date + "/"
	// The move marker is read while the folder is listed: one more
	// request, in parallel, for a date on object storage.
	var moving *InterruptedMove
	var movingErr error
	var wg sync.WaitGroup
	wg.Go(func() { moving, movingErr = c.readMove(ctx, date) })
	ents, err := c.objs.List(ctx, prefix)
	wg.Wait()
	switch {
	case movingErr != nil:
		return nil, fmt.Errorf("store: availability %s: %w", date, movingErr)
	case moving != nil:
		return nil, moving.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("store: availability %s: %w", date, err)
	}
	if len(ents) == 0 {
		return nil, fmt.Errorf("%w: nothing cached for %s", ErrNotCached, date)
	}
	av := &Availability{Date: date, Districts: map[string][]Report{}}
	type folder struct {
		key, id string
		reps    []Report
		err     error
	}
	var folders []folder
	for _, e := range ents {
		name := strings.TrimPrefix(e, prefix)
		switch {
		case name == ReportSummary.FileName(), name == ReportSummary.FileName()+rawGzSuffix:
			av.HasSummary = true
		case strings.HasPrefix(name, "district-") && strings.HasSuffix(name, "/"):
			raw := strings.TrimSuffix(strings.TrimPrefix(name, "district-"), "/")
			id, err := ValidDistrictID(raw)
			if err != nil || id != raw {
				continue // not a folder we could have written
			}
			folders = append(folders, folder{key: e, id: id})
		}
	}
	// The district folders are listed in parallel: one listing is a few
	// syscalls on a local directory but a round trip on object storage.
	var g errgroup.Group
	g.SetLimit(availabilityParallel)
	for i := range folders {
		f := &folders[i]
		g.Go(func() error {
			files, err := c.objs.List(ctx, f.key)
			if err != nil {
				f.err = err
				return nil
			}
			for _, r := range DistrictReports {
				if slices.Contains(files, f.key+r.FileName()) || slices.Contains(files, f.key+r.FileName()+rawGzSuffix) {
					f.reps = append(f.reps, r)
				}
			}
			return nil
		})
	}
	_ = g.Wait()
	for _, f := range folders {
		if f.err != nil { // the first folder's error, whatever the timing
			return nil, fmt.Errorf("store: availability %s: %w", date, f.err)
		}
		if len(f.reps) > 0 {
			av.Districts[f.id] = f.reps
		}
	}
	return av, nil
}

// availabilityParallel bounds the district folders Availability lists at
// once.
const availabilityParallel = 8

// Dates lists the collection dates in the cache, ascending. A date whose
// move to or from the trash began and has not finished (see
// InterruptedMoves) is left out: it may be split between the cache and the
// trash.
func (c *RawCache) Dates(ctx context.Context) ([]string, error) {
	dates, moving, err := c.listDates(ctx)
	if len(moving) > 0 {
		dates = slices.DeleteFunc(dates, func(d string) bool { _, ok := slices.BinarySearch(moving, d); return ok })
	}
	return dates, err
}

// listDates lists, from one listing of raw-csv/, the date folders and the
// dates with a move marker (moveMarkerSuffix), each ascending.
func (c *RawCache) listDates(ctx context.Context) (dates, moving []string, err error) {
	ents, err := c.objs.List(ctx, rawPrefix)
	if err != nil {
		return nil, nil, fmt.Errorf("store: list raw dates: %w", err)
	}
	for _, e := range ents {
		name := strings.TrimPrefix(e, rawPrefix)
		if d, ok := strings.CutSuffix(name, moveMarkerSuffix); ok && ValidDate(d) == nil {
			moving = append(moving, d)
			continue
		}
		d, ok := strings.CutSuffix(name, "/")
		if ok && ValidDate(d) == nil {
			dates = append(dates, d)
		}
	}
	slices.Sort(dates)
	slices.Sort(moving)
	return dates, moving, nil
}

// LatestModified returns the newest write into the cache: the largest
// metadata timestamp over all dates (zero time when the cache is empty).
func (c *RawCache) LatestModified(ctx context.Context) (time.Time, error) {
	dates, err := c.Dates(ctx)
	if err != nil {
		return time.Time{}, err
	}
	var latest time.Time
	st, _ := c.objs.(Statter)
	for _, d := range dates {
		if md, err := c.readMetadata(ctx, d); err == nil && md.Timestamp > 0 {
			if t := time.UnixMilli(md.Timestamp); t.After(latest) {
				latest = t
			}
			continue
		}
		if st != nil {
			if _, mt, err := st.Stat(ctx, rawMetadataKey(d)); err == nil && mt.After(latest) {
				latest = mt
			}
		}
	}
	return latest, nil
}

// Stamp identifies the state of a date's metadata.json without reading it:
// its version (an object store's ETag) or else its size and modification
// time; modTime is that time. Every RawCache.Put rewrites metadata.json, so
// a caller that derived something from a date's files (Builder.Pending)
// may reuse it while the stamp is unchanged. errors.ErrUnsupported when the
// backend cannot stat; ErrNotCached when the date has no metadata.json (a
// predecessor cache: derive from the files).
func (c *RawCache) Stamp(ctx context.Context, date string) (stamp string, modTime time.Time, err error) {
	if err := ValidDate(date); err != nil {
		return "", time.Time{}, err
	}
	key := rawMetadataKey(date)
	var size int64
	switch st := c.objs.(type) {
	case VersionStatter:
		var v string
		size, modTime, v, err = st.StatVersion(ctx, key)
		if err == nil {
			stamp = "v" + strconv.FormatInt(size, 36) + "-" + v
		}
	case Statter:
		size, modTime, err = st.Stat(ctx, key)
		if err == nil {
			stamp = "m" + strconv.FormatInt(size, 36) + "-" + strconv.FormatInt(modTime.UnixNano(), 36)
		}
	default:
		return "", time.Time{}, fmt.Errorf("store: stamp raw %s: %w", date, errors.ErrUnsupported)
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", time.Time{}, fmt.Errorf("%w: no metadata for %s", ErrNotCached, date)
		}
		return "", time.Time{}, fmt.Errorf("store: stamp raw %s: %w", date, err)
	}
	return stamp, modTime, nil
}
