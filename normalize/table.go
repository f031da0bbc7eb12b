package normalize

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// table is one report file: its records split, the footer removed and the
// header resolved against the report's schema.
type table struct {
	kind   ReportKind
	name   string
	layout *layout
	footer Footer
	// records are what gocsv decodes (decodeRows): the header row as the
	// columns' gocsv keys, then the data records as read.
	records [][]string
	// decoded is decodeRows' result when ReadReports decoded this table
	// together with others (a *decoded[R]); nil otherwise.
	decoded  any
	lines    []int // the file line of each data record
	warnings []string
}

// sniff rejects bodies that are not CSV at all.
func sniff(kind ReportKind, name string, b []byte) ([]byte, error) {
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return nil, reportErr(kind, name, ErrMalformed, "empty body")
	}
	head := trimmed
	if len(head) > 512 {
		head = head[:512]
	}
	firstLine := head
	if i := bytes.IndexByte(firstLine, '\n'); i >= 0 {
		firstLine = firstLine[:i]
	}
	lower := bytes.ToLower(firstLine)
	if trimmed[0] == '<' || (bytes.IndexByte(firstLine, '"') < 0 && (bytes.Contains(lower, []byte("<html")) || bytes.Contains(lower, []byte("<!doctype")))) {
		return nil, reportErr(kind, name, ErrHTMLPage, "starts %q", clip(string(head), 60))
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		return nil, reportErr(kind, name, ErrWrongHeader, "body looks like JSON, starts %q", clip(string(head), 60))
	}
	return b, nil
}

// records reads every CSV record of b with a reader that accepts rows of
// any length (the footer has two cells), and returns them with their line
// numbers.
func records(kind ReportKind, name string, b []byte) ([][]string, []int, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	// One record per line, give or take quoted newlines and the footer.
	n := bytes.Count(b, []byte{'\n'}) + 1
	recs := make([][]string, 0, n)
	lines := make([]int, 0, n)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, nil, reportErr(kind, name, ErrMalformed, "line %d: %v", pe.StartLine, pe.Err)
			}
			return nil, nil, reportErr(kind, name, ErrMalformed, "%v", err)
		}
		line, _ := r.FieldPos(0)
		recs = append(recs, rec)
		lines = append(lines, line)
	}
	return recs, lines, nil
}

// splitFooter recognises the footer as the last record: two cells
// `Month of Jun` and ` As of 09/13/2025`, or one quoted cell holding both.
func splitFooter(kind ReportKind, name string, recs [][]string, lines []int) ([][]string, []int, Footer, error) {
	if len(recs) < 2 {
		return recs, lines, Footer{}, nil
	}
	last := recs[len(recs)-1]
	if len(last) > 2 || len(last) == 0 || !looksLikeFooter(last[0]) {
		return recs, lines, Footer{}, nil
	}
	f, err := ParseFooter(strings.Join(last, ","))
	if err != nil {
		return nil, nil, Footer{}, &ReportError{File: name, Kind: kind, Problem: fmt.Errorf("line %d: %w", lines[len(lines)-1], err)}
	}
	return recs[:len(recs)-1], lines[:len(lines)-1], f, nil
}

// readTable is the common first step of every reader and check: reject
// non-CSV bodies, read the records, split off the footer, check the header
// against the report's schema and check every row's length. The readers
// then let gocsv map the rows onto their row types (decodeRows).
func readTable(kind ReportKind, name string, b []byte) (*table, error) {
	return readTableRows(kind, name, b, true, "")
}

// readTableRows is readTable; with mapRows false the rows are checked and
// counted (t.lines) but not kept for decoding. With a district id, every
// row of a per-district report must be that district's.
func readTableRows(kind ReportKind, name string, b []byte, mapRows bool, district string) (*table, error) {
	s := schemaFor(kind)
	if s == nil {
		return nil, reportErr(kind, name, ErrWrongHeader, "unknown report kind %q", string(kind))
	}
	b, err := sniff(kind, name, b)
	if err != nil {
		return nil, err
	}
	recs, lines, err := records(kind, name, b)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, reportErr(kind, name, ErrMalformed, "no header row")
	}
	if len(recs) == 1 && len(recs[0]) <= 2 && looksLikeFooter(recs[0][0]) {
		f, ferr := ParseFooter(strings.Join(recs[0], ","))
		if ferr == nil {
			return &table{kind: kind, name: name, footer: f}, reportErr(kind, name, ErrWrongHeader, "no header row, only the footer")
		}
	}
	recs, lines, footer, err := splitFooter(kind, name, recs, lines)
	if err != nil {
		return nil, err
	}
	l, warnings, err := s.resolve(name, recs[0])
	if err != nil {
		return &table{kind: kind, name: name, footer: footer}, err
	}
	width := len(recs[0])
	for i := 1; i < len(recs); i++ {
		if len(recs[i]) != width {
			return nil, reportErr(kind, name, ErrMalformed, "line %d has %d cells, the header has %d", lines[i], len(recs[i]), width)
		}
	}
	if c := districtColumn(kind); district != "" && c >= 0 && l.has(c) {
		p := l.pos[c]
		for i := 1; i < len(recs); i++ {
			if id := recs[i][p]; strings.TrimSpace(id) != "" && !sameDistrict(id, district) {
				return nil, reportErr(kind, name, ErrWrongDistrict, "line %d is a row of district %q, not of district %q", lines[i], id, district)
			}
		}
	}
	t := &table{kind: kind, name: name, layout: l, footer: footer, warnings: warnings}
	t.lines = lines[1:]
	if len(recs) == 1 || !mapRows {
		return t, nil
	}
	// The header names were matched once, in resolve; gocsv gets the
	// columns' own keys in their place and maps the rows by them.
	recs[0] = l.gocsvHeader()
	t.records = recs
	return t, nil
}

// CheckReport is the quick guard the scraper runs before storing a body: it
// is CSV and not an HTML page, the header is the report's own, there is at
// least one data row, and the footer (if any) parses. It returns the footer
// (Found false when absent) and the number of data rows. Errors are
// *ReportError wrapping ErrHTMLPage, ErrWrongHeader, ErrNoRows or
// ErrMalformed; with ErrNoRows the footer is returned too.
func CheckReport(kind ReportKind, name string, b []byte) (Footer, int, error) {
	return checkReport(kind, name, b, "")
}

// checkReport is CheckReport; with a district id, every row must be that
// district's (ErrWrongDistrict).
func checkReport(kind ReportKind, name string, b []byte, district string) (Footer, int, error) {
	t, err := readTableRows(kind, name, b, false, district)
	if err != nil {
		if t != nil {
			return t.footer, 0, err
		}
		return Footer{}, 0, err
	}
	if len(t.lines) == 0 {
		return t.footer, 0, reportErr(kind, name, ErrNoRows, "header%s but no data rows", map[bool]string{true: " and footer", false: ""}[t.footer.Found])
	}
	return t.footer, len(t.lines), nil
}

// CheckReportFor is CheckReport plus: the footer must say the as-of date
// wantAsOf (YYYY-MM-DD) and the data month wantDataMonth (YYYY-MM); an empty
// want is not checked. A body without a footer cannot be checked and is not
// refused for it (Footer.Found is false; the caller decides). A mismatch is
// a *ReportError wrapping ErrFooterMismatch.
func CheckReportFor(kind ReportKind, name string, b []byte, wantAsOf, wantDataMonth string) (Footer, int, error) {
	return CheckReportWant(kind, name, b, Want{AsOfDate: wantAsOf, DataMonth: wantDataMonth})
}

// Want is what a report body was asked for; an empty field is not checked.
type Want struct {
	DistrictID string // every row of a per-district report is this district's
	AsOfDate   string // the footer's as-of date, YYYY-MM-DD
	DataMonth  string // the footer's data month, YYYY-MM
}

// CheckReportWant is CheckReport plus the checks of want: a row of another
// district is a *ReportError wrapping ErrWrongDistrict, a footer of another
// date or data month one wrapping ErrFooterMismatch (see CheckReportFor for
// a body without a footer). The scraper runs it on every download before
// storing it.
func CheckReportWant(kind ReportKind, name string, b []byte, want Want) (Footer, int, error) {
	f, n, err := checkReport(kind, name, b, want.DistrictID)
	if err != nil && !errors.Is(err, ErrNoRows) {
		return f, n, err
	}
	if f.Found {
		if want.AsOfDate != "" && f.AsOfDate != want.AsOfDate {
			return f, n, reportErr(kind, name, ErrFooterMismatch, "footer %q is as of %s, asked for %s", f.String(), f.AsOfDate, want.AsOfDate)
		}
		if want.DataMonth != "" && f.DataMonth != want.DataMonth {
			return f, n, reportErr(kind, name, ErrFooterMismatch, "footer %q is data month %s, asked for %s", f.String(), f.DataMonth, want.DataMonth)
		}
	}
	return f, n, err
}
