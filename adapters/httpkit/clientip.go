package httpkit

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the reverse proxies whose forwarding headers are believed
// when working out who the client is. Empty: the peer is the client,
// whatever the headers say.
type Proxies []netip.Prefix

// ClientIP is the client IP of r. Forwarding headers are believed only when
// the peer is a trusted proxy; then the client is the right-most address
// of the forwarding chain that is not itself a trusted proxy (addresses
// left of it were written by the client and prove nothing), or the
// left-most one when every hop is trusted. A hop that is not an IP (an
// obfuscated or "unknown" Forwarded node, garbage) stops the walk at the
// last trusted hop. Forwarded (RFC 7239) wins over X-Forwarded-For, which
// wins over X-Real-IP.
func (p Proxies) ClientIP(r *http.Request) string {
	peer := RemoteIP(r)
	if len(p) == 0 || !p.Trusts(peer) {
		return peer
	}
	var chain []string
	if fw := r.Header.Values("Forwarded"); len(fw) > 0 {
		chain = forwardedFor(fw)
	} else if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
		for _, v := range xff {
			for _, a := range strings.Split(v, ",") {
				chain = append(chain, strings.TrimSpace(a))
			}
		}
	} else if xr := strings.TrimSpace(r.Header.Get("X-Real-IP")); xr != "" {
		chain = []string{xr}
	}
	for i := len(chain) - 1; i >= 0; i-- {
		ip, ok := parseForwardedIP(chain[i])
		if !ok {
			// Garbage in the chain: nothing left of it can be believed.
			return peer
		}
		if !p.Trusts(ip) {
			return ip
		}
		peer = ip
	}
	return peer // every hop was a trusted proxy: the left-most one
}

// Trusts reports whether ip (IPv4-mapped IPv6 counts as IPv4) is inside
// one of the trusted ranges.
func (p Proxies) Trusts(ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, pr := range p {
		if pr.Contains(a) {
			return true
		}
	}
	return false
}

// RemoteIP is the IP of the peer that connected (r.RemoteAddr without its
// port).
func RemoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ClientIP is the client IP a [Chain] worked out for r (its [Info]), or
// the peer's outside a Chain.
func ClientIP(r *http.Request) string {
	if ri := InfoOf(r.Context()); ri != nil && ri.Client != "" {
		return ri.Client
	}
	return RemoteIP(r)
}

// forwardedFor returns the for= values of Forwarded headers, in order.
func forwardedFor(values []string) []string {
	var out []string
	for _, v := range values {
		for _, elem := range strings.Split(v, ",") {
			for _, pair := range strings.Split(elem, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(k, "for") {
					out = append(out, strings.Trim(val, `"`))
				}
			}
		}
	}
	return out
}

// parseForwardedIP parses one hop of a forwarding chain: an IP, an IP with
// a port, or a bracketed IPv6 with or without a port. Obfuscated or
// "unknown" hops are not IPs.
func parseForwardedIP(v string) (string, bool) {
	if a, err := netip.ParseAddr(v); err == nil {
		return a.Unmap().String(), true
	}
	if ap, err := netip.ParseAddrPort(v); err == nil {
		return ap.Addr().Unmap().String(), true
	}
	if h, ok := strings.CutPrefix(v, "["); ok {
		if h, ok = strings.CutSuffix(h, "]"); ok {
			if a, err := netip.ParseAddr(h); err == nil {
				return a.String(), true
			}
		}
	}
	return "", false
}
