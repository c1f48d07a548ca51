//go:build linux

package uring

import (
	"errors"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// newRing sets up a ring or skips loudly where io_uring is unavailable
// (sandboxes, seccomp, kernels before 5.1).
func newRing(t *testing.T) *Ring {
	t.Helper()
	r, err := New(8, SetupClamp|SetupSubmitAll|SetupCoopTaskrun, 0)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EINVAL) {
		t.Skipf("NOT CHECKED: io_uring unavailable: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// TestLinkedRoundTrip: a linked nop → write → read on a pipe comes back in
// order with the right results, twice (the ring is reused).
func TestLinkedRoundTrip(t *testing.T) {
	r := newRing(t)
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	msg := []byte("hello")
	for round := 0; round < 2; round++ {
		got := make([]byte, 16)
		e := r.Next()
		e.Opcode, e.Flags, e.UserData = OpNop, SQEIOLink, 10
		e = r.Next()
		e.Opcode, e.Flags, e.UserData = OpWrite, SQEIOLink, 11
		e.Fd, e.Addr, e.Len, e.Off = int32(p[1]), uint64(uintptr(unsafe.Pointer(&msg[0]))), uint32(len(msg)), ^uint64(0)
		e = r.Next()
		e.Opcode, e.UserData = OpRead, 12
		e.Fd, e.Addr, e.Len, e.Off = int32(p[0]), uint64(uintptr(unsafe.Pointer(&got[0]))), uint32(len(got)), ^uint64(0)
		if err := r.Submit(3); err != nil {
			t.Fatal(err)
		}
		want := map[uint64]int32{10: 0, 11: 5, 12: 5}
		for i := 0; i < 3; i++ {
			c, ok := r.Pop()
			if !ok {
				t.Fatalf("round %d: only %d completions", round, i)
			}
			if w, ok := want[c.UserData]; !ok || c.Res != w {
				t.Errorf("round %d: completion %+v, want res %d", round, c, w)
			}
			delete(want, c.UserData)
		}
		if string(got[:5]) != "hello" {
			t.Errorf("read %q", got)
		}
		if _, ok := r.Pop(); ok {
			t.Error("extra completion")
		}
	}
}

// TestQueueFull: Next refuses to overwrite entries the kernel has not
// consumed.
func TestQueueFull(t *testing.T) {
	r := newRing(t)
	for i := 0; i < r.Entries(); i++ {
		if r.Next() == nil {
			t.Fatalf("Next nil after %d of %d", i, r.Entries())
		}
	}
	if r.Next() != nil {
		t.Fatal("Next returned an entry past the ring size")
	}
	if err := r.Submit(uint32(r.Entries())); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < r.Entries(); i++ {
		if c, ok := r.Pop(); !ok || c.Res != 0 {
			t.Fatalf("completion %d: %+v %v", i, c, ok)
		}
	}
}

func TestProbe(t *testing.T) {
	r := newRing(t)
	ops, err := r.Probe()
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []uint8{OpNop, OpRead, OpWrite, OpOpenat, OpClose} {
		if ops[op/64]&(1<<(op%64)) == 0 {
			t.Errorf("op %d not reported as supported (Linux 5.6 has it)", op)
		}
	}
	if ops[3]>>63 != 0 {
		t.Error("op 255 reported as supported")
	}
}

func TestFdFloor(t *testing.T) {
	r, err := New(4, 0, 900)
	if err != nil {
		t.Skipf("NOT CHECKED: io_uring unavailable: %v", err)
	}
	defer r.Close()
	if r.Fd() < 900 {
		t.Errorf("ring fd %d, want >= 900", r.Fd())
	}
}
