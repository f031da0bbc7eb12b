package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/toaststats/toaststats/normalize"
)

// TestRunRanksTheSummary runs the program on testdata/all-districts.csv:
// predecessor §1's worked example as a real 2025-26 export (districts 02,
// 61, 118 and F for A, B, C and D), with its footer line.
func TestRunRanksTheSummary(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run([]string{filepath.Join("testdata", "all-districts.csv")}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\nstderr: %s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n")
	if want := "All districts as of 2026-01-05 (data for 2025-12): 4 districts ranked"; lines[0] != want {
		t.Errorf("title = %q, want %q", lines[0], want)
	}
	var got [][]string
	for _, l := range lines[3:] {
		got = append(got, strings.Fields(l))
	}
	// rank district region club% pay% dist% clubsRank paymentsRank distRank score regionRank
	// The distinguished category is the report's own % Distinguished Clubs
	// (40.00, 31.25, 33.33, 0), not Total / Active Clubs. N = 4:
	//   clubs 02 5, 118 5 (rank 1, 4 points), 61 2.5 (3, 2), F −3 (4, 1);
	//   payments F 10 (1, 4), 02 and 61 3.5 (2, 3), 118 −1.2 (4, 1);
	//   distinguished 02 40 (1, 4), 118 33.33 (2, 3), 61 31.25 (3, 2), F 0 (4, 1);
	//   scores 02 4+3+4 = 11, 118 4+1+3 = 8, 61 2+3+2 = 7, F 1+4+1 = 6.
	want := [][]string{
		{"1", "02", "01", "5.00", "3.50", "40.00", "1", "2", "1", "11", "1"},
		{"2", "118", "02", "5.00", "-1.20", "33.33", "1", "4", "2", "8", "1"},
		{"3", "61", "01", "2.50", "3.50", "31.25", "3", "2", "3", "7", "2"},
		{"4", "F", "02", "-3.00", "10.00", "0.00", "4", "1", "4", "6", "2"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("table rows:\n got  %q\n want %q\noutput:\n%s", got, want, stdout.String())
	}
	if strings.Contains(stdout.String(), "Month of") || strings.Contains(stdout.String(), "As of 01") {
		t.Errorf("the footer line was ranked:\n%s", stdout.String())
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	html := filepath.Join(dir, "all-districts.csv")
	if err := os.WriteFile(html, []byte("<!DOCTYPE html>\r\n<html><body>Error</body></html>\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		check func(error) bool
	}{
		{"no argument", nil, func(err error) bool { return errors.Is(err, errUsage) }},
		{"two arguments", []string{"a", "b"}, func(err error) bool { return errors.Is(err, errUsage) }},
		{"missing file", []string{filepath.Join(dir, "none.csv")}, func(err error) bool { return errors.Is(err, os.ErrNotExist) }},
		{"an HTML error page", []string{html}, func(err error) bool { return errors.Is(err, normalize.ErrHTMLPage) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(tc.args, &stdout, &stderr)
			if err == nil || !tc.check(err) {
				t.Errorf("run(%q) = %v", tc.args, err)
			}
			if stdout.Len() != 0 {
				t.Errorf("printed on failure: %s", stdout.String())
			}
		})
	}
}
