// Command cat prints files, each with one syscall chain:
//
//	openat(AT_FDCWD, path, O_RDONLY) → read(fd, buf) → write(1, buf, n)
//	cleanup: close(fd)
//
// The read's fd and the write's count are earlier steps' results
// (runtime.Ret), so the whole file-to-stdout copy is built once and run as
// one unit. The close is a cleanup step: it runs however the chain ends
// (the read fails on a directory, the write fails on a closed stdout), and
// is skipped only when the open failed, so no descriptor leaks. Usage:
//
//	go run ./examples/cat /etc/os-release
//
// It reads each file in one buffer of up to 1 MiB, which is what a single
// chain can do; a longer file is an error, not a silent truncation.
package main

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/generated"
	"github.com/syschain/syschain/runtime"
)

const bufSize = 1 << 20

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: cat FILE...")
		os.Exit(2)
	}
	buf := make([]byte, bufSize)
	for _, path := range os.Args[1:] {
		if err := cat(path, buf); err != nil {
			fmt.Fprintln(os.Stderr, "cat:", err)
			os.Exit(1)
		}
	}
}

func cat(path string, buf []byte) error { return catTo(1, path, buf) }

// catTo copies path to the descriptor out.
func catTo(out int, path string, buf []byte) error {
	c := generated.New()
	c.Openat(unix.AT_FDCWD, path, unix.O_RDONLY|unix.O_CLOEXEC, 0) // step 0: the fd
	c.Read(runtime.Ret(0), buf, len(buf))                          // step 1: n bytes
	c.Write(out, buf, runtime.Ret(1))                              // step 2
	c.Close(runtime.Ret(0)).Cleanup()                              // step 3: whatever 1 and 2 did
	res, err := c.Run()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if res.Ret(1) == int64(len(buf)) {
		return fmt.Errorf("%s: longer than %d bytes; this example reads one buffer", path, len(buf))
	}
	if e := res.Errno(3); e != 0 {
		return fmt.Errorf("%s: close: %w", path, e)
	}
	return nil
}
