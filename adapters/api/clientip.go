package api

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Who the client is, behind trusted reverse proxies.

// clientIP is the client IP of the request, as the outer middleware worked
// it out (see Server.clientAddr).
func clientIP(r *http.Request) string {
	if ri := infoFrom(r.Context()); ri != nil && ri.client != "" {
		return ri.client
	}
	return remoteIP(r)
}

// remoteIP is the IP of the peer that connected.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// clientAddr is the client IP used for rate limiting and logs. Forwarding
// headers are believed only when the peer is a trusted proxy
// (Config.TrustedProxies); then the client is the right-most address of
// the forwarding chain that is not itself a trusted proxy (addresses left
// of it were written by the client and prove nothing). Forwarded (RFC 7239)
// wins over X-Forwarded-For, which wins over X-Real-IP.
func (s *Server) clientAddr(r *http.Request) string {
	peer := remoteIP(r)
	if len(s.cfg.TrustedProxies) == 0 || !s.trusted(peer) {
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
		if !s.trusted(ip) {
			return ip
		}
		peer = ip
	}
	return peer // every hop was a trusted proxy: the left-most one
}

// trusted reports whether ip is inside one of the trusted proxy ranges.
func (s *Server) trusted(ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
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
