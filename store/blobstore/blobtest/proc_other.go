//go:build !linux

package blobtest

import "os/exec"

// dieWithParent: elsewhere the server is stopped by Stop only.
func dieWithParent(cmd *exec.Cmd) {}
