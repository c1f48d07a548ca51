// Command openorcreate appends a line to a CSV log file, creating the file
// with a header line first when it does not exist, in one syscall chain:
//
//	0 openat(path, O_WRONLY|O_APPEND)            on ENOENT goto 2
//	1 write($0, line)                            then goto 5 (the end)
//	2 openat(path, O_WRONLY|O_APPEND|O_CREAT|O_EXCL, 0644)
//	3 write($2, header)
//	4 write($2, line)
//	cleanup: close($0), close($2)
//
// "On ENOENT go to step 2" is one call, GotoOn(2, unix.ENOENT). The two
// closes are cleanup steps: each runs when its open succeeded, however
// the chain ended, so no path leaks a descriptor. Usage:
//
//	go run ./examples/openorcreate log.csv "2026-11-30,42"
package main

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/generated"
	"github.com/syschain/syschain/runtime"
)

const header = "date,value\n"

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: openorcreate FILE LINE")
		os.Exit(2)
	}
	created, err := appendLine(os.Args[1], os.Args[2]+"\n")
	if err != nil {
		fmt.Fprintln(os.Stderr, "openorcreate:", err)
		os.Exit(1)
	}
	if created {
		fmt.Println("created", os.Args[1])
	}
}

// appendLine appends line to path, creating it with the header first if
// it does not exist; created says which happened.
func appendLine(path, line string) (created bool, err error) {
	l, h := []byte(line), []byte(header)
	c := generated.New()
	c.Openat(unix.AT_FDCWD, path, unix.O_WRONLY|unix.O_APPEND|unix.O_CLOEXEC, 0).GotoOn(2, unix.ENOENT)       // 0
	c.Write(runtime.Ret(0), l, len(l)).When(runtime.GE, 0).Goto(5)                                            // 1
	c.Openat(unix.AT_FDCWD, path, unix.O_WRONLY|unix.O_APPEND|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o644) // 2
	c.Write(runtime.Ret(2), h, len(h))                                                                        // 3
	c.Write(runtime.Ret(2), l, len(l))                                                                        // 4
	c.Close(runtime.Ret(0)).Cleanup()                                                                         // 5
	c.Close(runtime.Ret(2)).Cleanup()                                                                         // 6
	res, err := c.Run()
	if err != nil {
		return false, fmt.Errorf("%s: %w", path, err)
	}
	created = res.Ran(2)
	for _, w := range []struct{ step, n int }{{1, len(l)}, {3, len(h)}, {4, len(l)}} {
		if res.Ran(w.step) && res.Ret(w.step) != int64(w.n) {
			return created, fmt.Errorf("%s: short write (%d of %d bytes)", path, res.Ret(w.step), w.n)
		}
	}
	for _, s := range []int{5, 6} {
		if e := res.Errno(s); e != 0 {
			return created, fmt.Errorf("%s: close: %w", path, e)
		}
	}
	return created, nil
}
