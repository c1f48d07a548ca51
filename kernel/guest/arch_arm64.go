//go:build linux && arm64

package main

import (
	"fmt"
	"time"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/runtime"
)

// What the tests need to know about arm64 that x86_64 does differently.

// archDenied: arm64 uses the asm-generic table, which has no fork or
// vfork, so it adds nothing to the common deny list.
var archDenied []uintptr

// stopNr is the syscall number of a tracee in a syscall or seccomp stop:
// x8, which the kernel leaves as the caller set it (PTRACE_GETREGS is not
// on arm64: the general registers come from PTRACE_GETREGSET NT_PRSTATUS,
// which x/sys/unix's PtraceGetRegs uses there).
func stopNr(pid int) uint64 {
	var regs unix.PtraceRegs
	if err := unix.PtraceGetRegs(pid, &regs); err != nil {
		return ^uint64(0)
	}
	return regs.Regs[8]
}

// testIA32 exists for the section list only: archSkip skips it here.
func testIA32(s *section) { s.errorf("the ia32 section is x86_64 only") }

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
	// The compat (aarch32) table has no 500 and the guest kernel has no
	// CONFIG_COMPAT (review R14); x86_64's ia32 gate is tested there.
	"ia32": "x86_64 only: int 0x80 and a 32-bit x86 process (arm64's compat table has no sys_chain, and this guest kernel has no CONFIG_COMPAT)",
	"du":   "the GNU du comparison needs an arm64 GNU du in the initramfs (du-initramfs.sh copies the host's x86_64 one); it runs on x86_64",
}
