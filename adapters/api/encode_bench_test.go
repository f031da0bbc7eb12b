package api

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/toaststats/toaststats/adapters/httpkit"
)

// bigJSON is a JSON answer of about n bytes shaped like the analytics
// answers (objects of ids, names and counts that repeat with variation).
func bigJSON(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"clubs":[`)
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"clubId":"%08d","clubName":"Club %d of Area %d","division":"%c","membership":%d,"goals":%d,"trend":[%d,%d,%d],"status":"%s"}`,
			i*7919%100000000, i, i%97, 'A'+i%20, 8+i%40, i%11, i%13, i%17, i%19, []string{"thriving", "stable", "vulnerable"}[i%3])
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

// BenchmarkBigAnswerIdentity builds the encoded response of a 5 MB answer
// and writes it to a client that does not accept gzip: the time to the
// first byte of a big analytics answer for such a client.
func BenchmarkBigAnswerIdentity(b *testing.B) {
	body := bigJSON(5 << 20)
	r := httptest.NewRequest("GET", "/api/districts/42/analytics", nil)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		er := httpkit.NewResponse(http.StatusOK, "application/json; charset=utf-8", body, "public, max-age=60")
		w := &discardWriter{h: http.Header{}}
		er.ServeHTTP(w, r)
	}
}

// BenchmarkBigAnswerGzip is the same for a client that accepts gzip.
func BenchmarkBigAnswerGzip(b *testing.B) {
	body := bigJSON(5 << 20)
	r := httptest.NewRequest("GET", "/api/districts/42/analytics", nil)
	r.Header.Set("Accept-Encoding", "gzip")
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		er := httpkit.NewResponse(http.StatusOK, "application/json; charset=utf-8", body, "public, max-age=60")
		w := &discardWriter{h: http.Header{}}
		er.ServeHTTP(w, r)
	}
}

const gzipMinBytes = httpkit.GzipMinBytes
