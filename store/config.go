package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"time"
)

const (
	configKey    = "config/districts.json"
	configLogKey = "config/district-changes.log"
	configLock   = "config"
)

// DistrictConfigFile is config/districts.json.
type DistrictConfigFile struct {
	ConfiguredDistricts []string  `json:"configuredDistricts"`
	LastUpdated         time.Time `json:"lastUpdated"`
	UpdatedBy           string    `json:"updatedBy"`
	Version             int       `json:"version"`
}

// ConfigChange is one line of the audit log config/district-changes.log
// (JSONL, predecessor.md §5.5).
type ConfigChange struct {
	Timestamp         time.Time `json:"timestamp"`
	Action            string    `json:"action"` // add, remove, replace
	DistrictID        *string   `json:"districtId"`
	AdminUser         string    `json:"adminUser"`
	PreviousDistricts []string  `json:"previousDistricts,omitempty"`
	NewDistricts      []string  `json:"newDistricts,omitempty"`
	Context           string    `json:"context,omitempty"`
}

// DistrictConfig is the list of districts to collect, kept in
// config/districts.json with an audit log of every change. Ids are
// normalised (trimmed, "District " stripped, upper-cased), validated, and
// kept sorted numerically, then alphabetically. Changes are serialised
// across processes by a lock; the file is re-read on every call (never
// cached), so every process sees every change.
type DistrictConfig struct {
	objs Objects
	now  func() time.Time
	lock lockFunc
}

// SortDistrictIDs sorts ids numerically first, then alphabetically.
func SortDistrictIDs(ids []string) { slices.SortFunc(ids, compareDistrictIDs) }

// configFix tells the operator how to mend a bad configuration file.
const configFix = "fix the file, or set the districts again with `toaststats init --districts ...` after moving it aside"

// File returns the whole configuration file; exists is false when there is
// none (meaning: all districts).
func (c *DistrictConfig) File(ctx context.Context) (*DistrictConfigFile, bool, error) {
	b, err := c.objs.Read(ctx, configKey)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return &DistrictConfigFile{ConfiguredDistricts: []string{}, Version: 1}, false, nil
		}
		return nil, false, fmt.Errorf("store: read district config: %w", err)
	}
	var f DistrictConfigFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, true, fmt.Errorf("%w (%w): %s: %v: %s", ErrBadConfig, ErrCorrupt, configKey, err, configFix)
	}
	ids, err := NormalizeDistrictIDs(f.ConfiguredDistricts)
	if err != nil {
		return nil, true, fmt.Errorf("%w: %s: %w: %s", ErrBadConfig, configKey, err, configFix)
	}
	f.ConfiguredDistricts = ids
	return &f, true, nil
}

// Load returns the configured districts; exists is false when there is no
// configuration file (meaning: all districts).
func (c *DistrictConfig) Load(ctx context.Context) ([]string, bool, error) {
	f, exists, err := c.File(ctx)
	if err != nil {
		return nil, exists, err
	}
	return f.ConfiguredDistricts, exists, nil
}

// NormalizeDistrictIDs normalises and validates ids (see NormalizeDistrictID),
// drops duplicates and sorts them (SortDistrictIDs). nil gives an empty list.
func NormalizeDistrictIDs(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for _, raw := range in {
		id, err := NormalizeDistrictID(raw)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	SortDistrictIDs(out)
	return out, nil
}

// Add adds ids to the configuration and returns the new list.
func (c *DistrictConfig) Add(ctx context.Context, ids []string, by string) ([]string, error) {
	add, err := NormalizeDistrictIDs(ids)
	if err != nil {
		return nil, err
	}
	return c.change(ctx, "add", nil, by, func(cur []string) ([]string, error) {
		next := slices.Clone(cur)
		for _, id := range add {
			if !slices.Contains(next, id) {
				next = append(next, id)
			}
		}
		SortDistrictIDs(next)
		return next, nil
	})
}

// Replace sets the configuration to exactly ids and returns it.
func (c *DistrictConfig) Replace(ctx context.Context, ids []string, by string) ([]string, error) {
	next, err := NormalizeDistrictIDs(ids)
	if err != nil {
		return nil, err
	}
	return c.change(ctx, "replace", nil, by, func([]string) ([]string, error) { return next, nil })
}

// Remove removes one district and returns the new list
// (ErrDistrictNotFound when it is not configured).
func (c *DistrictConfig) Remove(ctx context.Context, id, by string) ([]string, error) {
	nid, err := NormalizeDistrictID(id)
	if err != nil {
		return nil, err
	}
	return c.change(ctx, "remove", &nid, by, func(cur []string) ([]string, error) {
		i := slices.Index(cur, nid)
		if i < 0 {
			return nil, fmt.Errorf("%w: district %s is not configured", ErrDistrictNotFound, nid)
		}
		return slices.Delete(slices.Clone(cur), i, i+1), nil
	})
}

// change applies f to the configured districts under the configuration
// lock: it writes config/districts.json, then appends the change to the
// audit log. On object storage the lock is a lease, which a stalled or
// cut-off process can lose while it works: every request is then
// cancelled, the lease is confirmed (renewed) right before each of the two
// writes, and a change that lost it stops with an error wrapping
// ErrLeaseLost, writing nothing more, so that it never overwrites the
// file or the log the lease's new holder wrote. (Stopped between the two,
// its change is in the file without its log line, as after a crash
// there.)
func (c *DistrictConfig) change(ctx context.Context, action string, districtID *string, by string, f func([]string) ([]string, error)) (_ []string, err error) {
	lk, err := c.lock(ctx, configLock)
	if err != nil {
		return nil, err
	}
	defer lk.Unlock()
	ctx = lk.Context()
	defer func() { err = lk.stopped(err, "store: change district config") }()
	cur, _, err := c.File(ctx)
	if err != nil {
		return nil, err
	}
	next, err := f(cur.ConfiguredDistricts)
	if err != nil {
		return nil, err
	}
	now := c.now().UTC()
	file := DistrictConfigFile{ConfiguredDistricts: next, LastUpdated: now, UpdatedBy: by, Version: 1}
	b, err := json.MarshalIndent(&file, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := lk.Check(ctx); err != nil {
		return nil, fmt.Errorf("store: write district config: %w", err)
	}
	if err := c.objs.Write(ctx, configKey, b); err != nil {
		return nil, fmt.Errorf("store: write district config: %w", err)
	}
	entry := ConfigChange{Timestamp: now, Action: action, DistrictID: districtID, AdminUser: by,
		PreviousDistricts: cur.ConfiguredDistricts, NewDistricts: next, Context: "district configuration " + action}
	if err := c.appendLog(ctx, lk, entry); err != nil {
		return next, err
	}
	return next, nil
}

// appendLog appends one JSON line to the audit log (rewriting the log
// atomically, so a crash never leaves a torn line), under lk, the
// configuration lock, confirmed right before the write.
func (c *DistrictConfig) appendLog(ctx context.Context, lk *HeldLock, e ConfigChange) error {
	line, err := json.Marshal(&e)
	if err != nil {
		return err
	}
	old, err := c.objs.Read(ctx, configLogKey)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: read %s: %w", configLogKey, err)
	}
	if len(old) > 0 && old[len(old)-1] != '\n' {
		old = append(old, '\n')
	}
	buf := append(append(old, line...), '\n')
	if err := lk.Check(ctx); err != nil {
		return fmt.Errorf("store: write %s: %w", configLogKey, err)
	}
	if err := c.objs.Write(ctx, configLogKey, buf); err != nil {
		return fmt.Errorf("store: write %s: %w", configLogKey, err)
	}
	return nil
}

// History returns the audit log, newest first (at most limit entries when
// limit > 0). Unparsable lines are skipped.
func (c *DistrictConfig) History(ctx context.Context, limit int) ([]ConfigChange, error) {
	b, err := c.objs.Read(ctx, configLogKey)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return []ConfigChange{}, nil
		}
		return nil, fmt.Errorf("store: read %s: %w", configLogKey, err)
	}
	out := []ConfigChange{}
	lines := strings.Split(string(b), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.TrimSpace(lines[i]) == "" {
			continue
		}
		var e ConfigChange
		if json.Unmarshal([]byte(lines[i]), &e) != nil {
			continue
		}
		out = append(out, e)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}

// HistoryQuery selects audit-log entries: those of the UTC days From to To
// (YYYY-MM-DD, inclusive; "" leaves that end open), at most Limit of them
// (0 = all), newest first.
type HistoryQuery struct {
	From, To string
	Limit    int
}

// ConfigHistory is a selection of the audit log with its summary.
type ConfigHistory struct {
	// Changes are the selected entries, newest first, cut to the limit.
	Changes []ConfigChange
	// Summary counts every entry of the date range (before the limit).
	Summary ConfigSummary
}

// ConfigSummary summarises a run of configuration changes.
type ConfigSummary struct {
	TotalChanges int `json:"totalChanges"`
	// AddedDistricts counts the districts added by "add" changes (new
	// list length minus previous); RemovedDistricts the "remove" changes;
	// ReplaceOperations the "replace" changes.
	AddedDistricts    int      `json:"addedDistricts"`
	RemovedDistricts  int      `json:"removedDistricts"`
	ReplaceOperations int      `json:"replaceOperations"`
	AdminUsers        []string `json:"adminUsers"`
	// TimeRange spans the oldest to the newest change; nil without any.
	TimeRange *TimeRange `json:"timeRange"`
}

// TimeRange is a span of time.
type TimeRange struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Query returns the audit-log entries q selects and their summary. A date
// that is not a calendar day, or From after To, is an error.
func (c *DistrictConfig) Query(ctx context.Context, q HistoryQuery) (*ConfigHistory, error) {
	for _, d := range []string{q.From, q.To} {
		if d != "" {
			if err := ValidDate(d); err != nil {
				return nil, err
			}
		}
	}
	if q.From != "" && q.To != "" && q.From > q.To {
		return nil, fmt.Errorf("store: history from %s is after to %s", q.From, q.To)
	}
	all, err := c.History(ctx, 0)
	if err != nil {
		return nil, err
	}
	h := &ConfigHistory{Changes: []ConfigChange{}}
	for _, e := range all {
		day := e.Timestamp.UTC().Format(time.DateOnly)
		if (q.From == "" || day >= q.From) && (q.To == "" || day <= q.To) {
			h.Changes = append(h.Changes, e)
		}
	}
	h.Summary = SummarizeChanges(h.Changes)
	if q.Limit > 0 && len(h.Changes) > q.Limit {
		h.Changes = h.Changes[:q.Limit]
	}
	return h, nil
}

// SummarizeChanges summarises changes given newest first (as History
// returns them).
func SummarizeChanges(changes []ConfigChange) ConfigSummary {
	s := ConfigSummary{TotalChanges: len(changes), AdminUsers: []string{}}
	users := map[string]bool{}
	for _, e := range changes {
		switch e.Action {
		case "add":
			s.AddedDistricts += len(e.NewDistricts) - len(e.PreviousDistricts)
		case "remove":
			s.RemovedDistricts++
		case "replace":
			s.ReplaceOperations++
		}
		if !users[e.AdminUser] {
			users[e.AdminUser] = true
			s.AdminUsers = append(s.AdminUsers, e.AdminUser)
		}
	}
	sort.Strings(s.AdminUsers)
	if n := len(changes); n > 0 {
		s.TimeRange = &TimeRange{Start: changes[n-1].Timestamp, End: changes[0].Timestamp}
	}
	return s
}
