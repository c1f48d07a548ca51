package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// TestCat runs the example as a user would and compares its output.
func TestCat(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := os.WriteFile(a, []byte("first file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte("second\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(filepath.Join(goruntime.GOROOT(), "bin", "go"), "run", ".", a, b).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if string(out) != "first file\nsecond\n" {
		t.Errorf("cat printed %q", out)
	}
	out, err = exec.Command(filepath.Join(goruntime.GOROOT(), "bin", "go"), "run", ".", filepath.Join(dir, "missing")).CombinedOutput()
	if err == nil {
		t.Errorf("cat of a missing file succeeded: %s", out)
	}
}

// openFds counts the descriptors of this process.
func openFds(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// TestCatNoLeak: every error path closes the descriptor the chain opened:
// a directory (read fails with EISDIR), a write to a descriptor that is
// not open for writing (write fails), a missing file (nothing to close).
func TestCatNoLeak(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	if err := os.WriteFile(f, []byte("data\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rd, err := os.Open(f) // a descriptor the write step cannot write to
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	buf := make([]byte, 1<<16)
	before := openFds(t)
	for _, tc := range []struct {
		out  int
		path string
		want error
	}{
		{int(rd.Fd()), dir, unix.EISDIR},
		{int(rd.Fd()), f, unix.EBADF},
		{int(rd.Fd()), filepath.Join(dir, "missing"), unix.ENOENT},
	} {
		err := catTo(tc.out, tc.path, buf)
		if !errors.Is(err, tc.want) {
			t.Errorf("cat %s: %v, want %v", tc.path, err, tc.want)
		}
		if n := openFds(t); n != before {
			t.Errorf("cat %s (%v): %d descriptors open, %d before: the chain leaked one", tc.path, err, n, before)
		}
	}
}
