//go:build linux && (386 || arm || mips || mipsle)

package runtime

import (
	"errors"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestRetWindowReserved: the page holding Ret's 32-bit tag window is
// taken by the package, so no mapping (hence no valid address) can be in
// it, and every value of the window is exactly one Ret.
func TestRetWindowReserved(t *testing.T) {
	if retWindowErr != "" {
		t.Fatalf("not reserved: %s", retWindowErr)
	}
	tag := retTag32
	want := unsafe.Add(unsafe.Pointer(nil), uintptr(tag)&^0xFFF)
	got, err := unix.MmapPtr(-1, 0, want, 4096, unix.PROT_READ, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_FIXED_NOREPLACE)
	if err == nil {
		// Taken as a hint (qemu-user, kernels before 4.17): another address
		// means the page is occupied.
		unix.MunmapPtr(got, 4096)
		if got == want {
			t.Fatal("the tag page could be mapped: an address there would read as a Ret")
		}
	} else if !errors.Is(err, unix.EEXIST) {
		t.Skipf("mmap of the tag page: %v (not a user address here)", err)
	}
	first, last := int64(int32(tag)), int64(int32(tag|retIdxMask))
	for v := first - 4; v <= last+4; v++ {
		j, ok := IsRet(v)
		inWindow := v >= first && v <= first+retBig
		if ok != inWindow || (ok && int64(Ret(j)) != v && j < MaxSteps) {
			t.Errorf("IsRet(%#x) = %d, %v", uint32(v), j, ok)
		}
	}
}
