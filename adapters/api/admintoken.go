package api

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// adminTokenFile is where the server keeps the admin token it made, under
// the data directory.
const adminTokenFile = "config/admin-token"

// EnsureAdminToken reads the admin token from DATA-DIR/config/admin-token,
// creating the file (0600, a random 256-bit token) on first start, and
// returns its path. A token file that others can read is refused, as ssh
// refuses a readable private key.
func EnsureAdminToken(dataDir string, token *string) (string, error) {
	path := filepath.Join(dataDir, filepath.FromSlash(adminTokenFile))
	b, err := os.ReadFile(path)
	if err == nil {
		fi, err := os.Stat(path)
		if err != nil {
			return path, err
		}
		if fi.Mode().Perm()&0o077 != 0 {
			return path, fmt.Errorf("%s is readable by others (mode %v): chmod 600 it", path, fi.Mode().Perm())
		}
		t := strings.TrimSpace(string(b))
		if len(t) < 16 {
			return path, fmt.Errorf("%s holds no usable token (at least 16 characters)", path)
		}
		*token = t
		return path, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return path, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return path, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return path, err
	}
	t := hex.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return EnsureAdminToken(dataDir, token) // another process made it first
	}
	if err != nil {
		return path, err
	}
	if _, err := f.WriteString(t + "\n"); err != nil {
		f.Close()
		return path, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return path, err
	}
	if err := f.Close(); err != nil {
		return path, err
	}
	*token = t
	return path, nil
}
