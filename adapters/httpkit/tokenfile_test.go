package httpkit

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestTokenFile: the first call makes a 0600 file holding 64 hex digits
// (256 bits) and a newline, the second reads the same token back; a file
// others can read and a file with a short token are refused, naming the
// file.
func TestTokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config", "admin-token")
	tok, err := TokenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if len(tok) != 64 || strings.Trim(tok, "0123456789abcdef") != "" || string(b) != tok+"\n" {
		t.Fatalf("token %q, file %q", tok, b)
	}
	if again, err := TokenFile(path); err != nil || again != tok {
		t.Fatalf("second read: %q %v", again, err)
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(path)
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want 0600", fi.Mode().Perm())
		}
		os.Chmod(path, 0o644)
		if _, err := TokenFile(path); err == nil || !strings.Contains(err.Error(), "readable by others") || !strings.Contains(err.Error(), path) {
			t.Errorf("readable file: %v", err)
		}
	}
	short := filepath.Join(t.TempDir(), "short")
	os.WriteFile(short, []byte("fifteen-chars..\n"), 0o600)
	if _, err := TokenFile(short); err == nil || !strings.Contains(err.Error(), "no usable token") {
		t.Errorf("15-character token: %v", err)
	}
}
