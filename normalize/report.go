package normalize

import (
	"errors"
	"fmt"
)

// ReportKind names one of the dashboard's four CSV exports, as the export
// endpoint spells it in its report descriptor.
type ReportKind string

// The four dashboard reports.
const (
	// ReportSummary is the all-districts summary (all-districts.csv).
	ReportSummary ReportKind = "districtsummary"
	// ReportDistrict is district-<id>/district-performance.csv: one row per
	// club with payments and charter/suspend dates.
	ReportDistrict ReportKind = "districtperformance"
	// ReportDivision is district-<id>/division-performance.csv: one row per
	// club with visit awards and the area and division goal columns.
	ReportDivision ReportKind = "divisionperformance"
	// ReportClub is district-<id>/club-performance.csv: one row per club
	// with the DCP goal columns.
	ReportClub ReportKind = "clubperformance"
)

// Kinds lists the four report kinds, summary first.
var Kinds = []ReportKind{ReportSummary, ReportDistrict, ReportDivision, ReportClub}

// FileName returns the file name the raw cache stores the report under
// ("all-districts.csv", "district-performance.csv", ...), or "" for an
// unknown kind.
func (k ReportKind) FileName() string {
	switch k {
	case ReportSummary:
		return "all-districts.csv"
	case ReportDistrict:
		return "district-performance.csv"
	case ReportDivision:
		return "division-performance.csv"
	case ReportClub:
		return "club-performance.csv"
	}
	return ""
}

// Valid reports whether k is one of the four known report kinds.
func (k ReportKind) Valid() bool { return k.FileName() != "" }

// Sentinel errors, to branch on with errors.Is. Every error returned by the
// readers and the checks is a *ReportError wrapping one of these.
var (
	// ErrHTMLPage: the body is an HTML page (an error page served with
	// status 200), not a CSV report.
	ErrHTMLPage = errors.New("body is an HTML page, not a CSV report")
	// ErrNoRows: the body has the report's header (and usually a footer)
	// but no data rows: the dashboard has no data for that date.
	ErrNoRows = errors.New("report has no data rows")
	// ErrWrongHeader: the header row is not the report's own (missing or
	// doubled columns, another report's header, not CSV at all).
	ErrWrongHeader = errors.New("header is not the report's own")
	// ErrFooterMismatch: the footer's as-of date or data month is not the
	// one that was asked for.
	ErrFooterMismatch = errors.New("footer does not match the requested date")
	// ErrMalformed: the body is CSV of the right report but something in it
	// cannot be read (bad quoting, a row of the wrong length, a value that is
	// not a number, an unreadable footer, an empty body).
	ErrMalformed = errors.New("malformed report")
	// ErrWrongDistrict: a report of another district, given to Assemble or
	// downloaded for a district (CheckReportWant).
	ErrWrongDistrict = errors.New("report belongs to another district")
)

// ReportError is the error of reading or checking one report file: which
// file, which report, and what is wrong (Problem wraps one of the
// sentinels).
type ReportError struct {
	File    string
	Kind    ReportKind
	Problem error
}

// Error implements error: "<file> (<kind>): <problem>".
func (e *ReportError) Error() string {
	name := e.File
	if name == "" {
		name = "<unnamed>"
	}
	if e.Kind != "" {
		return fmt.Sprintf("%s (%s): %v", name, e.Kind, e.Problem)
	}
	return fmt.Sprintf("%s: %v", name, e.Problem)
}

// Unwrap returns the problem, so errors.Is finds the sentinel.
func (e *ReportError) Unwrap() error { return e.Problem }

func reportErr(kind ReportKind, name string, sentinel error, format string, args ...any) *ReportError {
	var p error = sentinel
	if format != "" {
		p = fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
	}
	return &ReportError{File: name, Kind: kind, Problem: p}
}
