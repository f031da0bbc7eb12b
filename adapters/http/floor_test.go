package main

import (
	"bytes"
	"fmt"
	"io"
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

// serverMemoryChild is set in the environment of the processes
// TestServerMemoryResident starts, to the --pretouch-mb they run with.
const serverMemoryChild = "TOASTSTATS_SERVER_MEMORY_CHILD"

// TestServerMemoryResident checks what the memory flags make resident at
// start, in fresh processes as the server starts: with --pretouch-mb 0,
// neither the 64 MiB floor nor the 256 MiB huge-page ballast (that the
// ballast was sometimes cleared whole, 280 MB resident, is why the floor is
// raised inside hugeheap.PrepareResident, with the collector off); by
// default, the 64 MiB pretouched and no more. Three starts each, as the
// failure this guards against was one start in ten.
func TestServerMemoryResident(t *testing.T) {
	if mb := os.Getenv(serverMemoryChild); mb != "" {
		o, err := parseFlags([]string{"srv", "--data-dir", "d", "--pretouch-mb", mb}, func(string) string { return "" }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		rss0 := residentBytes(t)
		if err := serverMemory(o, func(string) string { return "" }); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("memory-result %d\n", residentBytes(t)-rss0)
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("resident memory is read from /proc/self/statm (Linux)")
	}
	if thp, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil || bytes.Contains(thp, []byte("[never]")) {
		t.Skip("no transparent huge pages here: nothing is prepared")
	}
	for _, tc := range []struct {
		pretouchMB   string
		minMB, maxMB int64
	}{{"0", 0, 32}, {"64", 60, 100}} {
		for range 3 {
			cmd := exec.Command(os.Args[0], "-test.run=^TestServerMemoryResident$", "-test.count=1")
			cmd.Env = append(os.Environ(), serverMemoryChild+"="+tc.pretouchMB, "GOGC=100", "GOMEMLIMIT=off")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			var grew int64
			i := bytes.Index(out, []byte("memory-result "))
			if i < 0 {
				t.Fatalf("child printed no result:\n%s", out)
			}
			if _, err := fmt.Sscanf(string(out[i:]), "memory-result %d", &grew); err != nil {
				t.Fatalf("child result: %v\n%s", err, out)
			}
			if grew < tc.minMB<<20 || grew > tc.maxMB<<20 {
				t.Errorf("--pretouch-mb %s: the memory flags made %d MiB resident at start, want %d-%d", tc.pretouchMB, grew>>20, tc.minMB, tc.maxMB)
			}
		}
	}
}
