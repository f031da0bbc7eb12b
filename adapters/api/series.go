package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/toaststats/toaststats"
	"github.com/toaststats/toaststats/analytics"
	"github.com/toaststats/toaststats/snapshot"
	"github.com/toaststats/toaststats/store"
)

// maxCachedSeries bounds the district series kept in memory: a district's
// series holds every club of every snapshot, so only the most recently used
// ones are kept.
const maxCachedSeries = 2

// seriesCache holds loaded district series keyed by district and by the
// fingerprint of the list of successful snapshots, so a new or rebuilt
// snapshot always yields a fresh series.
type seriesCache struct {
	mu      sync.Mutex
	entries []seriesEntry // most recently used last
	sf      singleflight.Group
	rankFP  string
	ranks   []rankedSnapshot
}

type seriesEntry struct {
	key    string
	points []analytics.Point
}

func newSeriesCache() *seriesCache { return &seriesCache{} }

// clear drops every cached series.
func (c *seriesCache) clear() {
	c.mu.Lock()
	c.entries, c.ranks, c.rankFP = nil, nil, ""
	c.mu.Unlock()
}

func (c *seriesCache) get(key string) ([]analytics.Point, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.entries {
		if e.key == key {
			c.entries = append(append(c.entries[:i:i], c.entries[i+1:]...), e)
			return e.points, true
		}
	}
	return nil, false
}

func (c *seriesCache) put(key string, pts []analytics.Point) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.entries {
		if e.key == key {
			c.entries = append(c.entries[:i], c.entries[i+1:]...)
			break
		}
	}
	c.entries = append(c.entries, seriesEntry{key: key, points: pts})
	if len(c.entries) > maxCachedSeries {
		c.entries = c.entries[len(c.entries)-maxCachedSeries:]
	}
}

// listTTL is how long a listing of the snapshots is reused. Publishing a
// new current snapshot, and every build of this server, invalidate it at
// once; only an older snapshot published by another process (a backfill)
// can take up to listTTL to appear in series answers.
const listTTL = time.Second

// listCache is the last listing of successful snapshots, and the last
// fingerprint of the dated snapshots (seriesFingerprint).
type listCache struct {
	mu      sync.Mutex
	at      time.Time
	current string // generation of the current snapshot when listed
	list    []store.ListEntry
	fp      string

	histAt      time.Time
	histCurrent string
	hist        *toaststats.Listing
	// histRefreshing: a request is listing again after listTTL; the
	// others keep answering from the listing they have meanwhile (on
	// object storage a listing states every snapshot with a HEAD request).
	histRefreshing bool
}

func (c *listCache) invalidate() {
	c.mu.Lock()
	c.at, c.histAt, c.hist = time.Time{}, time.Time{}, nil
	c.mu.Unlock()
}

// successList lists the successful snapshots, oldest first, with a
// fingerprint that changes whenever a snapshot is added, removed or
// republished.
func (s *Server) successList(ctx context.Context) ([]store.ListEntry, string, error) {
	cur := ""
	if v, err := s.store.Snapshots().Current(ctx); err == nil {
		cur = v.ID + "@" + v.Generation()
	}
	c := &s.lists
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at.IsZero() && time.Since(c.at) < listTTL && c.current == cur {
		return c.list, c.fp, nil
	}
	list, err := s.store.Snapshots().List(ctx, store.ListFilter{Status: snapshot.StatusSuccess})
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

// seriesFingerprint changes whenever a snapshot is added, rebuilt or
// removed: the key of answers built from series.
func (s *Server) seriesFingerprint(ctx context.Context) (string, error) {
	l, err := s.seriesListing(ctx)
	if err != nil {
		return "", err
	}
	return l.Fingerprint, nil
}

// seriesListing is the listing of the dated snapshots that series are read
// for (toaststats.History.List). It stats the snapshots and reads none of
// them — a few milliseconds on a year of history on disk, a HEAD request
// per snapshot on object storage — so it is reused for listTTL: a new
// current snapshot or a build of this server refreshes it at once, another
// process's rebuild of an older date shows within listTTL and one listing
// (as in successList). Past listTTL one request lists again while the
// others answer from the previous listing. The answer's cache key and the series it is built from
// share one listing, so the snapshots are stated once per first answer.
func (s *Server) seriesListing(ctx context.Context) (*toaststats.Listing, error) {
	cur := ""
	if v, err := s.store.Snapshots().Current(ctx); err == nil {
		cur = v.ID + "@" + v.Generation()
	}
	c := &s.lists
	c.mu.Lock()
	if c.hist != nil && c.histCurrent == cur {
		if time.Since(c.histAt) < listTTL || c.histRefreshing {
			l := c.hist
			c.mu.Unlock()
			return l, nil
		}
		// Stale: this request lists again, the others meanwhile answer
		// from the listing they have (no thundering herd of listings).
		c.histRefreshing = true
		defer func() {
			c.mu.Lock()
			c.histRefreshing = false
			c.mu.Unlock()
		}()
	}
	c.mu.Unlock()
	l, err := toaststats.NewHistory(s.store, s.log).List(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.histAt, c.histCurrent, c.hist = time.Now(), cur, l
	c.mu.Unlock()
	return l, nil
}

// districtSeries returns the district's points from every successful
// snapshot (oldest first), read from the history index
// (toaststats.History), with the fingerprint of the snapshot list they were
// read for. Loaded series are kept per fingerprint, so a new or rebuilt
// snapshot always yields a fresh series.
func (s *Server) districtSeries(ctx context.Context, districtID string) ([]analytics.Point, string, error) {
	h := toaststats.NewHistory(s.store, s.log)
	l, err := s.seriesListing(ctx)
	if err != nil {
		return nil, "", err
	}
	fp := l.Fingerprint
	key := districtID + "@" + fp
	if pts, ok := s.series.get(key); ok {
		return pts, fp, nil
	}
	v, err, _ := s.series.sf.Do(key, func() (any, error) {
		if pts, ok := s.series.get(key); ok {
			return pts, nil
		}
		// Shared by every waiter: a client that goes away does not cancel it.
		dh, err := h.DistrictIn(context.WithoutCancel(ctx), l, districtID)
		if err != nil {
			return nil, err
		}
		s.series.put(districtID+"@"+dh.Fingerprint, dh.Points)
		return dh.Points, nil
	})
	if err != nil {
		return nil, "", err
	}
	return v.([]analytics.Point), fp, nil
}

// pointsBetween returns the points with start <= Date <= end ("" = open).
func pointsBetween(pts []analytics.Point, start, end string) []analytics.Point {
	i := sort.Search(len(pts), func(i int) bool { return start == "" || pts[i].Date >= start })
	j := sort.Search(len(pts), func(j int) bool { return end != "" && pts[j].Date > end })
	if i >= j {
		return nil
	}
	return pts[i:j]
}

// rankedSnapshot is the rankings of one snapshot, kept for rank history.
type rankedSnapshot struct {
	id    string
	meta  snapshot.Metadata
	rows  []snapshot.DistrictRanking
	total int
}

// rankingsSeries loads the rankings of every successful snapshot (oldest
// first), cached for the current fingerprint of the snapshot list.
func (s *Server) rankingsSeries(ctx context.Context) ([]rankedSnapshot, error) {
	list, fp, err := s.successList(ctx)
	if err != nil {
		return nil, err
	}
	s.series.mu.Lock()
	if s.series.rankFP == fp && s.series.ranks != nil {
		out := s.series.ranks
		s.series.mu.Unlock()
		return out, nil
	}
	s.series.mu.Unlock()
	v, err, _ := s.series.sf.Do("rankings@"+fp, func() (any, error) {
		ctx := context.WithoutCancel(ctx)
		out := make([]rankedSnapshot, 0, len(list))
		for _, e := range list {
			view, err := s.store.Snapshots().Get(ctx, e.SnapshotID)
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
			out = append(out, rankedSnapshot{id: view.ID, meta: view.Metadata, rows: rf.Rankings, total: rf.Metadata.TotalDistricts})
		}
		s.series.mu.Lock()
		s.series.rankFP, s.series.ranks = fp, out
		s.series.mu.Unlock()
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]rankedSnapshot), nil
}
