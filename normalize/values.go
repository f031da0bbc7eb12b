package normalize

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	charterRE = regexp.MustCompile(`(?i)charter\s+(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b`)
	suspendRE = regexp.MustCompile(`(?i)susp\w*\s+(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b`)
)

// ParseCharterSuspend reads the "Charter Date/Suspend Date" cell of the
// district and division reports: "", "Charter 08/05/24", " Susp 03/31/25",
// or both, "Charter 09/30/25 Susp 03/31/26". Two-digit years are 20YY.
// Dates come back as YYYY-MM-DD. Text that holds neither is an error.
func ParseCharterSuspend(cell string) (charter, suspend string, err error) {
	s := strings.TrimSpace(cell)
	if s == "" {
		return "", "", nil
	}
	if m := charterRE.FindStringSubmatch(s); m != nil {
		if charter, err = mdy(m[1], m[2], m[3]); err != nil {
			return "", "", fmt.Errorf("charter date in %q: %w", s, err)
		}
	}
	if m := suspendRE.FindStringSubmatch(s); m != nil {
		if suspend, err = mdy(m[1], m[2], m[3]); err != nil {
			return "", "", fmt.Errorf("suspend date in %q: %w", s, err)
		}
	}
	if charter == "" && suspend == "" {
		return "", "", fmt.Errorf("%q holds neither `Charter MM/DD/YY` nor `Susp MM/DD/YY`", clip(s, 60))
	}
	return charter, suspend, nil
}

func mdy(m, d, y string) (string, error) {
	mm, _ := strconv.Atoi(m)
	dd, _ := strconv.Atoi(d)
	yy, _ := strconv.Atoi(y)
	if len(y) == 2 {
		yy += 2000
	}
	t := time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if mm < 1 || mm > 12 || t.Day() != dd || int(t.Month()) != mm {
		return "", fmt.Errorf("%s/%s/%s is not a calendar date", m, d, y)
	}
	return t.Format("2006-01-02"), nil
}

// unassigned reports whether a division/area code is the dashboard's
// "pending alignment" bucket (0D / 0A).
func unassigned(division, area string) bool {
	return strings.EqualFold(division, "0D") || strings.EqualFold(area, "0A")
}

// dedupe returns, for rows identified by key (id, division and area),
// which rows to keep and the ids listed more than once. A club listed twice
// keeps the row under its real division (not 0D/0A); among equals the last
// row wins. The kept row stays at its own position.
func dedupe[T any](rows []T, key func(*T) (id, division, area string)) (keep []bool, dups []string) {
	keep = make([]bool, len(rows))
	type entry struct{ best, count int32 }
	at := make(map[string]int32, len(rows)) // id -> its entry
	entries := make([]entry, 0, len(rows))
	of := make([]int32, len(rows)) // row -> its id's entry
	for i := range rows {
		id, div, area := key(&rows[i])
		k, seen := at[id]
		if !seen {
			k = int32(len(entries))
			at[id] = k
			entries = append(entries, entry{best: int32(i)})
		} else if _, jdiv, jarea := key(&rows[entries[k].best]); !unassigned(div, area) || unassigned(jdiv, jarea) {
			entries[k].best = int32(i)
		}
		entries[k].count++
		of[i] = k
	}
	for i := range rows {
		e := entries[of[i]]
		keep[i] = e.best == int32(i)
		if e.count > 1 && keep[i] {
			id, _, _ := key(&rows[i])
			dups = append(dups, id)
		}
	}
	return keep, dups
}

// summarise turns a list of per-club notes into one warning line.
func summarise(name, what string, ids []string) string {
	const show = 8
	list := ids
	more := ""
	if len(list) > show {
		list = list[:show]
		more = fmt.Sprintf(" and %d more", len(ids)-show)
	}
	return fmt.Sprintf("%s: %d club(s) %s: %s%s", name, len(ids), what, strings.Join(list, ", "), more)
}
