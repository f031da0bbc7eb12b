package toaststats

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/singleflight"

	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// The history index keeps, per district and program year, the daily points
// analytics read (a district's statistics with its clubs and its ranking
// row), and per program year the snapshots' metadata, so a district's
// history is a couple of file reads instead of a read of every snapshot.
// Its layout:
//
//	history/<program-year>/district_<id>.log   a district's days
//	history/<program-year>/snapshots.log       the snapshots' metadata
//	history/types/<hash>.gob                   gob type preambles of the records earlier
//	                                           versions wrote (history_codec.go)
//	history/pending.json                       Builder.Pending's kept state (pending.go)
//
// Records are written in a fixed binary layout (history_binary.go); the gob
// records earlier versions wrote are still read.
//
// Each log is a record log (store.AppendRecords): one record per snapshot
// generation the Builder published, appended as it publishes. A record
// names its snapshot id and the snapshot's store.Stamp; readers trust a
// record only while that stamp is still the snapshot's, so a rebuilt,
// deleted or hand-published snapshot is never answered from a stale record:
// it is read from the snapshot itself (and `toaststats reindex` rewrites the
// index from the snapshots). A crash mid-append leaves a torn last record,
// which readers ignore and the next append drops.

// historyPrefix is the folder of the history index in the data directory.
const historyPrefix = "history/"

// historyLock is the store lock held while the index is written.
const historyLock = "history"

// historyKey is the record log of a district's program year.
func historyKey(programYear, districtID string) string {
	return historyPrefix + programYear + "/district_" + districtID + ".log"
}

// snapshotsKey is the log of the snapshots' metadata of a program year.
func snapshotsKey(programYear string) string {
	return historyPrefix + programYear + "/snapshots.log"
}

// History reads and maintains the history index of a store: a district's
// daily series for analytics, read from the index instead of every
// snapshot. It keeps the snapshot metadata of the last listing it answered
// from (~8 MB for a year of world snapshots; see listingMeta). It is safe
// for concurrent use.
type History struct {
	st  *store.Store
	log *slog.Logger

	metaSF singleflight.Group
	metaMu sync.Mutex
	meta   *snapshotsMeta // of the last listing read (listingMeta)
}

// NewHistory returns the History of st; log may be nil.
func NewHistory(st *store.Store, log *slog.Logger) *History {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &History{st: st, log: log}
}

// DistrictHistory is a district's series: one analytics.Point per
// successful dated snapshot that has the district, oldest first.
type DistrictHistory struct {
	// Points are the district's daily points, oldest first.
	Points []analytics.Point
	// Fingerprint changes whenever a snapshot is added, rebuilt or removed:
	// a cache of anything derived from Points may be keyed by it.
	Fingerprint string
	// FromIndex and FromSnapshots count the snapshots answered from the
	// index and read from the snapshot itself (no current index record).
	FromIndex, FromSnapshots int
}

// stampedID is a snapshot id with its current stamp.
type stampedID struct{ id, stamp string }

// stampParallel is how many snapshots are stated at once: one stat is a
// few microseconds on a local disk but a HEAD request, a few milliseconds,
// on object storage, where a year of snapshots stated one by one took
// about two seconds.
const stampParallel = 32

// stamps lists the dated snapshots with their stamps, ascending, and the
// fingerprint of that list.
func (h *History) stamps(ctx context.Context) ([]stampedID, string, error) {
	ids, err := h.st.Snapshots().IDs(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("history: %w", err)
	}
	stamps := make([]string, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(stampParallel)
	for i, id := range ids {
		g.Go(func() error {
			s, err := h.st.Snapshots().Stamp(gctx, id)
			if errors.Is(err, store.ErrSnapshotNotFound) {
				return nil // a folder without a manifest is no snapshot
			}
			if err != nil {
				return fmt.Errorf("history: %w", err)
			}
			stamps[i] = s
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, "", err
	}
	out := make([]stampedID, 0, len(ids))
	fp := sha256.New()
	for i, id := range ids {
		if stamps[i] == "" {
			continue
		}
		out = append(out, stampedID{id, stamps[i]})
		fp.Write([]byte(id + "=" + stamps[i] + ";"))
	}
	return out, hex.EncodeToString(fp.Sum(nil)[:12]), nil
}

// Fingerprint returns the fingerprint of the dated snapshots as they are
// now (DistrictHistory.Fingerprint), listing and stating them only: a
// cache of series can check it before loading anything.
func (h *History) Fingerprint(ctx context.Context) (string, error) {
	_, fp, err := h.stamps(ctx)
	return fp, err
}

// Listing is the dated snapshots with their stamps as History.List found
// them at one moment. A cache that keys series by the fingerprint passes
// the same listing to DistrictIn, so the snapshots are stated once per
// answer, not twice, and the series is the one the key names.
type Listing struct {
	ids []stampedID
	// Fingerprint is the listing's fingerprint (DistrictHistory.Fingerprint).
	Fingerprint string
}

// List lists and states the dated snapshots (as Fingerprint does) and
// returns the listing for DistrictIn.
func (h *History) List(ctx context.Context) (*Listing, error) {
	ids, fp, err := h.stamps(ctx)
	if err != nil {
		return nil, err
	}
	return &Listing{ids: ids, Fingerprint: fp}, nil
}

// District returns the district's series: a point for every successful
// dated snapshot holding the district, oldest first, exactly as reading each
// snapshot would give it. Snapshots with current index records are answered
// from the index; the others (published before the index existed, rebuilt
// by another program, or whose record a crash lost) are read from the
// snapshot. A damaged district file leaves its date out.
func (h *History) District(ctx context.Context, districtID string) (*DistrictHistory, error) {
	l, err := h.List(ctx)
	if err != nil {
		return nil, err
	}
	return h.DistrictIn(ctx, l, districtID)
}

// DistrictIn is District as of a listing made by List: each date is
// answered from the index record of the stamp the listing found, or read
// from the snapshot when the index has none. A date rebuilt since the
// listing may so be answered as it was listed (its Fingerprint is the
// listing's); List again for the newest. (The HTTP API reuses a listing
// for at most a second.)
func (h *History) DistrictIn(ctx context.Context, l *Listing, districtID string) (*DistrictHistory, error) {
	districtID, err := store.ValidDistrictID(districtID)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	list, fp := l.ids, l.Fingerprint
	meta, err := h.listingMeta(ctx, l)
	if err != nil {
		return nil, err
	}
	// The current district records, per snapshot id.
	days := map[string]record{}
	for _, py := range meta.years {
		recs, err := h.currentRecords(ctx, historyKey(py, districtID), kindDistrict, meta.want)
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			days[rec.id] = rec
		}
	}

	out := &DistrictHistory{Fingerprint: fp}
	pts := make([]*analytics.Point, len(list))
	var unreadable int // records read from the snapshot instead
	firstErr := meta.firstErr
	var indexed, fallback []int
	for i, e := range list {
		_, okd := days[e.id]
		sd, okm := meta.days[e.id]
		switch {
		case okm && sd == nil: // a record it could not decode
			unreadable++
			fallback = append(fallback, i)
		case okd && okm:
			indexed = append(indexed, i)
		case okm && notIn(sd, districtID):
			out.FromIndex++ // the index says the snapshot has no point of the district
		default:
			fallback = append(fallback, i)
		}
	}
	workers := runtime.GOMAXPROCS(0)
	g, gctx := errgroup.WithContext(ctx)
	var mu sync.Mutex
	defer func() {
		if unreadable > 0 { // once per answer: a whole index of another layout is ~270 records
			h.log.Warn("history records unreadable; their snapshots were read (`toaststats reindex` rewrites them)",
				"district", districtID, "records", unreadable, "err", firstErr)
		}
	}()
	for w := range workers {
		g.Go(func() error {
			dec := newDecoders(gctx, h.st.Objects())
			for k := w; k < len(indexed); k += workers {
				i := indexed[k]
				id := list[i].id
				sd := meta.days[id]
				var dd districtDay
				if err := dec.decode(days[id], &dd); err != nil {
					mu.Lock()
					if unreadable++; firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					p, err := h.pointFromSnapshot(gctx, id, districtID)
					if err != nil {
						return err
					}
					pts[i] = p
					mu.Lock()
					out.FromSnapshots++
					mu.Unlock()
					continue
				}
				if sd.Metadata.Status == snapshot.StatusSuccess {
					pts[i] = &analytics.Point{Date: id, Metadata: sd.Metadata, District: &dd.District, Ranking: dd.Ranking, TotalDistricts: dd.TotalDistricts}
				}
				mu.Lock()
				out.FromIndex++
				mu.Unlock()
			}
			return nil
		})
	}
	sem := make(chan struct{}, workers) // snapshot reads decode JSON: bound them
	for _, i := range fallback {
		g.Go(func() error {
			sem <- struct{}{}
			defer func() { <-sem }()
			p, err := h.pointFromSnapshot(gctx, list[i].id, districtID)
			if err != nil {
				return err
			}
			pts[i] = p
			mu.Lock()
			out.FromSnapshots++
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out.Points = make([]analytics.Point, 0, len(pts))
	for _, p := range pts {
		if p != nil {
			out.Points = append(out.Points, *p)
		}
	}
	return out, nil
}

// Warm reads and decodes the snapshot metadata of listing l now, which
// the first district's answer of the listing would otherwise do (every
// district's series of a listing shares it; see listingMeta): a server
// warms it at start and after each build, so no leader's first answer
// waits for it.
func (h *History) Warm(ctx context.Context, l *Listing) error {
	_, err := h.listingMeta(ctx, l)
	return err
}

// snapshotsMeta is the snapshot metadata of one listing, as the history
// index holds it.
type snapshotsMeta struct {
	fp    string
	years []string          // the program years of the listing's snapshots
	want  map[string]string // snapshot id -> the stamp listed
	// days are the current snapshot records, decoded, by snapshot id; nil
	// for a record that could not be decoded (firstErr says why), absent
	// where the index has no current record.
	days     map[string]*snapshotDay
	firstErr error
}

// listingMeta returns the snapshot metadata of listing l: read and decoded
// once per listing, not once per district, since every district's series
// of a listing has the same snapshots. A world snapshot's metadata is ~19
// KB (its warnings and findings name every district): ~5 MB of records for
// a year, which took ~10 ms to read and decode and ~8 MB of memory at each
// district's first answer. The last listing's is kept (its Fingerprint
// names it); concurrent callers of the same listing share one read. The
// points of every district's series then share their snapshots'
// Metadata, which, like the rest of a Point, is read-only.
func (h *History) listingMeta(ctx context.Context, l *Listing) (*snapshotsMeta, error) {
	h.metaMu.Lock()
	m := h.meta
	h.metaMu.Unlock()
	if m != nil && m.fp == l.Fingerprint {
		return m, nil
	}
	// One read for concurrent callers, whose own cancellation does not end
	// it for the others: it is bounded work (two files per program year).
	v, err, _ := h.metaSF.Do(l.Fingerprint, func() (any, error) {
		m, err := h.readListingMeta(context.WithoutCancel(ctx), l)
		if err == nil {
			h.metaMu.Lock()
			h.meta = m
			h.metaMu.Unlock()
		}
		return m, err
	})
	if err != nil {
		return nil, err
	}
	return v.(*snapshotsMeta), nil
}

// readListingMeta reads and decodes the snapshot records of listing l.
func (h *History) readListingMeta(ctx context.Context, l *Listing) (*snapshotsMeta, error) {
	m := &snapshotsMeta{fp: l.Fingerprint, want: make(map[string]string, len(l.ids)), days: map[string]*snapshotDay{}}
	for _, e := range l.ids {
		m.want[e.id] = e.stamp
		if py := snapshot.ProgramYearOf(e.id); !slices.Contains(m.years, py) {
			m.years = append(m.years, py)
		}
	}
	var recs []record
	for _, py := range m.years {
		got, err := h.currentRecords(ctx, snapshotsKey(py), kindSnapshot, m.want)
		if err != nil {
			return nil, err
		}
		recs = append(recs, got...)
	}
	decoded := make([]*snapshotDay, len(recs))
	errs := make([]error, len(recs))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			dec := newDecoders(ctx, h.st.Objects())
			for k := w; k < len(recs); k += workers {
				sd := new(snapshotDay)
				if errs[k] = dec.decode(recs[k], sd); errs[k] == nil {
					decoded[k] = sd
				}
			}
		})
	}
	wg.Wait()
	for k, rec := range recs {
		m.days[rec.id] = decoded[k]
		if errs[k] != nil && m.firstErr == nil {
			m.firstErr = errs[k]
		}
	}
	return m, nil
}

// currentRecords reads the record log key: its records of kind whose
// stamp is the one want lists for their snapshot, in log order (so the
// last of an id is its current one). A damaged tail is logged, and the
// dates after it are read from the snapshots.
func (h *History) currentRecords(ctx context.Context, key string, kind byte, want map[string]string) ([]record, error) {
	payloads, damage, err := store.ReadRecords(ctx, h.st.Objects(), key)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	if damage != nil {
		h.log.Warn("history index damaged; the dates after the damage are read from the snapshots", "err", damage)
	}
	var recs []record
	for _, p := range payloads {
		if rec, ok := parseRecord(p); ok && rec.kind == kind && want[rec.id] == rec.stamp {
			recs = append(recs, rec)
		}
	}
	return recs, nil
}

// notIn reports whether the current snapshot record sd says that its
// snapshot gives no point of districtID: it is not a successful snapshot,
// or the district is not among those indexed with it. A record of an
// earlier version that does not list its districts says nothing (the
// snapshot is read instead).
func notIn(sd *snapshotDay, districtID string) bool {
	if sd.Metadata.Status != snapshot.StatusSuccess {
		return true // pointFromSnapshot gives no point of it either
	}
	return len(sd.Districts) > 0 && !slices.Contains(sd.Districts, districtID)
}

// pointFromSnapshot reads the district's point from snapshot id; nil when
// the snapshot is not successful, lacks the district, or its district file
// is damaged.
func (h *History) pointFromSnapshot(ctx context.Context, id, districtID string) (*analytics.Point, error) {
	snaps := h.st.Snapshots()
	v, err := snaps.Get(ctx, id)
	if err != nil {
		if errors.Is(err, store.ErrSnapshotNotFound) {
			return nil, nil // deleted since listed
		}
		if errors.Is(err, store.ErrCorrupt) {
			h.log.Warn("history: unreadable snapshot left out", "snapshot", id, "err", err)
			return nil, nil
		}
		return nil, fmt.Errorf("history: read snapshot %s: %w", id, err)
	}
	if v.Legacy() || v.Metadata.Status != snapshot.StatusSuccess {
		return nil, nil
	}
	df, err := v.District(ctx, districtID)
	if err != nil {
		if errors.Is(err, store.ErrDistrictNotFound) {
			return nil, nil
		}
		if errors.Is(err, store.ErrCorrupt) {
			// One damaged file never takes the district's history down: the
			// date is left out (and verify reports the damage).
			h.log.Warn("history: damaged district file left out", "snapshot", id, "district", districtID, "err", err)
			return nil, nil
		}
		return nil, fmt.Errorf("history: read district %s of %s: %w", districtID, id, err)
	}
	// The raw CSV records of predecessor files are never analysed.
	df.Data.DistrictPerformance, df.Data.DivisionPerformance, df.Data.ClubPerformance = nil, nil, nil
	p := &analytics.Point{Date: id, Metadata: v.Metadata, District: &df.Data}
	rf, err := v.RankingsShared(ctx)
	switch {
	case err == nil:
		p.TotalDistricts = rf.Metadata.TotalDistricts
		p.Ranking = rankingRow(rf.Rankings, districtID)
	case errors.Is(err, store.ErrNoRankings):
	case errors.Is(err, store.ErrCorrupt):
		h.log.Warn("history: damaged rankings file left out", "snapshot", id, "err", err)
	default:
		return nil, fmt.Errorf("history: read rankings of %s: %w", id, err)
	}
	return p, nil
}

// rankingRow returns a copy of the district's row, or nil.
func rankingRow(rows []snapshot.DistrictRanking, districtID string) *snapshot.DistrictRanking {
	for i := range rows {
		if rows[i].DistrictID == districtID {
			r := rows[i]
			return &r
		}
	}
	return nil
}

// Record adds the index records of snap, which the store has just
// published (the Builder calls it after every publish): the snapshot's
// metadata (as stored) to the program year's snapshots log, and one record
// per district to the district's log. Records of a generation that is no
// longer in place are harmless: readers only trust a record whose stamp is
// current.
func (h *History) Record(ctx context.Context, snap *snapshot.Snapshot) error {
	prep, err := h.prepare(ctx, snap)
	if err != nil {
		return err
	}
	return h.commit(ctx, prep)
}

// preparedRecords are the district records of a snapshot, encoded before
// it is published (the Builder encodes each as it builds the district), in
// the order of logs; a nil value is a slot no district filled.
type preparedRecords struct {
	id     string
	dids   []string // the successful districts, a slot each ("" for none)
	logs   []string
	values []*encodedValue
	// listed, when not nil, is what the snapshot record lists instead of
	// dids: Reindex prepares a batch of the snapshot's districts at a time,
	// and its record must still list every district the snapshot has.
	listed []string

	mu  sync.Mutex
	err error // the first error of add, when the caller keeps it (keep)
}

// keep records err (when not nil) for commit to return: the Builder's
// build goes on, as it does when the index cannot be written.
func (p *preparedRecords) keep(err error) {
	if err == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil {
		p.err = err
	}
}

// newPreparedRecords returns n empty slots for the records of snapshot id.
func newPreparedRecords(id string, n int) *preparedRecords {
	return &preparedRecords{id: id, dids: make([]string, n), logs: make([]string, n), values: make([]*encodedValue, n)}
}

// districts lists the snapshot's successful districts for its snapshot
// record (snapshotDay.Districts), or nil when a slot could not be filled:
// a list that may miss a district the snapshot has would hide its point.
func (p *preparedRecords) districts() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.listed != nil {
		return p.listed
	}
	if p.err != nil {
		return nil
	}
	var out []string
	for _, d := range p.dids {
		if d != "" {
			out = append(out, d)
		}
	}
	return out
}

// add encodes the record of district file df into slot i, ranked by ranks
// (total districts ranked). Slots may be filled concurrently; a district
// that is not a success is not recorded (View.DistrictIDs leaves it out).
func (p *preparedRecords) add(i int, df *snapshot.DistrictFile, ranks []snapshot.DistrictRanking, total int) error {
	if df.Status != "" && df.Status != snapshot.StatusSuccess {
		return nil
	}
	did, err := store.ValidDistrictID(df.DistrictID)
	if err != nil {
		return fmt.Errorf("history: record %s: %w", p.id, err)
	}
	p.dids[i] = did
	d := df.Data
	d.DistrictPerformance, d.DivisionPerformance, d.ClubPerformance = nil, nil, nil
	ev, err := encodeValue(kindDistrict, &districtDay{District: d, Ranking: rankingRow(ranks, did), TotalDistricts: total})
	if err != nil {
		return fmt.Errorf("history: record %s: %w", p.id, err)
	}
	p.logs[i], p.values[i] = historyKey(snapshot.ProgramYearOf(p.id), did), ev
	return nil
}

// createLog creates the log key, empty, ahead of the commit that appends
// to it (store.CreateRecordLog); a failure is left to the append.
func (h *History) createLog(ctx context.Context, key string) {
	_ = store.CreateRecordLog(ctx, h.st.Objects(), key)
}

// prepare encodes the district records of snap (its successful districts,
// ranked by its rankings).
func (h *History) prepare(ctx context.Context, snap *snapshot.Snapshot) (*preparedRecords, error) {
	id := snap.Metadata.SnapshotID
	if err := store.ValidDate(id); err != nil {
		return nil, fmt.Errorf("history: record %q: %w", id, err)
	}
	var ranks []snapshot.DistrictRanking
	total := 0
	if snap.Rankings != nil {
		ranks, total = snap.Rankings.Rankings, snap.Rankings.Metadata.TotalDistricts
	}
	prep := newPreparedRecords(id, len(snap.Districts))
	g, _ := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i := range snap.Districts {
		g.Go(func() error { return prep.add(i, &snap.Districts[i], ranks, total) })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return prep, nil
}

// commit appends prepared records of a published snapshot, with its stamp
// and its metadata as stored.
func (h *History) commit(ctx context.Context, prep *preparedRecords) error {
	return h.commitStamped(ctx, prep, "", nil)
}

// commitStamped is commit with the snapshot's stamp and stored metadata
// already known (store.Publication.OnStaged); with stamp "" they are read
// from the store.
func (h *History) commitStamped(ctx context.Context, prep *preparedRecords, stamp string, md *snapshot.Metadata) error {
	if prep.err != nil {
		return prep.err
	}
	lk, err := h.lock(ctx)
	if err != nil {
		return err
	}
	defer lk.Unlock()
	// On object storage an append rewrites the log whole: one that lands
	// after the lease was lost could drop another writer's records.
	ctx = lk.Context()
	recs, err := h.frame(ctx, prep, stamp, md)
	if err != nil {
		return lk.LostOr(err)
	}
	logs := make(map[string][]byte, len(recs))
	for _, r := range recs {
		logs[r.key] = r.payload
	}
	if err := lk.Check(ctx); err != nil {
		return fmt.Errorf("history: record %s: %w", prep.id, err)
	}
	if err := store.AppendRecordsEach(ctx, h.st.Objects(), logs); err != nil {
		return fmt.Errorf("history: record %s: %w", prep.id, lk.LostOr(err))
	}
	return nil
}

// frame stamps prepared records: the snapshot's metadata record first (read
// back from the store, as every reader gets it), then its districts.
func (h *History) frame(ctx context.Context, prep *preparedRecords, stamp string, md *snapshot.Metadata) ([]logRecord, error) {
	id := prep.id
	if stamp == "" {
		snaps := h.st.Snapshots()
		var err error
		if stamp, err = snaps.Stamp(ctx, id); err != nil {
			return nil, fmt.Errorf("history: record %s: %w", id, err)
		}
		v, err := snaps.GetFresh(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("history: record %s: %w", id, err)
		}
		md = &v.Metadata
	}
	meta, err := encodeValue(kindSnapshot, &snapshotDay{Metadata: *md, Districts: prep.districts()})
	if err != nil {
		return nil, fmt.Errorf("history: record %s: %w", id, err)
	}
	out := make([]logRecord, 0, 1+len(prep.values))
	add := func(key string, ev *encodedValue) error {
		p, err := ev.payload(id, stamp)
		if err != nil {
			return err
		}
		out = append(out, logRecord{key: key, payload: p})
		return nil
	}
	if err := add(snapshotsKey(snapshot.ProgramYearOf(id)), meta); err != nil {
		return nil, err
	}
	for i, ev := range prep.values {
		if ev == nil {
			continue
		}
		if err := add(prep.logs[i], ev); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// lock takes the store-wide history lock when the backend has one (a
// lease on object storage, which can be lost while held: see
// store.HeldLock).
func (h *History) lock(ctx context.Context) (*store.HeldLock, error) {
	lk, err := store.AcquireLock(ctx, h.st.Objects(), historyLock)
	if err != nil {
		return nil, fmt.Errorf("history: lock: %w", err)
	}
	return lk, nil
}

// logRecord is one encoded record and the log it goes to.
type logRecord struct {
	key     string
	payload []byte
}

// reindexBatch is how many districts' logs Reindex holds in memory at once.
const reindexBatch = 16

// recordsOf encodes the records of published snapshot id from its files
// (Reindex): its metadata record first when meta, then the districts in
// only, in id order.
func (h *History) recordsOf(ctx context.Context, id string, only map[string]bool, meta bool) ([]logRecord, error) {
	v, err := h.st.Snapshots().GetFresh(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("history: record %s: %w", id, err)
	}
	snap := &snapshot.Snapshot{Metadata: v.Metadata}
	if rf, err := v.RankingsShared(ctx); err == nil {
		snap.Rankings = rf
	} else if !errors.Is(err, store.ErrNoRankings) {
		return nil, fmt.Errorf("history: record %s: rankings: %w", id, err)
	}
	for _, did := range v.DistrictIDs() {
		if !only[did] {
			continue
		}
		df, err := v.District(ctx, did)
		if err != nil {
			if errors.Is(err, store.ErrCorrupt) {
				h.log.Warn("history: damaged district file not indexed", "snapshot", id, "district", did, "err", err)
				continue
			}
			return nil, fmt.Errorf("history: record %s district %s: %w", id, did, err)
		}
		snap.Districts = append(snap.Districts, *df)
	}
	snap.Metadata.SnapshotID = id
	prep, err := h.prepare(ctx, snap)
	if err != nil {
		return nil, err
	}
	// The snapshot record lists all the snapshot's districts, not only
	// this batch: a district it leaves out is one the snapshot "has no
	// point of", and a reader whose own log lacks the record would then
	// drop the date instead of reading it from the snapshot. A damaged
	// district file (skipped above) stays listed for the same reason.
	prep.listed = append([]string{}, v.DistrictIDs()...)
	recs, err := h.frame(ctx, prep, "", nil)
	if err != nil || meta {
		return recs, err
	}
	return recs[1:], nil // frame puts the metadata record first
}

// ReindexResult is what Reindex did.
type ReindexResult struct {
	// Snapshots is the number of dated snapshots indexed.
	Snapshots int `json:"snapshots"`
	// Logs is the number of district program-year logs written.
	Logs int `json:"logs"`
	// Removed lists the logs deleted because no snapshot backs them.
	Removed []string `json:"removed"`
	// Skipped lists the snapshots left out because their files are
	// damaged (store.ErrCorrupt): `verify --repair` mends or quarantines
	// them; reindex again after it.
	Skipped []ReindexSkip `json:"skipped"`
}

// ReindexSkip is a snapshot Reindex could not index, and why.
type ReindexSkip struct {
	SnapshotID string `json:"snapshotId"`
	Reason     string `json:"reason"`
}

// Reindex rebuilds the whole history index from the snapshots: every log is
// rewritten atomically with one record per dated snapshot holding the
// district, and logs no snapshot backs are removed. Use it after an
// upgrade, a restore, or when `verify` reports the index stale or damaged.
// A snapshot whose files are damaged is skipped and listed (Skipped); any
// other failure to read one stops the rebuild with the index as it was.
// Memory stays bounded: the records of a program year of a few districts
// at a time.
func (h *History) Reindex(ctx context.Context) (_ *ReindexResult, err error) {
	lk, err := h.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer lk.Unlock()
	// A lost lease (object storage) stops the rewrite: another process
	// may be writing the index now.
	ctx = lk.Context()
	defer func() { err = lk.LostOr(err) }()
	ids, err := h.st.Snapshots().IDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("history: reindex: %w", err)
	}
	res := &ReindexResult{Removed: []string{}, Skipped: []ReindexSkip{}}
	written := map[string]bool{}
	skipped := map[string]bool{}
	for len(ids) > 0 {
		py := snapshot.ProgramYearOf(ids[0])
		n := 0
		for n < len(ids) && snapshot.ProgramYearOf(ids[n]) == py {
			n++
		}
		// The districts of the program year, in batches: memory holds one
		// batch's logs (a world year is ~600 MB of records in all).
		var districts []string
		seen := map[string]bool{}
		for _, id := range ids[:n] {
			v, err := h.st.Snapshots().Get(ctx, id)
			if err != nil {
				continue // unreadable snapshots are read (and skipped) below
			}
			for _, did := range v.DistrictIDs() {
				if !seen[did] {
					seen[did] = true
					districts = append(districts, did)
				}
			}
		}
		first := true
		for len(districts) > 0 || first {
			batch := districts[:min(reindexBatch, len(districts))]
			districts = districts[len(batch):]
			only := map[string]bool{}
			for _, did := range batch {
				only[did] = true
			}
			logs := map[string][][]byte{}
			for _, id := range ids[:n] {
				if skipped[id] {
					continue
				}
				recs, err := h.recordsOf(ctx, id, only, first)
				if errors.Is(err, store.ErrSnapshotNotFound) {
					continue
				}
				if errors.Is(err, store.ErrCorrupt) {
					h.log.Warn("history: reindex: damaged snapshot not indexed", "snapshot", id, "err", err)
					skipped[id] = true
					res.Skipped = append(res.Skipped, ReindexSkip{SnapshotID: id, Reason: err.Error()})
					continue
				}
				if err != nil {
					return nil, fmt.Errorf("history: reindex: %w", err)
				}
				if first {
					res.Snapshots++
				}
				for _, r := range recs {
					logs[r.key] = append(logs[r.key], r.payload)
				}
			}
			first = false
			keys := make([]string, 0, len(logs))
			for k := range logs {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if err := lk.Check(ctx); err != nil {
				return nil, fmt.Errorf("history: reindex: %w", err)
			}
			for _, key := range keys {
				if err := store.WriteRecords(ctx, h.st.Objects(), key, logs[key]...); err != nil {
					return nil, fmt.Errorf("history: reindex: %w", err)
				}
				written[key] = true
				res.Logs++
			}
		}
		ids = ids[n:]
	}
	existing, err := h.logs(ctx)
	if err != nil {
		return nil, err
	}
	if err := lk.Check(ctx); err != nil {
		return nil, fmt.Errorf("history: reindex: %w", err)
	}
	for _, key := range existing {
		if !written[key] {
			if err := h.st.Objects().Delete(ctx, key); err != nil {
				return nil, fmt.Errorf("history: reindex: remove %s: %w", key, err)
			}
			res.Removed = append(res.Removed, key)
		}
	}
	return res, nil
}

// logs lists every record log of the index.
func (h *History) logs(ctx context.Context) ([]string, error) {
	years, err := h.st.Objects().List(ctx, historyPrefix)
	if err != nil {
		return nil, fmt.Errorf("history: list: %w", err)
	}
	var out []string
	for _, y := range years {
		if !strings.HasSuffix(y, "/") {
			continue
		}
		files, err := h.st.Objects().List(ctx, y)
		if err != nil {
			return nil, fmt.Errorf("history: list %s: %w", y, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, ".log") {
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// HistoryProblem is one finding of VerifyHistory.
type HistoryProblem struct {
	// Log is the record log concerned (history/<program-year>/district_<id>.log).
	Log string `json:"log"`
	// SnapshotID is the snapshot concerned, when one is.
	SnapshotID string `json:"snapshotId,omitempty"`
	// Problem says what is wrong: "damaged" (a torn or corrupt record),
	// "missing" (a snapshot's district has no current record),
	// "unreadable" (a record that does not decode) or "incomplete" (a
	// snapshot's record does not list all its districts, as `reindex`
	// wrote it before 2026-12 for districts past its first batch).
	Problem string `json:"problem"`
	// Detail is the error or explanation.
	Detail string `json:"detail"`
}

// Verify checks the index against the snapshots: every dated snapshot has
// a current metadata record and every district of it a current record,
// each decodable, and every log reads to its end. Findings are not errors
// (the readers fall back to the snapshots); `toaststats reindex` repairs
// them. err is an I/O error.
func (h *History) Verify(ctx context.Context) ([]HistoryProblem, error) {
	list, _, err := h.stamps(ctx)
	if err != nil {
		return nil, err
	}
	want := map[string]string{}
	for _, e := range list {
		want[e.id] = e.stamp
	}
	probs := []HistoryProblem{}
	current := map[string]map[string]bool{} // log -> snapshot ids with a current, decodable record
	listed := map[string][]string{}         // snapshot id -> the districts its current record lists
	dec := newDecoders(ctx, h.st.Objects())
	load := func(key string, kind byte) (map[string]bool, error) {
		if c := current[key]; c != nil {
			return c, nil
		}
		c := map[string]bool{}
		current[key] = c
		payloads, damage, err := store.ReadRecords(ctx, h.st.Objects(), key)
		if err != nil {
			return nil, err
		}
		if damage != nil {
			probs = append(probs, HistoryProblem{Log: key, Problem: "damaged", Detail: damage.Error()})
		}
		for _, p := range payloads {
			rec, ok := parseRecord(p)
			if !ok || rec.kind != kind || want[rec.id] != rec.stamp {
				continue
			}
			var v any = &districtDay{}
			if kind == kindSnapshot {
				v = &snapshotDay{}
			}
			if err := dec.decode(rec, v); err != nil {
				probs = append(probs, HistoryProblem{Log: key, SnapshotID: rec.id, Problem: "unreadable", Detail: err.Error()})
				continue
			}
			c[rec.id] = true
			if sd, ok := v.(*snapshotDay); ok {
				listed[rec.id] = sd.Districts
			}
		}
		return c, nil
	}
	missing := func(key, id string) {
		probs = append(probs, HistoryProblem{Log: key, SnapshotID: id, Problem: "missing",
			Detail: fmt.Sprintf("no record of snapshot %s as it is now; answers read the snapshot until `toaststats reindex`", id)})
	}
	for _, e := range list {
		v, err := h.st.Snapshots().Get(ctx, e.id)
		if err != nil {
			continue // the snapshot store's own checks report it
		}
		py := snapshot.ProgramYearOf(e.id)
		c, err := load(snapshotsKey(py), kindSnapshot)
		if err != nil {
			return nil, fmt.Errorf("history: verify: %w", err)
		}
		if !c[e.id] {
			missing(snapshotsKey(py), e.id)
		} else if l := listed[e.id]; l != nil {
			// A district the record leaves out is one readers take the
			// snapshot to lack: without its own record they drop the date.
			var left []string
			for _, did := range v.DistrictIDs() {
				if !slices.Contains(l, did) {
					left = append(left, did)
				}
			}
			if len(left) > 0 {
				probs = append(probs, HistoryProblem{Log: snapshotsKey(py), SnapshotID: e.id, Problem: "incomplete",
					Detail: fmt.Sprintf("the record of snapshot %s leaves out %d of its %d districts (first %s): their answers lose the date if their own record is lost; run `toaststats reindex`",
						e.id, len(left), len(v.DistrictIDs()), left[0])})
			}
		}
		for _, did := range v.DistrictIDs() {
			key := historyKey(py, did)
			c, err := load(key, kindDistrict)
			if err != nil {
				return nil, fmt.Errorf("history: verify: %w", err)
			}
			if !c[e.id] {
				missing(key, e.id)
			}
		}
	}
	return probs, nil
}
