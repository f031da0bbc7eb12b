package httpkit

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestProxiesClientIP: forwarding headers count only when the peer is a trusted
// proxy, and the client is the right-most hop that is not a trusted proxy.
func TestProxiesClientIP(t *testing.T) {
	p := Proxies{
		netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128"),
	}
	cases := []struct {
		name, remote string
		hdr          map[string]string
		want         string
	}{
		{"no proxy trusted: peer", "192.0.2.7:5000", map[string]string{"X-Forwarded-For": "203.0.113.9"}, "192.0.2.7"},
		{"trusted peer, one hop", "127.0.0.1:5000", map[string]string{"X-Forwarded-For": "203.0.113.9"}, "203.0.113.9"},
		// The client wrote "1.1.1.1" itself; the proxy appended the real peer.
		{"spoofed left part ignored", "127.0.0.1:5000", map[string]string{"X-Forwarded-For": "1.1.1.1, 203.0.113.9"}, "203.0.113.9"},
		{"two trusted proxies", "127.0.0.1:5000", map[string]string{"X-Forwarded-For": "1.1.1.1, 203.0.113.9, 10.1.2.3"}, "203.0.113.9"},
		{"all hops trusted: left-most", "127.0.0.1:5000", map[string]string{"X-Forwarded-For": "10.9.9.9, 10.1.2.3"}, "10.9.9.9"},
		{"Forwarded wins", "127.0.0.1:5000", map[string]string{"Forwarded": `for="[2001:db8::5]:443";proto=https`, "X-Forwarded-For": "198.51.100.1"}, "2001:db8::5"},
		{"Forwarded with port", "[::1]:5000", map[string]string{"Forwarded": "for=198.51.100.2:1234"}, "198.51.100.2"},
		{"X-Real-IP", "127.0.0.1:5000", map[string]string{"X-Real-IP": "198.51.100.3"}, "198.51.100.3"},
		{"garbage hop: stop at the proxy", "127.0.0.1:5000", map[string]string{"X-Forwarded-For": "203.0.113.9, not-an-ip"}, "127.0.0.1"},
		{"no header: the proxy", "127.0.0.1:5000", nil, "127.0.0.1"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/api", nil)
		r.RemoteAddr = c.remote
		for k, v := range c.hdr {
			r.Header.Set(k, v)
		}
		if got := p.ClientIP(r); got != c.want {
			t.Errorf("%s: client = %q, want %q", c.name, got, c.want)
		}
	}
}
