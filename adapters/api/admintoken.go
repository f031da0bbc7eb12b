package api

import (
	"path/filepath"

	"github.com/toaststats/toaststats/adapters/httpkit"
)

// adminTokenFile is where the server keeps the admin token it made, under
// the data directory.
const adminTokenFile = "config/admin-token"

// EnsureAdminToken reads the admin token from DATA-DIR/config/admin-token
// into *token, creating the file (0600, a random 256-bit token) on first
// start (httpkit.TokenFile), and returns its path. A token file that
// others can read is refused, as ssh refuses a readable private key.
func EnsureAdminToken(dataDir string, token *string) (string, error) {
	path := filepath.Join(dataDir, filepath.FromSlash(adminTokenFile))
	t, err := httpkit.TokenFile(path)
	if err != nil {
		return path, err
	}
	*token = t
	return path, nil
}
