package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
)

// heapFloorChild is set in the environment of the process
// TestHeapFloorIsNotResident starts: that process is the test binary
// itself, running only the test, which then measures instead.
const heapFloorChild = "TOASTSTATS_HEAP_FLOOR_CHILD"

// TestHeapFloorIsNotResident checks what --gc-floor-mb promises: the heap
// the collector paces itself by grows by the floor (after a collection its
// goal is at least twice the floor at the default GOGC), while resident
// memory does not (the block is never touched). It measures in a fresh
// process, as the server raises the floor first thing at start: in this one
// other tests have freed memory, which the runtime would have to clear.
func TestHeapFloorIsNotResident(t *testing.T) {
	if os.Getenv(heapFloorChild) == "1" {
		rss0 := residentBytes(t)
		raiseHeapFloor(256 << 20)
		runtime.GC()
		s := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}}
		metrics.Read(s)
		fmt.Printf("floor-result %d %d\n", residentBytes(t)-rss0, s[0].Value.Uint64())
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("resident memory is read from /proc/self/statm (Linux)")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHeapFloorIsNotResident$", "-test.count=1")
	cmd.Env = append(os.Environ(), heapFloorChild+"=1", "GOGC=100", "GOMEMLIMIT=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var grew, goal int64
	i := bytes.Index(out, []byte("floor-result "))
	if i < 0 {
		t.Fatalf("child printed no result:\n%s", out)
	}
	if _, err := fmt.Sscanf(string(out[i:]), "floor-result %d %d", &grew, &goal); err != nil {
		t.Fatalf("child result: %v\n%s", err, out)
	}
	if goal < 2*256<<20 {
		t.Errorf("heap goal after a collection with a 256 MiB floor: %d MiB, want >= 512", goal>>20)
	}
	if grew > 32<<20 {
		t.Errorf("a 256 MiB floor made %d MiB resident, want (nearly) none", grew>>20)
	}
	t.Logf("256 MiB floor: heap goal %d MiB, resident memory grew %d KiB", goal>>20, grew>>10)
}

// residentBytes is the process's resident memory (/proc/self/statm).
func residentBytes(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b))
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}
