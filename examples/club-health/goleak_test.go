package main

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when a goroutine is still running
// after the last of them (goleak: it waits a while for ones ending).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
