// Command catn prints many files with one syscall chain for all of them
// (up to 50 per chain). Per file:
//
//	openat(path) → fstat(fd) → read(fd, buf) → write(1, buf, n)
//
// (the fstat is statx(fd, "", AT_EMPTY_PATH), which has one struct on
// every arch)
// and at the end, one cleanup step per file: close(fd). A file that
// cannot be opened (ENOENT, EACCES) or read (EISDIR) is reported and the
// chain jumps to the next file: each of those is one GotoOn call. The
// closes are cleanup steps, so every descriptor the chain opened is closed
// however it ends, and a close is skipped when its open failed. Usage:
//
//	go run ./examples/catn /etc/hostname /etc/os-release
//
// Like examples/cat it reads each file in one buffer (1 MiB); fstat's size
// tells a longer file apart from one that fits.
package main

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/generated"
	"github.com/syschain/syschain/runtime"
)

const (
	bufSize  = 1 << 20
	perChain = 50 // 4 body steps + 1 cleanup step per file; a chain has at most 256 steps
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: catn FILE...")
		os.Exit(2)
	}
	bad, err := catn(1, os.Args[1:], make([]byte, bufSize))
	for _, e := range bad {
		fmt.Fprintln(os.Stderr, "catn:", e)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "catn:", err)
	}
	if err != nil || len(bad) > 0 {
		os.Exit(1)
	}
}

// catn copies the files to out in order. bad lists the files it could
// not print (and went past, as cat does); err is what stopped it.
func catn(out int, paths []string, buf []byte) (bad []error, err error) {
	for len(paths) > 0 {
		n := min(len(paths), perChain)
		b, err := catChain(out, paths[:n], buf)
		bad = append(bad, b...)
		if err != nil {
			return bad, err
		}
		paths = paths[n:]
	}
	return bad, nil
}

func catChain(out int, paths []string, buf []byte) (bad []error, err error) {
	st := make([]unix.Statx_t, len(paths))
	c := generated.New()
	for i, path := range paths {
		fd, next := 4*i, 4*(i+1) // step of this file's fd; the next file's first step
		c.Openat(unix.AT_FDCWD, path, unix.O_RDONLY|unix.O_CLOEXEC, 0).GotoOn(next, unix.ENOENT, unix.EACCES)
		c.Statx(runtime.Ret(fd), "", unix.AT_EMPTY_PATH, unix.STATX_SIZE, &st[i])
		c.Read(runtime.Ret(fd), buf, len(buf)).GotoOn(next, unix.EISDIR)
		c.Write(out, buf, runtime.Ret(fd+2))
	}
	for i := range paths {
		c.Close(runtime.Ret(4 * i)).Cleanup()
	}
	res, err := c.Run()
	for i, path := range paths {
		open, read := res.Ret(4*i), res.Ret(4*i+2)
		switch {
		case !res.Ran(4 * i):
			// not reached: err says why
		case open < 0:
			bad = append(bad, fmt.Errorf("%s: %w", path, res.Errno(4*i)))
		case read < 0 && res.Ran(4*i+2):
			bad = append(bad, fmt.Errorf("%s: %w", path, res.Errno(4*i+2)))
		case res.Ran(4*i+3) && st[i].Size > uint64(len(buf)):
			err = errors.Join(err, fmt.Errorf("%s: %d bytes, longer than the %d-byte buffer of this example", path, st[i].Size, len(buf)))
		}
		if e := res.Errno(4*len(paths) + i); e != 0 {
			err = errors.Join(err, fmt.Errorf("%s: close: %w", path, e))
		}
	}
	return bad, err
}
