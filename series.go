package toaststats

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// maxCachedSeries bounds the district series a Series keeps in memory: a
// district's series holds every club of every snapshot, so only the most
// recently used ones are kept.
const maxCachedSeries = 2

// ListTTL is how long a Series reuses a listing of the snapshots.
// Publishing a new current snapshot and Series.Clear invalidate it at once;
// only an older snapshot published by another process (a backfill) can
// take up to ListTTL to appear in series answers.
const ListTTL = time.Second

// Series is the cache a server keeps of what it reads over the whole series
// of snapshots: the list of successful snapshots, each district's points for
// analytics (read through History) and every snapshot's rankings for rank
// histories. Entries are keyed by the fingerprint of the snapshot listing,
// so a new, rebuilt or removed snapshot always yields fresh answers; the
// two most recently used district series are kept. Concurrent requests for
// the same series load it once (singleflight). A listing is reused for
// ListTTL; past it one caller lists again while the others answer from the
// previous listing (on object storage a listing is a HEAD per snapshot).
// It is safe for concurrent use.
type Series struct {
	st   *store.Store
	hist *History
	log  *slog.Logger

	mu      sync.Mutex
	entries []seriesEntry // most recently used last
	sf      singleflight.Group
	rankFP  string
	ranks   []RankedSnapshot

	lists listCache
}

type seriesEntry struct {
	key    string
	points []analytics.Point
}

// listCache is the last listing of successful snapshots and the last
// History listing of the dated snapshots.
type listCache struct {
	mu      sync.Mutex
	at      time.Time
	current string // generation of the current snapshot when listed
	list    []store.ListEntry
	fp      string

	histAt      time.Time
	histCurrent string
	hist        *Listing
	// histRefreshing: a caller is listing again after ListTTL; the others
	// keep answering from the listing they have meanwhile.
	histRefreshing bool
}

// NewSeries returns an empty Series over st; log (may be nil) hears of
// damaged rankings files left out of rank histories.
func NewSeries(st *store.Store, log *slog.Logger) *Series {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Series{st: st, hist: NewHistory(st, log), log: log}
}

// Clear drops every cached series and listing (after a build: they are
// keyed by fingerprint, so nothing is stale, but old ones only hold
// memory); they reload on demand.
func (s *Series) Clear() {
	s.lists.mu.Lock()
	s.lists.at, s.lists.histAt, s.lists.hist = time.Time{}, time.Time{}, nil
	s.lists.mu.Unlock()
	s.mu.Lock()
	s.entries, s.ranks, s.rankFP = nil, nil, ""
	s.mu.Unlock()
}

func (s *Series) get(key string) ([]analytics.Point, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, e := range s.entries {
		if e.key == key {
			s.entries = append(append(s.entries[:i:i], s.entries[i+1:]...), e)
			return e.points, true
		}
	}
	return nil, false
}

func (s *Series) put(key string, pts []analytics.Point) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, e := range s.entries {
		if e.key == key {
			s.entries = append(s.entries[:i], s.entries[i+1:]...)
			break
		}
	}
	s.entries = append(s.entries, seriesEntry{key: key, points: pts})
	if len(s.entries) > maxCachedSeries {
		s.entries = s.entries[len(s.entries)-maxCachedSeries:]
	}
}

// currentGeneration names the current snapshot's published version ("" when
// there is none): a listing made for another one is stale.
func (s *Series) currentGeneration(ctx context.Context) string {
	if v, err := s.st.Snapshots().Current(ctx); err == nil {
		return v.ID + "@" + v.Generation()
	}
	return ""
}

// Successful lists the successful dated snapshots, oldest first, with a
// fingerprint that changes whenever one is added, removed or republished.
// The listing is reused for ListTTL.
func (s *Series) Successful(ctx context.Context) ([]store.ListEntry, string, error) {
	cur := s.currentGeneration(ctx)
	c := &s.lists
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at.IsZero() && time.Since(c.at) < ListTTL && c.current == cur {
		return c.list, c.fp, nil
	}
	list, err := s.st.Snapshots().List(ctx, store.ListFilter{Status: snapshot.StatusSuccess})
	if err != nil {
		return nil, "", fmt.Errorf("list snapshots: %w", err)
	}
	out := list[:0:0]
	for _, e := range list {
		if e.Legacy || e.Status != snapshot.StatusSuccess || store.ValidDate(e.SnapshotID) != nil {
			continue
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SnapshotID < out[j].SnapshotID })
	h := sha256.New()
	for _, e := range out {
		h.Write([]byte(e.SnapshotID))
		h.Write([]byte(strconv.FormatInt(e.CreatedAt.UnixNano(), 36)))
	}
	c.at, c.current, c.list, c.fp = time.Now(), cur, out, hex.EncodeToString(h.Sum(nil)[:12])
	return c.list, c.fp, nil
}

// SuccessfulIDs lists the ids of the successful dated snapshots, oldest
// first (Successful).
func (s *Series) SuccessfulIDs(ctx context.Context) ([]string, error) {
	list, _, err := s.Successful(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(list))
	for i, e := range list {
		ids[i] = e.SnapshotID
	}
	return ids, nil
}

// Fingerprint changes whenever a snapshot is added, rebuilt or removed:
// the key of answers built from series (Listing's fingerprint).
func (s *Series) Fingerprint(ctx context.Context) (string, error) {
	l, err := s.Listing(ctx)
	if err != nil {
		return "", err
	}
	return l.Fingerprint, nil
}

// Listing is the History listing of the dated snapshots series are read
// for. It stats the snapshots and reads none of them — a few milliseconds
// on a year of history on disk, a HEAD request per snapshot on object
// storage — so it is reused for ListTTL: a new current snapshot or Clear
// refreshes it at once, another process's rebuild of an older date shows
// within ListTTL. Past ListTTL one caller lists again while the others
// answer from the previous listing. An answer's cache key and the series it
// is built from share one listing, so the snapshots are stated once.
func (s *Series) Listing(ctx context.Context) (*Listing, error) {
	cur := s.currentGeneration(ctx)
	c := &s.lists
	c.mu.Lock()
	if c.hist != nil && c.histCurrent == cur {
		if time.Since(c.histAt) < ListTTL || c.histRefreshing {
			l := c.hist
			c.mu.Unlock()
			return l, nil
		}
		// Stale: this caller lists again, the others meanwhile answer from
		// the listing they have (no thundering herd of listings).
		c.histRefreshing = true
		defer func() {
			c.mu.Lock()
			c.histRefreshing = false
			c.mu.Unlock()
		}()
	}
	c.mu.Unlock()
	l, err := s.hist.List(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.histAt, c.histCurrent, c.hist = time.Now(), cur, l
	c.mu.Unlock()
	return l, nil
}

// Warm lists the snapshots and reads their metadata from the history index
// (History.Warm), so the next district's first answer need not.
func (s *Series) Warm(ctx context.Context) error {
	l, err := s.Listing(ctx)
	if err != nil {
		return err
	}
	return s.hist.Warm(ctx, l)
}

// District returns the district's points from every successful dated
// snapshot (oldest first; none when no snapshot has the district), read
// through History, with the fingerprint of the listing they were read for.
func (s *Series) District(ctx context.Context, districtID string) ([]analytics.Point, string, error) {
	l, err := s.Listing(ctx)
	if err != nil {
		return nil, "", err
	}
	fp := l.Fingerprint
	key := districtID + "@" + fp
	if pts, ok := s.get(key); ok {
		return pts, fp, nil
	}
	v, err, _ := s.sf.Do(key, func() (any, error) {
		if pts, ok := s.get(key); ok {
			return pts, nil
		}
		// Shared by every waiter: a caller that goes away does not cancel it.
		dh, err := s.hist.DistrictIn(context.WithoutCancel(ctx), l, districtID)
		if err != nil {
			return nil, err
		}
		s.put(districtID+"@"+dh.Fingerprint, dh.Points)
		return dh.Points, nil
	})
	if err != nil {
		return nil, "", err
	}
	return v.([]analytics.Point), fp, nil
}

// RankedSnapshot is the rankings of one successful snapshot.
type RankedSnapshot struct {
	ID             string
	Metadata       snapshot.Metadata
	Rankings       []snapshot.DistrictRanking
	TotalDistricts int
}

// Rankings returns the rankings of every successful snapshot that has a
// readable rankings file, oldest first, cached for the current fingerprint
// of Successful. A damaged rankings file is logged and left out.
func (s *Series) Rankings(ctx context.Context) ([]RankedSnapshot, error) {
	list, fp, err := s.Successful(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.rankFP == fp && s.ranks != nil {
		out := s.ranks
		s.mu.Unlock()
		return out, nil
	}
	s.mu.Unlock()
	v, err, _ := s.sf.Do("rankings@"+fp, func() (any, error) {
		ctx := context.WithoutCancel(ctx)
		out := make([]RankedSnapshot, 0, len(list))
		for _, e := range list {
			view, err := s.st.Snapshots().Get(ctx, e.SnapshotID)
			if err != nil {
				if errors.Is(err, store.ErrSnapshotNotFound) {
					continue
				}
				return nil, fmt.Errorf("read snapshot %s: %w", e.SnapshotID, err)
			}
			rf, err := view.RankingsShared(ctx)
			if err != nil {
				if errors.Is(err, store.ErrNoRankings) {
					continue
				}
				if errors.Is(err, store.ErrCorrupt) {
					s.log.Warn("series: damaged rankings file left out", "snapshot", view.ID, "err", err)
					continue
				}
				return nil, fmt.Errorf("read rankings of %s: %w", e.SnapshotID, err)
			}
			out = append(out, RankedSnapshot{ID: view.ID, Metadata: view.Metadata, Rankings: rf.Rankings, TotalDistricts: rf.Metadata.TotalDistricts})
		}
		s.mu.Lock()
		s.rankFP, s.ranks = fp, out
		s.mu.Unlock()
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]RankedSnapshot), nil
}

// RankPoints is the district's rank series for analytics.RankHistory: one
// point per successful snapshot in [start, end] whose rankings have the
// district. Rankings cover every district, also those without detailed
// statistics, so a point has the ranking row and the district's id only.
func (s *Series) RankPoints(ctx context.Context, districtID, start, end string) ([]analytics.Point, error) {
	ranked, err := s.Rankings(ctx)
	if err != nil {
		return nil, err
	}
	return RankPointsOf(ranked, districtID, start, end), nil
}

// RankPointsOf picks the district's rank points from ranked (see
// RankPoints).
func RankPointsOf(ranked []RankedSnapshot, districtID, start, end string) []analytics.Point {
	var pts []analytics.Point
	for _, sr := range ranked {
		if sr.ID < start || sr.ID > end {
			continue
		}
		for i := range sr.Rankings {
			if sr.Rankings[i].DistrictID == districtID {
				row := sr.Rankings[i]
				pts = append(pts, analytics.Point{Date: sr.ID, Metadata: sr.Metadata, District: &snapshot.District{DistrictID: districtID}, Ranking: &row, TotalDistricts: sr.TotalDistricts})
				break
			}
		}
	}
	return pts
}
