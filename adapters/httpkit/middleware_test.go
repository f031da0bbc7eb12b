package httpkit

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// logLines decodes and empties the JSON access log (the chain serves
// synchronously here, so a plain buffer is safe).
func logLines(t *testing.T, b *bytes.Buffer) []map[string]any {
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	b.Reset()
	return out
}

func serve(h http.Handler, method, target, remote string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	if remote != "" {
		r.RemoteAddr = remote
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// TestChain: request ids, the access log with its client, route and error,
// metrics, the query limit, the rate limit's 429 with Retry-After and
// panics, each answered through Fail.
func TestChain(t *testing.T) {
	var logs bytes.Buffer
	seen := &observed{}
	lim := NewLimiter(0.5, 2) // a token every 2 s: Retry-After 2
	defer lim.Close()
	c := &Chain{
		Proxies:       Proxies{netip.MustParsePrefix("10.0.0.0/8")},
		Logger:        slog.New(slog.NewJSONHandler(&logs, nil)),
		Metrics:       seen,
		Limiter:       lim,
		Unlimited:     func(r *http.Request) bool { return r.URL.Path == "/health" },
		MaxQueryBytes: 10,
	}
	h := c.Then(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		InfoOf(r.Context()).Route = "GET /things/:id"
		switch r.URL.Path {
		case "/panic":
			panic("boom")
		case "/fail":
			e := Note(r, Errorf(503, "BUSY", "Try later", nil))
			w.WriteHeader(e.Status)
			return
		}
		_, _ = w.Write([]byte("hello " + ClientIP(r)))
	}))

	// A plain client id is echoed; the client is the forwarded address.
	w := serve(h, "GET", "/things/1", "10.1.1.1:4000", "X-Request-ID", "abc-1.2_3", "X-Forwarded-For", "203.0.113.5")
	if w.Code != 200 || w.Body.String() != "hello 203.0.113.5" || w.Header().Get("X-Request-ID") != "abc-1.2_3" {
		t.Fatalf("%d %q id %q", w.Code, w.Body, w.Header().Get("X-Request-ID"))
	}
	l := logLines(t, &logs)
	if len(l) != 1 || l[0]["msg"] != "request" || l[0]["request_id"] != "abc-1.2_3" || l[0]["route"] != "GET /things/:id" ||
		l[0]["status"] != 200.0 || l[0]["bytes"] != 17.0 || l[0]["remote"] != "203.0.113.5" || l[0]["peer"] != "10.1.1.1" || l[0]["level"] != "INFO" {
		t.Fatalf("access log %v", l)
	}
	// An id with a space is replaced by a new one: prefix-counter.
	w = serve(h, "GET", "/health", "192.0.2.1:1", "X-Request-ID", "a b")
	if id := w.Header().Get("X-Request-ID"); id == "a b" || !strings.HasPrefix(id, ids().prefix+"-") {
		t.Fatalf("id %q", id)
	}
	logLines(t, &logs)

	// The query limit: 11 bytes of query is one too many.
	if w = serve(h, "GET", "/health?q=123456789", "192.0.2.1:1"); w.Code != 414 || w.Body.String() != "QUERY_TOO_LONG: Query string exceeds 10 bytes\n" {
		t.Fatalf("long query: %d %q", w.Code, w.Body)
	}
	logLines(t, &logs)

	// Burst 2 for 192.0.2.9 (the /health requests above are not limited
	// and other clients have their own buckets): the third is refused.
	codes := ""
	for range 3 {
		w = serve(h, "GET", "/things/2", "192.0.2.9:1")
		codes += " " + itoa(w.Code)
	}
	if codes != " 200 200 429" || w.Header().Get("Retry-After") != "2" || w.Body.String() != "RATE_LIMITED: Too many requests\n" {
		t.Fatalf("codes%s, Retry-After %q, %q", codes, w.Header().Get("Retry-After"), w.Body)
	}
	if w = serve(h, "GET", "/health", "192.0.2.9:1"); w.Code != 200 {
		t.Fatalf("/health limited: %d", w.Code)
	}
	logLines(t, &logs)

	// A panic is a 500 noted in the log at error level.
	if w = serve(h, "GET", "/panic", "192.0.2.2:1"); w.Code != 500 || w.Body.String() != "INTERNAL_SERVER_ERROR: An internal error occurred\n" {
		t.Fatalf("panic: %d %q", w.Code, w.Body)
	}
	l = logLines(t, &logs)
	if len(l) != 2 || l[0]["msg"] != "panic serving request" || l[1]["level"] != "ERROR" || l[1]["error_code"] != "INTERNAL_SERVER_ERROR" || l[1]["error"] != "panic: boom" {
		t.Fatalf("panic log %v", l)
	}
	// A noted 5xx failure is logged at error level with its code.
	if w = serve(h, "GET", "/fail", "192.0.2.3:1"); w.Code != 503 {
		t.Fatal(w.Code)
	}
	if l = logLines(t, &logs); l[0]["level"] != "ERROR" || l[0]["error_code"] != "BUSY" || l[0]["error"] != nil {
		t.Fatalf("failure log %v", l)
	}

	// Every request above was reported under its route and status.
	if got := seen.count("GET GET /things/:id 200"); got != 5 {
		t.Errorf("200s observed %v, want 5: /things/1, two /health, two /things/2 (all: %v)", got, seen.n)
	}
	if got := seen.count("GET unmatched 429"); got != 1 {
		t.Errorf("429s observed %v, want 1 (all: %v)", got, seen.n)
	}
	if got := seen.count("GET unmatched 414"); got != 1 {
		t.Errorf("414s observed %v, want 1 (all: %v)", got, seen.n)
	}
	if got := seen.count("GET GET /things/:id 500"); got != 1 {
		t.Errorf("the panic's 500 observed %v, want 1 (all: %v)", got, seen.n)
	}
}

// observed is a RequestObserver that counts what it was told by
// "method route status".
type observed struct {
	mu sync.Mutex
	n  map[string]int
}

func (o *observed) Observe(method, route string, status int, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.n == nil {
		o.n = map[string]int{}
	}
	if d < 0 {
		method = "NEGATIVE-DURATION " + method
	}
	o.n[method+" "+route+" "+itoa(status)]++
}

func (o *observed) count(key string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.n[key]
}

// TestChainAbort: http.ErrAbortHandler is passed on to net/http, which
// aborts the connection, and is not answered.
func TestChainAbort(t *testing.T) {
	h := (&Chain{}).Then(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	defer func() {
		if p := recover(); p != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", p)
		}
	}()
	serve(h, "GET", "/", "")
}

// TestCORS: allowed and refused origins, Vary, and preflight answers.
func TestCORS(t *testing.T) {
	rt := NewRouter("")
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	rt.Handle("GET", "/items/:id", ok)
	rt.Handle("DELETE", "/items/:id", ok)
	rt.Handle("POST", "/items", ok)
	cors := &CORS{Origins: []string{"https://a.example"}, ExposeHeaders: "ETag", AllowHeaders: "Content-Type", MaxAge: "600", Methods: rt.MethodsFor}
	h := (&Chain{CORS: cors}).Then(rt)

	w := serve(h, "GET", "/items/1", "", "Origin", "https://a.example")
	if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "https://a.example" || w.Header().Get("Access-Control-Expose-Headers") != "ETag" || w.Header().Get("Vary") != "Origin" {
		t.Fatalf("allowed: %d %v", w.Code, w.Header())
	}
	w = serve(h, "GET", "/items/1", "", "Origin", "https://evil.example")
	if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "" || w.Header().Get("Vary") != "Origin" {
		t.Fatalf("refused: %d %v", w.Code, w.Header())
	}
	w = serve(h, "OPTIONS", "/items/7", "", "Origin", "https://a.example", "Access-Control-Request-Method", "DELETE")
	if w.Code != 204 || w.Header().Get("Access-Control-Allow-Methods") != "GET, HEAD, DELETE, OPTIONS" ||
		w.Header().Get("Access-Control-Allow-Headers") != "Content-Type" || w.Header().Get("Access-Control-Max-Age") != "600" {
		t.Fatalf("preflight: %d %v", w.Code, w.Header())
	}
	w = serve(h, "OPTIONS", "/items", "", "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
	if w.Code != 204 || w.Header().Get("Access-Control-Allow-Methods") != "" || w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("refused preflight: %d %v", w.Code, w.Header())
	}
	// A plain OPTIONS (no Access-Control-Request-Method) is not a preflight.
	if w = serve(h, "OPTIONS", "/items", "", "Origin", "https://a.example"); w.Code != 405 {
		t.Fatalf("plain OPTIONS: %d", w.Code)
	}
	// No origins configured: no CORS headers, no Vary.
	h = (&Chain{CORS: &CORS{}}).Then(rt)
	if w = serve(h, "GET", "/items/1", "", "Origin", "https://a.example"); len(w.Header().Values("Vary")) != 0 || w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("CORS off: %v", w.Header())
	}
}

// TestRequestIDFormat: prefix, dash, the counter in at least 8 hex digits.
func TestRequestIDFormat(t *testing.T) {
	g := &requestIDs{prefix: "0a1b2c3d"}
	if got := g.next(); got != "0a1b2c3d-00000001" {
		t.Fatalf("first id %q", got)
	}
	g.n.Store(0x123456789 - 1)
	if got := g.next(); got != "0a1b2c3d-123456789" {
		t.Fatalf("id past 8 digits %q", got)
	}
}

// TestChainRefusesUnparsableQuery: with a query limit set, a query string
// that does not parse is answered 400 INVALID_QUERY, naming it, before the
// handler (which would see the pair dropped from r.URL.Query()).
func TestChainRefusesUnparsableQuery(t *testing.T) {
	reached := 0
	h := (&Chain{MaxQueryBytes: 100}).Then(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached++ }))
	for q, want := range map[string]string{
		"a=1;b=2": "INVALID_QUERY: Query string does not parse: invalid semicolon separator in query\n",
		"a=%zz":   "INVALID_QUERY: Query string does not parse: invalid URL escape \"%zz\"\n",
	} {
		if w := serve(h, "GET", "/x?"+q, "192.0.2.1:1"); w.Code != 400 || w.Body.String() != want {
			t.Errorf("?%s: %d %q, want 400 %q", q, w.Code, w.Body, want)
		}
	}
	if w := serve(h, "GET", "/x?a=1&b=%20", "192.0.2.1:1"); w.Code != 200 || reached != 1 {
		t.Errorf("a query that parses: %d, handler reached %d times", w.Code, reached)
	}
}
