// Package hugeheap lets a short-lived process that is about to allocate a
// few tens of megabytes have the Go heap it will use backed by transparent
// huge pages (THP), so that first touching that memory costs one page fault
// per 2 MiB instead of one per 4 KiB.
//
// Why: a world build allocates ~45 MB in ~0.2 s, nearly all of it memory
// the process has never touched, and every first touch of a 4 KiB page is a
// page fault. On the virtual machines this project is measured on (and
// many cloud VMs with shadow or paravirtual page tables) a page fault costs
// ~10 µs (an anonymous fault measured with a C loop: 9.6-9.8 µs; the same
// pages populated by one madvise: 0.5 µs each), so the ~8,500 faults of a
// world build were ~80 ms of CPU — a third of it. With the heap in huge
// pages the build makes ~2,700 faults and its median wall time fell from
// 250 ms to 168 ms (11 interleaved runs; scripts/bench has the figures).
//
// How: Go maps its heap with plain mmap and, since Go 1.21.1, leaves THP to
// the system setting, which on most distributions is "madvise" (only
// regions that ask get huge pages). Prepare allocates a ballast of the given
// size, which makes the runtime map that much heap at once, asks the kernel
// for huge pages over it (madvise MADV_HUGEPAGE), and drops it. The
// ballast leaves the heap far past its goal, so the next allocation starts
// a collection, which runs alongside the program and frees it: its address
// range goes back to the runtime's free pages, and the allocations that
// follow are carved out of it. Nothing is touched, so nothing is resident
// until used. Prepare does not wait for that collection (forcing it with
// runtime.GC cost 6-9 ms of a world build's start on the machine above:
// runtime.GC also sweeps every span, which first-touches the runtime's
// own span lists) unless the collector is off (GOGC=off), when nothing
// else would ever free the ballast.
//
// Users: `toaststats build` (40 MB, before the build) and the server
// (--huge-heap-mb, 256 MB by default, at start: a first analytics answer
// decodes a year of a district's history into fresh memory). The server
// also has the first 64 MB of it made resident at start (PrepareResident,
// --pretouch-mb), so that its first answers take no page faults at all.
//
// Prepare does nothing where the kernel has no THP, where the setting is
// "never", when GODEBUG has disablethp=1 (the runtime's own switch for
// this), or outside Linux.
//
// The cost: with the common defrag setting "madvise", the kernel may compact
// memory to find a free huge page when an advised page is first touched; on
// a host whose free memory is badly fragmented that can stall the first
// touch for milliseconds. GODEBUG=disablethp=1 trades the huge pages away.
// Resident memory can round up to whole huge pages: a world build's peak
// RSS went from ~49 to ~53 MB.
package hugeheap
