package store

import (
	"context"
	"errors"
	"slices"
	"testing"
)

func TestCollectionsOfMonth(t *testing.T) {
	ctx := context.Background()
	st := openTest(t, Options{})
	rc := st.Raw()
	put := func(date, month string) {
		t.Helper()
		if err := rc.Put(ctx, date, "", ReportSummary, []byte("s\n1\n"), PutInfo{DataMonth: month}); err != nil {
			t.Fatal(err)
		}
	}
	put("2026-02-27", "2026-02")
	put("2026-03-02", "2026-02") // closing period: February's data published in March
	put("2026-03-05", "2026-02")
	put("2026-03-10", "2026-03")
	put("2026-03-20", "")        // no recorded data month: its date decides
	put("2026-04-02", "2026-03") // March's close
	for month, want := range map[string][]string{
		"2026-02": {"2026-02-27", "2026-03-02", "2026-03-05"},
		"2026-03": {"2026-03-10", "2026-03-20", "2026-04-02"},
		"2026-04": nil,
	} {
		got, err := rc.CollectionsOfMonth(ctx, month)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("CollectionsOfMonth(%s) = %v, %v; want %v", month, got, err, want)
		}
	}
	for _, bad := range []string{"2026-3", "2026-13", "2026-03-01", "", "../x"} {
		if _, err := rc.CollectionsOfMonth(ctx, bad); !errors.Is(err, ErrInvalidDate) {
			t.Errorf("CollectionsOfMonth(%q) err = %v, want ErrInvalidDate", bad, err)
		}
	}
}
