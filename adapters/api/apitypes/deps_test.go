package apitypes

import (
	"os/exec"
	"strings"
	"testing"
)

// A client decodes answers with apitypes without importing the server: the
// package never depends on adapters/api, its router or its metrics.
func TestApitypesDoesNotImportTheServer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"github.com/toaststats/toaststats/adapters/api", "github.com/julienschmidt/httprouter", "github.com/prometheus/"} {
			if dep == banned || strings.HasPrefix(dep, banned) && dep != "github.com/toaststats/toaststats/adapters/api/apitypes" {
				t.Errorf("package apitypes depends on %s", dep)
			}
		}
	}
}
