package normalize

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"sync"
)

// How ReadReports reads a file without holding its records: the file's
// header is read and resolved when it is opened (the group key needs it),
// and the data records are then read one at a time into the reader's one
// reused []string and mapped at once (mapRows), each cell through its
// record's UnmarshalCSVWithFields, the conversions gocsv uses when a file
// is read alone: only the decoded records stay. The checks
// of readTable are made on the way (every row the header's width, only the
// last record may be the footer).
//
// Anything unusual (a CSV error, a row of the wrong width, no data rows, a
// footer that does not parse, a cell that does not convert) drops the file
// from the stream and it is read again alone, by readTable and the kind's
// report function: its error (or result) is then exactly the reader's,
// which decides between several problems of one file by reading all of it
// first. Files with no problem give the same records, lines and footer as
// readTable, so the same report.

// streamTable is a file being read by the stream: its table (kind, name,
// layout, warnings; footer and lines once read) and its reader.
type streamTable struct {
	t      *table
	r      *csv.Reader
	br     *pooledReader
	width  int
	maxRow int // at most this many data rows (the file's line count)
	// start is the index, among the rows handed to gocsv in the current
	// call, of this file's first row; rows is how many were handed.
	start, rows int
	// done: read to the end without a problem; failed: to be read alone.
	done, failed bool
}

// pooledReader is the buffer csv.Reader reads a file through: one per file
// open at once, reused across files (bufio.NewReader returns a
// *bufio.Reader of the default size as it is).
type pooledReader struct {
	src bytes.Reader
	buf *bufio.Reader
}

var readerPool = sync.Pool{New: func() any {
	p := &pooledReader{}
	p.buf = bufio.NewReader(&p.src)
	return p
}}

// openStream sniffs the file, reads its header and resolves it. It returns
// nil when the file is to be read alone: unknown kind, not CSV, a CSV error
// in the header, a header that does not resolve.
func openStream(f ReportFile) *streamTable {
	s := schemaFor(f.Kind)
	if s == nil {
		return nil
	}
	b, err := sniff(f.Kind, f.Name, f.Data)
	if err != nil {
		return nil
	}
	p := readerPool.Get().(*pooledReader)
	p.src.Reset(b)
	p.buf.Reset(&p.src)
	r := csv.NewReader(p.buf)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	st := &streamTable{r: r, br: p, maxRow: bytes.Count(b, []byte{'\n'}) + 1}
	rec, err := r.Read()
	if err != nil {
		st.release()
		return nil
	}
	header := append([]string(nil), rec...)
	l, warnings, err := s.resolve(f.Name, header)
	if err != nil {
		st.release()
		return nil
	}
	st.width = len(header)
	st.t = &table{kind: f.Kind, name: f.Name, layout: l, warnings: warnings, lines: make([]int, 0, st.maxRow)}
	return st
}

func (st *streamTable) release() {
	if st.br != nil {
		st.br.src.Reset(nil)
		st.br.buf.Reset(&st.br.src)
		readerPool.Put(st.br)
		st.br, st.r = nil, nil
	}
}

func (st *streamTable) fail() {
	st.failed = true
	st.release()
}

func (st *streamTable) finish() {
	st.done = true
	st.release()
}

// nextRow returns the file's next data row (the reader's record, valid
// until the next call), or false at the file's end or on a problem (failed
// is then set). A record of the header's width is a row, last or not
// (splitFooter takes a last record of at most two cells for the footer,
// and a header has more: the schemas require more columns); a record of
// another width is a problem unless it is the footer, the last record.
func (st *streamTable) nextRow() ([]string, bool) {
	if st.done || st.failed {
		return nil, false
	}
	rec, err := st.r.Read()
	switch {
	case err == io.EOF && st.rows > 0:
		st.finish() // no footer
		return nil, false
	case err != nil:
		st.fail() // a CSV error, or no rows
		return nil, false
	case len(rec) == st.width && st.rows < st.maxRow:
		line, _ := st.r.FieldPos(0)
		st.t.lines = append(st.t.lines, line)
		st.rows++
		return rec, true
	case len(rec) > 0 && len(rec) <= 2 && looksLikeFooter(rec[0]) && st.rows > 0:
		line := strings.Join(rec, ",")
		if _, err := st.r.Read(); err != io.EOF {
			st.fail() // not the last record
			return nil, false
		}
		f, err := ParseFooter(line)
		if err != nil {
			st.fail()
			return nil, false
		}
		st.t.footer = f
		st.finish()
		return nil, false
	}
	st.fail()
	return nil, false
}

// errTooManyRows ends a mapRows call that would overfill its records; it
// cannot happen (a file has no more rows than lines), and would send every
// file of the call to be read alone.
var errTooManyRows = errors.New("normalize: more rows than lines")

// streamDecoder hands one mapRows call the files of one group: the
// columns' keys (the header gocsv would be given), then each file's data
// rows in turn.
type streamDecoder struct {
	header []string
	sent   bool
	ts     []*streamTable
	cur    int
	handed int
	limit  int
}

// GetCSVRow returns the keys, then the next data row (io.EOF after the
// last), as gocsv.SimpleDecoder's method of that name would.
func (d *streamDecoder) GetCSVRow() ([]string, error) {
	if !d.sent {
		d.sent = true
		return d.header, nil
	}
	for d.cur < len(d.ts) {
		st := d.ts[d.cur]
		if st.rows == 0 {
			st.start = d.handed
		}
		if row, ok := st.nextRow(); ok {
			if d.handed >= d.limit {
				return nil, errTooManyRows
			}
			d.handed++
			return row, nil
		}
		d.cur++
	}
	return nil, io.EOF
}

// decodeStream maps the rows of the files of one group (same kind, same
// columns) as they are read, in as few calls as it can, and leaves in each
// file's table its decoded rows. Files that go wrong are marked failed:
// ReadReports reads them again alone. A cell that does not convert ends
// the call: the files before it keep their rows, its file fails and the
// files after it go on in a new call.
func decodeStream[R any, P fieldsRecord[R]](ts []*streamTable) {
	for len(ts) > 0 {
		limit := 0
		for _, st := range ts {
			limit += st.maxRow
		}
		d := &streamDecoder{header: ts[0].t.layout.gocsvHeader(), ts: ts, limit: limit}
		rows, err := mapRows[R, P](d, limit)
		if err == nil {
			for _, st := range ts {
				settle(st, rows)
			}
			return
		}
		// The bad row was the last one handed, by the current file.
		var pe *csv.ParseError
		attributed := errors.As(err, &pe) && d.cur < len(ts) &&
			pe.Line-2 >= ts[d.cur].start && pe.Line-2 < ts[d.cur].start+ts[d.cur].rows
		rest := ts[:0:0]
		for i, st := range ts {
			switch {
			case !attributed:
				st.fail() // not one cell's error: each file alone says what it is
			case i < d.cur:
				settle(st, rows)
			case i == d.cur:
				st.fail() // holds the bad cell: read alone for its error
			default:
				rest = append(rest, st)
			}
		}
		ts = rest
	}
}

// settle leaves in the file's table its rows of a gocsv call when it was
// read to its end without a problem.
func settle[P any](st *streamTable, rows []P) {
	if !st.done || st.failed {
		return
	}
	mine := rows[st.start : st.start+st.rows : st.start+st.rows]
	st.t.decoded = &decoded[P]{mine, len(mine), nil}
}

// mapRows maps the rows d hands (at most limit) into records, each cell
// through the record's UnmarshalCSVWithFields with its column's key: what
// gocsv.UnmarshalDecoderToChan does for these records, without its
// reflection per row and per cell (a value made and a type asserted per
// cell, a channel send per row: ~12 ms of a world build's CPU, a fifth of
// the decoding) and with the records in one allocation. A cell that does
// not convert ends it with gocsv's error for it, a *csv.ParseError whose
// Line counts the key row as 1, and the rows before.
func mapRows[R any, P fieldsRecord[R]](d *streamDecoder, limit int) ([]P, error) {
	keys, err := d.GetCSVRow()
	if err != nil {
		return nil, err
	}
	records := make([]R, limit)
	rows := make([]P, 0, limit)
	for i := 0; ; i++ {
		line, err := d.GetCSVRow()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rec := P(&records[i])
		for j, cell := range line {
			if err := rec.UnmarshalCSVWithFields(keys[j], cell); err != nil {
				return rows, &csv.ParseError{Line: i + 2, Column: j + 1, Err: err}
			}
		}
		rows = append(rows, rec)
	}
}
