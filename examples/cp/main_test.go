package main

import (
	"bytes"
	"errors"
	"math/rand"
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

type copier func(src, dst string) (int64, error)

func copiers() map[string]copier {
	return map[string]copier{
		"loop": func(src, dst string) (int64, error) { return copyLoop(src, dst, make([]byte, 4096)) },
		"cfr":  copyRange,
	}
}

// TestCopy: sizes around the chunk and chain boundaries (the loop copies
// 100 chunks of 4 KiB per chain here), byte for byte, without leaks.
func TestCopy(t *testing.T) {
	dir := t.TempDir()
	for name, cp := range copiers() {
		for _, size := range []int{0, 1, 4096, 4097, 100 * 4096, 100*4096 + 1, 250*4096 + 7} {
			data := make([]byte, size)
			rand.New(rand.NewSource(int64(size))).Read(data)
			src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
			os.WriteFile(src, data, 0o644)
			os.WriteFile(dst, []byte("old contents, longer than some sources"), 0o644)
			before := openFds(t)
			n, err := cp(src, dst)
			if err != nil || n != int64(size) {
				t.Errorf("%s %d bytes: copied %d, %v", name, size, n, err)
			}
			if got, _ := os.ReadFile(dst); !bytes.Equal(got, data) {
				t.Errorf("%s %d bytes: destination differs (%d bytes)", name, size, len(got))
			}
			if k := openFds(t); k != before {
				t.Errorf("%s %d bytes: %d descriptors open, %d before", name, size, k, before)
			}
		}
	}
}

// TestCopyErrorPaths: a missing source, a source that is a directory, a
// destination that cannot be created, and a full destination (/dev/full)
// each fail with their errno and leave no descriptor open.
func TestCopyErrorPaths(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.WriteFile(src, []byte("some data\n"), 0o644)
	cases := []struct {
		name, src, dst string
		want           []error
	}{
		{"missing source", filepath.Join(dir, "nope"), filepath.Join(dir, "d1"), []error{unix.ENOENT}},
		{"source is a directory", dir, filepath.Join(dir, "d2"), []error{unix.EISDIR, unix.EINVAL}},
		{"destination directory missing", src, filepath.Join(dir, "no", "d3"), []error{unix.ENOENT}},
		{"destination full", src, "/dev/full", []error{unix.ENOSPC, unix.EINVAL, unix.EXDEV}},
	}
	for name, cp := range copiers() {
		for _, tc := range cases {
			before := openFds(t)
			_, err := cp(tc.src, tc.dst)
			ok := false
			for _, w := range tc.want {
				ok = ok || errors.Is(err, w)
			}
			if !ok {
				t.Errorf("%s, %s: %v, want one of %v", name, tc.name, err, tc.want)
			}
			if k := openFds(t); k != before {
				t.Errorf("%s, %s: %d descriptors open, %d before: a chain leaked one", name, tc.name, k, before)
			}
		}
	}
}
