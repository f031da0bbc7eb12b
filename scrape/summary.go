package scrape

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/toaststats/toaststats/snapshot"
)

// ErrNoDistricts: a summary report listed no district.
var ErrNoDistricts = errors.New("summary lists no districts")

// DistrictsFromSummary returns the district ids of an all-districts summary
// export (the DISTRICT column), in file order, without duplicates. The footer
// line and anything that is not a district id (snapshot.IsDistrictID) are ignored.
func DistrictsFromSummary(b []byte) ([]string, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("summary header: %w", err)
	}
	col := -1
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), "DISTRICT") {
			col = i
			break
		}
	}
	if col < 0 {
		return nil, fmt.Errorf("summary header has no DISTRICT column: %w", ErrNoDistricts)
	}
	seen := map[string]bool{}
	var ids []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("summary row: %w", err)
		}
		if col >= len(rec) {
			continue
		}
		id := strings.ToUpper(strings.TrimSpace(rec[col]))
		if !snapshot.IsDistrictID(id) || seen[id] {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil, ErrNoDistricts
	}
	return ids, nil
}
