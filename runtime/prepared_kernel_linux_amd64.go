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

// kernelCallRaw and kernelCall are a prepared run's sys_chain call
// (Prepared.fast): what Kernel.Exec does for the run, with the words'
// count and address and the call form (raw for a chain of NoBlock steps)
// worked out by Prepare. e != 0 is a refusal: nothing ran. The raw form
// is small enough to be inlined into Run.
func kernelCallRaw(nw uintptr, wp unsafe.Pointer, res []uintptr, flags uintptr) (uintptr, unix.Errno) {
	st, _, e := unix.RawSyscall6(SysChain, nw, uintptr(wp), uintptr(unsafe.Pointer(unsafe.SliceData(res))), flags, 0, 0)
	return st, e
}

func kernelCall(nw uintptr, wp unsafe.Pointer, res []uintptr, flags uintptr) (uintptr, unix.Errno) {
	st, _, e := unix.Syscall6(SysChain, nw, uintptr(wp), uintptr(unsafe.Pointer(unsafe.SliceData(res))), flags, 0, 0)
	return st, e
}
