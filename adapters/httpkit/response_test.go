package httpkit

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/toaststats/toaststats/internal/jsonpiece"
)

// TestETagMatches: the weak comparison of If-None-Match, worked out by hand
// from RFC 9110 §13.1.2.
func TestETagMatches(t *testing.T) {
	const tag = `"abc"`
	cases := []struct {
		header string
		want   bool
	}{
		{"", false},
		{`"abc"`, true},
		{`W/"abc"`, true},            // weak comparison: W/ ignored
		{`"other", W/"abc"`, true},   // any of a list
		{` "other" ,  "abc" `, true}, // spaces around members
		{"*", true},                  // any current representation
		{" * ", true},                //
		{`"other"`, false},           //
		{`abc`, false},               // unquoted is another tag
		{`"ABC"`, false},             // tags are case-sensitive
		{`"abc`, false},              // unterminated
		{`W/"other", "abcd"`, false}, // prefix is not a match
		{`*, "other"`, false},        // "*" only alone
		{`w/"abc"`, false},           // the weak prefix is W/, upper case
	}
	for _, c := range cases {
		if got := ETagMatches(c.header, tag); got != c.want {
			t.Errorf("ETagMatches(%q) = %v, want %v", c.header, got, c.want)
		}
	}
}

// TestAcceptsGzip: the first gzip coding decides; a zero weight refuses.
func TestAcceptsGzip(t *testing.T) {
	cases := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZip", true},
		{"br, gzip;q=0.8", true},
		{"gzip;q=0", false},
		{"gzip; q=0.0", false},
		{"gzip;q=0.00", false},
		{"gzip;q=0.000", false},
		{"gzip;q=0.001", true},
		{"gzip;q=1", true},
		{"deflate, br", false},
		{"*", false},
		{"x-gzip", false},
		{"gzip;q=0, gzip", false}, // the first one decides
		{"identity, gzip", true},
	}
	for _, c := range cases {
		if got := AcceptsGzip(c.header); got != c.want {
			t.Errorf("AcceptsGzip(%q) = %v, want %v", c.header, got, c.want)
		}
	}
}

func TestAddVary(t *testing.T) {
	h := http.Header{}
	AddVary(h, "Origin")
	AddVary(h, "accept-encoding")
	AddVary(h, "Accept-Encoding")
	AddVary(h, "origin")
	if got := strings.Join(h.Values("Vary"), "|"); got != "Origin|accept-encoding" {
		t.Fatalf("Vary %q", got)
	}
	h = http.Header{"Vary": {"Cookie, Accept-Encoding"}}
	AddVary(h, "Accept-Encoding")
	if got := strings.Join(h.Values("Vary"), "|"); got != "Cookie, Accept-Encoding" {
		t.Fatalf("Vary %q", got)
	}
}

func get(h http.Handler, method string, hdr ...string) *httptest.ResponseRecorder {
	return serve(h, method, "/x", "", hdr...)
}

// TestResponse: ETag, 304, HEAD, Content-Length, Vary and the gzip variant,
// made only when a client asks for it.
func TestResponse(t *testing.T) {
	body := []byte(strings.Repeat(`{"a":1},`, 300)) // 2400 bytes, compresses well
	var made []int
	er := NewResponse(http.StatusOK, "application/json", body, "public, max-age=60")
	er.OnGzip(func(n int) { made = append(made, n) })

	w := get(er, "GET")
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), body) || w.Header().Get("Content-Length") != "2400" ||
		w.Header().Get("Content-Encoding") != "" || w.Header().Get("ETag") != er.ETag() ||
		w.Header().Get("Cache-Control") != "public, max-age=60" || w.Header().Get("Vary") != "Accept-Encoding" ||
		w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("identity answer: %d %v", w.Code, w.Header())
	}
	if len(made) != 0 {
		t.Fatalf("gzip made for an identity client: %v", made)
	}

	w = get(er, "GET", "If-None-Match", `W/"zz", `+er.ETag(), "Accept-Encoding", "gzip")
	if w.Code != http.StatusNotModified || w.Body.Len() != 0 || w.Header().Get("ETag") != er.ETag() || w.Header().Get("Content-Length") != "" {
		t.Fatalf("If-None-Match: %d %v", w.Code, w.Header())
	}
	if len(made) != 0 {
		t.Fatalf("gzip made for a 304: %v", made)
	}

	w = get(er, "HEAD", "Accept-Encoding", "gzip")
	if len(made) != 1 || w.Code != 200 || w.Body.Len() != 0 || w.Header().Get("Content-Encoding") != "gzip" || w.Header().Get("Content-Length") != itoa(made[0]) {
		t.Fatalf("HEAD gzip: %d %v (made %v)", w.Code, w.Header(), made)
	}
	w = get(er, "GET", "Accept-Encoding", "gzip, br")
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, body) || w.Header().Get("Content-Length") != itoa(made[0]) || len(made) != 1 {
		t.Fatalf("gzip body differs or made again (made %v)", made)
	}
	if w = get(er, "GET", "Accept-Encoding", "gzip;q=0"); w.Header().Get("Content-Encoding") != "" || w.Body.Len() != 2400 {
		t.Fatalf("q=0 got %q", w.Header().Get("Content-Encoding"))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestResponseETag: the first 12 bytes of the body's sha256, quoted
// (printf 'hello world' | sha256sum).
func TestResponseETag(t *testing.T) {
	if got := NewResponse(200, "text/plain", []byte("hello world"), "").ETag(); got != `"b94d27b9934d3e08a52e52d7"` {
		t.Fatalf("ETag %q", got)
	}
}

// TestResponseGzipNotWorthIt: a small body, or one gzip does not shrink,
// goes to gzip clients as it is.
func TestResponseGzipNotWorthIt(t *testing.T) {
	small := NewResponse(200, "text/plain", []byte(strings.Repeat("a", GzipMinBytes-1)), "")
	if w := get(small, "GET", "Accept-Encoding", "gzip"); w.Header().Get("Content-Encoding") != "" || w.Header().Get("Cache-Control") != "" {
		t.Fatalf("small body: %v", w.Header())
	}
	// Random bytes do not compress: gzip only adds its framing.
	noise := make([]byte, 4096)
	x := uint32(2463534242)
	for i := range noise {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		noise[i] = byte(x)
	}
	calls := 0
	er := NewResponse(200, "application/octet-stream", noise, "")
	er.OnGzip(func(int) { calls++ })
	if w := get(er, "GET", "Accept-Encoding", "gzip"); w.Header().Get("Content-Encoding") != "" || w.Body.Len() != 4096 || calls != 0 {
		t.Fatalf("incompressible body: %v, %d bytes, OnGzip called %d times", w.Header(), w.Body.Len(), calls)
	}
}

// TestResponseErrorStatus: a non-200 answer has no ETag and ignores
// If-None-Match.
func TestResponseErrorStatus(t *testing.T) {
	er := NewResponse(http.StatusServiceUnavailable, "text/html", []byte("<p>later</p>"), "no-store")
	w := get(er, "GET", "If-None-Match", "*")
	if w.Code != 503 || w.Header().Get("ETag") != "" || w.Body.String() != "<p>later</p>" {
		t.Fatalf("%d %v %q", w.Code, w.Header(), w.Body)
	}
}

// TestResponseConcurrentFirstGzip: concurrent first gzip requests compress
// once and all get the same bytes (run with -race).
func TestResponseConcurrentFirstGzip(t *testing.T) {
	body := []byte(strings.Repeat("toaststats ", 5000))
	var mu sync.Mutex
	calls := 0
	er := NewResponse(200, "text/plain", body, "")
	er.OnGzip(func(int) { mu.Lock(); calls++; mu.Unlock() })
	var wg sync.WaitGroup
	out := make([][]byte, 8)
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = get(er, "GET", "Accept-Encoding", "gzip").Body.Bytes()
		}()
	}
	wg.Wait()
	for i := range out {
		if !bytes.Equal(out[i], out[0]) || len(out[i]) == 0 || len(out[i]) >= len(body) {
			t.Fatalf("answer %d: %d bytes", i, len(out[i]))
		}
	}
	if calls != 1 {
		t.Fatalf("compressed %d times", calls)
	}
}

func TestJSON(t *testing.T) {
	er, err := JSON(201, map[string]string{"q": "<a&b>"}, "no-store")
	if err != nil {
		t.Fatal(err)
	}
	w := get(er, "GET")
	if w.Code != 201 || w.Body.String() != "{\"q\":\"<a&b>\"}\n" || w.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("%d %q %v", w.Code, w.Body, w.Header())
	}
	if _, err := JSON(200, func() {}, ""); err == nil {
		t.Fatal("a func encoded")
	}
}

// TestJSONBigAnswerInChunks: a ~3 MB answer is kept in chunks, not one
// buffer, and everything made from them is as if it were one: the bytes
// encoding/json writes, the ETag of those bytes, Content-Length, the gzip
// variant, HEAD and Body().
func TestJSONBigAnswerInChunks(t *testing.T) {
	type day struct {
		Date    string `json:"date"`
		Members int    `json:"members"`
	}
	type club struct {
		ID   string `json:"clubId"`
		Days []day  `json:"days"`
	}
	v := struct {
		Clubs []club `json:"clubs"`
	}{}
	for i := range 110 {
		c := club{ID: "C" + itoa(i)}
		for j := range 1000 {
			c.Days = append(c.Days, day{Date: "2025-07-01", Members: i*j%37 + 3})
		}
		v.Clubs = append(v.Clubs, c)
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	er, err := JSON(200, v, "public, max-age=60")
	if err != nil {
		t.Fatal(err)
	}
	if len(er.body) < want.Len()/jsonpiece.ChunkBytes {
		t.Fatalf("%d bytes in %d chunk(s): not chunked", want.Len(), len(er.body))
	}
	for _, b := range er.body {
		if cap(b) > jsonpiece.ChunkBytes {
			t.Fatalf("a chunk of %d bytes", cap(b))
		}
	}
	sum := sha256.Sum256(want.Bytes())
	if etag := `"` + hex.EncodeToString(sum[:12]) + `"`; er.ETag() != etag {
		t.Fatalf("ETag %s, want %s (the sha256 of the whole body)", er.ETag(), etag)
	}
	if !bytes.Equal(er.Body(), want.Bytes()) {
		t.Fatal("Body() differs from encoding/json's bytes")
	}
	w := get(er, "GET")
	if !bytes.Equal(w.Body.Bytes(), want.Bytes()) || w.Header().Get("Content-Length") != itoa(want.Len()) {
		t.Fatalf("GET: %d bytes, Content-Length %s, want %d", w.Body.Len(), w.Header().Get("Content-Length"), want.Len())
	}
	if h := get(er, "HEAD"); h.Body.Len() != 0 || h.Header().Get("Content-Length") != itoa(want.Len()) {
		t.Fatalf("HEAD: %d bytes, Content-Length %s", h.Body.Len(), h.Header().Get("Content-Length"))
	}
	z := get(er, "GET", "Accept-Encoding", "gzip")
	zlen := z.Body.Len()
	zr, err := gzip.NewReader(z.Body)
	if err != nil {
		t.Fatal(err)
	}
	unz, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unz, want.Bytes()) || z.Header().Get("Content-Length") != itoa(zlen) || zlen >= want.Len()/4 {
		t.Fatalf("gzip: %v, %d bytes unzipped, Content-Length %s of %d", err, len(unz), z.Header().Get("Content-Length"), zlen)
	}
}

// TestJSONSmallAnswerExact: an answer under one full chunk is one slice of
// its own size, since caches keep answers for long.
func TestJSONSmallAnswerExact(t *testing.T) {
	for _, n := range []int{0, 10, 900, 5000, 40000} {
		er, err := JSON(200, strings.Repeat("x", n), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(er.body) != 1 || len(er.body[0]) != n+3 || cap(er.body[0]) > 2*(n+3)+64 {
			t.Fatalf("%d: %d chunk(s), the first %d long, cap %d", n, len(er.body), len(er.body[0]), cap(er.body[0]))
		}
	}
}
