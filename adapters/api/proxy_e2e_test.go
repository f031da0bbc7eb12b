package api

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// startServerLogged is startServer keeping the server's stderr in a file.
func startServerLogged(t *testing.T, bin, logPath string, args ...string) string {
	t.Helper()
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logf.Close() })
	cmd := exec.Command(bin, args...)
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if base, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			return base
		}
	}
	t.Fatal("server exited before listening")
	return ""
}

// proxyInFront is the README's deployment: a reverse proxy on the same
// host forwarding to the server on loopback, adding X-Forwarded-For with
// the address its client connected from (httputil.ProxyRequest.SetXForwarded).
func proxyInFront(t *testing.T, backend string) string {
	t.Helper()
	u, err := url.Parse(backend)
	if err != nil {
		t.Fatal(err)
	}
	rp := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		pr.SetXForwarded()
	}}
	ps := httptest.NewServer(rp)
	t.Cleanup(ps.Close)
	return ps.URL
}

// clientFrom is an HTTP client whose connections come from the loopback
// address ip (127.0.0.0/8 is all loopback on Linux), so each test client
// has its own source address, as distinct users would.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}, Timeout: 30 * time.Second}
}

func status(t *testing.T, c *http.Client, method, url string, hdr map[string]string) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), method, url, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestBehindReverseProxy runs the real server binary as the README deploys
// it (on loopback, no TOASTSTATS_ADMIN_TOKEN, --trusted-proxies naming the
// proxy) behind a real reverse proxy, and checks that a proxied client
// reaches no admin or cache-management route without the token, whatever
// forwarding headers it forges; that the generated token file is 0600 and
// its value never logged; and that rate limiting keys on the forwarded
// client only when the peer is a trusted proxy.
func TestBehindReverseProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	tmp := t.TempDir()
	bin := buildServerBinary(t, tmp)
	dataDir := filepath.Join(tmp, "data")
	st := openFixtureStore(t, dataDir, true)
	st.Close()

	logPath := filepath.Join(tmp, "server.log")
	base := startServerLogged(t, bin, logPath, "--data-dir", dataDir, "--addr", "127.0.0.1:0", "--rebuild-interval", "0",
		"--trusted-proxies", "127.0.0.1/32", "--rate-burst", "10000")
	front := proxyInFront(t, base)

	tokenFile := filepath.Join(dataDir, "config", "admin-token")
	fi, err := os.Stat(tokenFile)
	if err != nil {
		t.Fatalf("token file: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %v, want 0600", fi.Mode().Perm())
	}
	tb, _ := os.ReadFile(tokenFile)
	token := strings.TrimSpace(string(tb))
	logs, _ := os.ReadFile(logPath)
	if len(token) != 64 || strings.Contains(string(logs), token) || !strings.Contains(string(logs), tokenFile) {
		t.Fatalf("token %d chars; the log must name %s and never the token:\n%s", len(token), tokenFile, logs)
	}

	remote := clientFrom("127.0.0.2")
	forged := []map[string]string{
		nil,
		{"X-Forwarded-For": "127.0.0.1"},
		{"X-Real-IP": "127.0.0.1", "Forwarded": "for=127.0.0.1"},
		{"Authorization": "Bearer wrong"},
	}
	probe := NewServer(Config{}, Deps{Store: openFixtureStore(t, t.TempDir(), false)})
	defer probe.Close()
	n := 0
	for _, rt := range probe.routes {
		if rt.Access != admin {
			continue
		}
		n++
		for _, hdr := range forged {
			for _, b := range []string{front, base} { // through the proxy, and straight to loopback
				if code := status(t, remote, rt.Method, b+samplePath(rt.Path), hdr); code != http.StatusUnauthorized {
					t.Errorf("%s %s via %s with %v: %d, want 401", rt.Method, rt.Path, b, hdr, code)
				}
			}
		}
	}
	if n < 37 { // routes.go declares 37 admin and cache-management routes
		t.Fatalf("only %d admin routes probed", n)
	}
	// The raw cache survived every DELETE above; with the token it works.
	if code := status(t, remote, "GET", front+"/api/districts/cache/stats", map[string]string{"Authorization": "Bearer " + token}); code != 200 {
		t.Fatalf("cache stats with the token: %d", code)
	}

	// Rate limiting: burst 2, one token per 1000 s.
	base2 := startServerLogged(t, bin, filepath.Join(tmp, "server2.log"), "--data-dir", dataDir, "--addr", "127.0.0.1:0", "--rebuild-interval", "0",
		"--trusted-proxies", "127.0.0.1/32", "--rate-limit", "0.001", "--rate-burst", "2")
	front2 := proxyInFront(t, base2)
	a, b := clientFrom("127.0.0.3"), clientFrom("127.0.0.4")
	var got []int
	for _, c := range []*http.Client{a, a, a, b} {
		got = append(got, status(t, c, "GET", front2+"/api", nil))
	}
	if want := []int{200, 200, 429, 200}; !slices.Equal(got, want) {
		t.Errorf("proxied clients A,A,A,B: %v, want %v (one bucket per forwarded client)", got, want)
	}
	// Straight to the server from an untrusted peer: forged headers are
	// ignored, the peer's own bucket is used.
	c := clientFrom("127.0.0.5")
	got = nil
	for _, xff := range []string{"198.51.100.1", "198.51.100.2", "198.51.100.3"} {
		got = append(got, status(t, c, "GET", base2+"/api", map[string]string{"X-Forwarded-For": xff}))
	}
	if want := []int{200, 200, 429}; !slices.Equal(got, want) {
		t.Errorf("untrusted peer forging X-Forwarded-For: %v, want %v", got, want)
	}
}
