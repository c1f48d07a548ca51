package runtime

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// isKernel reports whether b is the sys_chain backend, which execOn calls
// directly (a static call, not through the Backend interface).
func isKernel(b Backend) bool {
	_, ok := b.(Kernel)
	return ok
}

// execKernel is Kernel.Exec, called statically.
func execKernel(p *Program, results []uintptr) (uintptr, error) {
	return Kernel{}.Exec(p, results)
}

// kernelCall is a prepared run's sys_chain call (Prepared.direct): what
// Kernel.Exec does for the run, with the words' count and address and
// the call form worked out by Prepare. e != 0 is a refusal; nothing ran.
func kernelCall(pc *Prepared, res []uintptr) (uintptr, unix.Errno) {
	if pc.noblock {
		st, _, e := unix.RawSyscall6(SysChain, pc.nw, uintptr(pc.wp), uintptr(unsafe.Pointer(unsafe.SliceData(res))), 0, 0, 0)
		return st, e
	}
	st, _, e := unix.Syscall6(SysChain, pc.nw, uintptr(pc.wp), uintptr(unsafe.Pointer(unsafe.SliceData(res))), 0, 0, 0)
	return st, e
}
