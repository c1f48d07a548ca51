package main

import (
	"errors"
	"os"
	"path/filepath"
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

func TestOpenOrCreate(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "log.csv")
	before := openFds(t)
	for i, line := range []string{"a,1\n", "b,2\n", "c,3\n"} {
		created, err := appendLine(p, line)
		if err != nil || created != (i == 0) {
			t.Fatalf("line %d: created %v, %v", i, created, err)
		}
	}
	if got, _ := os.ReadFile(p); string(got) != header+"a,1\nb,2\nc,3\n" {
		t.Errorf("file holds %q", got)
	}
	if n := openFds(t); n != before {
		t.Errorf("%d descriptors open, %d before", n, before)
	}
}

// TestOpenOrCreateErrorPaths: a path whose directory is missing (the
// create fails after the open failed), a read-only file (EACCES is not
// ENOENT: no create), a directory (EISDIR); no descriptor leaks.
func TestOpenOrCreateErrorPaths(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	os.WriteFile(ro, nil, 0o444)
	cases := []struct {
		path string
		want []error
	}{
		{filepath.Join(dir, "missing", "log.csv"), []error{unix.ENOENT}},
		{ro, []error{unix.EACCES, nil}}, // root may write a 0444 file
		{dir, []error{unix.EISDIR}},
	}
	for _, tc := range cases {
		before := openFds(t)
		_, err := appendLine(tc.path, "x\n")
		ok := false
		for _, w := range tc.want {
			ok = ok || w == nil && err == nil || w != nil && errors.Is(err, w)
		}
		if !ok {
			t.Errorf("%s: %v, want %v", tc.path, err, tc.want)
		}
		if n := openFds(t); n != before {
			t.Errorf("%s: %d descriptors open, %d before", tc.path, n, before)
		}
	}
}
