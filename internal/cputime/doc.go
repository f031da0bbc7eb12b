// Package cputime reads the process's CPU time, for benchmarks that report
// "cpu-ns/op" next to the wall-clock ns/op: the shared machines the
// benchmarks run on are often loaded, and wall time then overstates the
// cost.
package cputime
