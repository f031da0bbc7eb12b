package main

import (
	"errors"
	"io"
	"math"
	"strings"
	"testing"
)

// FuzzServerFlags gives arbitrary values to the server's parsed flags
// (--rate-limit, --rate-burst, --trusted-proxies, --cors-origin,
// --rebuild-interval, --addr). A value taken is usable as it is: a finite
// rate >= 0, a burst >= 1, proxies as masked prefixes, origins trimmed and
// non-empty, an interval >= 0. A value refused is a usage error (exit
// code 2) naming the flag.
func FuzzServerFlags(f *testing.F) {
	f.Add("20", "60", "10.0.0.0/8, 192.0.2.1", "https://a.example, https://b.example", "1h", "127.0.0.1:8080")
	f.Add("0", "1", "", "", "0", ":0")
	f.Add("0.5", "+7", "::ffff:10.0.0.1,2001:db8::/32", " , ", "90s", "[::1]:80")
	f.Add("-1", "0", "10.0.0.1/33", "x", "-1h", "nohost")
	f.Add("1e400", "9999999999999999999", "10.1.2.3/8", "", "1y", "a:b:c")
	f.Fuzz(func(t *testing.T, rateLimit, rateBurst, proxies, cors, interval, addr string) {
		args := []string{"toaststats-server", "--data-dir", "d", "--rate-limit=" + rateLimit, "--rate-burst=" + rateBurst,
			"--trusted-proxies=" + proxies, "--cors-origin=" + cors, "--rebuild-interval=" + interval, "--addr=" + addr}
		o, err := parseFlags(args, func(string) string { return "" }, io.Discard)
		if err != nil {
			var ue *usageError
			if !errors.As(err, &ue) {
				t.Fatalf("%q: %v is no usage error", args, err)
			}
			named := false
			for _, flag := range []string{"--rate-limit", "--rate-burst", "--trusted-proxies", "--cors-origin", "--rebuild-interval", "--addr",
				"rate-limit", "rate-burst", "trusted-proxies", "cors-origin", "rebuild-interval", "addr"} {
				named = named || strings.Contains(err.Error(), flag)
			}
			if !named {
				t.Fatalf("%q: %v names no flag", args, err)
			}
			return
		}
		if math.IsNaN(o.rateLimit) || math.IsInf(o.rateLimit, 0) || o.rateLimit < 0 {
			t.Fatalf("--rate-limit=%q taken as %v", rateLimit, o.rateLimit)
		}
		if o.rateBurst < 1 {
			t.Fatalf("--rate-burst=%q taken as %d", rateBurst, o.rateBurst)
		}
		for _, p := range o.trustedProxies {
			if !p.IsValid() || p.Masked() != p {
				t.Fatalf("--trusted-proxies=%q taken as %v", proxies, o.trustedProxies)
			}
		}
		for _, c := range o.corsOrigins {
			if c == "" || strings.TrimSpace(c) != c || strings.Contains(c, ",") {
				t.Fatalf("--cors-origin=%q taken as %q", cors, o.corsOrigins)
			}
		}
		if o.rebuildInterval < 0 {
			t.Fatalf("--rebuild-interval=%q taken as %v", interval, o.rebuildInterval)
		}
	})
}

// TestRateLimitMustBeANumber: --rate-limit NaN or +Inf (which ParseFloat
// reads) is a usage error naming it. NaN was taken: the limiter then let
// every request through and the server's shutdown waited for ever on it.
func TestRateLimitMustBeANumber(t *testing.T) {
	for _, v := range []string{"NaN", "nan", "+Inf", "inf", "-1"} {
		_, err := parseFlags([]string{"srv", "--data-dir", "d", "--rate-limit", v}, func(string) string { return "" }, io.Discard)
		var ue *usageError
		if want := `--rate-limit: not a number >= 0: "` + v + `"`; !errors.As(err, &ue) || err.Error() != want {
			t.Errorf("--rate-limit %s: %v, want usage error %s", v, err, want)
		}
	}
	o, err := parseFlags([]string{"srv", "--data-dir", "d", "--rate-limit", "0"}, func(string) string { return "" }, io.Discard)
	if err != nil || o.rateLimit != 0 {
		t.Fatalf("--rate-limit 0: %+v, %v", o, err)
	}
}
