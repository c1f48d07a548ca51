// Command cp copies a file with syscall chains, in one of two ways:
//
//	go run ./examples/cp SRC DST                 # read/write loop
//	go run ./examples/cp -cfr SRC DST            # copy_file_range
//
// The read/write loop: each chain opens both files, seeks both to where
// the last chain stopped, and runs up to 100 read → write pairs; a read
// that returns 0 (the end of the file) jumps to the end of the body. The
// closes are cleanup steps, so no chain leaves a descriptor open, whether
// the open of the destination fails, a read fails (a directory) or a
// write does (a full disk). Go loops over chains until a read sees EOF.
//
// The copy_file_range version: openat, openat, then up to 100
// copy_file_range steps with explicit offsets (Go variables the kernel
// advances), ending at the first that copies 0 bytes.
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
	chunk    = 256 << 10
	perChain = 100     // read/write pairs (or copy_file_range steps) per chain
	cfrMax   = 1 << 30 // bytes one copy_file_range step asks for
)

func main() {
	args := os.Args[1:]
	cfr := len(args) > 0 && args[0] == "-cfr"
	if cfr {
		args = args[1:]
	}
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: cp [-cfr] SRC DST")
		os.Exit(2)
	}
	var err error
	if cfr {
		_, err = copyRange(args[0], args[1])
	} else {
		_, err = copyLoop(args[0], args[1], make([]byte, chunk))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cp:", err)
		os.Exit(1)
	}
}

// copyLoop copies src to dst with read/write chains and returns the bytes
// copied.
func copyLoop(src, dst string, buf []byte) (int64, error) {
	var off int64
	dflags := unix.O_WRONLY | unix.O_CREAT | unix.O_TRUNC | unix.O_CLOEXEC
	for {
		c := generated.New()
		c.Openat(unix.AT_FDCWD, src, unix.O_RDONLY|unix.O_CLOEXEC, 0) // 0
		c.Openat(unix.AT_FDCWD, dst, dflags, 0o644)                   // 1
		c.Lseek(runtime.Ret(0), off, unix.SEEK_SET)                   // 2
		c.Lseek(runtime.Ret(1), off, unix.SEEK_SET)                   // 3
		end := 4 + 2*perChain
		for k := 0; k < perChain; k++ {
			r := 4 + 2*k
			c.Read(runtime.Ret(0), buf, len(buf)).When(runtime.EQ, 0).Goto(end)
			c.Write(runtime.Ret(1), buf, runtime.Ret(r))
		}
		c.Close(runtime.Ret(1)).Cleanup()
		c.Close(runtime.Ret(0)).Cleanup()
		res, err := c.Run()
		if err != nil {
			return off, err
		}
		for k := 0; k < perChain && res.Ran(5+2*k); k++ {
			r, w := res.Ret(4+2*k), res.Ret(5+2*k)
			if w != r {
				return off, fmt.Errorf("%s: short write (%d of %d bytes)", dst, w, r)
			}
			off += w
		}
		if e := errors.Join(closeErr(res, end, dst), closeErr(res, end+1, src)); e != nil {
			return off, e
		}
		if res.Last() < end-1 || res.Ret(res.Last()) == 0 {
			return off, nil // a read returned 0: the end of the file
		}
		dflags = unix.O_WRONLY | unix.O_CLOEXEC // the next chain appends at off
	}
}

// copyRange copies src to dst with copy_file_range chains.
func copyRange(src, dst string) (int64, error) {
	var offIn, offOut int64 // advanced by the kernel, kept across chains
	dflags := unix.O_WRONLY | unix.O_CREAT | unix.O_TRUNC | unix.O_CLOEXEC
	for {
		c := generated.New()
		c.Openat(unix.AT_FDCWD, src, unix.O_RDONLY|unix.O_CLOEXEC, 0) // 0
		c.Openat(unix.AT_FDCWD, dst, dflags, 0o644)                   // 1
		end := 2 + perChain
		for k := 0; k < perChain; k++ {
			c.CopyFileRange(runtime.Ret(0), &offIn, runtime.Ret(1), &offOut, cfrMax, 0).When(runtime.EQ, 0).Goto(end)
		}
		c.Close(runtime.Ret(1)).Cleanup()
		c.Close(runtime.Ret(0)).Cleanup()
		res, err := c.Run()
		if err != nil {
			return offOut, err
		}
		if e := errors.Join(closeErr(res, end, dst), closeErr(res, end+1, src)); e != nil {
			return offOut, e
		}
		if res.Last() < end-1 || res.Ret(res.Last()) == 0 {
			return offOut, nil
		}
		dflags = unix.O_WRONLY | unix.O_CLOEXEC
	}
}

// closeErr reports a cleanup close that failed.
func closeErr(res *runtime.Result, step int, path string) error {
	if e := res.Errno(step); e != 0 {
		return fmt.Errorf("%s: close: %w", path, e)
	}
	return nil
}
