package api

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/toaststats/toaststats/adapters/httpkit"
	"github.com/toaststats/toaststats/store"
)

// adminTokenFile is where the server keeps the admin token it made, under
// the data directory.
const adminTokenFile = "config/admin-token"

// ErrBadAdminToken reports an admin-token file the server cannot use:
// unreadable, readable by others, holding no token of at least 16
// characters, or impossible to create. It is a configuration error (see
// IsConfigError): the server cannot start until an operator fixes the
// file or gives the token another way.
var ErrBadAdminToken = errors.New("unusable admin token file")

// EnsureAdminToken reads the admin token from DATA-DIR/config/admin-token
// into *token, creating the file (0600, a random 256-bit token) on first
// start (httpkit.TokenFile), and returns its path. A token file that
// others can read is refused, as ssh refuses a readable private key. Its
// error wraps ErrBadAdminToken, names the file, says what is wrong with it
// and how to fix it.
func EnsureAdminToken(dataDir string, token *string) (string, error) {
	path := filepath.Join(dataDir, filepath.FromSlash(adminTokenFile))
	t, err := httpkit.TokenFile(path)
	if err != nil {
		if !strings.Contains(err.Error(), path) {
			err = fmt.Errorf("%s: %w", path, err)
		}
		return path, fmt.Errorf("%w: %w; fix the file or remove it (a new token is made when there is none), or give the token with --admin-token or TOASTSTATS_ADMIN_TOKEN", ErrBadAdminToken, err)
	}
	*token = t
	return path, nil
}

// IsConfigError reports whether err is a configuration error of a program
// that runs the API: a district configuration file that does not parse or
// names an invalid id (store.ErrBadConfig) or an unusable admin-token file
// (ErrBadAdminToken). Both programs, toaststats and toaststats-server, exit
// with status 2 for it, as for a usage error: running again will not help,
// an operator must fix the file.
func IsConfigError(err error) bool {
	return errors.Is(err, store.ErrBadConfig) || errors.Is(err, ErrBadAdminToken)
}
