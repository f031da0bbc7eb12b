package httpkit

import (
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// FuzzETagAndEncoding checks the header parsers never panic and agree with
// their definitions on simple inputs.
func FuzzETagAndEncoding(f *testing.F) {
	f.Add(`"abc"`, "gzip, br")
	f.Add(`W/"abc", "def"`, "gzip;q=0")
	f.Add("*", "identity")
	f.Fuzz(func(t *testing.T, inm, ae string) {
		if ETagMatches(inm, `"abc"`) && !strings.Contains(inm, `"abc"`) && strings.TrimSpace(inm) != "*" {
			t.Fatalf("%q matched without naming the tag", inm)
		}
		got := AcceptsGzip(ae)
		if !strings.Contains(strings.ToLower(ae), "gzip") && got {
			t.Fatalf("gzip accepted from %q", ae)
		}
	})
}

// FuzzProxiesClientIP: any forwarding headers from a trusted peer give either
// the peer or an address that parses as an IP and is not a trusted proxy
// (or the left-most hop when every hop is trusted); never a panic, never a
// header fragment.
func FuzzProxiesClientIP(f *testing.F) {
	f.Add("127.0.0.1:5000", "1.1.1.1, 203.0.113.9", "", "")
	f.Add("127.0.0.1:5000", "", `for="[2001:db8::5]:443";proto=https, for=unknown`, "")
	f.Add("[::1]:1", "", "", "198.51.100.3")
	f.Add("garbage", "::ffff:10.0.0.1", "for=_hidden", "x")
	p := Proxies{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("10.0.0.0/8")}
	f.Fuzz(func(t *testing.T, remote, xff, fwd, real string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		if fwd != "" {
			r.Header.Set("Forwarded", fwd)
		}
		if real != "" {
			r.Header.Set("X-Real-IP", real)
		}
		got := p.ClientIP(r)
		if got == RemoteIP(r) {
			return
		}
		if _, err := netip.ParseAddr(got); err != nil {
			t.Fatalf("client %q is neither the peer %q nor an IP", got, RemoteIP(r))
		}
		if !p.Trusts(RemoteIP(r)) {
			t.Fatalf("untrusted peer %q, yet client %q from headers", RemoteIP(r), got)
		}
	})
}
