package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The toaststats binary does not link Prometheus: its package inits cost
// every process start about 3 ms (toaststats help 27.4 -> 24.6 ms without
// it), and metrics are the concern of the long-running toaststats-server.
// The API this program embeds (demo, export-static) is built without
// api.Deps.Metrics; only adapters/http imports adapters/api/apimetrics.
func TestCLIDoesNotLinkPrometheus(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go tool to list the dependencies: %v", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 50 {
		t.Fatalf("go list -deps printed %d packages: %q", len(deps), out)
	}
	for _, dep := range deps {
		if strings.HasPrefix(dep, "github.com/prometheus/") {
			t.Errorf("the toaststats command links %s", dep)
		}
	}
}
