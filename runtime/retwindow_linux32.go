//go:build linux && (386 || arm || mips || mipsle)

package runtime

import (
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"
)

// On 32-bit arches Ret's tag window (retTag32 .. retTag32+0x1FF, 512 values)
// lies inside one page. Mapping that page here, PROT_NONE, before any chain
// is built, means no user mapping can ever be there, so no valid address
// can be read as a Ret. If the page is already taken (it is not in a fresh
// process on any arch tested), every use of Ret fails to build instead of
// risking a collision. A page the kernel refuses for another reason (above
// the arch's user address space, as on mips o32 under a 64-bit kernel) is
// no address a user can pass either.
func init() {
	page := uintptr(retTag32) &^ 0xFFF
	want := unsafe.Add(unsafe.Pointer(nil), page)
	got, err := unix.MmapPtr(-1, 0, want, 4096, unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_FIXED_NOREPLACE)
	switch {
	case errors.Is(err, unix.EEXIST):
		retWindowErr = "the page of Ret's 32-bit tag window (0x8a7c5000) was mapped before package runtime could reserve it, so a reference could not be told from an address"
	case err == nil && got != want:
		// A kernel older than 4.17 takes MAP_FIXED_NOREPLACE as a hint.
		unix.MunmapPtr(got, 4096)
	}
}
