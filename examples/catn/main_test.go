package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func openFds(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// TestCatn: files, a missing one and a directory in one chain; the good
// files are printed in order, the bad ones reported, nothing leaks.
func TestCatn(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	var want strings.Builder
	for i := 0; i < 60; i++ { // two chains
		p := filepath.Join(dir, string(rune('a'+i%26))+strings.Repeat("x", i/26))
		data := strings.Repeat(p[len(dir):]+"\n", i%3+1)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		want.WriteString(data)
		paths = append(paths, p)
		if i == 7 {
			paths = append(paths, filepath.Join(dir, "missing"))
		}
		if i == 55 {
			paths = append(paths, dir)
		}
	}
	outf, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer outf.Close()
	before := openFds(t)
	bad, err := catn(int(outf.Fd()), paths, make([]byte, 4096))
	if err != nil {
		t.Fatal(err)
	}
	if n := openFds(t); n != before {
		t.Errorf("%d descriptors open, %d before", n, before)
	}
	if len(bad) != 2 || !errors.Is(bad[0], unix.ENOENT) || !errors.Is(bad[1], unix.EISDIR) {
		t.Errorf("bad files: %v", bad)
	}
	got, _ := os.ReadFile(outf.Name())
	if string(got) != want.String() {
		t.Errorf("printed %q\nwant %q", got, want.String())
	}
}

// TestCatnErrorPaths: a write that fails, and a file longer than the
// buffer, stop the chain; every descriptor is closed either way.
func TestCatnErrorPaths(t *testing.T) {
	dir := t.TempDir()
	a, big := filepath.Join(dir, "a"), filepath.Join(dir, "big")
	os.WriteFile(a, []byte("a\n"), 0o644)
	os.WriteFile(big, make([]byte, 5000), 0o644)
	rd, err := os.Open(a) // not writable: the write step fails with EBADF
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	before := openFds(t)
	if _, err := catn(int(rd.Fd()), []string{a, a, a}, make([]byte, 4096)); !errors.Is(err, unix.EBADF) {
		t.Errorf("write to a read-only fd: %v", err)
	}
	if n := openFds(t); n != before {
		t.Errorf("after a failed write: %d descriptors open, %d before", n, before)
	}
	null, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	defer null.Close()
	before = openFds(t)
	if _, err := catn(int(null.Fd()), []string{a, big}, make([]byte, 4096)); err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("a long file: %v", err)
	}
	if n := openFds(t); n != before {
		t.Errorf("after a long file: %d descriptors open, %d before", n, before)
	}
}
