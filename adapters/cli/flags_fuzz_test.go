package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/store"
)

// FuzzDistrictsFlag reads arbitrary --districts values (scrape, backfill,
// init). Empty is the default and "all" (any case) all districts; an
// accepted list is the comma-separated ids in order, each canonical
// (upper-case, valid), and the second reader of the same list,
// store.NormalizeDistrictIDs (what rememberDistricts stores in
// config/districts.json), accepts it as the same set. Anything else is a
// usage error (exit code 2) quoting the part that is wrong.
func FuzzDistrictsFlag(f *testing.F) {
	for _, s := range []string{"42,61,F", "all", "ALL", " 42 , 61 ", "", ",", "42,,61", "42,../x", "District 42", "42,42", "f", "123456789", "42;61", "ǅ", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		sf := scrapeFlags{districts: v}
		ids, all, err := sf.districtList()
		trimmed := strings.TrimSpace(v)
		if err != nil {
			if exitCodeOf(err) != exitUsage || ids != nil || all {
				t.Fatalf("--districts %q: %v (exit %d), %q, %v", v, err, exitCodeOf(err), ids, all)
			}
			named := strings.Contains(err.Error(), fmt.Sprintf("%q", trimmed))
			for _, p := range strings.Split(trimmed, ",") {
				named = named || strings.Contains(err.Error(), fmt.Sprintf("%q", strings.TrimSpace(p)))
			}
			if !named {
				t.Fatalf("--districts %q: %v names no part of it", v, err)
			}
			return
		}
		switch {
		case trimmed == "":
			if ids != nil || all {
				t.Fatalf("--districts %q = %q, %v; want the default", v, ids, all)
			}
			return
		case strings.EqualFold(trimmed, "all"):
			if ids != nil || !all {
				t.Fatalf("--districts %q = %q, %v; want all", v, ids, all)
			}
			return
		}
		if all || len(ids) == 0 {
			t.Fatalf("--districts %q = %q, %v", v, ids, all)
		}
		var parts []string
		for _, p := range strings.Split(trimmed, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, strings.ToUpper(p))
			}
		}
		if !slices.Equal(ids, parts) {
			t.Fatalf("--districts %q = %q, want %q", v, ids, parts)
		}
		for _, id := range ids {
			if c, err := store.ValidDistrictID(id); err != nil || c != id {
				t.Fatalf("--districts %q gives %q, not canonical (%q, %v)", v, id, c, err)
			}
		}
		norm, err := store.NormalizeDistrictIDs(ids)
		if err != nil {
			t.Fatalf("--districts %q = %q, which config/districts.json refuses: %v", v, ids, err)
		}
		set := slices.Clone(ids)
		store.SortDistrictIDs(set)
		if set = slices.Compact(set); !slices.Equal(norm, set) {
			t.Fatalf("--districts %q = %q, stored as %q", v, ids, norm)
		}
	})
}
