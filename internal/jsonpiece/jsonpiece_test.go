package jsonpiece

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
)

type point struct {
	Date  string  `json:"date"`
	Count int     `json:"count"`
	Rate  float64 `json:"rate,omitempty"`
}

// stamp encodes itself through a pointer receiver, with a space that
// encoding/json compacts away: it is called only for addressable values.
type stamp struct{ N int }

func (s *stamp) MarshalJSON() ([]byte, error) { return fmt.Appendf(nil, `{"stamp": %d}`, s.N), nil }

// label encodes itself as text, through a value receiver.
type label int

func (l label) MarshalText() ([]byte, error) { return fmt.Appendf(nil, "L<%d>", int(l)), nil }

type series struct {
	Name     string         `json:"name"`
	Points   []point        `json:"points"`
	Nested   [][]int        `json:"nested,omitempty"`
	Opt      *point         `json:"opt"`
	Any      any            `json:"any,omitempty"`
	Tags     map[string]int `json:"tags,omitempty"`
	Raw      []byte         `json:"raw,omitempty"`
	When     time.Time      `json:"when"`
	Skip     string         `json:"-"`
	Dash     string         `json:"-,"`
	Bad      string         `json:"a\"b"`
	Punct    string         `json:"x-y.z"`
	hidden   int
	Stamps   []stamp `json:"stamps"`
	One      stamp   `json:"one"`
	StampMap map[string]stamp
	Labels   []label `json:"labels,omitempty"`
	HTML     string  `json:"html"`
	Arr      [3]point
	PtrSlice []*point `json:"ptrs"`
	Empty    struct{} `json:"empty"`
	Children []series `json:"children,omitempty"`
	Embedded *embedded
	Quoted   *quoted
	Zeroed   *zeroed
	Dup      *dup
	Unknown  *unknownOpt
}

// The next types have what jsonpiece does not model; they must still
// encode exactly, whole.
type embedded struct {
	point
	Extra []point `json:"extra"`
}

type quoted struct {
	N int     `json:"n,string"`
	L []point `json:"l"`
}

type zeroed struct {
	N int     `json:"n,omitzero"`
	L []point `json:"l"`
}

// dup's B, tagged, takes the name of A, untagged: encoding/json drops A.
type dup struct {
	A []point
	B []point `json:"A"`
}

type unknownOpt struct {
	L []point `json:"l,flow"`
}

type envelope[T any] struct {
	Data T     `json:"data"`
	Meta *meta `json:"meta,omitempty"`
}

type meta struct {
	ID string `json:"id"`
}

// want is encoding/json's encoding of v, as an Encoder with
// SetEscapeHTML(false) writes it, newline dropped.
func want(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func got(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Encode(&b, v); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return b.Bytes()
}

func withPieces(t testing.TB, n int) {
	old := pieceItems
	pieceItems = n
	t.Cleanup(func() { pieceItems = old })
}

// randSeries makes a series of up to size points in each list, depth
// levels of children deep.
func randSeries(r *rand.Rand, size, depth int) series {
	pts := func() []point {
		if r.IntN(8) == 0 {
			return nil
		}
		out := make([]point, r.IntN(size+1))
		for i := range out {
			out[i] = point{Date: fmt.Sprintf("2025-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28)), Count: r.IntN(300) - 20}
			if r.IntN(2) == 0 {
				out[i].Rate = r.Float64() * 100
			}
		}
		return out
	}
	s := series{
		Name:   fmt.Sprintf("club <%d> & \"co\" é\u2028", r.IntN(1000)),
		Points: pts(),
		When:   time.Date(2025, 7, 1+r.IntN(30), r.IntN(24), 0, 0, 0, time.UTC),
		Skip:   "never", Dash: "dash", Bad: "bad", Punct: "punct", hidden: 7,
		HTML: "<a href=\"x\">&amp;</a>",
	}
	if r.IntN(2) == 0 {
		s.Nested = [][]int{{1, 2}, nil, {}, make([]int, r.IntN(size+1))}
	}
	if r.IntN(2) == 0 {
		s.Opt = &point{Date: "2025-07-01", Count: 3}
	}
	switch r.IntN(5) {
	case 1:
		s.Any = pts()
	case 2:
		s.Any = map[string]any{"b": 1, "a": []point{{Date: "x"}}}
	case 3:
		s.Any = &point{Count: 9}
	case 4:
		s.Any = 3.5
	}
	if r.IntN(2) == 0 {
		s.Tags = map[string]int{"z": 1, "a": 2, "<m>": 3}
	}
	if r.IntN(2) == 0 {
		s.Raw = []byte("raw bytes\x00\xff")
	}
	for range r.IntN(size + 1) {
		s.Stamps = append(s.Stamps, stamp{N: r.IntN(50)})
		s.Labels = append(s.Labels, label(r.IntN(50)))
	}
	s.StampMap = map[string]stamp{"k": {N: 1}}
	for i := range s.Arr {
		s.Arr[i] = point{Count: i}
	}
	for range r.IntN(size + 1) {
		if r.IntN(4) == 0 {
			s.PtrSlice = append(s.PtrSlice, nil)
		} else {
			s.PtrSlice = append(s.PtrSlice, &point{Count: r.IntN(9)})
		}
	}
	if depth > 0 {
		for range r.IntN(4) {
			s.Children = append(s.Children, randSeries(r, size, depth-1))
		}
	}
	if r.IntN(3) == 0 {
		s.Embedded = &embedded{point: point{Date: "e"}, Extra: pts()}
		s.Quoted = &quoted{N: 5, L: pts()}
		s.Zeroed = &zeroed{L: pts()}
		s.Dup = &dup{A: pts(), B: pts()}
		s.Unknown = &unknownOpt{L: pts()}
	}
	return s
}

// TestSameBytesAsEncodingJSON: for random values of a type with every
// feature jsonpiece walks or hands over, split into pieces of 1 to 50
// elements (so every container is split), the bytes are encoding/json's.
func TestSameBytesAsEncodingJSON(t *testing.T) {
	params := gopter.DefaultTestParameters()
	params.MinSuccessfulTests = 300
	props := gopter.NewProperties(params)
	props.Property("Encode == encoding/json", prop.ForAll(func(seed uint64, piece int) string {
		old := pieceItems
		pieceItems = piece
		defer func() { pieceItems = old }()
		r := rand.New(rand.NewPCG(seed, 1))
		s := randSeries(r, 12, 2)
		for _, v := range []any{s, &s, []series{s, s}, envelope[*series]{Data: &s, Meta: &meta{ID: "2025-07-01"}}, envelope[any]{Data: s}} {
			var g bytes.Buffer
			if err := Encode(&g, v); err != nil {
				return "Encode: " + err.Error()
			}
			w := want(t, v)
			if !bytes.Equal(g.Bytes(), w) {
				return fmt.Sprintf("%T differs:\n got %s\nwant %s", v, g.Bytes(), w)
			}
			for _, workers := range []int{1, 2, 3} {
				c, err := Chunks(v, workers)
				if err != nil {
					return "Chunks: " + err.Error()
				}
				if j := bytes.Join(c, nil); !bytes.Equal(j, w) {
					return fmt.Sprintf("%T by %d workers differs:\n got %s\nwant %s", v, workers, j, w)
				}
			}
		}
		return ""
	}, gen.UInt64(), gen.IntRange(1, 50)))
	props.TestingRun(t)
}

// TestHandWorked pins pieces worked out by hand: the walk splits the big
// slice, hands the small values to encoding/json, and the bytes read as
// expected.
func TestHandWorked(t *testing.T) {
	withPieces(t, 2)
	v := envelope[[]point]{Data: []point{{"a", 1, 0}, {"b", 2, 0.5}, {"c", 3, 0}}, Meta: &meta{ID: "<x>"}}
	var w recorder
	if err := Encode(&w, v); err != nil {
		t.Fatal(err)
	}
	const full = `{"data":[{"date":"a","count":1},{"date":"b","count":2,"rate":0.5},{"date":"c","count":3}],"meta":{"id":"<x>"}}`
	if got := strings.Join(w.writes, ""); got != full {
		t.Fatalf("got  %s\nwant %s", got, full)
	}
	// The three points are two runs of at most two: the run boundary is
	// a write of its own, and no write holds all three.
	for _, p := range w.writes {
		if strings.Count(p, `"date"`) > 2 {
			t.Errorf("a write holds more than one piece: %s", p)
		}
	}
	if !contains(w.writes, `{"date":"a","count":1},{"date":"b","count":2,"rate":0.5}`) || !contains(w.writes, `{"date":"c","count":3}`) {
		t.Errorf("runs not as worked out: %q", w.writes)
	}
}

type recorder struct{ writes []string }

func (r *recorder) Write(b []byte) (int, error) {
	r.writes = append(r.writes, string(b))
	return len(b), nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// TestBigValueIsWrittenInSmallPieces: a 200,000-point answer (~6 MB)
// arrives in writes of at most one piece, with the default piece size.
func TestBigValueIsWrittenInSmallPieces(t *testing.T) {
	lists := make([][]point, 50)
	for i := range lists {
		lists[i] = make([]point, 4000)
		for j := range lists[i] {
			lists[i][j] = point{Date: "2025-07-01", Count: i*j - 7, Rate: float64(j) / 3}
		}
	}
	v := envelope[[][]point]{Data: lists}
	var w maxWriter
	if err := Encode(&w, v); err != nil {
		t.Fatal(err)
	}
	full := want(t, v)
	if !bytes.Equal(w.buf.Bytes(), full) {
		t.Fatal("bytes differ from encoding/json")
	}
	if w.max > len(full)/20 {
		t.Fatalf("largest write %d bytes of %d: the value was not split", w.max, len(full))
	}
	t.Logf("%d bytes in writes of at most %d", len(full), w.max)
	for _, workers := range []int{1, 2, 4} {
		c, err := Chunks(v, workers)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(bytes.Join(c, nil), full) {
			t.Fatalf("Chunks by %d workers: bytes differ from encoding/json", workers)
		}
		for _, b := range c {
			if cap(b) > ChunkBytes {
				t.Fatalf("a chunk of %d bytes", cap(b))
			}
		}
		if len(c) < len(full)/ChunkBytes {
			t.Fatalf("%d chunks for %d bytes", len(c), len(full))
		}
	}
}

type maxWriter struct {
	buf bytes.Buffer
	max int
}

func (m *maxWriter) Write(b []byte) (int, error) {
	m.max = max(m.max, len(b))
	return m.buf.Write(b)
}

// TestErrors: encoding/json's errors come through, from a piece deep in a
// split value, and a cycle is reported rather than walked forever.
func TestErrors(t *testing.T) {
	withPieces(t, 2)
	bad := []point{{}, {}, {}, {Rate: math.NaN()}}
	var b bytes.Buffer
	var ue *json.UnsupportedValueError
	if err := Encode(&b, map[string]any{"x": 1}); err != nil {
		t.Fatal(err)
	}
	if err := Encode(&b, envelope[[]point]{Data: bad}); !errors.As(err, &ue) {
		t.Fatalf("NaN: got %v, want *json.UnsupportedValueError", err)
	}
	for _, workers := range []int{1, 2} {
		if c, err := Chunks(envelope[[]point]{Data: bad}, workers); !errors.As(err, &ue) || c != nil {
			t.Fatalf("NaN, %d workers: got %v, want *json.UnsupportedValueError", workers, err)
		}
	}
	type node struct {
		Next *node
		Pad  []int
	}
	n := &node{Pad: []int{1, 2, 3, 4, 5}}
	n.Next = n
	if err := Encode(&b, n); !errors.As(err, &ue) {
		t.Fatalf("cycle: got %v, want *json.UnsupportedValueError", err)
	}
	wantErr := errors.New("disk full")
	if err := Encode(failWriter{wantErr}, bad[:3]); !errors.Is(err, wantErr) {
		t.Fatalf("writer error: got %v", err)
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

func TestNilAndScalars(t *testing.T) {
	for _, v := range []any{nil, 1, "s<>", []point(nil), []point{}, (*series)(nil), map[string]int(nil), [0]int{}, struct{}{}} {
		if g, w := got(t, v), want(t, v); !bytes.Equal(g, w) {
			t.Errorf("%#v: got %s, want %s", v, g, w)
		}
	}
}

// FuzzEncode decodes the fuzzer's JSON into the test type (whatever
// fits) and checks the two encodings agree, in pieces of 1 to 16.
func FuzzEncode(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2))
	s := randSeries(r, 5, 1)
	seed, _ := json.Marshal(s)
	f.Add(seed, uint8(3))
	f.Add([]byte(`{"points":[{"date":"x"}],"any":[1,"a",null,{"b":[]}]}`), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, piece uint8) {
		var v series
		if json.Unmarshal(data, &v) != nil {
			return
		}
		withPieces(t, 1+int(piece%16))
		if g, w := got(t, v), want(t, v); !bytes.Equal(g, w) {
			t.Fatalf("got  %s\nwant %s", g, w)
		}
	})
}

// BenchmarkEncode compares a 5 MB answer written in pieces with
// encoding/json's whole encoding; B/op is the allocation each makes.
func BenchmarkEncode(b *testing.B) {
	lists := make([]series, 110)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range lists {
		lists[i] = series{Name: "club", Points: make([]point, 1000)}
		for j := range lists[i].Points {
			lists[i].Points[j] = point{Date: "2025-07-01", Count: r.IntN(40), Rate: r.Float64()}
		}
	}
	v := envelope[[]series]{Data: lists}
	n := len(want(b, v))
	b.Run("pieces", func(b *testing.B) {
		out := make([]byte, 0, n)
		b.SetBytes(int64(n))
		b.ReportAllocs()
		for b.Loop() {
			buf := bytes.NewBuffer(out[:0])
			if err := Encode(buf, v); err != nil || buf.Len() != n {
				b.Fatal(err, buf.Len())
			}
		}
	})
	b.Run("chunks-2", func(b *testing.B) {
		b.SetBytes(int64(n))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Chunks(v, 2); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(n))
		b.ReportAllocs()
		for b.Loop() {
			out, err := json.Marshal(v)
			if err != nil || len(out) != n {
				b.Fatal(err)
			}
		}
	})
}
