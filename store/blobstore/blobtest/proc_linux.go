package blobtest

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the server get SIGKILL when the test process dies
// (a panic or a kill skips Stop): no MinIO outlives its tests.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
