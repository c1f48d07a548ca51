//go:build !(linux && amd64)

package runtime

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// isKernel: this arch has no sys_chain backend in this package.
func isKernel(Backend) bool { return false }

// execKernel is never called where isKernel is always false.
func execKernel(p *Program, results []uintptr) (uintptr, error) {
	panic("syschain: execKernel on an arch without the kernel backend")
}

// kernelCallRaw and kernelCall are never called where isKernel is
// always false.
func kernelCallRaw(nw uintptr, wp unsafe.Pointer, res []uintptr, flags uintptr) (uintptr, unix.Errno) {
	panic("syschain: kernelCallRaw on an arch without the kernel backend")
}

func kernelCall(nw uintptr, wp unsafe.Pointer, res []uintptr, flags uintptr) (uintptr, unix.Errno) {
	panic("syschain: kernelCall on an arch without the kernel backend")
}
