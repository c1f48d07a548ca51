//go:build linux

// Package uring is the minimal io_uring plumbing the syschain uring backend
// needs, written on golang.org/x/sys/unix: set up a ring, map its queues,
// fill submission entries, submit and wait, read completions, probe the
// supported operations. It is not a general io_uring library: no SQPOLL,
// no registered buffers or files, no multishot, one user at a time.
//
// x/sys/unix has the three syscall numbers but none of io_uring's types or
// constants, so they are defined here from include/uapi/linux/io_uring.h;
// layouts are checked at compile time.
package uring

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Operation codes (enum io_uring_op). Only those the backend maps are
// named; the numbers are fixed by the kernel ABI.
const (
	OpNop       = 0
	OpFsync     = 3
	OpFallocate = 17
	OpOpenat    = 18
	OpClose     = 19
	OpStatx     = 21
	OpRead      = 22
	OpWrite     = 23
	OpRenameat  = 35
	OpUnlinkat  = 36
	OpMkdirat   = 37
	OpSymlinkat = 38
	OpLinkat    = 39
	OpFtruncate = 55 // Linux 6.9
)

// SQE flags (IOSQE_*).
const (
	SQEFixedFile   = 1 << 0
	SQEIODrain     = 1 << 1
	SQEIOLink      = 1 << 2 // a failure (res < 0, or a short read/write) cancels the rest of the link
	SQEIOHardlink  = 1 << 3 // the next entry runs whatever this one returns
	SQEAsync       = 1 << 4
	SQECQESkipSucc = 1 << 6
)

// Setup flags (IORING_SETUP_*). The system header may predate some; the
// values are the kernel's.
const (
	SetupClamp       = 1 << 4
	SetupSubmitAll   = 1 << 7  // 5.18: keep submitting after an entry fails to prepare
	SetupCoopTaskrun = 1 << 8  // 5.19: no IPI to the submitter when io-wq completes work
	SetupSingleIssue = 1 << 12 // 6.0
	SetupDeferTask   = 1 << 13 // 6.1
	SetupNoSQArray   = 1 << 16 // 6.6
)

// FsyncDatasync is IORING_FSYNC_DATASYNC (fdatasync semantics).
const FsyncDatasync = 1

const (
	enterGetEvents = 1 << 0
	featSingleMmap = 1 << 0
	featNoDrop     = 1 << 1
	registerProbe  = 8
	offSQRing      = 0
	offCQRing      = 0x8000000
	offSQEs        = 0x10000000
	opSupported    = 1 // IO_URING_OP_SUPPORTED
)

// SQE is struct io_uring_sqe (64 bytes), with the unions flattened to the
// names the backend uses.
type SQE struct {
	Opcode      uint8
	Flags       uint8
	Ioprio      uint16
	Fd          int32
	Off         uint64 // also addr2
	Addr        uint64
	Len         uint32
	OpFlags     uint32 // rw_flags, fsync_flags, open_flags, statx_flags, rename_flags, ...
	UserData    uint64
	BufIndex    uint16
	Personality uint16
	FileIndex   uint32 // also splice_fd_in
	Addr3       uint64
	_           uint64
}

// CQE is struct io_uring_cqe (16 bytes, no CQE32).
type CQE struct {
	UserData uint64
	Res      int32
	Flags    uint32
}

type sqringOffsets struct {
	Head, Tail, RingMask, RingEntries, Flags, Dropped, Array, Resv1 uint32
	UserAddr                                                        uint64
}

type cqringOffsets struct {
	Head, Tail, RingMask, RingEntries, Overflow, Cqes, Flags, Resv1 uint32
	UserAddr                                                        uint64
}

// Params is struct io_uring_params (120 bytes).
type Params struct {
	SQEntries, CQEntries, Flags, SQThreadCPU, SQThreadIdle, Features, WQFd uint32
	Resv                                                                   [3]uint32
	SQOff                                                                  sqringOffsets
	CQOff                                                                  cqringOffsets
}

// Compile-time layout checks: a wrong size fails to build (a negative
// constant does not convert to uintptr).
const (
	_ = uintptr(unsafe.Sizeof(SQE{}) - 64)
	_ = uintptr(64 - unsafe.Sizeof(SQE{}))
	_ = uintptr(unsafe.Sizeof(CQE{}) - 16)
	_ = uintptr(16 - unsafe.Sizeof(CQE{}))
	_ = uintptr(unsafe.Sizeof(Params{}) - 120)
	_ = uintptr(120 - unsafe.Sizeof(Params{}))
	_ = uintptr(unsafe.Offsetof(SQE{}.UserData) - 32)
	_ = uintptr(32 - unsafe.Offsetof(SQE{}.UserData))
	_ = uintptr(unsafe.Offsetof(SQE{}.FileIndex) - 44)
	_ = uintptr(44 - unsafe.Offsetof(SQE{}.FileIndex))
	_ = uintptr(unsafe.Offsetof(Params{}.SQOff) - 40)
	_ = uintptr(40 - unsafe.Offsetof(Params{}.SQOff))
)

// Ring is one io_uring instance with its mapped queues. It is not safe for
// concurrent use: the backend keeps a pool and gives each Exec its own.
type Ring struct {
	fd      int
	sqRing  []byte
	cqRing  []byte // aliases sqRing with FEAT_SINGLE_MMAP
	sqeMem  []byte
	sqHead  *uint32 // written by the kernel
	sqTail  *uint32 // written by us
	sqMask  uint32
	sqArray []uint32
	sqes    []SQE
	cqHead  *uint32 // written by us
	cqTail  *uint32 // written by the kernel
	cqMask  uint32
	cqes    []CQE
	pending uint32 // entries filled since the last Submit
	feats   uint32
}

// New sets up a ring of at least entries submission slots. flags are
// IORING_SETUP_* bits. The ring's descriptor is moved to fdFloor or above
// when fdFloor > 0 (and that works), so that it does not take one of the
// low numbers a program's own open() would get.
func New(entries uint32, flags uint32, fdFloor int) (*Ring, error) {
	var p Params
	p.Flags = flags
	fd, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, uintptr(entries), uintptr(unsafe.Pointer(&p)), 0)
	if errno != 0 {
		return nil, fmt.Errorf("io_uring_setup(%d, %#x): %w", entries, flags, errno)
	}
	r := &Ring{fd: int(fd), feats: p.Features}
	if fdFloor > 0 {
		if nfd, err := unix.FcntlInt(uintptr(r.fd), unix.F_DUPFD_CLOEXEC, fdFloor); err == nil {
			unix.Close(r.fd)
			r.fd = nfd
		}
	} else {
		unix.CloseOnExec(r.fd)
	}
	if p.Features&featSingleMmap == 0 || p.Features&featNoDrop == 0 {
		r.Close()
		return nil, fmt.Errorf("io_uring: kernel lacks SINGLE_MMAP or NODROP (features %#x); Linux 5.5 or later is needed", p.Features)
	}
	sqSize := p.SQOff.Array + p.SQEntries*4
	cqSize := p.CQOff.Cqes + p.CQEntries*uint32(unsafe.Sizeof(CQE{}))
	size := max(sqSize, cqSize)
	var err error
	r.sqRing, err = unix.Mmap(r.fd, offSQRing, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("io_uring: mmap of the rings: %w", err)
	}
	r.cqRing = r.sqRing
	r.sqeMem, err = unix.Mmap(r.fd, offSQEs, int(p.SQEntries)*int(unsafe.Sizeof(SQE{})), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("io_uring: mmap of the SQE array: %w", err)
	}
	u32 := func(b []byte, off uint32) *uint32 { return (*uint32)(unsafe.Pointer(&b[off])) }
	r.sqHead = u32(r.sqRing, p.SQOff.Head)
	r.sqTail = u32(r.sqRing, p.SQOff.Tail)
	r.sqMask = *u32(r.sqRing, p.SQOff.RingMask)
	r.sqArray = unsafe.Slice(u32(r.sqRing, p.SQOff.Array), p.SQEntries)
	r.sqes = unsafe.Slice((*SQE)(unsafe.Pointer(&r.sqeMem[0])), p.SQEntries)
	r.cqHead = u32(r.cqRing, p.CQOff.Head)
	r.cqTail = u32(r.cqRing, p.CQOff.Tail)
	r.cqMask = *u32(r.cqRing, p.CQOff.RingMask)
	r.cqes = unsafe.Slice((*CQE)(unsafe.Pointer(&r.cqRing[p.CQOff.Cqes])), p.CQEntries)
	// The SQ array maps slot i to SQE i for good: entries are used in
	// ring order, so the indirection never changes.
	for i := range r.sqArray {
		r.sqArray[i] = uint32(i)
	}
	return r, nil
}

// Fd returns the ring's descriptor.
func (r *Ring) Fd() int { return r.fd }

// Features returns the IORING_FEAT_* bits the kernel reported.
func (r *Ring) Features() uint32 { return r.feats }

// FeatRWCurPos is IORING_FEAT_RW_CUR_POS (5.6): a read or write at offset
// -1 uses and advances the file position, as read(2) and write(2) do.
const FeatRWCurPos = 1 << 3

// FeatLinkedFile is IORING_FEAT_LINKED_FILE (5.18): a linked request looks
// its descriptor up when it runs, not when it is submitted, so it sees what
// the steps before it did (a close, an openat).
const FeatLinkedFile = 1 << 12

// Entries returns the number of submission slots.
func (r *Ring) Entries() int { return len(r.sqes) }

// Close unmaps the queues and closes the ring. In-flight requests (there
// are none between the backend's runs) are cancelled by the kernel.
func (r *Ring) Close() error {
	if r.sqeMem != nil {
		unix.Munmap(r.sqeMem)
		r.sqeMem = nil
	}
	if r.sqRing != nil {
		unix.Munmap(r.sqRing)
		r.sqRing, r.cqRing = nil, nil
	}
	if r.fd >= 0 {
		err := unix.Close(r.fd)
		r.fd = -1
		return err
	}
	return nil
}

// Next returns the next free submission entry, zeroed, or nil when the
// queue is full (the caller submits at most Entries() at a time).
// Go has no acquire/release atomics; sync/atomic's sequentially consistent
// loads and stores are stronger than the kernel needs.
func (r *Ring) Next() *SQE {
	tail := atomic.LoadUint32(r.sqTail) + r.pending
	if tail-atomic.LoadUint32(r.sqHead) >= uint32(len(r.sqes)) {
		return nil
	}
	e := &r.sqes[tail&r.sqMask]
	*e = SQE{}
	r.pending++
	return e
}

// Submit publishes the entries filled since the last call and waits until
// wait completions are available. It retries io_uring_enter after EINTR
// (a signal while waiting: the entries stay submitted, only the wait is
// repeated) and after EAGAIN/EBUSY (the kernel was short of memory or
// completion space for a moment).
func (r *Ring) Submit(wait uint32) error {
	atomic.StoreUint32(r.sqTail, atomic.LoadUint32(r.sqTail)+r.pending)
	r.pending = 0
	for {
		// Entries the kernel has not consumed yet (normally none after the
		// first call).
		toSubmit := atomic.LoadUint32(r.sqTail) - atomic.LoadUint32(r.sqHead)
		need := wait
		if ready := r.Ready(); ready >= need {
			need = 0
		} else {
			need -= ready
		}
		if toSubmit == 0 && need == 0 {
			return nil
		}
		flags := uintptr(0)
		if need > 0 {
			flags = enterGetEvents
		}
		_, _, errno := unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(r.fd), uintptr(toSubmit), uintptr(need), flags, 0, 0)
		switch errno {
		case 0, unix.EINTR, unix.EAGAIN, unix.EBUSY:
			continue
		default:
			return fmt.Errorf("io_uring_enter(%d, %d): %w", toSubmit, need, errno)
		}
	}
}

// Ready returns the number of completions waiting to be read.
func (r *Ring) Ready() uint32 {
	return atomic.LoadUint32(r.cqTail) - atomic.LoadUint32(r.cqHead)
}

// Pop returns the next completion, if any, and consumes it.
func (r *Ring) Pop() (CQE, bool) {
	head := atomic.LoadUint32(r.cqHead)
	if head == atomic.LoadUint32(r.cqTail) {
		return CQE{}, false
	}
	c := r.cqes[head&r.cqMask]
	atomic.StoreUint32(r.cqHead, head+1)
	return c, true
}

// ErrNoProbe is returned by Probe on kernels without IORING_REGISTER_PROBE
// (before 5.6).
var ErrNoProbe = errors.New("io_uring: IORING_REGISTER_PROBE is not supported")

// Probe returns the set of supported operation codes (bit op of the
// result, ops 0-255).
func (r *Ring) Probe() (ops [4]uint64, err error) {
	const n = 256
	// struct io_uring_probe: last_op, ops_len, resv, resv2[3], then n
	// struct io_uring_probe_op {op, resv, flags u16, resv2 u32}.
	var buf [16 + 8*n]byte
	_, _, errno := unix.Syscall6(unix.SYS_IO_URING_REGISTER, uintptr(r.fd), registerProbe, uintptr(unsafe.Pointer(&buf[0])), n, 0, 0)
	if errno == unix.EINVAL {
		return ops, ErrNoProbe
	}
	if errno != 0 {
		return ops, fmt.Errorf("io_uring_register(PROBE): %w", errno)
	}
	opsLen := int(buf[1])
	for i := 0; i < opsLen && i < n; i++ {
		e := buf[16+8*i:]
		op, flags := e[0], binary.NativeEndian.Uint16(e[2:4])
		if flags&opSupported != 0 {
			ops[op/64] |= 1 << (op % 64)
		}
	}
	return ops, nil
}
