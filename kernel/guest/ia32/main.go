//go:build linux && 386

// Command ia32 is a 32-bit x86 program the sys_chain guest runs (test.sh
// packs it as /ia32): sys_chain is a 64-bit syscall only, so number 500
// through the ia32 entry (this process's syscalls use int 0x80 and the
// compat table) must be ENOSYS, with nothing run. It prints
// "ia32: 500 -> ENOSYS" and exits 0, or says what happened and exits 1.
package main

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

func main() {
	// A chain that would write to stdout if anything ran it.
	msg := []byte("FAIL: the chain ran\n")
	words := []uint32{4 /* ia32 write */, 3 << 9, 1, uint32(uintptr(unsafe.Pointer(&msg[0]))), uint32(len(msg)), 0}
	var res [1]uint32
	r, _, e := syscall.Syscall6(500, uintptr(len(words)), uintptr(unsafe.Pointer(&words[0])), uintptr(unsafe.Pointer(&res[0])), 0, 0, 0)
	if e != syscall.ENOSYS {
		fmt.Printf("FAIL: ia32 syscall 500 returned %d errno %v, want ENOSYS\n", int32(r), e)
		os.Exit(1)
	}
	fmt.Println("ia32: 500 -> ENOSYS")
}
