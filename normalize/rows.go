package normalize

import (
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gocarina/gocsv"
)

// How a report's rows become typed values: the header names are resolved
// against the report's schema once per file (columns.go: the era aliases
// and the folding of case and white space are our rule), the header row is
// replaced by the columns' gocsv keys, and gocsv maps every row onto the
// report's row struct by its `csv:"..."` tags, converting each cell through
// the field's type (text, count, percent, yesNo, maybeCount, charterSuspend).

// gocsvKey is the header cell handed to gocsv for a column: its canonical
// name without commas, because gocsv splits a struct tag at commas (two
// club columns, "Level 4s, Path Completions, or DTM Awards" and its Add.
// column, have them).
func gocsvKey(name string) string { return strings.ReplaceAll(name, ",", "") }

// recordsDecoder hands gocsv the records already split by encoding/csv,
// footer removed, header row replaced by the columns' gocsv keys.
type recordsDecoder [][]string

func (d recordsDecoder) GetCSVRows() ([][]string, error) { return d, nil }

// fieldsRecord is a pointer to a row type (fields.go).
type fieldsRecord[R any] interface {
	*R
	UnmarshalCSVWithFields(key, value string) error
}

// row is what gocsv decodes each data row into: a pointer to the row's
// record, made when gocsv hands it the row's first cell. gocsv makes two
// values of the type it decodes into for every row (one it fills through
// UnmarshalCSVWithFields, one it never uses) and copies the filled one into
// the slice; for a record of ~300 bytes that was a third of gocsv's time
// and half its allocations, for row it is a pointer. (Rec is exported:
// gocsv wants a struct with an exported field.)
type row[R any, P fieldsRecord[R]] struct{ Rec P }

// UnmarshalCSVWithFields implements gocsv.TypeUnmarshalCSVWithFields.
func (w *row[R, P]) UnmarshalCSVWithFields(key, value string) error {
	if w.Rec == nil {
		w.Rec = P(new(R))
	}
	return w.Rec.UnmarshalCSVWithFields(key, value)
}

// decodeRows unmarshals the table's data rows through gocsv, once per file,
// and returns each row's record. Each row type implements
// gocsv.TypeUnmarshalCSVWithFields (fields.go): gocsv hands it every cell
// with its column's key and the row converts the cell into its field, the
// same field and conversion the `csv` tag names, without gocsv's reflection
// per cell (a value allocated per cell: ~3/4 of gocsv's time). On a cell
// that does not convert it returns the rows before the bad one (n is the
// bad row's index; the rows from there on are nil) and an ErrMalformed
// naming the file line and the column; otherwise n is len(rows). When
// ReadReports has already decoded the table together with others
// (decodeStream), that result is returned.
func decodeRows[R any, P fieldsRecord[R]](t *table) (rows []P, n int, err error) {
	if d, ok := t.decoded.(*decoded[P]); ok {
		t.decoded = nil
		return d.rows, d.n, d.err
	}
	if len(t.lines) == 0 {
		return nil, 0, nil
	}
	var got []row[R, P]
	err = gocsv.UnmarshalDecoder(recordsDecoder(t.records), &got)
	rows = recordsOf(got)
	if err == nil {
		return rows, len(rows), nil
	}
	if r, ok := badRow(err, len(rows), len(t.lines)); ok {
		return rows, r, t.cellErr(r, err)
	}
	return nil, 0, reportErr(t.kind, t.name, ErrMalformed, "%v", err)
}

// recordsOf are the records of decoded rows (nil for rows not decoded).
func recordsOf[R any, P fieldsRecord[R]](got []row[R, P]) []P {
	out := make([]P, len(got))
	for i := range got {
		out[i] = got[i].Rec
	}
	return out
}

// badRow is the index of the data row a gocsv error names, when it is a
// conversion error of one cell (gocsv counts the header as line 1, from 1,
// and has allocated all total rows).
func badRow(err error, got, total int) (int, bool) {
	var pe *csv.ParseError
	if !errors.As(err, &pe) || pe.Line < 2 || pe.Line-2 >= total || got != total {
		return 0, false
	}
	return pe.Line - 2, true
}

// cellErr is the ErrMalformed of a cell of data row r that did not convert
// (err is gocsv's *csv.ParseError, as badRow found it).
func (t *table) cellErr(r int, err error) error {
	var pe *csv.ParseError
	errors.As(err, &pe)
	return reportErr(t.kind, t.name, ErrMalformed, "line %d, column %q: %v", t.lines[r], t.layout.columnAt(pe.Column-1), pe.Err)
}

// decoded is the result of decodeRows for one table, kept in table.decoded
// by ReadReports' stream (decodeStream).
type decoded[P any] struct {
	rows []P
	n    int
	err  error
}

// text is a cell read as text, trimmed of surrounding spaces.
type text string

// UnmarshalCSV implements gocsv.TypeUnmarshaller.
func (s *text) UnmarshalCSV(v string) error {
	*s = text(strings.TrimSpace(v))
	return nil
}

// count is a whole-number cell. An empty cell, like an absent column (the
// header check has already warned about absent columns), is 0; "1,234" is
// 1234.
type count int

// UnmarshalCSV implements gocsv.TypeUnmarshaller.
func (n *count) UnmarshalCSV(v string) error {
	i, err := parseCount(v)
	*n = count(i)
	return err
}

func parseCount(v string) (int, error) {
	if i, ok := digits(v); ok {
		return i, nil
	}
	s := strings.TrimSpace(v)
	if s == "" {
		return 0, nil
	}
	i, err := strconv.Atoi(s)
	if err != nil {
		if i2, err2 := strconv.Atoi(strings.ReplaceAll(s, ",", "")); err2 == nil {
			return i2, nil
		}
		return 0, fmt.Errorf("%q is not a whole number", clip(s, 40))
	}
	return i, nil
}

// digits reads a cell of 1 to 18 ASCII digits and nothing else (most
// count cells) as strconv.Atoi does; ok is false for any other cell.
func digits(v string) (int, bool) {
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(v); i++ {
		c := v[i] - '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + int(c)
	}
	return n, true
}

// maybeCount is a whole-number cell whose emptiness matters: ok is false
// for an empty cell or an absent column.
type maybeCount struct {
	n  int
	ok bool
}

// UnmarshalCSV implements gocsv.TypeUnmarshaller.
func (m *maybeCount) UnmarshalCSV(v string) error {
	if strings.TrimSpace(v) == "" {
		*m = maybeCount{}
		return nil
	}
	n, err := parseCount(v)
	*m = maybeCount{n: n, ok: err == nil}
	return err
}

// percent is a percentage cell like "-8.29%" or "0%"; "N/A" and "" are 0.
type percent float64

// UnmarshalCSV implements gocsv.TypeUnmarshaller.
func (p *percent) UnmarshalCSV(v string) error {
	cell := strings.TrimSpace(v)
	s := strings.TrimSpace(strings.TrimSuffix(cell, "%"))
	if s == "" || strings.EqualFold(s, "N/A") {
		*p = 0
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		*p = 0
		return fmt.Errorf("%q is not a percentage", clip(cell, 40))
	}
	*p = percent(f)
	return nil
}

// yesNo is a Y/N (or 1/0) cell; its zero value, an empty cell or an absent
// column, is unknown.
type yesNo int8

const (
	unknownYN yesNo = iota
	yes
	no
)

// UnmarshalCSV implements gocsv.TypeUnmarshaller.
func (f *yesNo) UnmarshalCSV(v string) error {
	s := strings.TrimSpace(v)
	switch strings.ToUpper(s) {
	case "Y", "YES", "1", "TRUE":
		*f = yes
	case "N", "NO", "0", "FALSE":
		*f = no
	case "":
		*f = unknownYN
	default:
		*f = unknownYN
		return fmt.Errorf("%q is not Y or N", clip(s, 40))
	}
	return nil
}

// ptr is the flag as the model holds it: nil when unknown.
func (f yesNo) ptr() *bool {
	if f == unknownYN {
		return nil
	}
	v := f == yes
	return &v
}

// charterSuspend is the "Charter Date/Suspend Date" cell (ParseCharterSuspend).
type charterSuspend struct{ charter, suspend string }

// UnmarshalCSV implements gocsv.TypeUnmarshaller.
func (c *charterSuspend) UnmarshalCSV(v string) error {
	var err error
	c.charter, c.suspend, err = ParseCharterSuspend(v)
	return err
}

// summaryRecord is one row of the all-districts summary (summarySchema).
type summaryRecord struct {
	Region             text    `csv:"REGION"`
	District           text    `csv:"DISTRICT"`
	DSP                yesNo   `csv:"DSP"`
	Training           yesNo   `csv:"Training"`
	MarketAnalysis     yesNo   `csv:"Market Analysis"`
	CommunicationPlan  yesNo   `csv:"Communication Plan"`
	RegionAdvisorVisit yesNo   `csv:"Region Advisor Visit"`
	NewPayments        count   `csv:"New Payments"`
	AprilPayments      count   `csv:"April Payments"`
	OctoberPayments    count   `csv:"October Payments"`
	LatePayments       count   `csv:"Late Payments"`
	CharterPayments    count   `csv:"Charter Payments"`
	TotalYTDPayments   count   `csv:"Total YTD Payments"`
	PaymentBase        count   `csv:"Payment Base"`
	PaymentGrowth      percent `csv:"% Payment Growth"`
	PaidClubBase       count   `csv:"Paid Club Base"`
	PaidClubs          count   `csv:"Paid Clubs"`
	ClubGrowth         percent `csv:"% Club Growth"`
	ActiveClubs        count   `csv:"Active Clubs"`
	Distinguished      count   `csv:"Distinguished Clubs"`
	Select             count   `csv:"Select Distinguished Clubs"`
	Presidents         count   `csv:"Presidents Distinguished Clubs"`
	Smedley            count   `csv:"Smedley Distinguished Clubs"`
	TotalDistinguished count   `csv:"Total Distinguished Clubs"`
	DistinguishedPct   percent `csv:"% Distinguished Clubs"`
}

// districtRecord is one row of the district-performance report (districtSchema).
type districtRecord struct {
	District            text           `csv:"District"`
	Division            text           `csv:"Division"`
	Area                text           `csv:"Area"`
	Club                text           `csv:"Club"`
	ClubName            text           `csv:"Club Name"`
	New                 count          `csv:"New"`
	LateRen             count          `csv:"Late Ren."`
	OctRen              count          `csv:"Oct. Ren."`
	AprRen              count          `csv:"Apr. Ren."`
	TotalRen            count          `csv:"Total Ren."`
	TotalChart          count          `csv:"Total Chart"`
	TotalToDate         count          `csv:"Total to Date"`
	DistinguishedStatus text           `csv:"Distinguished Status"`
	CharterSuspend      charterSuspend `csv:"Charter Date/Suspend Date"`
}

// divisionRecord is one row of the division-performance report (divisionSchema).
type divisionRecord struct {
	District          text           `csv:"District"`
	Division          text           `csv:"Division"`
	Area              text           `csv:"Area"`
	Club              text           `csv:"Club"`
	ClubName          text           `csv:"Club Name"`
	OctRenewals       count          `csv:"October Renewals"`
	AprRenewals       count          `csv:"April Renewals"`
	NovVisit          count          `csv:"Nov Visit award"`
	MayVisit          count          `csv:"May Visit award"`
	MembershipToDate  count          `csv:"Membership to date"`
	ClubGoalsMet      count          `csv:"Club Goals Met"`
	DistinguishedClub text           `csv:"Distinguished Club"`
	AreaClubBase      count          `csv:"Area Club Base"`
	AreaPaidD         count          `csv:"Area Paid Club Goal for Dist."`
	AreaPaidS         count          `csv:"Area Paid Club Goal for Select Dist."`
	AreaPaidP         count          `csv:"Area Paid Club Goal for Pres. Dist."`
	AreaPaidTotal     count          `csv:"Total Paid Area Clubs"`
	AreaDistD         count          `csv:"Area Dist. Club Goal for Dist."`
	AreaDistS         count          `csv:"Area Dist. Club Goal for Select Dist."`
	AreaDistP         count          `csv:"Area Dist. Club Goal for Pres. Dist."`
	AreaDistTotal     count          `csv:"Total Dist. Area Clubs"`
	AreaStatus        text           `csv:"Distinguished Area"`
	DivClubBase       count          `csv:"Division Club Base"`
	DivPaidD          count          `csv:"Division Paid Club Goal for Dist."`
	DivPaidS          count          `csv:"Division Paid Club Goal for Select Dist."`
	DivPaidP          count          `csv:"Division Paid Club Goal for Pres. Dist."`
	DivPaidTotal      count          `csv:"Total Paid Division Clubs"`
	DivDistD          count          `csv:"Division Dist. Club Goal for Dist."`
	DivDistS          count          `csv:"Division Dist. Club Goal for Select Dist."`
	DivDistP          count          `csv:"Division Dist. Club Goal for Pres. Dist."`
	DivDistTotal      count          `csv:"Total Dist. Division Clubs"`
	DivStatus         text           `csv:"Distinguished Division"`
	CharterSuspend    charterSuspend `csv:"Charter Date/Suspend Date"`
}

// clubRecord is one row of the club-performance report (clubSchema), every era.
type clubRecord struct {
	District            text       `csv:"District"`
	Division            text       `csv:"Division"`
	Area                text       `csv:"Area"`
	ClubNumber          text       `csv:"Club Number"`
	ClubName            text       `csv:"Club Name"`
	ClubStatus          text       `csv:"Club Status"`
	CSP                 yesNo      `csv:"CSP"`
	MemBase             count      `csv:"Mem. Base"`
	ActiveMembers       count      `csv:"Active Members"`
	NetGrowth           maybeCount `csv:"Net Growth"`
	GoalsMet            count      `csv:"Goals Met"`
	Level1s             count      `csv:"Level 1s"`
	Level2s             count      `csv:"Level 2s"`
	AddLevel2s          count      `csv:"Add. Level 2s"`
	Level3s             count      `csv:"Level 3s"`
	Goal5               count      `csv:"Level 4s Path Completions or DTM Awards"`
	AddGoal5            count      `csv:"Add. Level 4s Path Completions or DTM award"`
	NewMembers          count      `csv:"New Members"`
	AddNewMembers       count      `csv:"Add. New Members"`
	OffTrained1         count      `csv:"Off. Trained Round 1"`
	OffTrained2         count      `csv:"Off. Trained Round 2"`
	DuesOct             count      `csv:"Mem. dues on time Oct"`
	DuesApr             count      `csv:"Mem. dues on time Apr"`
	DuesOctApr          count      `csv:"Mem. dues on time Oct & Apr"`
	OffListOnTime       count      `csv:"Off. List On Time"`
	DistinguishedStatus text       `csv:"Club Distinguished Status"`
	CCs                 count      `csv:"CCs"`
	AddCCs              count      `csv:"Add. CCs"`
	ACs                 count      `csv:"ACs"`
	AddACs              count      `csv:"Add. ACs"`
	Level5s             count      `csv:"Level 5s"`
	CLALDTMs            count      `csv:"CL/AL/DTMs"`
	AddCLALDTMs         count      `csv:"Add. CL/AL/DTMs"`
}
