// Command strace builds a chain, prints it, runs it and prints what each
// step returned, the way strace shows system calls:
//
//	go run ./examples/strace
//
// The chain opens a file that exists and one that does not; the second
// open is allowed to fail (AllowError), and a condition on it skips the
// read of the missing file. Printing needs no running: Chain.String shows
// the steps with symbolic arguments ($0 is step 0's result), Result.String
// the same steps with the values the kernel returned.
package main

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/generated"
	"github.com/syschain/syschain/runtime"
)

func main() {
	buf := make([]byte, 64)
	c := generated.New()
	c.Openat(unix.AT_FDCWD, "/proc/self/comm", unix.O_RDONLY, 0) // step 0
	c.Read(runtime.Ret(0), buf, len(buf))                        // 1
	c.Close(runtime.Ret(0))                                      // 2
	// Step 3 may fail; if it says ENOENT, jump over its read to step 5.
	c.Openat(unix.AT_FDCWD, "/nonexistent", unix.O_RDONLY, 0).AllowError().When(runtime.EQ, -int(unix.ENOENT)).Goto(5)
	c.Read(runtime.Ret(3), buf, len(buf)) // 4
	c.Getpid()                            // 5
	// An anonymous mapping (its address prints in hex), unmapped again.
	c.Mmap(0, 4096, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS, -1, 0) // 6
	c.Munmap(runtime.Ret(6), 4096)                                                              // 7

	fmt.Println("chain:")
	fmt.Println(c.String())
	res, err := c.Run()
	fmt.Println("run:")
	if res != nil {
		fmt.Println(res.String())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
	fmt.Printf("getpid via the chain: %d, via Go: %d\n", res.Ret(5), os.Getpid())
}
