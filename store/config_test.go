package store

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDistrictConfig(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 9, 1, 8, 0, 0, 0, time.UTC)
	st := openTest(t, Options{Now: func() time.Time { return now }})
	c := st.Config()
	ids, exists, err := c.Load(ctx)
	if err != nil || exists || len(ids) != 0 {
		t.Fatalf("empty: %v %v %v", ids, exists, err)
	}
	got, err := c.Add(ctx, []string{" District 101", "f", "42", "District 9", "42", "a"}, "alice")
	if err != nil || !slices.Equal(got, []string{"9", "42", "101", "A", "F"}) {
		t.Fatalf("add = %v %v", got, err)
	}
	if _, err := c.Add(ctx, []string{"61", "bad id"}, "alice"); !errors.Is(err, ErrInvalidID) {
		t.Fatalf("invalid add: %v", err)
	}
	if ids, _, _ := c.Load(ctx); len(ids) != 5 {
		t.Fatalf("invalid add changed config: %v", ids)
	}
	got, err = c.Remove(ctx, "district 42", "bob")
	if err != nil || !slices.Equal(got, []string{"9", "101", "A", "F"}) {
		t.Fatalf("remove = %v %v", got, err)
	}
	if _, err := c.Remove(ctx, "42", "bob"); !errors.Is(err, ErrDistrictNotFound) {
		t.Fatalf("remove absent: %v", err)
	}
	got, err = c.Replace(ctx, []string{"U", "2"}, "carol")
	if err != nil || !slices.Equal(got, []string{"2", "U"}) {
		t.Fatalf("replace = %v %v", got, err)
	}
	b, err := st.Objects().Read(context.Background(), "config/districts.json")
	must(t, err)
	var f map[string]any
	must(t, json.Unmarshal(b, &f))
	if f["updatedBy"] != "carol" || f["version"] != float64(1) || f["lastUpdated"] != "2025-09-01T08:00:00Z" {
		t.Fatalf("file = %s", b)
	}
	log, err := st.Objects().Read(context.Background(), "config/district-changes.log")
	must(t, err)
	lines := strings.Split(strings.TrimSpace(string(log)), "\n")
	if len(lines) != 3 {
		t.Fatalf("log = %s", log)
	}
	var last map[string]any
	must(t, json.Unmarshal([]byte(lines[1]), &last))
	if last["action"] != "remove" || last["districtId"] != "42" || last["adminUser"] != "bob" {
		t.Fatalf("log line = %s", lines[1])
	}
	h, err := c.History(ctx, 2)
	if err != nil || len(h) != 2 || h[0].Action != "replace" || h[1].Action != "remove" || h[0].DistrictID != nil {
		t.Fatalf("history = %+v %v", h, err)
	}
	file, exists, err := c.File(ctx)
	if err != nil || !exists || file.UpdatedBy != "carol" {
		t.Fatalf("file = %+v %v %v", file, exists, err)
	}
}

func TestDistrictConfigConcurrentAdds(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := st.Config().Add(ctx, []string{string(rune('A' + i))}, "x"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	ids, _, _ := st.Config().Load(ctx)
	if len(ids) != 8 {
		t.Fatalf("lost adds: %v", ids)
	}
	if h, _ := st.Config().History(ctx, 0); len(h) != 8 {
		t.Fatalf("log has %d entries", len(h))
	}
}

func TestIDValidation(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{{"42", "42", true}, {"f", "F", true}, {"Abc12345", "ABC12345", true}, {"", "", false}, {"123456789", "", false},
		{"4-2", "", false}, {"../", "", false}, {"٤٢", "", false}, {"42\x00", "", false}} {
		got, err := ValidDistrictID(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ValidDistrictID(%q) = %q, %v", c.in, got, err)
		}
	}
	for _, c := range []struct {
		in string
		ok bool
	}{{"2024-02-29", true}, {"2025-02-29", false}, {"2025-13-01", false}, {"2025-00-10", false}, {"2025-1-01", false},
		{"2025-01-01T", false}, {"+025-01-01", false}, {"0000-01-01", true}, {"2025/01/01", false}, {"2025-04-31", false}} {
		if err := ValidDate(c.in); (err == nil) != c.ok {
			t.Errorf("ValidDate(%q) = %v", c.in, err)
		}
	}
	if got, err := NormalizeDistrictID("  District 61 "); err != nil || got != "61" {
		t.Fatalf("normalize = %q %v", got, err)
	}
}

func TestConfigHistoryQuery(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 9, 1, 8, 0, 0, 0, time.UTC)
	st := openTest(t, Options{Now: func() time.Time { return now }})
	c := st.Config()
	_, err := c.Add(ctx, []string{"1", "2", "3"}, "alice") // 2025-09-01: +3
	must(t, err)
	now = now.AddDate(0, 0, 1)
	_, err = c.Remove(ctx, "2", "bob") // 2025-09-02
	must(t, err)
	now = now.AddDate(0, 0, 1)
	_, err = c.Add(ctx, []string{"4", "5"}, "alice") // 2025-09-03: 2 → 4, +2
	must(t, err)
	now = now.AddDate(0, 0, 1)
	_, err = c.Replace(ctx, []string{"9"}, "carol") // 2025-09-04
	must(t, err)

	h, err := c.Query(ctx, HistoryQuery{})
	must(t, err)
	s := h.Summary
	// Added 3 + 2 = 5, one remove, one replace, three users, 09-01 to 09-04.
	if len(h.Changes) != 4 || s.TotalChanges != 4 || s.AddedDistricts != 5 || s.RemovedDistricts != 1 || s.ReplaceOperations != 1 ||
		!slices.Equal(s.AdminUsers, []string{"alice", "bob", "carol"}) || s.TimeRange == nil ||
		s.TimeRange.Start.Format(time.DateOnly) != "2025-09-01" || s.TimeRange.End.Format(time.DateOnly) != "2025-09-04" {
		t.Fatalf("all: %+v", h)
	}
	// 09-02..09-03 holds the remove and the second add; the limit keeps the
	// newest but the summary counts both.
	h, err = c.Query(ctx, HistoryQuery{From: "2025-09-02", To: "2025-09-03", Limit: 1})
	must(t, err)
	if len(h.Changes) != 1 || h.Changes[0].Action != "add" || h.Summary.TotalChanges != 2 || h.Summary.AddedDistricts != 2 || h.Summary.RemovedDistricts != 1 {
		t.Fatalf("range: %+v", h)
	}
	if h, err = c.Query(ctx, HistoryQuery{From: "2026-01-01"}); err != nil || len(h.Changes) != 0 || h.Summary.TimeRange != nil || h.Summary.AdminUsers == nil {
		t.Fatalf("empty range: %+v %v", h, err)
	}
	for _, q := range []HistoryQuery{{From: "2025-02-30"}, {From: "2025-09-03", To: "2025-09-02"}} {
		if _, err := c.Query(ctx, q); err == nil {
			t.Errorf("%+v accepted", q)
		}
	}
}
