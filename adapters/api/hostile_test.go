package api

import (
	"bufio"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// treeState lists every file and directory under root with size and
// modification time.
func treeState(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out[p] = fmt.Sprintf("%v %d %d", d.IsDir(), info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestHostileInputs sends path traversal in every parameter (plain and
// percent-encoded), huge and malformed values, oversized bodies and bad
// tokens: every answer is a 4xx and nothing outside the data directory is
// read-modified, created or deleted.
func TestHostileInputs(t *testing.T) {
	parent := t.TempDir()
	// Decoys next to the data directory that a traversal would reach.
	for _, p := range []string{"secret.txt", "snapshots/2025-07-15/metadata.json", "raw-csv/2025-07-15/metadata.json", "config/districts.json", "current.json"} {
		full := filepath.Join(parent, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(`{"decoy":true}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dataDir := filepath.Join(parent, "data")
	st := openFixtureStore(t, dataDir, true)
	srv := NewServer(Config{AdminToken: testToken}, Deps{Store: st, Now: clock})
	t.Cleanup(srv.Close)
	ts := &testServer{Server: newLoopbackServer(t, srv), srv: srv, store: st, dir: dataDir}

	outside := func() map[string]string {
		m := treeState(t, parent)
		for k := range m {
			if k == dataDir || strings.HasPrefix(k, dataDir+string(filepath.Separator)) {
				delete(m, k)
			}
		}
		return m
	}
	before := outside()

	travs := []string{"..", "%2e%2e", "%2E%2E", "..%2f..%2fsecret.txt", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fsecret.txt", "....%2f%2f", "%252e%252e", "..%5c..%5csecret.txt", "%00", "a%00b", "%2f", "~", "$HOME", "${jndi:x}"}
	auth := map[string]string{"Authorization": "Bearer " + testToken}
	var paths []struct{ method, path string }
	for _, rt := range ts.srv.routes {
		if !strings.Contains(rt.Path, ":") {
			continue
		}
		for _, tv := range travs {
			p := rt.Path
			for _, name := range []string{":districtId", ":clubId", ":date", ":snapshotId", ":jobId", ":backfillId", ":month"} {
				p = strings.ReplaceAll(p, name, tv)
			}
			paths = append(paths, struct{ method, path string }{rt.Method, p})
		}
	}
	// Traversal and junk in the query values each route reads.
	for _, p := range []string{
		"/api/districts/rankings?date=../../secret.txt", "/api/districts/rankings?date=..%2f..%2fsecret", "/api/districts/rankings?date=2025-07-15%00",
		"/api/districts/rankings?date=%2e%2e", "/api/districts/rankings?fallback=%2e%2e", "/api/districts/42/statistics?date=..%2F..%2Fsecret.txt",
		"/api/districts?date=....//", "/api/districts/42/analytics?startDate=../x", "/api/districts/42/analytics?endDate=2025-07-15%2f..",
		"/api/districts/42/membership-history?months=1e9", "/api/districts/42/membership-history?months=-1",
		"/api/districts/42/membership-history?months=99999999999999999999999", "/api/districts/42/membership-history?divisionId=../A",
		"/api/districts/42/membership-history?divisionId=A&areaId=..%2f", "/api/districts/42/membership-history?clubId=..%2f",
		"/api/districts/42/daily-reports?startDate=../x&endDate=2025-01-01", "/api/districts/42/export?format=../../csv",
		"/api/districts/42/rank-history?endDate=%2e%2e", "/api/admin/snapshots?limit=1%27%20OR%201=1", "/api/admin/snapshots?created_before=../x",
		"/api/admin/snapshots?calculation_version=../../x", "/api/admin/snapshots?min_district_count=-5",
	} {
		paths = append(paths, struct{ method, path string }{"GET", p})
	}
	paths = append(paths,
		struct{ method, path string }{"DELETE", "/api/districts/cache?date=../../secret.txt"},
		struct{ method, path string }{"DELETE", "/api/districts/cache?date=%2e%2e"},
		struct{ method, path string }{"GET", "/api/districts/42/statistics?date=" + strings.Repeat("9", 5000)},
		struct{ method, path string }{"GET", "/api/districts/" + strings.Repeat("A", 1500) + "/statistics"},
		struct{ method, path string }{"GET", "/../../secret.txt"},
		struct{ method, path string }{"GET", "/api/districts/../../secret.txt"},
		struct{ method, path string }{"GET", "/api/districts/42/../../../secret.txt"},
	)
	for _, p := range paths {
		for _, hdr := range []map[string]string{auth, nil} {
			code, body := rawRequest(t, ts.URL, p.method, p.path, hdr, "")
			if code < 400 || code > 499 {
				t.Errorf("%s %s (auth %v): status %d, want 4xx\n%s", p.method, p.path, hdr != nil, code, clip([]byte(body)))
			}
			if strings.Contains(body, "decoy") || strings.Contains(body, "root:") {
				t.Errorf("%s %s leaked a file outside the data directory", p.method, p.path)
			}
		}
	}

	// Bodies: oversized, malformed, wrong type, deeply nested.
	for _, tc := range []struct {
		path, ctype, body string
		want              int
	}{
		{"/api/admin/districts/config", "application/json", `{"districtIds":["` + strings.Repeat("1", 70<<10) + `"]}`, 413},
		{"/api/admin/districts/config", "application/json", strings.Repeat("[", 70<<10), 413},
		{"/api/admin/districts/config", "application/json", strings.Repeat("[", 10000), 400},
		{"/api/admin/districts/config", "text/plain", `{"districtIds":["42"]}`, 415},
		{"/api/admin/districts/config", "application/json", `{"districtIds":["../../etc"]}`, 400},
		{"/api/admin/districts/config", "application/json", `{"districtIds":["42"]}{"x":1}`, 400},
		{"/api/admin/refresh", "application/json", `{"date":"../../secret.txt"}`, 400},
		{"/api/admin/refresh", "application/json", strings.Repeat(" ", 70<<10) + `{}`, 413},
	} {
		code, body := rawRequest(t, ts.URL, "POST", tc.path, auth, tc.body, "Content-Type", tc.ctype)
		if code != tc.want {
			t.Errorf("POST %s (%d-byte %s body): %d, want %d\n%s", tc.path, len(tc.body), tc.ctype, code, tc.want, clip([]byte(body)))
		}
	}
	// A huge query string is refused before routing.
	if code, _ := rawRequest(t, ts.URL, "GET", "/api/districts/rankings?x="+strings.Repeat("a", 4000), nil, ""); code != 414 {
		t.Errorf("huge query: %d, want 414", code)
	}
	// Bad tokens on admin routes.
	for _, tok := range []string{"", "Bearer ", "Bearer " + strings.Repeat("x", 4000), "Bearer\t" + testToken} {
		code, _ := rawRequest(t, ts.URL, "GET", "/api/admin/snapshots", map[string]string{"Authorization": tok}, "")
		if code != 401 {
			t.Errorf("token %q: %d, want 401", truncate(tok, 30), code)
		}
	}

	after := outside()
	if len(before) != len(after) {
		t.Errorf("files outside the data directory changed: %d before, %d after", len(before), len(after))
	}
	var changed []string
	for k, v := range before {
		if after[k] != v {
			changed = append(changed, k)
		}
	}
	sort.Strings(changed)
	if len(changed) > 0 {
		t.Errorf("files outside the data directory modified: %v", changed)
	}
	// The fixture is intact.
	if _, err := st.Snapshots().Get(t.Context(), "2025-07-15"); err != nil {
		t.Errorf("fixture snapshot damaged: %v", err)
	}
}

// rawRequest writes the request line by hand so that paths reach the
// server exactly as given (no client-side cleaning or re-encoding).
func rawRequest(t *testing.T, base, method, path string, hdr map[string]string, body string, extra ...string) (int, string) {
	t.Helper()
	addr := strings.TrimPrefix(base, "http://")
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", method, path, addr)
	for k, v := range hdr {
		fmt.Fprintf(&b, "%s: %s\r\n", k, v)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		fmt.Fprintf(&b, "%s: %s\r\n", extra[i], extra[i+1])
	}
	if body != "" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	if _, err := conn.Write([]byte(b.String())); err != nil {
		// The server may close early on an oversized body; read what it said.
		_ = err
	}
	br := bufio.NewReader(conn)
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatalf("%s %s: read status: %v", method, truncate(path, 80), err)
	}
	var code int
	if _, err := fmt.Sscanf(line, "HTTP/1.1 %d", &code); err != nil {
		t.Fatalf("status line %q", line)
	}
	rest := make([]byte, 64<<10)
	n, _ := br.Read(rest)
	return code, string(rest[:n])
}
