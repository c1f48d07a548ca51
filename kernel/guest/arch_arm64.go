//go:build linux && arm64

package main

import (
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/runtime"
)

// What the tests need to know about arm64 that x86_64 does differently.

// archDenied: arm64 uses the asm-generic table, which has no fork, vfork
// or pause, so it adds nothing to the common deny list.
var archDenied []uintptr

// auditArch is what a seccomp filter sees in seccomp_data.arch.
const auditArch = unix.AUDIT_ARCH_AARCH64

// archName names the arch in messages.
const archName = "aarch64"

// openStep adds the seed chain's first step, opening path: openat(AT_FDCWD, ...): arm64 has no open(2).
func openStep(c *runtime.Chain, path string, flags int) *runtime.Chain {
	return c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, path, flags, 0)
}

// exitVM ends the VM with code through Arm semihosting: SYS_EXIT_EXTENDED
// with ADP_Stopped_ApplicationExit and code as the exit status (QEMU
// exits with it; test-arm64.sh enables semihosting for user space). The
// console is drained first, since QEMU stops at once and the UART's
// buffer would otherwise lose the verdict line. It returns only if the
// call did not end the VM.
func exitVM(code byte) {
	if err := unix.IoctlSetInt(1, unix.TCSBRK, 1); err != nil { // tcdrain
		fmt.Printf("guest: tcdrain: %v\n", err)
		time.Sleep(100 * time.Millisecond)
	}
	block := [2]uint64{adpStoppedApplicationExit, uint64(code)}
	semihostExit(&block)
	fmt.Println("guest: the semihosting exit returned: is QEMU's semihosting enabled for user space?")
}

// ADP_Stopped_ApplicationExit: the exit reason whose subcode is the status.
const adpStoppedApplicationExit = 0x20026

// semihostExit makes the SYS_EXIT_EXTENDED semihosting call (HLT #0xf000,
// operation 0x20 in x0, the parameter block in x1); semihost_arm64.s.
//
//go:noescape
func semihostExit(block *[2]uint64)

// archSkip names the sections that cannot run on this arch, and why.
var archSkip = map[string]string{
	// du compares against GNU du, which du-initramfs.sh copies from the
	// host: an x86_64 binary.
	"du": "the GNU du comparison needs an arm64 GNU du in the initramfs (du-initramfs.sh copies the host's x86_64 one); it runs on x86_64",
}
