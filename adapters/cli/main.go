// Command toaststats is the scraper-side program of toaststats: it collects
// the dashboard reports into the raw CSV cache (scrape, backfill), builds and
// inspects snapshots (build, status, verify) and runs the whole system on a
// built-in imitation of the dashboard (demo).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"sync"
	"syscall"

	"github.com/toaststats/toaststats/adapters/api"

	// Object-store URLs for --store (s3://...).
	_ "github.com/toaststats/toaststats/store/backends"
)

// exitError carries a process exit code through run.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError reports bad flags or arguments: exit code 2.
func usageError(format string, a ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

// exitCode wraps err so that main exits with code.
func exitCode(code int, err error) error { return &exitError{code: code, err: err} }

// exitCodeOf is the exit status for the error run returned (nil is 0):
// the code an exitError carries, else 1. A configuration error (a bad
// district configuration file, an unusable admin-token file:
// api.IsConfigError, the rule toaststats-server shares) is exit status 2
// wherever it surfaces, whatever code the command chose for failures.
func exitCodeOf(err error) int {
	if err == nil {
		return exitOK
	}
	code := exitFailed
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if code == exitFailed && api.IsConfigError(err) {
		code = exitUsage
	}
	return code
}

// env is the process environment as run sees it.
type env struct {
	args   []string
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand of toaststats.
type command struct {
	summary string
	run     func(ctx context.Context, e env) error
}

// commands is filled by the cmd_*.go files.
var commands = map[string]command{}

func register(name, summary string, run func(ctx context.Context, e env) error) {
	commands[name] = command{summary: summary, run: run}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		code := exitCodeOf(err)
		var ee *exitError
		if !errors.As(err, &ee) || ee.err != nil {
			fmt.Fprintln(os.Stderr, "toaststats:", err)
		}
		os.Exit(code)
	}
}

// run is the whole program, callable from tests.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stderr)
		if len(args) == 0 {
			return &exitError{code: exitUsage}
		}
		return nil
	}
	cmd, ok := commands[args[0]]
	if !ok {
		printUsage(stderr)
		return usageError("unknown command %q", args[0])
	}
	return cmd.run(ctx, env{args: args[1:], getenv: getenv, stdin: stdin,
		stdout: concurrencySafe(stdout), stderr: concurrencySafe(stderr)})
}

// concurrencySafe returns w as is when it is an *os.File (every Write is
// one write(2), and terminal detection needs the file), else wraps it so
// that the several loggers of a command (the scraper's, the progress
// lines) can write from their goroutines without racing — a bytes.Buffer in
// tests, a pipe wrapper in a library user's program.
func concurrencySafe(w io.Writer) io.Writer {
	if _, ok := w.(*os.File); ok || w == nil {
		return w
	}
	return &lockedWriter{w: w}
}

// lockedWriter serialises writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: toaststats <command> [flags]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	for _, n := range names {
		fmt.Fprintf(w, "  %-*s %s\n", width, n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'toaststats <command> -h' for the flags of a command.")
	fmt.Fprintln(w, exitCodeText)
}
