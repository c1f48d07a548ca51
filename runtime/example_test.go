package runtime_test

import (
	"errors"
	"fmt"
	"os"

	"github.com/syschain/syschain/runtime"
	"golang.org/x/sys/unix"
)

// A chain stops at the first error, as Go code would; the error names the
// step and matches its errno.
func ExampleChain_Run() {
	var c runtime.Chain
	c.Syscall(unix.SYS_GETPID).
		Syscall(unix.SYS_CLOSE, -1).
		Syscall(unix.SYS_GETPPID)
	res, err := c.Run()
	fmt.Println(errors.Is(err, unix.EBADF), res.Steps)
	fmt.Println(err)
	// Output:
	// true 2
	// syschain: step 1 (close): bad file descriptor
}

// Conditions and jumps, run on scripted results: step 0 "returns" 0, so
// its condition jumps over step 1.
func ExampleDryRun() {
	var c runtime.Chain
	c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "/etc/hostname", unix.O_RDONLY, 0).When(runtime.GE, 0).Goto(2)
	c.Syscall(unix.SYS_GETPID)
	c.Syscall(unix.SYS_CLOSE, runtime.Ret(0))
	res, err := c.RunOn(&runtime.DryRun{Results: []int64{3}})
	fmt.Print(res)
	fmt.Println(err)
	// Output:
	// openat(AT_FDCWD, "/etc/hostname", O_RDONLY, 0) = 3 # when >= 0 goto 2: true
	// getpid() = ? (skipped: step 0 jumped to 2)
	// close($0) = 0
	// <nil>
}

// A chain run in a loop: Prepare does the per-chain work once (validation,
// encoding, the backend, pinning buf), each Run makes only the syscalls
// and writes the results into r, and Close releases the chain.
func ExampleChain_Prepare() {
	f, err := os.CreateTemp("", "example")
	if err != nil {
		panic(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()

	buf := make([]byte, 16)
	var c runtime.Chain
	c.Syscall(unix.SYS_LSEEK, f.Fd(), 0, unix.SEEK_SET).
		Syscall(unix.SYS_READ, f.Fd(), buf, len(buf))
	pc, err := c.Prepare(nil)
	if err != nil {
		panic(err)
	}
	var r runtime.Result
	for _, s := range []string{"one", "two", "three"} {
		f.Truncate(0)
		f.WriteAt([]byte(s), 0)
		if !pc.Run(&r) {
			fmt.Println(r.Err())
			return
		}
		fmt.Printf("%q\n", buf[:r.Ret(1)])
	}
	pc.Close()
	fmt.Println(pc.Run(&r), r.Err())
	// Output:
	// "one"
	// "two"
	// "three"
	// false syschain: the prepared chain is closed; Prepare the chain again to run it
}
