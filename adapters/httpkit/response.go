package httpkit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"

	"github.com/toaststats/toaststats/internal/jsonpiece"
)

// GzipMinBytes is the smallest body a Response compresses: below it the
// gzip header and the CPU cost outweigh the bytes saved.
const GzipMinBytes = 1024

// Response is an answer ready to be written any number of times: status,
// Content-Type, Cache-Control, body and its ETag (the first 12 bytes of
// the body's sha256, in hex, quoted). The gzip variant is made on the
// first request that accepts gzip (concurrent first requests wait for one
// compression) and kept; when it is not smaller than the body, gzip
// clients get the body as it is. A Response is safe for concurrent use
// once built, so caches can share it.
type Response struct {
	status int
	body   [][]byte // the body, in order: one piece, or a JSON answer's chunks
	size   int      // len of the body
	etag   string

	// Header values prepared once (read-only, len == cap so an append
	// elsewhere copies): the hot path assigns them without canonicalising.
	ccV, etagV, ctV, lenV []string
	extra                 http.Header // SetHeader's, set on every write

	gzOnce sync.Once
	gz     []byte   // nil when not made yet or not worth it
	gzLenV []string // Content-Length of gz
	onGzip func(n int)
}

var gzipV = []string{"gzip"}

// NewResponse wraps body (which the Response then owns: do not modify it)
// with its status, Content-Type and Cache-Control ("" sends none), and
// computes its ETag.
func NewResponse(status int, contentType string, body []byte, cacheControl string) *Response {
	return newResponse(status, contentType, [][]byte{body}, cacheControl)
}

// newResponse is NewResponse of a body in pieces.
func newResponse(status int, contentType string, body [][]byte, cacheControl string) *Response {
	h := sha256.New()
	size := 0
	for _, b := range body {
		h.Write(b)
		size += len(b)
	}
	var sum [sha256.Size]byte
	e := &Response{status: status, body: body, size: size, etag: `"` + hex.EncodeToString(h.Sum(sum[:0])[:12]) + `"`}
	if cacheControl != "" {
		e.ccV = []string{cacheControl}
	}
	e.etagV, e.ctV, e.lenV = []string{e.etag}, []string{contentType}, []string{strconv.Itoa(size)}
	return e
}

// JSON encodes v as JSON (HTML characters not escaped, one trailing
// newline: encoding/json's Encoder's bytes) into a Response with
// Content-Type application/json; charset=utf-8.
//
// A big answer is encoded piece by piece (see [jsonpiece]), on every
// core, into chunks that become the body as they are, so the only fresh
// memory it takes is about its own size: the first 5 MB analytics answer
// of a process just started spent ~70 % of its time faulting in the ~20 MB
// that encoding/json's growing buffer and copy take.
func JSON(status int, v any, cacheControl string) (*Response, error) {
	body, err := jsonpiece.Chunks(v, runtime.GOMAXPROCS(0))
	if err != nil {
		return nil, fmt.Errorf("encode json: %w", err)
	}
	size := 0
	for _, b := range body {
		size += len(b)
	}
	if size < jsonpiece.ChunkBytes {
		// A small answer becomes one slice of its exact size: a cache may
		// keep it for long, and its chunks' spare capacity would be up to
		// half of it.
		one := make([]byte, 0, size+1)
		for _, b := range body {
			one = append(one, b...)
		}
		body = [][]byte{one}
	}
	if last := &body[len(body)-1]; len(*last) < cap(*last) {
		*last = append(*last, '\n')
	} else {
		body = append(body, []byte{'\n'})
	}
	return newResponse(status, "application/json; charset=utf-8", body, cacheControl), nil
}

// Body is the uncompressed body; the caller must not modify it. A body
// built in chunks is joined into a new slice on each call.
func (e *Response) Body() []byte {
	if len(e.body) == 1 {
		return e.body[0]
	}
	return bytes.Join(e.body, nil)
}

// ETag is the quoted entity tag sent with a 200 answer.
func (e *Response) ETag() string { return e.etag }

// OnGzip sets a function called once, with the size of the gzip variant,
// when that variant is made and kept (a cache can then account for the
// memory it holds). Call it before the Response is shared.
func (e *Response) OnGzip(f func(n int)) { e.onGzip = f }

// SetHeader adds a header sent with every write of the Response (such as
// Content-Disposition or Retry-After). Call it before the Response is
// shared.
func (e *Response) SetHeader(name, value string) {
	if e.extra == nil {
		e.extra = http.Header{}
	}
	e.extra.Set(name, value)
}

// gzipped returns the gzip variant and its Content-Length value, making it
// on the first call; nil when the body is too small or does not shrink.
func (e *Response) gzipped() ([]byte, []string) {
	e.gzOnce.Do(func() {
		if e.size < GzipMinBytes {
			return
		}
		var zb bytes.Buffer
		zb.Grow(e.size / 4)
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(&zb)
		for _, b := range e.body {
			_, _ = zw.Write(b)
		}
		_ = zw.Close()
		zw.Reset(nil)
		gzipWriters.Put(zw)
		if zb.Len() < e.size {
			e.gz, e.gzLenV = zb.Bytes(), []string{strconv.Itoa(zb.Len())}
			if e.onGzip != nil {
				e.onGzip(len(e.gz))
			}
		}
	})
	return e.gz, e.gzLenV
}

// gzipWriters recycles compressors: a gzip.Writer carries hundreds of KB
// of state, which a new one per answer would allocate again every time.
// klauspost/compress's gzip at BestSpeed takes ~40 % less CPU than
// compress/gzip's on JSON answers (11 vs 18 ms for 5 MB) and writes ~5 %
// fewer bytes.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return zw
}}

// ServeHTTP writes the response. Headers already set on w are kept
// (Vary gains Accept-Encoding), and those of SetHeader are set. A 200 answer carries its ETag, and a
// request whose If-None-Match names it ([ETagMatches]) is answered 304 Not
// Modified with no body. A client that accepts gzip ([AcceptsGzip]) gets
// the gzip variant with Content-Encoding: gzip. HEAD gets the headers of
// GET, Content-Length included, and no body.
func (e *Response) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range e.extra {
		h[k] = v
	}
	if e.ccV != nil {
		h["Cache-Control"] = e.ccV
	}
	AddVary(h, "Accept-Encoding")
	if e.status == http.StatusOK {
		h["Etag"] = e.etagV // the canonical form of ETag
		if ETagMatches(r.Header.Get("If-None-Match"), e.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h["Content-Type"] = e.ctV
	if e.size >= GzipMinBytes && AcceptsGzip(r.Header.Get("Accept-Encoding")) {
		if gz, gzLen := e.gzipped(); gz != nil {
			h["Content-Encoding"] = gzipV
			h["Content-Length"] = gzLen
			w.WriteHeader(e.status)
			if r.Method != http.MethodHead {
				_, _ = w.Write(gz)
			}
			return
		}
	}
	h["Content-Length"] = e.lenV
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		for _, b := range e.body {
			if _, err := w.Write(b); err != nil {
				return
			}
		}
	}
}

// ETagMatches reports whether an If-None-Match header value names etag,
// with the weak comparison RFC 9110 asks of If-None-Match: "*" matches
// any, each listed tag matches with or without its W/ prefix, and an
// empty header matches nothing.
func ETagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	if strings.TrimSpace(header) == "*" {
		return true
	}
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		part = strings.TrimPrefix(part, "W/")
		if part == etag {
			return true
		}
	}
	return false
}

// AcceptsGzip reports whether an Accept-Encoding header value allows gzip:
// the first gzip coding listed (any case) decides, refused only by a
// weight of zero (q=0, q=0.0, q=0.00 or q=0.000). "*" does not count.
func AcceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			params = strings.ReplaceAll(params, " ", "")
			return params != "q=0" && params != "q=0.0" && params != "q=0.00" && params != "q=0.000"
		}
	}
	return false
}

// AddVary adds name to the Vary header of h unless it is listed already
// (in any case, in any of its values).
func AddVary(h http.Header, name string) {
	for _, v := range h["Vary"] {
		for _, n := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(n), name) {
				return
			}
		}
	}
	h["Vary"] = append(h["Vary"], name)
}
