package toaststats

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/toaststats/toaststats/normalize"
	"github.com/toaststats/toaststats/ranking"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
	"github.com/toaststats/toaststats/validate"
)

// ErrNothingCached is returned by Builder.Build when the raw cache holds no
// report at all for the requested date, and by BuildAll when the cache is
// empty. Collect data with `toaststats scrape` first.
var ErrNothingCached = errors.New("nothing cached: run `toaststats scrape` first")

// The reason codes of snapshot.DistrictError written by the Builder.
const (
	ReasonMissingReport    = "missing_report"
	ReasonChecksumMismatch = "checksum_mismatch"
	ReasonNoRows           = "no_rows"
	ReasonParseError       = "parse_error"
	ReasonNotInSummary     = "not_in_summary"
)

// snapshotSource is written as Metadata.Source.
const snapshotSource = "toastmasters-dashboard"

// BuilderOptions configure a Builder. The zero value works.
type BuilderOptions struct {
	// Logger receives progress and problems; nil discards.
	Logger *slog.Logger
	// Now is the clock for every timestamp written into a snapshot
	// (createdAt, collectedAt, calculatedAt) and for the recorded processing
	// duration; nil means time.Now. A fixed clock makes builds byte-for-byte
	// reproducible.
	Now func() time.Time
	// Workers bounds how many districts are read and normalised at once; 0
	// means GOMAXPROCS.
	Workers int
	// Progress, when set, is called by BuildAll after each date with the
	// number of dates done, the number pending, and the date's result (nil
	// when the date failed with an error).
	Progress func(done, total int, res *BuildResult)
}

// Builder turns one collection date of the raw CSV cache into a published
// snapshot: it reads the cached reports (never the network), normalises each
// configured district, validates, ranks every district of the summary and
// publishes through the store. It is the seed's SnapshotBuilder and
// RefreshService.
//
// The districts built are those of config/districts.json; with no file (or
// an empty list) every district of the date's summary; with no summary
// either, every district with reports in the cache. The snapshot id is the
// logical date taken from the report footers: the as-of date, or for
// closing-period data (footer month before the as-of month) the last day of
// the data month, so several collections map to one snapshot and the newest
// collection wins. Status is failed when validation finds errors (published
// for debugging, never current), partial when a configured district or the
// summary is missing or unreadable, success otherwise; a partial or failed
// build never replaces a successful snapshot of the same id. As it
// publishes, the Builder appends the snapshot's records to the history
// index (see History), which analytics read instead of every snapshot.
//
// A build is one pass over the districts: each worker reads a few
// districts' reports, normalises, validates and indexes them and hands
// their files to the store (store.Publication), which writes and fsyncs
// them while the next districts are normalised; the store's publish lock
// is held from the first district to the swap.
//
// A Builder is safe for concurrent use. Builds of the same logical date
// are serialised (within a Builder by a lock per snapshot id, across
// processes by the store's publish lock), and an older collection never
// replaces the snapshot a newer one built (the result is Skipped).
type Builder struct {
	store    *store.Store
	log      *slog.Logger
	now      func() time.Time
	workers  int
	progress func(done, total int, res *BuildResult)
	history  *History

	mu    sync.Mutex
	locks map[string]*sync.Mutex // per logical date: check-then-publish is atomic in-process
}

// lockID serialises builds of one snapshot id within this Builder.
func (b *Builder) lockID(id string) func() {
	b.mu.Lock()
	if b.locks == nil {
		b.locks = map[string]*sync.Mutex{}
	}
	l := b.locks[id]
	if l == nil {
		l = &sync.Mutex{}
		b.locks[id] = l
	}
	b.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// NewBuilder returns a Builder that reads and writes through st.
func NewBuilder(st *store.Store, opts BuilderOptions) *Builder {
	b := &Builder{store: st, log: opts.Logger, now: opts.Now, workers: opts.Workers, progress: opts.Progress}
	if b.log == nil {
		b.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.workers <= 0 {
		b.workers = runtime.GOMAXPROCS(0)
	}
	b.history = NewHistory(st, b.log)
	return b
}

// BuildResult is the outcome of building one collection date.
type BuildResult struct {
	// SnapshotID is the id of the snapshot built: its logical date.
	SnapshotID string `json:"snapshotId"`
	// CollectionDate is the raw-cache folder the snapshot was built from.
	CollectionDate string `json:"collectionDate"`
	// LogicalDate is the date the snapshot stands for (equal to SnapshotID):
	// the as-of date, or the last day of the data month for closing-period
	// data.
	LogicalDate string `json:"logicalDate"`
	// Status is the status of the snapshot built (or, when UpToDate, of the
	// existing one); empty when the build was skipped before anything was
	// built (an older collection).
	Status snapshot.Status `json:"status"`
	// DistrictsIncluded are the configured districts written into the
	// snapshot; DistrictsMissing the configured districts that are not.
	DistrictsIncluded []string `json:"districtsIncluded"`
	DistrictsMissing  []string `json:"districtsMissing"`
	// DistrictErrors says why each missing or incomplete district is so.
	DistrictErrors []snapshot.DistrictError `json:"districtErrors"`
	// Errors and Warnings are as written into the snapshot metadata.
	Errors   []string `json:"errors"`
	Warnings []string `json:"warnings"`
	// Skipped is true when nothing was published; SkipReason says why (an
	// existing snapshot of the same logical date was built from a newer
	// collection, or is successful while this build is not).
	Skipped    bool   `json:"skipped"`
	SkipReason string `json:"skipReason,omitempty"`
	// UpToDate is true when the build was skipped because the existing
	// snapshot was built from exactly this input (same raw checksums,
	// districts and versions): Build is then a no-op and Status is the
	// existing snapshot's.
	UpToDate bool `json:"upToDate,omitempty"`
	// Duration is the wall time the build took.
	Duration time.Duration `json:"durationNs"`
}

// reportSlot is one per-district report with its raw-cache and normalize
// names.
type reportSlot struct {
	report store.Report
	kind   normalize.ReportKind
}

// districtReports are the three per-district reports, club report first.
var districtReports = [3]reportSlot{
	{store.ReportClub, normalize.ReportClub},
	{store.ReportDivision, normalize.ReportDivision},
	{store.ReportDistrict, normalize.ReportDistrict},
}

// rawFile is one raw file as read from the cache.
type rawFile struct {
	key  string // "all-districts.csv" or "district-<id>/<report>.csv"
	data []byte
	err  error
	// buf, when set, is the pooled buffer data was read into
	// (readRawPooled); release gives it back.
	buf *[]byte
}

// rawBuffers are the buffers a deferred build reads district reports into:
// each is given back once its report is normalised, so the world's 385
// reports (6.6 MB) are read through a few dozen buffers instead of as many
// fresh allocations.
var rawBuffers = sync.Pool{New: func() any { return new([]byte) }}

// release gives f's buffer back to rawBuffers and drops its bytes: nothing
// may hold them afterwards.
func (f *rawFile) release() {
	if f.buf != nil {
		if cap(f.data) > cap(*f.buf) {
			*f.buf = f.data[:0] // grown for a larger report: keep that
		}
		rawBuffers.Put(f.buf)
		f.buf = nil
	}
	f.data = nil
}

// districtInput is the raw input of one district.
type districtInput struct {
	id        string
	inSummary bool // the district has a row in the summary
	// summaryKnown is true when the summary was readable, so inSummary
	// means something.
	summaryKnown bool
	// files are in districtReports order; a file with an empty key is not
	// read yet (assemble reads it: see load).
	files [3]rawFile
}

// buildInput is everything a build of one collection date reads, before
// normalisation.
type buildInput struct {
	date         string
	summary      rawFile
	summaryRep   *normalize.SummaryReport
	summaryErr   error // read or parse error of the summary
	configured   []string
	configExists bool
	districts    []districtInput
	// deferred is true when the district reports were not read by load:
	// assemble reads each district's as it normalises it, and checks their
	// footers against the summary's then (footerWarnings).
	deferred    bool
	footer      normalize.Footer
	footerFrom  string // key of the file the footer was taken from
	logicalDate string
	closing     *bool
	digest      string
	warnings    []string
	rawMeta     *store.RawMetadata // nil when the date has no metadata.json
	avail       *store.Availability
}

// load reads every raw file the build of date needs, decides the logical
// date from the footers and computes the input digest.
func (b *Builder) load(ctx context.Context, date string) (*buildInput, error) {
	in, err := b.loadHead(ctx, date)
	if err != nil {
		return nil, err
	}
	if err := b.loadAll(ctx, in); err != nil {
		return nil, err
	}
	return in, nil
}

// loadAll is load after the head: every district report is read, then the
// dates are decided and the digest computed from what was read.
func (b *Builder) loadAll(ctx context.Context, in *buildInput) error {
	if err := b.loadDistricts(ctx, in); err != nil {
		return err
	}
	in.decideDates(true)
	in.digest = in.computeDigest(func(d *districtInput, j int) string { return in.entryOf(d.files[j], true) })
	return nil
}

// plannedEntry is the digest line of report j of district d when the
// district reports are not read first (loadDeferred, loadPlan): "missing"
// for a file the cache does not have, the checksum metadata.json records
// for it, or else (read true) the line of the file read now, f.
func (b *Builder) plannedEntry(ctx context.Context, in *buildInput, d *districtInput, j int) (entry string, f rawFile, read bool) {
	r := districtReports[j].report
	key := "district-" + d.id + "/" + r.FileName()
	if !slices.Contains(in.avail.Districts[d.id], r) {
		return in.entryOf(rawFile{key: key, err: store.ErrNotCached}, false), rawFile{}, false
	}
	if sum := in.recordedSum(key); sum != "" {
		return sum, rawFile{}, false
	}
	f = b.readRaw(ctx, in.rawMeta, in.date, d.id, r)
	return in.entryOf(f, true), f, true
}

// deferReads lets loadDeferred defer the district reads; tests turn it off
// to compare with reading everything first.
var deferReads = true

// loadDeferred is load for Build. When the summary has a footer and
// metadata.json records the reports' checksums (every cache the scraper
// writes), it reads the head alone, as loadPlan does, and leaves the
// district reports to assemble, which reads each district's as it
// normalises it, so reading overlaps normalising and publishing (a report
// without a recorded checksum is read here, for its digest line). The
// logical date, digest, warnings and reports come out as load's. Otherwise
// it is load.
func (b *Builder) loadDeferred(ctx context.Context, date string) (*buildInput, error) {
	in, err := b.loadHead(ctx, date)
	if err != nil {
		return nil, err
	}
	if !deferReads || in.summaryRep == nil || !in.summaryRep.Footer.Found || in.rawMeta == nil {
		if err := b.loadAll(ctx, in); err != nil {
			return nil, err
		}
		return in, nil
	}
	in.deferred = true
	in.districts = make([]districtInput, len(in.configured))
	summaryIDs := in.summaryIDs()
	for i, id := range in.configured {
		in.districts[i] = districtInput{id: id, inSummary: summaryIDs[id], summaryKnown: true}
	}
	in.decideDates(false)
	var readErr error
	in.digest = in.computeDigest(func(d *districtInput, j int) string {
		entry, f, read := b.plannedEntry(ctx, in, d, j)
		if read {
			d.files[j] = f
			if isIOError(f.err) && readErr == nil {
				readErr = fmt.Errorf("build %s: %w", date, f.err)
			}
		}
		return entry
	})
	if readErr != nil {
		return nil, readErr
	}
	return in, ctx.Err()
}

// loadPlan is load for Pending: when the summary's footer dates the input,
// the district reports are not read; the digest comes from the checksums
// recorded in metadata.json and the files present (the same digest load
// computes).
func (b *Builder) loadPlan(ctx context.Context, date string) (*buildInput, error) {
	in, err := b.loadHead(ctx, date)
	if err != nil {
		return nil, err
	}
	if in.summaryRep == nil || !in.summaryRep.Footer.Found || in.rawMeta == nil {
		if err := b.loadAll(ctx, in); err != nil {
			return nil, err
		}
		return in, nil
	}
	in.districts = make([]districtInput, len(in.configured))
	for i, id := range in.configured {
		in.districts[i] = districtInput{id: id}
	}
	in.decideDates(false)
	in.digest = in.computeDigest(func(d *districtInput, j int) string {
		entry, _, _ := b.plannedEntry(ctx, in, d, j)
		return entry
	})
	return in, nil
}

// loadHead validates the date and reads the metadata, the summary and the
// district configuration: everything but the district reports.
func (b *Builder) loadHead(ctx context.Context, date string) (*buildInput, error) {
	if err := store.ValidDate(date); err != nil {
		return nil, fmt.Errorf("build %s: %w", date, err)
	}
	raw := b.store.Raw()
	// The cache folder is listed (one listing per district folder) while
	// the metadata, the summary and the configuration are read; the errors
	// are then looked at in that order.
	type listing struct {
		avail *store.Availability
		err   error
	}
	listed := make(chan listing, 1)
	go func() {
		avail, err := raw.Availability(ctx, date)
		listed <- listing{avail, err}
	}()
	md, mdErr := raw.Metadata(ctx, date)
	if mdErr != nil {
		md = nil
	}
	summary := b.readRaw(ctx, md, date, "", store.ReportSummary)
	var summaryRep *normalize.SummaryReport
	var summaryErr error
	if summary.err == nil {
		summaryRep, summaryErr = normalize.ReadSummary(summary.key, summary.data)
	}
	configured, exists, configErr := b.store.Config().Load(ctx)
	l := <-listed
	avail, err := l.avail, l.err
	if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, store.ErrNotCached) {
		return nil, fmt.Errorf("build %s: cache availability: %w", date, err)
	}
	if avail == nil || (!avail.HasSummary && len(avail.Districts) == 0) {
		return nil, fmt.Errorf("build %s: no reports cached for this date: %w", date, ErrNothingCached)
	}
	in := &buildInput{date: date, avail: avail, rawMeta: md}
	if mdErr != nil && !errors.Is(mdErr, store.ErrNotCached) && !errors.Is(mdErr, store.ErrCorrupt) {
		return nil, fmt.Errorf("build %s: raw metadata: %w", date, mdErr)
	}

	// The summary.
	in.summary = summary
	switch {
	case summary.err != nil && isIOError(summary.err):
		return nil, fmt.Errorf("build %s: %w", date, summary.err)
	case summary.err != nil:
		in.summaryErr = summary.err
	case summaryErr != nil:
		in.summaryErr = summaryErr
	default:
		in.summaryRep = summaryRep
	}

	// The districts to build.
	if configErr != nil {
		return nil, fmt.Errorf("build %s: district configuration: %w", date, configErr)
	}
	in.configExists = exists && len(configured) > 0
	switch {
	case in.configExists:
		in.configured = slices.Clone(configured)
	case in.summaryRep != nil:
		for _, row := range in.summaryRep.Rows {
			in.configured = append(in.configured, row.DistrictID)
		}
	default:
		for id := range avail.Districts {
			in.configured = append(in.configured, id)
		}
	}
	slices.SortFunc(in.configured, ranking.CompareDistrictIDs)
	in.configured = slices.Compact(in.configured)
	return in, ctx.Err()
}

// loadDistricts reads the reports of every configured district, in
// parallel.
func (b *Builder) loadDistricts(ctx context.Context, in *buildInput) error {
	summaryIDs := in.summaryIDs()
	date := in.date
	in.districts = make([]districtInput, len(in.configured))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(b.workers)
	for i, id := range in.configured {
		g.Go(func() error {
			d := districtInput{id: id, inSummary: summaryIDs[id], summaryKnown: in.summaryRep != nil}
			for j, slot := range districtReports {
				d.files[j] = b.readRaw(gctx, in.rawMeta, date, id, slot.report)
				if isIOError(d.files[j].err) {
					return fmt.Errorf("build %s: %w", date, d.files[j].err)
				}
			}
			in.districts[i] = d
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

// summaryIDs are the districts with a row in the summary.
func (in *buildInput) summaryIDs() map[string]bool {
	ids := map[string]bool{}
	if in.summaryRep != nil {
		for _, row := range in.summaryRep.Rows {
			ids[row.DistrictID] = true
		}
	}
	return ids
}

// readDistrict reads the reports of d that load did not read (a deferred
// build); a real I/O failure is returned, an absent or corrupt file is
// left in d.files as its error.
func (b *Builder) readDistrict(ctx context.Context, in *buildInput, d *districtInput) error {
	for j, slot := range districtReports {
		if d.files[j].key != "" {
			continue
		}
		d.files[j] = b.readRawPooled(ctx, in.rawMeta, in.date, d.id, slot.report)
		if isIOError(d.files[j].err) {
			return fmt.Errorf("build %s: %w", in.date, d.files[j].err)
		}
	}
	return ctx.Err()
}

// readRaw reads one raw file; a missing file is a rawFile with an error.
//
// With the date's metadata at hand (md != nil) the file is read from the
// store's objects and verified here against md's recorded sha256, exactly as
// RawCache.Get does: Get re-reads and re-parses metadata.json for every
// file, which was 40% of the CPU of building the whole world (385 files).
// Without metadata (a predecessor cache) Get is used.
func (b *Builder) readRaw(ctx context.Context, md *store.RawMetadata, date, districtID string, r store.Report) rawFile {
	return b.readRawInto(ctx, md, date, districtID, r, nil)
}

// readRawPooled is readRaw into a buffer of rawBuffers; the caller calls
// release once the bytes are read.
func (b *Builder) readRawPooled(ctx context.Context, md *store.RawMetadata, date, districtID string, r store.Report) rawFile {
	buf := rawBuffers.Get().(*[]byte)
	f := b.readRawInto(ctx, md, date, districtID, r, *buf)
	f.buf = buf
	if f.err != nil {
		f.release()
	}
	return f
}

// readRawInto is readRaw reading into buf's memory when it can
// (RawCache.GetInto).
func (b *Builder) readRawInto(ctx context.Context, md *store.RawMetadata, date, districtID string, r store.Report, buf []byte) rawFile {
	key := r.FileName()
	if districtID != "" {
		key = "district-" + districtID + "/" + key
	}
	data, err := b.store.Raw().GetInto(ctx, md, date, districtID, r, buf)
	return rawFile{key: key, data: data, err: err}
}

// isIOError reports whether err is a real I/O failure rather than a problem
// of the cached file itself (absent or corrupt), or a cancelled context.
func isIOError(err error) bool {
	if err == nil {
		return false
	}
	var ce *store.ChecksumError
	switch {
	case errors.As(err, &ce), errors.Is(err, fs.ErrNotExist), errors.Is(err, store.ErrNotCached):
		return false
	}
	return true
}

// reasonOf classifies a read or parse error of a raw file.
func reasonOf(err error) string {
	var ce *store.ChecksumError
	switch {
	case errors.As(err, &ce):
		return ReasonChecksumMismatch
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, store.ErrNotCached):
		return ReasonMissingReport
	case errors.Is(err, normalize.ErrNoRows):
		return ReasonNoRows
	}
	return ReasonParseError
}

// footerOf parses the footer line of a raw report.
func footerOf(data []byte) normalize.Footer {
	data = bytes.TrimRight(data, "\r\n \t")
	line := data
	if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
		line = data[i+1:]
	}
	f, err := normalize.ParseFooter(strings.TrimSpace(string(line)))
	if err != nil {
		return normalize.Footer{}
	}
	return f
}

// decideDates takes the footer of the summary (or else of the first
// district report that has one) and derives the logical date: the last day
// of the data month for closing-period data, otherwise the as-of date.
//
// With all false only the summary is looked at (Pending, when the summary
// has a footer).
func (in *buildInput) decideDates(all bool) {
	candidates := []rawFile{in.summary}
	if all {
		for _, d := range in.districts {
			candidates = append(candidates, d.files[:]...)
		}
	}
	for _, f := range candidates {
		if f.err != nil || len(f.data) == 0 {
			continue
		}
		if ft := footerOf(f.data); ft.Found {
			in.footer, in.footerFrom = ft, f.key
			break
		}
	}
	if !in.footer.Found {
		in.logicalDate = in.date
		in.warnings = append(in.warnings, fmt.Sprintf(
			"no report of %s has a footer: the data month and closing period are unknown; the collection date is used as the as-of date", in.date))
		return
	}
	in.logicalDate = in.footer.LogicalDate()
	if closing, known := in.footer.IsClosingPeriod(); known {
		in.closing = &closing
	}
	// Every other report should be as of the same date.
	in.warnings = append(in.warnings, in.footerWarnings(candidates)...)
}

// footerWarnings are the warnings for the files whose footer is not as of
// the input's footer date (deferred builds check each district's reports
// as assemble reads them).
func (in *buildInput) footerWarnings(files []rawFile) []string {
	var out []string
	for _, f := range files {
		if f.err != nil || len(f.data) == 0 || f.key == in.footerFrom {
			continue
		}
		if ft := footerOf(f.data); ft.Found && (ft.AsOfDate != in.footer.AsOfDate || ft.DataMonth != in.footer.DataMonth) {
			out = append(out, fmt.Sprintf("%s is %s as of %s, but %s is %s as of %s",
				f.key, ft.DataMonth, ft.AsOfDate, in.footerFrom, in.footer.DataMonth, in.footer.AsOfDate))
		}
	}
	return out
}

// fetchedAt is when the raw files were written (the raw metadata
// timestamp), or def when unknown.
func (in *buildInput) fetchedAt(def time.Time) time.Time {
	if in.rawMeta != nil && in.rawMeta.Timestamp > 0 {
		return time.UnixMilli(in.rawMeta.Timestamp).UTC()
	}
	return def
}

// dataMonth is the data month of the input, or the collection month when
// no footer was found.
func (in *buildInput) dataMonth() string {
	if in.footer.Found {
		return in.footer.DataMonth
	}
	return in.date[:7]
}

// asOfDate is the dashboard's as-of date of the input.
func (in *buildInput) asOfDate() string {
	if in.footer.Found {
		return in.footer.AsOfDate
	}
	return in.date
}

// computeDigest is the input checksum: the versions, the configured
// districts, the time of the last write into the cache date, and for the
// summary and each configured district's reports the recorded sha256 (or
// the sha256 of the bytes when none is recorded, or "missing"). entry gives
// the line of report j of district d. A file corrupted on disk keeps its
// recorded checksum, so the digest (and Pending) only change when the cache
// is written to or the configuration or versions change.
func (in *buildInput) computeDigest(entry func(d *districtInput, j int) string) string {
	h := sha256.New()
	fmt.Fprintf(h, "schema=%s\ncalculation=%s\nranking=%s\n", snapshot.SchemaVersion, snapshot.CalculationVersion, snapshot.RankingVersion)
	if in.configExists {
		fmt.Fprintf(h, "configured=%s\n", strings.Join(in.configured, ","))
	} else {
		fmt.Fprintf(h, "configured=*\n")
	}
	if in.rawMeta != nil {
		fmt.Fprintf(h, "written=%d\n", in.rawMeta.Timestamp)
	}
	fmt.Fprintf(h, "%s %s\n", in.summary.key, in.entryOf(in.summary, true))
	for i := range in.districts {
		d := &in.districts[i]
		for j, slot := range districtReports {
			fmt.Fprintf(h, "district-%s/%s %s\n", d.id, slot.report.FileName(), entry(d, j))
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// recordedSum is the digest entry of a file from the checksums recorded in
// metadata.json ("" when none is recorded).
func (in *buildInput) recordedSum(key string) string {
	if in.rawMeta == nil {
		return ""
	}
	sum := in.rawMeta.Integrity.Checksums[key]
	if sum == "" {
		return ""
	}
	entry := "sha256=" + strings.ToLower(sum)
	if p := in.rawMeta.Integrity.Pending[key]; p != "" {
		entry += " pending=" + strings.ToLower(p)
	}
	return entry
}

// entryOf is the digest entry of a file read (or not) from the cache.
func (in *buildInput) entryOf(f rawFile, read bool) string {
	if f.err != nil && reasonOf(f.err) == ReasonMissingReport {
		return "missing"
	}
	if sum := in.recordedSum(f.key); sum != "" {
		return sum
	}
	if f.err != nil || !read {
		return "error=" + reasonOf(f.err)
	}
	sum := sha256.Sum256(f.data)
	return "sha256=" + hex.EncodeToString(sum[:])
}

// existingSnapshot returns the metadata of the snapshot with id, or nil.
// It reads the snapshot afresh (GetFresh) rather than through the
// store's read cache: another process (the CLI beside the server) may have
// published a newer collection since, and an older collection must never
// replace it.
func (b *Builder) existingSnapshot(ctx context.Context, id string) (*snapshot.Metadata, error) {
	v, err := b.store.Snapshots().GetFresh(ctx, id)
	if err != nil {
		if errors.Is(err, store.ErrSnapshotNotFound) {
			return nil, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// An unreadable snapshot is rebuilt (Publish replaces it whole).
		b.log.Warn("existing snapshot unreadable; it will be replaced", "snapshot", id, "err", err)
		return nil, nil
	}
	md := v.Metadata
	return &md, nil
}

// upToDate reports whether md is exactly what building in would produce.
func (in *buildInput) upToDate(md *snapshot.Metadata) bool {
	return md != nil && md.CollectionDate == in.date && md.InputChecksum == in.digest &&
		md.SchemaVersion == snapshot.SchemaVersion && md.CalculationVersion == snapshot.CalculationVersion
}

// districtOutcome is the normalised result of one district.
type districtOutcome struct {
	district *snapshot.District
	errs     []snapshot.DistrictError
	warnings []string
	// Once assemble has published, indexed and validated the district, it
	// lets district go and keeps its id and findings.
	included   bool
	districtID string
	findings   []snapshot.Finding
}

// Build builds and publishes the snapshot of one collection date of the
// raw cache. The error is ErrNothingCached (wrapped) when the cache has no
// report for the date, store.ErrLeaseLost (wrapped) when the store's lock
// lease (object storage) was lost while publishing, so that the publish
// stopped before its next irreversible step (building again is safe), or
// an I/O or context error; every problem with the data itself is reported
// in the result's status, errors and warnings.
//
// First, when a publish left current.json behind the newest complete
// successful snapshot, Build moves it forward (see mendPointer).
func (b *Builder) Build(ctx context.Context, collectionDate string) (*BuildResult, error) {
	b.mendPointer(ctx)
	return b.build(ctx, collectionDate, false)
}

// mendPointer moves current.json forward when a publish that stopped after
// its snapshot was in place and before it moved the pointer (a crash, a
// failed write, a lost lock lease) left it naming an older snapshot
// (store.SnapshotStore.AdvancePointer, which logs the move as a warning
// naming both snapshots). No build would move it: the newer snapshot is up
// to date. When the pointer is not behind it costs a read of current.json,
// a listing of the snapshots and a read of the metadata of each (partial
// or failed) snapshot newer than the pointer. A failure is logged, not
// returned: the build goes on, and the next one tries again.
func (b *Builder) mendPointer(ctx context.Context) {
	if _, err := b.store.Snapshots().AdvancePointer(ctx); err != nil && ctx.Err() == nil {
		b.log.Warn("current.json is behind the newest complete successful snapshot and could not be moved forward", "err", err)
	}
}

// notSuccessReason marks a build that onlySuccess kept from publishing.
const notSuccessReason = "not published: the build is not successful and older collections of the same snapshot are tried"

// build is Build; with onlySuccess a snapshot that is not successful is not
// published (the result is Skipped with notSuccessReason).
func (b *Builder) build(ctx context.Context, collectionDate string, onlySuccess bool) (*BuildResult, error) {
	wallStart := time.Now()
	start := b.now()
	log := b.log.With("op", "build", "collectionDate", collectionDate)
	in, err := b.loadDeferred(ctx, collectionDate)
	if err != nil {
		return nil, err
	}
	readTime := time.Since(wallStart)
	defer b.lockID(in.logicalDate)()
	res := &BuildResult{
		SnapshotID:        in.logicalDate,
		CollectionDate:    collectionDate,
		LogicalDate:       in.logicalDate,
		DistrictsIncluded: []string{},
		DistrictsMissing:  []string{},
		DistrictErrors:    []snapshot.DistrictError{},
		Errors:            []string{},
		Warnings:          []string{},
	}
	existing, err := b.existingSnapshot(ctx, in.logicalDate)
	if err != nil {
		return nil, fmt.Errorf("build %s: read existing snapshot %s: %w", collectionDate, in.logicalDate, err)
	}
	if existing != nil && existing.Collection() > collectionDate {
		res.Skipped = true
		res.SkipReason = fmt.Sprintf("snapshot %s was built from the newer collection %s; an older collection never replaces it",
			in.logicalDate, existing.Collection())
		res.Duration = time.Since(wallStart)
		log.Info("build skipped", "snapshot", in.logicalDate, "reason", res.SkipReason)
		return res, nil
	}

	if existing != nil && in.upToDate(existing) {
		if problems := b.snapshotProblems(ctx, in.logicalDate); len(problems) > 0 {
			// Built from this very input, but a file is missing or damaged
			// since: build it again (the publish replaces it whole).
			log.Warn("snapshot up to date but damaged; rebuilding it", "snapshot", in.logicalDate, "problems", problems)
			existing = nil
		}
	}
	if existing != nil && in.upToDate(existing) {
		// Nothing changed since the snapshot was built: publishing it again
		// would only churn the store (and leave a replaced generation).
		res.Skipped, res.UpToDate = true, true
		res.Status = existing.Status
		res.SkipReason = fmt.Sprintf("snapshot %s is up to date with collection %s; nothing changed", in.logicalDate, collectionDate)
		res.DistrictsIncluded = nonNil(existing.SuccessfulDistricts)
		res.DistrictsMissing = nonNil(existing.FailedDistricts)
		res.DistrictErrors = append(res.DistrictErrors, existing.DistrictErrors...)
		res.Errors = nonNil(existing.Errors)
		res.Warnings = nonNil(existing.Warnings)
		res.Duration = time.Since(wallStart)
		log.Info("build skipped", "snapshot", in.logicalDate, "reason", res.SkipReason)
		return res, nil
	}

	// The snapshot is published district by district as assemble builds
	// them (store.Publication); a build that is not to be published after
	// all aborts it.
	assembleStart := time.Now()
	pub, err := b.store.Snapshots().Begin(ctx, in.logicalDate)
	if err != nil {
		return nil, fmt.Errorf("build %s: publish snapshot %s: %w", collectionDate, in.logicalDate, err)
	}
	snap, recs, err := b.assemble(ctx, in, res, pub)
	if err != nil {
		pub.Abort()
		return nil, err
	}
	assembleTime := time.Since(assembleStart)
	snap.Metadata.ProcessingDuration = b.now().Sub(start).Milliseconds()
	if onlySuccess && snap.Metadata.Status != snapshot.StatusSuccess {
		pub.Abort()
		res.Skipped, res.SkipReason = true, notSuccessReason
		res.Duration = time.Since(wallStart)
		return res, nil
	}
	if existing != nil && existing.Status == snapshot.StatusSuccess && snap.Metadata.Status != snapshot.StatusSuccess {
		pub.Abort()
		res.Skipped = true
		res.SkipReason = fmt.Sprintf("snapshot %s (from collection %s) is successful and this build is %s: it is not replaced",
			in.logicalDate, existing.Collection(), snap.Metadata.Status)
		if lacks := in.lacks(); len(lacks) > 0 {
			res.SkipReason += "; " + incompleteOf(collectionDate, in.logicalDate, lacks).Remedy()
		}
		res.Duration = time.Since(wallStart)
		log.Warn("build not published", "snapshot", in.logicalDate, "reason", res.SkipReason)
		return res, nil
	}
	// The history records are appended as soon as the snapshot is staged,
	// while the store swaps it in and moves the pointer (OnStaged): they
	// carry the stamp it has once in place, and are never trusted if it
	// does not get there.
	publishStart := time.Now()
	var indexed chan error
	pub.OnStaged(func(stamp string, md *snapshot.Metadata) {
		indexed = make(chan error, 1)
		go func() { indexed <- b.history.commitStamped(ctx, recs, stamp, md) }()
	})
	err = pub.Publish(ctx, snap)
	publishTime := time.Since(publishStart)
	indexStart := time.Now()
	var indexErr error
	switch {
	case indexed != nil:
		indexErr = <-indexed
	case err == nil:
		indexErr = b.history.commit(ctx, recs)
	}
	if errors.Is(err, store.ErrSuccessExists) {
		res.Skipped = true
		res.SkipReason = fmt.Sprintf("snapshot %s is successful and this build is %s: it is not replaced", in.logicalDate, snap.Metadata.Status)
		res.Duration = time.Since(wallStart)
		return res, nil
	} else if errors.Is(err, store.ErrNewerCollection) {
		// Another build published a newer collection of the same snapshot
		// while this one ran (the check above was before the publish lock).
		res.Skipped = true
		res.SkipReason = fmt.Sprintf("snapshot %s was published from a newer collection while this build ran; an older collection never replaces it (%v)", in.logicalDate, err)
		res.Duration = time.Since(wallStart)
		log.Info("build skipped", "snapshot", in.logicalDate, "reason", res.SkipReason)
		return res, nil
	} else if err != nil {
		return nil, fmt.Errorf("build %s: publish snapshot %s: %w", collectionDate, in.logicalDate, err)
	}
	if indexErr != nil {
		// The index is derived data: readers fall back to the snapshot and
		// `toaststats reindex` repairs it, so the build still succeeded.
		log.Warn("history index not updated", "snapshot", in.logicalDate, "err", indexErr)
	}
	res.Duration = time.Since(wallStart)
	log.Info("snapshot published", "snapshot", in.logicalDate, "status", res.Status,
		"districts", len(res.DistrictsIncluded), "missing", len(res.DistrictsMissing), "duration", res.Duration,
		"read", readTime, "normalise", assembleTime, "publish", publishTime, "index", time.Since(indexStart))
	return res, nil
}

// assemble reads (when load deferred it), normalises, validates and ranks
// the input into a snapshot, and fills res. Each district is added to pub
// and its history record encoded as soon as it is built, while the other
// districts are still being normalised; the snapshot returned holds the
// metadata and rankings only (pub.Publish takes it).
func (b *Builder) assemble(ctx context.Context, in *buildInput, res *BuildResult, pub *store.Publication) (*snapshot.Snapshot, *preparedRecords, error) {
	now := b.now().UTC()
	var summaryRows []snapshot.SummaryRow
	summaryByID := map[string]*snapshot.SummaryRow{}
	if in.summaryRep != nil {
		summaryRows = in.summaryRep.Rows
		for i := range summaryRows {
			summaryByID[summaryRows[i].DistrictID] = &summaryRows[i]
		}
	}

	// Rank every district of the summary first: each district file
	// carries its ranking row.
	var rankings *snapshot.RankingsFile
	var rows []snapshot.DistrictRanking
	if in.summaryRep != nil {
		rows = ranking.Ranker{Now: b.now}.Rank(summaryRows)
		sourceDate := in.summaryRep.Footer.AsOfDate
		if sourceDate == "" {
			sourceDate = in.date
		}
		rankings = &snapshot.RankingsFile{
			Metadata: snapshot.RankingsMetadata{
				SnapshotID:         in.logicalDate,
				CalculatedAt:       now,
				SchemaVersion:      snapshot.SchemaVersion,
				CalculationVersion: snapshot.CalculationVersion,
				RankingVersion:     snapshot.RankingVersion,
				SourceCsvDate:      sourceDate,
				CsvFetchedAt:       in.fetchedAt(now),
				TotalDistricts:     len(rows),
				FromCache:          true,
			},
			Rankings: rows,
		}
	}
	byID := make(map[string]int, len(rows))
	for i := range rows {
		byID[rows[i].DistrictID] = i
	}
	validator := validate.NewValidator(validate.Input{
		Summary:        summaryRows,
		DataAsOfDate:   in.asOfDate(),
		Now:            now,
		CollectionDate: in.date,
	})
	recs := newPreparedRecords(in.logicalDate, len(in.districts))
	b.history.createLog(ctx, snapshotsKey(snapshot.ProgramYearOf(in.logicalDate)))
	// publishDistrict adds district i's file to pub and encodes its
	// history record.
	publishDistrict := func(i int, d snapshot.District) error {
		if j, ok := byID[d.DistrictID]; ok {
			r := rows[j]
			d.Ranking = &r
		}
		if d.ProgramYear == "" && d.DataMonth != "" {
			d.ProgramYear = normalize.ProgramYearOf(d.DataMonth)
		}
		df := snapshot.DistrictFile{
			DistrictID:   d.DistrictID,
			DistrictName: "District " + d.DistrictID,
			CollectedAt:  now,
			Status:       snapshot.StatusSuccess,
			Data:         d,
		}
		if err := pub.Add(&df); err != nil {
			return err
		}
		err := recs.add(i, &df, rows, len(rows))
		recs.keep(err)
		if err == nil && recs.logs[i] != "" {
			// The log is created now, while the other worker normalises,
			// rather than by the commit after publishing.
			b.history.createLog(ctx, recs.logs[i])
		}
		return nil
	}

	// Read (deferred builds), normalise and publish the districts in
	// parallel, a chunk of districts at a time (normaliseDistricts);
	// results keep configured order.
	outcomes := make([]districtOutcome, len(in.districts))
	footerWarnings := make([][]string, len(in.districts))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(b.workers)
	size := districtChunk(len(in.districts), b.workers)
	for lo := 0; lo < len(in.districts); lo += size {
		hi := min(lo+size, len(in.districts))
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			if in.deferred {
				for i := lo; i < hi; i++ {
					if err := b.readDistrict(gctx, in, &in.districts[i]); err != nil {
						return err
					}
					footerWarnings[i] = in.footerWarnings(in.districts[i].files[:])
				}
			}
			normaliseDistricts(in.districts[lo:hi], summaryByID, outcomes[lo:hi])
			for i := lo; i < hi; i++ {
				o := &outcomes[i]
				if o.district == nil {
					continue
				}
				o.findings = validator.District(o.district)
				if err := publishDistrict(i, *o.district); err != nil {
					return err
				}
				// Published, indexed and validated: only the id and
				// findings are kept, so the heap does not hold the whole
				// world until the end.
				o.included, o.districtID, o.district = true, o.district.DistrictID, nil
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}

	var (
		errs     []string
		warnings = slices.Concat(append([][]string{in.warnings}, footerWarnings...)...)
		distErrs []snapshot.DistrictError
		ids      []string // the included districts' own ids
		perDist  [][]snapshot.Finding
		included []string
		missing  []string
		partial  bool
	)
	if in.summaryErr != nil {
		partial = true
		errs = append(errs, fmt.Sprintf("all-districts summary unusable (%s): no rankings: %v", reasonOf(in.summaryErr), in.summaryErr))
	}
	for i, o := range outcomes {
		d := in.districts[i]
		distErrs = append(distErrs, o.errs...)
		for _, w := range o.warnings {
			warnings = append(warnings, fmt.Sprintf("District %s: %s", d.id, w))
		}
		if !o.included {
			missing = append(missing, d.id)
			continue
		}
		included = append(included, d.id)
		ids = append(ids, o.districtID)
		perDist = append(perDist, o.findings)
	}
	for _, de := range distErrs {
		partial = true
		errs = append(errs, fmt.Sprintf("District %s: %s: %s", de.DistrictID, de.Reason, de.Error))
	}
	if len(missing) > 0 {
		errs = append(errs, fmt.Sprintf("Partial snapshot: %d of %d configured districts missing: %s",
			len(missing), len(in.configured), strings.Join(missing, ", ")))
	}

	findings := validator.Findings(ids, perDist, distErrs)
	for _, f := range findings {
		if f.Code == validate.CodeDistrictUnavailable {
			continue // already in errors, from distErrs
		}
		msg := f.Code + ": " + f.Message
		if f.Severity == snapshot.SeverityError {
			errs = append(errs, msg)
		} else {
			warnings = append(warnings, msg)
		}
	}

	status := snapshot.StatusSuccess
	switch {
	case validate.HasErrors(findings):
		status = snapshot.StatusFailed
	case partial:
		status = snapshot.StatusPartial
	}

	md := snapshot.Metadata{
		SnapshotID:          in.logicalDate,
		CreatedAt:           now,
		SchemaVersion:       snapshot.SchemaVersion,
		CalculationVersion:  snapshot.CalculationVersion,
		Status:              status,
		ConfiguredDistricts: nonNil(in.configured),
		SuccessfulDistricts: nonNil(included),
		FailedDistricts:     nonNil(missing),
		Errors:              nonNil(errs),
		Warnings:            nonNil(warnings),
		Findings:            findings,
		DistrictErrors:      nonNil(distErrs),
		Source:              snapshotSource,
		DataAsOfDate:        in.asOfDate(),
		IsClosingPeriodData: in.closing,
		CollectionDate:      in.date,
		LogicalDate:         in.logicalDate,
		DataMonth:           in.dataMonth(),
		ProgramYear:         normalize.ProgramYearOf(in.dataMonth()),
		InputChecksum:       in.digest,
	}
	if rankings != nil {
		md.RankingVersion = snapshot.RankingVersion
	}

	res.Status = status
	res.DistrictsIncluded = nonNil(included)
	res.DistrictsMissing = nonNil(missing)
	res.DistrictErrors = nonNil(distErrs)
	res.Errors = md.Errors
	res.Warnings = md.Warnings
	return &snapshot.Snapshot{Metadata: md, Rankings: rankings}, recs, nil
}

// districtChunk is how many districts one normalising task takes: each
// task reads its districts' reports with one normalize.ReadReports call, in
// which gocsv matches each report's header once for the whole chunk instead
// of once per file (that matching was a tenth of gocsv's time). Four
// districts keep most of that gain while the rows of only a few districts
// per worker are in memory at once (16 took the world build's peak RSS from
// ~72 to ~84 MB).
func districtChunk(districts, workers int) int {
	return min(max(districts/(4*max(workers, 1)), 1), 4)
}

// normaliseDistricts normalises a chunk of districts into out (same
// order): their reports are read together (normalize.ReadReports), then
// each district is assembled (assembleDistrict).
func normaliseDistricts(ds []districtInput, summaryByID map[string]*snapshot.SummaryRow, out []districtOutcome) {
	var files []normalize.ReportFile
	for i := range ds {
		for j, f := range ds[i].files {
			if f.err == nil {
				files = append(files, normalize.ReportFile{Kind: districtReports[j].kind, Name: f.key, Data: f.data})
			}
		}
	}
	results := normalize.ReadReports(files)
	for i := range ds {
		for j := range ds[i].files {
			ds[i].files[j].release() // read: the bytes go before publishing
		}
	}
	for i := range ds {
		d := &ds[i]
		var read [3]normalize.ReadResult
		for j, f := range d.files {
			if f.err == nil {
				read[j], results = results[0], results[1:]
			}
		}
		out[i] = assembleDistrict(d, read, summaryByID[d.id])
	}
}

// assembleDistrict assembles one district from its three reports as read
// (in districtReports order; a file that could not be read has its error in
// d.files). The club report is required: without it the district is
// missing.
func assembleDistrict(d *districtInput, read [3]normalize.ReadResult, summary *snapshot.SummaryRow) districtOutcome {
	var o districtOutcome
	fail := func(f rawFile, err error) {
		o.errs = append(o.errs, snapshot.DistrictError{
			DistrictID: d.id,
			Reason:     reasonOf(err),
			Report:     f.key[strings.LastIndexByte(f.key, '/')+1:],
			Error:      err.Error(),
		})
	}
	if allAbsent(d) {
		de := snapshot.DistrictError{
			DistrictID: d.id,
			Reason:     ReasonMissingReport,
			Error:      fmt.Sprintf("no report of district %s is cached for this date", d.id),
		}
		if d.summaryKnown && !d.inSummary {
			de.Reason = ReasonNotInSummary
			de.Error = fmt.Sprintf("district %s is not in this date's summary and has no cached reports", d.id)
		}
		o.errs = append(o.errs, de)
		return o
	}
	for i, f := range d.files {
		switch {
		case f.err != nil:
			fail(f, f.err)
		case read[i].Err != nil:
			fail(f, read[i].Err)
		}
	}
	club, division, district := read[0].Club, read[1].Division, read[2].District
	if club == nil {
		return o
	}
	o.warnings = append(o.warnings, club.Warnings...)
	if division != nil {
		o.warnings = append(o.warnings, division.Warnings...)
	}
	if district != nil {
		o.warnings = append(o.warnings, district.Warnings...)
	}
	if d.summaryKnown && !d.inSummary {
		o.warnings = append(o.warnings, "not in the all-districts summary")
	}
	// The reports were read for this district alone: it takes them.
	dist, ws, err := normalize.AssembleOwning(d.id, club, division, district, summary)
	if err != nil {
		o.errs = append(o.errs, snapshot.DistrictError{DistrictID: d.id, Reason: ReasonParseError, Error: err.Error()})
		return o
	}
	o.warnings = append(o.warnings, ws...)
	o.district = dist
	return o
}

// allAbsent reports whether none of the district's reports is cached.
func allAbsent(d *districtInput) bool {
	for _, f := range d.files {
		if f.err == nil || reasonOf(f.err) != ReasonMissingReport {
			return false
		}
	}
	return true
}

// nonNil returns s, or an empty slice for nil, so JSON shows [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Pending returns the collection dates of the raw cache, ascending, whose
// snapshot is not up to date: no snapshot of their logical date, or one
// built from an older collection, or from different input or versions.
// A date whose logical date already has a snapshot from a newer collection
// is not pending (building it would be skipped).
//
// Pending also moves current.json forward when a publish left it behind
// the newest complete successful snapshot (see mendPointer): no date is
// pending then, and without it readers would be served the older snapshot
// until a newer date is built. That is cheap unless the pointer is behind,
// and then takes the publish lock, as publishing does.
func (b *Builder) Pending(ctx context.Context) ([]string, error) {
	b.mendPointer(ctx)
	plans, err := b.pendingPlans(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(plans))
	for i, p := range plans {
		out[i] = p.date
	}
	return out, nil
}

// snapshotProblems says what is wrong with the files of published snapshot
// id: a file QuickCheck finds missing or of the wrong size, or one a read
// found damaged since it was last read whole (SnapshotStore.Damaged). Empty
// when nothing is known to be wrong. It is the one test of "up to date but
// damaged, so build it again" (Build, and pendingPlans for the snapshots
// readers are served).
func (b *Builder) snapshotProblems(ctx context.Context, id string) []string {
	var problems []string
	if c, err := b.store.Snapshots().QuickCheck(ctx, id); err == nil && !c.Complete {
		problems = append(problems, c.Problems...)
	}
	for _, d := range b.store.Snapshots().Damaged(id) {
		problems = append(problems, d.File+": "+d.Problem)
	}
	return problems
}

// damagedServed returns the snapshots that the scheduled build must mend
// although their input did not change: among the one current.json names,
// the newest snapshot and every snapshot a read found damaged, those with
// snapshotProblems. Checking those few keeps Pending cheap (a QuickCheck
// stats every file of a snapshot); an older snapshot damaged on disk and
// never read is found by verify.
func (b *Builder) damagedServed(ctx context.Context) map[string]bool {
	ss := b.store.Snapshots()
	cands := map[string]bool{}
	for _, d := range ss.Damaged("") {
		cands[d.SnapshotID] = true
	}
	if p, err := ss.Pointer(ctx); err == nil {
		cands[p.SnapshotID] = true
	}
	if ids, err := ss.IDs(ctx); err == nil && len(ids) > 0 {
		cands[ids[len(ids)-1]] = true
	}
	out := map[string]bool{}
	for id := range cands {
		if store.ValidDate(id) == nil && len(b.snapshotProblems(ctx, id)) > 0 {
			out[id] = true
		}
	}
	return out
}

// pendingDate is a pending collection date and the logical date it builds.
type pendingDate struct{ date, logical string }

// IncompleteCollection is a collection date that Pending leaves out
// although its snapshot was not built from it as it is now: the cache
// lacks reports a successful build needs (typically of a district tracked
// since the date was collected), so a build would be partial, and a
// partial build never replaces the successful snapshot there is
// (BuildResult.SkipReason says so when it is built anyway). Collecting
// the missing reports (toaststats backfill) makes it pending again.
type IncompleteCollection struct {
	CollectionDate string `json:"collectionDate"`
	// SnapshotID is the successful snapshot that stays as it is.
	SnapshotID string `json:"snapshotId"`
	// MissingDistricts are the districts to build that lack a report.
	MissingDistricts []string `json:"missingDistricts,omitempty"`
	// MissingSummary is true when the All Districts summary is not cached.
	MissingSummary bool `json:"missingSummary,omitempty"`
}

// Remedy says, for an operator, what the collection lacks and what
// collects it.
func (ic IncompleteCollection) Remedy() string {
	var what []string
	if ic.MissingSummary {
		what = append(what, "the All Districts summary")
	}
	switch n := len(ic.MissingDistricts); {
	case n == 1:
		what = append(what, "the reports of district "+ic.MissingDistricts[0])
	case n > 1:
		what = append(what, "the reports of districts "+strings.Join(ic.MissingDistricts, ", "))
	}
	return fmt.Sprintf("collection %s lacks %s: `toaststats backfill --from %s --to %s` collects them (reports already cached are kept)",
		ic.CollectionDate, strings.Join(what, " and "), ic.CollectionDate, ic.CollectionDate)
}

// lacks is what the cache lacks, by its listing alone, for a successful
// build of in: "summary" when the All Districts summary is not cached,
// and every district to build with a report not cached. Empty when
// nothing is missing (a cached file may still fail to read or parse).
func (in *buildInput) lacks() []string {
	var out []string
	if in.avail == nil {
		return nil
	}
	if !in.avail.HasSummary {
		out = append(out, lacksSummary)
	}
	for _, id := range in.configured {
		for _, slot := range districtReports {
			if !slices.Contains(in.avail.Districts[id], slot.report) {
				out = append(out, id)
				break
			}
		}
	}
	return out
}

// lacksSummary stands for the summary in buildInput.lacks (district ids
// are never lower-case words).
const lacksSummary = "summary"

// incompleteOf is the IncompleteCollection of date for lacks.
func incompleteOf(date, snapshotID string, lacks []string) IncompleteCollection {
	ic := IncompleteCollection{CollectionDate: date, SnapshotID: snapshotID}
	for _, l := range lacks {
		if l == lacksSummary {
			ic.MissingSummary = true
		} else {
			ic.MissingDistricts = append(ic.MissingDistricts, l)
		}
	}
	return ic
}

// buildNeed says whether a collection date is to be built (needOf).
type buildNeed int

const (
	needNothing buildNeed = iota // its snapshot is up to date, or from a newer collection
	needBuild                    // pending: a build can change what is published
	needReports                  // not up to date, but only collecting missing reports can change it (IncompleteCollection)
)

// needOf is the one rule for whether building collection date can change
// what is published for its snapshot, whose metadata is md (nil when there
// is none yet): Pending, BuildAll and Status ask it. upToDate is
// buildInput.upToDate(md); damaged is true when the snapshot's files are
// known to be damaged; incomplete is true when the cache lacks reports a
// successful build needs (buildInput.lacks).
func needOf(md *snapshot.Metadata, date string, upToDate, damaged, incomplete bool) buildNeed {
	switch {
	case md == nil:
		return needBuild
	case md.Collection() > date:
		return needNothing // a newer collection of the same month-end close won
	case incomplete && md.Status == snapshot.StatusSuccess && !upToDate:
		// The build would be partial, and a partial build never replaces
		// a successful snapshot: building it again and again (the
		// server's schedule) would change nothing.
		return needReports
	case damaged && md.Collection() == date, !upToDate:
		return needBuild
	default:
		return needNothing
	}
}

// pendingPlans is Pending with each date's logical date, and the dates
// left out because they are incomplete. What it derives of each raw date
// and snapshot is kept (pending.go), so a check with nothing new costs a
// stat per date and per snapshot.
func (b *Builder) pendingPlans(ctx context.Context) ([]pendingDate, error) {
	plans, _, err := b.plan(ctx)
	return plans, err
}

// Incomplete lists the collection dates Pending leaves out because the
// cache lacks reports a successful build needs while their snapshot is
// successful (see IncompleteCollection), in date order.
func (b *Builder) Incomplete(ctx context.Context) ([]IncompleteCollection, error) {
	_, inc, err := b.plan(ctx)
	return inc, err
}

// plan is pendingPlans and Incomplete.
func (b *Builder) plan(ctx context.Context) ([]pendingDate, []IncompleteCollection, error) {
	dates, err := b.store.Raw().Dates(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("pending: list cache dates: %w", err)
	}
	key, err := b.pendingKey(ctx)
	if err != nil {
		return nil, nil, err
	}
	prev := b.loadPendingState(ctx, key)
	next := newPendingState(key)
	damaged := b.damagedServed(ctx)
	var (
		out []pendingDate
		inc []IncompleteCollection
	)
	for _, date := range dates {
		e, err := b.planDate(ctx, date, prev, next)
		if errors.Is(err, ErrNothingCached) {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("pending: %w", err)
		}
		md, err := b.snapshotOf(ctx, e.Logical, prev, next)
		if err != nil {
			return nil, nil, fmt.Errorf("pending: read snapshot %s: %w", e.Logical, err)
		}
		in := &buildInput{date: date, digest: e.Digest}
		switch needOf(md, date, in.upToDate(md), damaged[e.Logical], e.Lacks != "") {
		case needBuild:
			out = append(out, pendingDate{date: date, logical: e.Logical})
		case needReports:
			inc = append(inc, incompleteOf(date, e.Logical, strings.Split(e.Lacks, ",")))
		}
	}
	b.savePendingState(ctx, prev, next)
	return out, inc, nil
}

// buildAllParallel is how many snapshots BuildAll builds at once.
const buildAllParallel = 2

// BuildAll builds every pending collection date (see Pending), two
// snapshots at a time; the results are in collection-date order. It returns ErrNothingCached when the cache holds no date at all,
// and an empty result when every snapshot is up to date. A date that fails
// with an error does not stop the others; the errors are joined. The
// exception is a lost lock lease (store.ErrLeaseLost, object storage):
// another process may be publishing into the store now, so the dates
// being built are stopped (their context is cancelled) and no other date
// is started; the error returned wraps store.ErrLeaseLost, and no date
// stopped so reports an error or result of its own.
//
// Collections of a month-end close map several dates to one snapshot, of
// which the newest collection wins: the newest is built first and, when
// its snapshot is successful, the older ones are not built at all (their
// result is Skipped, naming the newer collection). Otherwise the
// collections are built in date order, as BuildAll always did, so an older
// successful snapshot is kept rather than a partial newer one.
//
// First, as Build does, BuildAll moves current.json forward when a publish
// left it behind (see mendPointer).
func (b *Builder) BuildAll(ctx context.Context) ([]*BuildResult, error) {
	b.mendPointer(ctx)
	dates, err := b.store.Raw().Dates(ctx)
	if err != nil {
		return nil, fmt.Errorf("build all: list cache dates: %w", err)
	}
	if len(dates) == 0 {
		return nil, fmt.Errorf("build all: the raw cache is empty: %w", ErrNothingCached)
	}
	plans, err := b.pendingPlans(ctx)
	if err != nil {
		return nil, err
	}
	newest := map[string]int{} // logical date -> index of its newest pending collection
	for i, p := range plans {
		newest[p.logical] = i
	}
	var (
		mu      sync.Mutex // guards results, errs, done and the progress calls
		results []*BuildResult
		errs    []error
		done    int
	)
	parent := ctx
	ctx, stop := context.WithCancelCause(parent)
	defer stop(nil)
	keep := func(res *BuildResult, err error) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case errors.Is(err, store.ErrLeaseLost):
			if ctx.Err() == nil {
				errs = append(errs, err)
				stop(err)
			}
		case err != nil && errors.Is(err, context.Canceled) && parent.Err() == nil && ctx.Err() != nil:
			// Stopped because the lease was lost (above).
		case err != nil:
			errs = append(errs, err)
		default:
			results = append(results, res)
		}
		done++
		if b.progress != nil {
			b.progress(done, len(plans), res)
		}
	}
	build := func(date string) *BuildResult {
		res, err := b.build(ctx, date, false) // the pointer is mended above
		keep(res, err)
		return res
	}
	// group builds the collections of one snapshot: the newest first,
	// published only when successful; otherwise every collection in date
	// order, as if none were skipped (an older successful one then stays, a
	// partial newer one never replaces it).
	group := func(i int) {
		p := plans[i]
		var older []int // the older collections of the same snapshot
		for j := range i {
			if plans[j].logical == p.logical {
				older = append(older, j)
			}
		}
		if len(older) == 0 {
			build(p.date)
			return
		}
		res, err := b.build(ctx, p.date, true)
		if err == nil && res.Skipped && res.SkipReason == notSuccessReason {
			for _, j := range older {
				build(plans[j].date)
			}
			build(p.date)
			return
		}
		keep(res, err)
		for _, j := range older {
			keep(&BuildResult{
				SnapshotID: p.logical, CollectionDate: plans[j].date, LogicalDate: p.logical,
				DistrictsIncluded: []string{}, DistrictsMissing: []string{}, DistrictErrors: []snapshot.DistrictError{},
				Errors: []string{}, Warnings: []string{}, Skipped: true,
				SkipReason: fmt.Sprintf("snapshot %s comes from the newer collection %s of the same month-end close; the older collection %s is not built",
					p.logical, p.date, plans[j].date),
			}, nil)
		}
	}
	// Snapshots of different logical dates are independent: two are built
	// at once. Each holds the store's publish lock while it normalises and
	// publishes (Builder), so what overlaps is one's reading of the head and
	// its history appends with the other's districts.
	sem := make(chan struct{}, buildAllParallel)
	var wg sync.WaitGroup
	for i, p := range plans {
		if newest[p.logical] != i {
			continue // built (or skipped) with the newest collection
		}
		if ctx.Err() != nil {
			if err := parent.Err(); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
			break // cancelled, or the lease was lost (in errs already)
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			group(i)
		}()
	}
	wg.Wait()
	slices.SortStableFunc(results, func(x, y *BuildResult) int { return strings.Compare(x.CollectionDate, y.CollectionDate) })
	return results, errors.Join(errs...)
}
