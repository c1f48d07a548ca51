//go:build linux

package runtime

import (
	"errors"
	"fmt"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/syschain/syschain/runtime/internal/uring"
	"golang.org/x/sys/unix"
)

// UringPriority is the uring backend's registration priority: below
// interp (0), so Run never picks it by itself. On the machines this was
// measured on, a chain of cheap file operations is slower through
// io_uring than through plain syscalls: a dependent openat→read→close
// takes three submissions where interp makes three syscalls, and linked
// requests cost more per step than a syscall (docs/io_uring-measurements.md: linked NOPs
// 1.2-1.7× slower than as many getppid calls; tmpfs reads are punted to
// io-wq workers, 3-4× slower; BenchmarkUring* has this backend's numbers).
// So it runs only when asked for by name: BackendByName("uring"),
// `syschain run -backend uring`, or RunOn(Uring{}).
const UringPriority = -10

// ErrNoUringOp is returned (wrapped) by the uring backend's Exec for a
// chain with a step that has no io_uring operation. Accepts reports such
// chains in advance.
var ErrNoUringOp = errors.New("syschain: the uring backend has no io_uring operation for this syscall")

// Uring runs chains through io_uring on a stock kernel: runs of steps that
// io_uring can chain by itself go to the kernel as linked submissions, one
// io_uring_enter each; the rest of the wire format is evaluated in Go
// between those submissions, so the outcome (results, status word,
// descriptor numbers) is the interpreter's.
//
// Which chains: every step must be one of read, write, openat, close,
// fsync, fdatasync, statx, unlinkat, mkdirat, renameat2, linkat, symlinkat
// and, on 64-bit arches, pread64, pwrite64, fallocate and ftruncate (where
// the running kernel has the operation). Accepts is false for any other
// chain; Exec refuses it with ErrNoUringOp, before running anything.
//
// How a chain is split into submissions (segments). io_uring passes
// nothing from one request to the next except through a direct-descriptor
// slot, and it has no conditions, so a segment ends before a step that
//   - has a symbolic argument (Ret) or a bound: the value is resolved, and
//     the bound checked, in Go once the previous segment has completed;
//   - follows a step with conditions whose action is Stop or Goto (they
//     are evaluated in Go; Continue conditions cannot change the path);
//   - follows a step that stops the chain on error (the default) whose
//     io_uring operation does not fail the link on error. Which ones do is
//     probed once per process (on Linux 6.18: openat, close, read and
//     write do; fsync, statx and the path operations do not);
//   - is a read or write after an openat in the same segment (see below).
//
// Inside a segment a step that stops on error is linked with IOSQE_IO_LINK:
// its failure cancels the rest, which then report -ECANCELED like steps
// that did not run. A read or write shorter than asked also breaks such a
// link although the spec goes on: Exec sees the canceled steps and
// resubmits them. A step with AllowError is linked with IOSQE_IO_HARDLINK:
// the rest runs whatever it returns.
//
// Where io_uring would not do what the syscall does, the step runs as a
// plain syscall, alone, as interp runs it:
//   - a read or write on an O_NONBLOCK descriptor (Go's os.Pipe and
//     sockets are): io_uring waits for pipes and sockets where the syscall
//     says EAGAIN. Found with fcntl(F_GETFL) before the segment;
//   - pread64/pwrite64 on anything but a regular file or block device: the
//     syscall says ESPIPE, io_uring reads the stream (fstat);
//   - zero-length reads and writes (io_uring never calls ->read: 0 where
//     the syscall says EISDIR on a directory), counts over MAX_RW_COUNT,
//     negative pread64/ftruncate offsets (-1 means "the file position" to
//     io_uring), statx with a NULL path.
//
// The fcntl and fstat look at a descriptor before the segment runs, so a
// read or write that follows an openat in its segment starts a new one.
//
// Why not direct descriptors: openat into a fixed slot would let a linked
// read use the descriptor in the same submission, but the step's result
// would be 0 (the slot) instead of the descriptor number interp returns,
// and the descriptor would not exist for the program afterwards. Results
// must not depend on the backend, so every openat installs a normal
// descriptor, and later uses of it start a new segment. The rings' own
// descriptors are moved to 1024 and up, so a chain's openat gets the same
// number under uring as under interp.
//
// Known differences from interp, all outside normal use:
//   - An operation that fails while io_uring prepares it (a bad path
//     pointer, an empty path, a bad flag) makes the kernel cancel its whole
//     linked segment, earlier steps included. Exec notices (those steps
//     report -ECANCELED although nothing before them failed) and resubmits
//     the steps before the failing one; the failing step then runs first in
//     its segment. Only a step with two faults at once can get another
//     errno than the syscall's, which may check them in another order.
//   - A step with AllowError that returns EINTR ends the chain (Intr) as in
//     interp, but hard-linked steps after it in the same segment have run.
//     io_uring's file operations run in the kernel or in io-wq workers,
//     which do not take signals, so they do not return EINTR in practice.
//   - close of an io_uring descriptor is EBADF through io_uring.
//
// Concurrency: a ring belongs to one OS thread. Exec locks its goroutine
// to the thread for the run and uses that thread's ring (set up on first
// use, kept in a mutex-guarded map), so concurrent runs never share a
// ring, and the rings can be SINGLE_ISSUER with DEFER_TASKRUN, which makes
// linked steps cheaper.
type Uring struct{}

func init() { RegisterBackend(Uring{}, UringPriority) }

// Name returns "uring".
func (Uring) Name() string { return "uring" }

// uringState is the process-wide probe result and ring pool.
var uringState struct {
	once sync.Once
	err  error     // why the backend is unavailable
	ops  [4]uint64 // supported opcodes (bit op)
	// breaks: opcodes whose failure cancels the rest of an IOSQE_IO_LINK
	// chain. Not all do: the path operations and fsync report an error
	// without failing the link, so a step after them that must not run
	// needs its own segment. Learnt by probing (probeLinks).
	breaks [4]uint64

	mu    sync.Mutex
	byTid map[int]*uringCtx // idle rings by the OS thread that owns them
}

// Counters the tests read to see how chains were split: submissions to a
// ring and steps run as plain syscalls.
var uringSubmits, uringSlowSteps atomic.Int64

// uringCtx is a ring and the scratch space one Exec needs.
type uringCtx struct {
	ring *uring.Ring
	got  []uintptr // completion results of the current segment, by step offset

	// fdOK's memo for the segment being built.
	memoFd          int32
	memoPos, memoOK bool
	fdsChanged      bool // the segment has an openat

	// probeLinks' buffers: on the heap with the context, so the kernel
	// sees stable addresses.
	probePath  [40]byte
	probeBuf   [1]byte
	probeStatx unix.Statx_t
}

const (
	uringEntries = 128 // the longest segment; longer independent runs are split
	uringFdFloor = 1024
	// maxRWCount is MAX_RW_COUNT (INT_MAX & PAGE_MASK, where read(2)
	// clamps) for pages up to 64 KiB: larger counts run as plain syscalls.
	maxRWCount = 0x7fff0000
)

// newUringCtx sets up a ring for the calling OS thread, which must be
// locked (LockOSThread): with SINGLE_ISSUER only the creating thread may
// submit, and DEFER_TASKRUN runs completions' task work only when that
// thread waits in io_uring_enter, which saves a task-work round trip per
// linked step (about half the cost of a linked chain, docs/io_uring-measurements.md).
// Kernels without those flags (before 6.1) get a ring without them.
func newUringCtx() (*uringCtx, error) {
	r, err := newUringRing()
	if err != nil {
		return nil, err
	}
	return &uringCtx{ring: r, got: make([]uintptr, r.Entries())}, nil
}

func newUringRing() (r *uring.Ring, err error) {
	for _, flags := range []uint32{
		uring.SetupClamp | uring.SetupSubmitAll | uring.SetupCoopTaskrun | uring.SetupSingleIssue | uring.SetupDeferTask,
		uring.SetupClamp | uring.SetupSubmitAll | uring.SetupCoopTaskrun, // 5.19
		uring.SetupClamp,
	} {
		r, err = uring.New(uringEntries, flags, uringFdFloor)
		if !errors.Is(err, unix.EINVAL) {
			break
		}
	}
	return r, err
}

func uringInit() error {
	st := &uringState
	st.once.Do(func() {
		goruntime.LockOSThread() // the probes submit on the ring's own thread
		defer goruntime.UnlockOSThread()
		tid := unix.Gettid()
		c, err := newUringCtx()
		if err != nil {
			st.err = fmt.Errorf("syschain: the uring backend is unavailable: %w (io_uring may be disabled by a sandbox, seccomp or sysctl kernel.io_uring_disabled); use interp", err)
			return
		}
		if f := c.ring.Features(); f&uring.FeatRWCurPos == 0 || f&uring.FeatLinkedFile == 0 {
			c.ring.Close()
			st.err = fmt.Errorf("syschain: the uring backend is unavailable: io_uring lacks RW_CUR_POS or LINKED_FILE (features %#x; Linux 5.18 or later is needed); use interp", f)
			return
		}
		if st.ops, err = c.ring.Probe(); err != nil {
			c.ring.Close()
			st.err = fmt.Errorf("syschain: the uring backend is unavailable: %w (Linux 5.6 or later is needed); use interp", err)
			return
		}
		if st.breaks, err = c.probeLinks(); err != nil {
			c.ring.Close()
			st.err = fmt.Errorf("syschain: the uring backend is unavailable: probing link failures: %w; use interp", err)
			return
		}
		putUringCtx(tid, c)
	})
	return st.err
}

// probeLinks learns, for every mapped operation, whether a failure in its
// handler cancels the linked entry after it: it submits the operation made
// to fail (a read on a pipe's write end, a path under a missing directory,
// ...) linked to a NOP and looks at the NOP's result.
func (c *uringCtx) probeLinks() (breaks [4]uint64, err error) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		return breaks, err
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	copy(c.probePath[:], "/nonexistent-syschain-probe/x\x00")
	path := uint64(uintptr(unsafe.Pointer(&c.probePath[0])))
	bufp := uint64(uintptr(unsafe.Pointer(&c.probeBuf[0])))
	cwd := int32(unix.AT_FDCWD)
	probes := []uring.SQE{
		{Opcode: uring.OpRead, Fd: int32(p[1]), Addr: bufp, Len: 1, Off: ^uint64(0)},  // EBADF: not readable
		{Opcode: uring.OpWrite, Fd: int32(p[0]), Addr: bufp, Len: 1, Off: ^uint64(0)}, // EBADF: not writable
		{Opcode: uring.OpOpenat, Fd: unix.AT_FDCWD, Addr: path},                       // ENOENT
		{Opcode: uring.OpClose, Fd: -1},                                               // EBADF
		{Opcode: uring.OpFsync, Fd: int32(p[0])},                                      // EINVAL
		{Opcode: uring.OpStatx, Fd: unix.AT_FDCWD, Addr: path, Off: uint64(uintptr(unsafe.Pointer(&c.probeStatx)))},
		{Opcode: uring.OpFallocate, Fd: int32(p[1]), Addr: 1},                                  // ESPIPE
		{Opcode: uring.OpFtruncate, Fd: int32(p[1])},                                           // EINVAL
		{Opcode: uring.OpUnlinkat, Fd: unix.AT_FDCWD, Addr: path},                              // ENOENT
		{Opcode: uring.OpMkdirat, Fd: unix.AT_FDCWD, Addr: path},                               // ENOENT
		{Opcode: uring.OpRenameat, Fd: unix.AT_FDCWD, Addr: path, Len: uint32(cwd), Off: path}, // ENOENT
		{Opcode: uring.OpLinkat, Fd: unix.AT_FDCWD, Addr: path, Len: uint32(cwd), Off: path},   // ENOENT
		{Opcode: uring.OpSymlinkat, Fd: unix.AT_FDCWD, Addr: path, Off: path},                  // ENOENT
	}
	for _, pr := range probes {
		op := pr.Opcode
		if uringState.ops[op/64]&(1<<(op%64)) == 0 {
			continue
		}
		e := c.ring.Next()
		*e = pr
		e.Flags, e.UserData = uring.SQEIOLink, 0
		e = c.ring.Next()
		*e = uring.SQE{Opcode: uring.OpNop, UserData: 1}
		if err := c.ring.Submit(2); err != nil {
			return breaks, err
		}
		var res [2]int32
		for k := 0; k < 2; k++ {
			cqe, ok := c.ring.Pop()
			if !ok || cqe.UserData > 1 {
				return breaks, fmt.Errorf("op %d: completion %d missing", op, k)
			}
			res[cqe.UserData] = cqe.Res
		}
		if res[0] >= 0 {
			return breaks, fmt.Errorf("op %d: the probe did not fail (result %d)", op, res[0])
		}
		if res[1] == -int32(unix.ECANCELED) {
			breaks[op/64] |= 1 << (op % 64)
		}
	}
	return breaks, nil
}

// Available sets up a ring once and probes the kernel's operations. It
// fails where io_uring_setup does (EPERM in sandboxes, ENOSYS on old or
// configured-out kernels): the backend then never runs.
func (Uring) Available() error { return uringInit() }

// getUringCtx returns the ring of OS thread tid (the caller's, locked),
// setting one up if the thread has none.
func getUringCtx(tid int) (*uringCtx, error) {
	st := &uringState
	st.mu.Lock()
	c := st.byTid[tid]
	delete(st.byTid, tid)
	st.mu.Unlock()
	if c != nil {
		return c, nil
	}
	c, err := newUringCtx()
	if err != nil {
		return nil, fmt.Errorf("syschain: uring backend: setting up a ring for another thread: %w", err)
	}
	return c, nil
}

// putUringCtx keeps c as thread tid's ring. Go runs goroutines on a few
// more threads than GOMAXPROCS; past a generous bound rings are closed
// rather than kept (each holds a descriptor and a few pages).
func putUringCtx(tid int, c *uringCtx) {
	st := &uringState
	st.mu.Lock()
	if st.byTid == nil {
		st.byTid = map[int]*uringCtx{}
	}
	if _, dup := st.byTid[tid]; !dup && len(st.byTid) < 4*goruntime.GOMAXPROCS(0)+8 {
		st.byTid[tid] = c
		c = nil
	}
	st.mu.Unlock()
	if c != nil {
		c.ring.Close()
	}
}

// uringOp returns the io_uring operation for syscall nr, if the backend
// maps it and the kernel supports it.
func uringOp(nr uint64) (op uint8, ok bool) {
	switch nr {
	case unix.SYS_READ, unix.SYS_PREAD64:
		op = uring.OpRead
	case unix.SYS_WRITE, unix.SYS_PWRITE64:
		op = uring.OpWrite
	case unix.SYS_OPENAT:
		op = uring.OpOpenat
	case unix.SYS_CLOSE:
		op = uring.OpClose
	case unix.SYS_FSYNC, unix.SYS_FDATASYNC:
		op = uring.OpFsync
	case unix.SYS_STATX:
		op = uring.OpStatx
	case unix.SYS_FALLOCATE:
		op = uring.OpFallocate
	case unix.SYS_FTRUNCATE:
		op = uring.OpFtruncate
	case unix.SYS_UNLINKAT:
		op = uring.OpUnlinkat
	case unix.SYS_MKDIRAT:
		op = uring.OpMkdirat
	case unix.SYS_RENAMEAT2:
		op = uring.OpRenameat
	case unix.SYS_LINKAT:
		op = uring.OpLinkat
	case unix.SYS_SYMLINKAT:
		op = uring.OpSymlinkat
	default:
		return 0, false
	}
	if !wordIs64 {
		// A 64-bit offset or length takes two register slots there; the
		// backend maps only the one-slot forms.
		switch nr {
		case unix.SYS_PREAD64, unix.SYS_PWRITE64, unix.SYS_FALLOCATE, unix.SYS_FTRUNCATE:
			return 0, false
		}
	}
	return op, uringState.ops[op/64]&(1<<(op%64)) != 0
}

// isRW reports the read/write family: their fd gets checked first.
func isRW(nr uint64) bool {
	switch nr {
	case unix.SYS_READ, unix.SYS_WRITE, unix.SYS_PREAD64, unix.SYS_PWRITE64:
		return true
	}
	return false
}

// fdOK reports whether io_uring reads or writes fd as read(2)/write(2)
// would (pread64/pwrite64 with positional set). Two cases are not:
//   - O_NONBLOCK: io_uring ignores it for files that support non-blocking
//     I/O (pipes, sockets) and waits where the syscall says EAGAIN;
//   - pread64/pwrite64 on a file that is not regular or a block device:
//     the syscall says ESPIPE, io_uring reads or writes the stream.
//
// Such steps run as plain syscalls. The check costs an fcntl (and an fstat
// for positional I/O), raw syscalls that never block, remembered for the
// segment being built. A descriptor that is not open is fine: io_uring
// says EBADF as the syscall does.
func (c *uringCtx) fdOK(fd int32, positional bool) bool {
	if c.memoFd != fd || (positional && !c.memoPos) {
		c.memoFd, c.memoPos, c.memoOK = fd, positional, true
		fl, _, e := unix.RawSyscall(unix.SYS_FCNTL, uintptr(fd), unix.F_GETFL, 0)
		if e == 0 && fl&unix.O_NONBLOCK != 0 {
			c.memoOK = false
		}
		if e == 0 && positional {
			var st unix.Stat_t
			if unix.Fstat(int(fd), &st) == nil {
				if t := st.Mode & unix.S_IFMT; t != unix.S_IFREG && t != unix.S_IFBLK {
					c.memoOK = false
				}
			}
		}
	}
	return c.memoOK
}

// prep fills e for syscall nr with the resolved arguments a. It returns
// false when io_uring would read these values differently from the
// syscall; the step then runs as a plain syscall.
func (c *uringCtx) prep(e *uring.SQE, nr uint64, a *[maxArgs]uintptr) bool {
	op, ok := uringOp(nr)
	if !ok {
		return false
	}
	*e = uring.SQE{Opcode: op}
	// Descriptors are C ints: the kernel reads the low 32 bits, as here.
	switch nr {
	case unix.SYS_READ, unix.SYS_WRITE, unix.SYS_PREAD64, unix.SYS_PWRITE64:
		if a[2] > maxRWCount || a[2] == 0 {
			// Over MAX_RW_COUNT the syscall clamps, and io_uring's length
			// is 32 bits. A zero-length transfer never reaches a file's
			// ->read or ->write through io_uring (0 where read(2) on a
			// directory says EISDIR).
			return false
		}
		positional := nr == unix.SYS_PREAD64 || nr == unix.SYS_PWRITE64
		if !c.fdOK(int32(a[0]), positional) {
			return false
		}
		e.Fd, e.Addr, e.Len = int32(a[0]), uint64(a[1]), uint32(a[2])
		e.Off = ^uint64(0) // -1: the file position, as read(2) and write(2) use
		if positional {
			if intptr(a[3]) < 0 { // -1 would mean the file position; the syscall says EINVAL
				return false
			}
			e.Off = uint64(a[3])
		}
	case unix.SYS_OPENAT: // (dirfd, path, flags, mode)
		e.Fd, e.Addr, e.OpFlags, e.Len = int32(a[0]), uint64(a[1]), uint32(a[2]), uint32(a[3])
	case unix.SYS_CLOSE:
		e.Fd = int32(a[0])
	case unix.SYS_FSYNC:
		e.Fd = int32(a[0])
	case unix.SYS_FDATASYNC:
		e.Fd, e.OpFlags = int32(a[0]), uring.FsyncDatasync
	case unix.SYS_STATX: // (dirfd, path, flags, mask, buf)
		if a[1] == 0 { // the syscall takes NULL with AT_EMPTY_PATH; io_uring may not
			return false
		}
		e.Fd, e.Addr, e.OpFlags, e.Len, e.Off = int32(a[0]), uint64(a[1]), uint32(a[2]), uint32(a[3]), uint64(a[4])
	case unix.SYS_FALLOCATE: // (fd, mode, offset, len)
		e.Fd, e.Len, e.Off, e.Addr = int32(a[0]), uint32(a[1]), uint64(a[2]), uint64(a[3])
	case unix.SYS_FTRUNCATE: // (fd, length)
		if intptr(a[1]) < 0 { // the syscall checks this before the descriptor
			return false
		}
		e.Fd, e.Off = int32(a[0]), uint64(a[1])
	case unix.SYS_UNLINKAT: // (dirfd, path, flags)
		e.Fd, e.Addr, e.OpFlags = int32(a[0]), uint64(a[1]), uint32(a[2])
	case unix.SYS_MKDIRAT: // (dirfd, path, mode)
		e.Fd, e.Addr, e.Len = int32(a[0]), uint64(a[1]), uint32(a[2])
	case unix.SYS_RENAMEAT2: // (olddirfd, oldpath, newdirfd, newpath, flags)
		e.Fd, e.Addr, e.Len, e.Off, e.OpFlags = int32(a[0]), uint64(a[1]), uint32(a[2]), uint64(a[3]), uint32(a[4])
	case unix.SYS_LINKAT: // (olddirfd, oldpath, newdirfd, newpath, flags)
		e.Fd, e.Addr, e.Len, e.Off, e.OpFlags = int32(a[0]), uint64(a[1]), uint32(a[2]), uint64(a[3]), uint32(a[4])
	case unix.SYS_SYMLINKAT: // (target, newdirfd, linkpath)
		e.Fd, e.Addr, e.Off = int32(a[1]), uint64(a[0]), uint64(a[2])
	default:
		return false
	}
	return true
}

// Accepts reports whether every step has an io_uring operation here. A
// program that failed validation is accepted: Exec refuses it with the
// same error as every executor.
func (Uring) Accepts(p *Program) bool {
	if p.Validate() != nil {
		return true
	}
	if uringInit() != nil {
		return false
	}
	return uringUnmapped(p) < 0
}

// uringUnmapped returns the first step without an operation, or -1.
func uringUnmapped(p *Program) int {
	for i := range p.steps {
		if _, ok := uringOp(p.steps[i].w.nr); !ok {
			return i
		}
	}
	return -1
}

// Exec runs p as described on Uring.
func (Uring) Exec(p *Program, results []uintptr) (uintptr, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	if err := uringInit(); err != nil {
		return 0, err
	}
	if i := uringUnmapped(p); i >= 0 {
		m := &p.steps[i].m
		return 0, fmt.Errorf("%w: step %d (%s, number %d); run the chain on interp, which Run picks by default", ErrNoUringOp, i, m.name, p.steps[i].w.nr)
	}
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	tid := unix.Gettid()
	c, err := getUringCtx(tid)
	if err != nil {
		return 0, err
	}
	st, err := c.exec(p, results, 0)
	if err != nil {
		c.ring.Close() // its state is unknown: do not reuse it
		return st, err
	}
	putUringCtx(tid, c)
	return st, nil
}

// exec is the executor loop of docs/wire-format.md ("Execution"), the
// same as interp's, except that a step may be submitted together with the
// steps that follow it (a segment, see Uring) and its result then comes
// from the completion queue.
func (c *uringCtx) exec(p *Program, res []uintptr, start int) (st uintptr, err error) {
	steps := p.steps
	res = res[:len(steps)]
	for i := start; i < len(res); i++ {
		res[i] = negECANCELED
	}
	v2 := p.v2()
	nbody := len(steps)
	if v2 {
		nbody = p.nbody
		// Cleanup steps run at every end that is not resumable, as plain
		// syscalls (executeV2's runCleanup), after the body's last segment.
		defer func() {
			if err == nil && !Why(st>>16&0xF).resumable() && nbody < len(steps) {
				runCleanup(p, p.exec(), res, nil)
			}
		}()
	}
	ran := 0
	limit := 0 // >0: the next segment has at most this many steps (see the recovery below)
	replaced := false
	for i := start; i < nbody; {
		s := &steps[i].w
		if v2 && !s.rawref {
			if _, j := s.failedRef(res); j >= 0 {
				return status(ran, RefStop), nil
			}
		}
		a := s.native()
		if s.symmask != 0 {
			for k := range a {
				if s.symmask&(1<<k) != 0 {
					a[k] = res[a[k]]
				}
			}
		}
		if s.boundmask != 0 {
			for k := range a {
				if s.boundmask&(1<<k) != 0 && a[k] > uintptr(s.bounds[k]) {
					res[i] = negEOVERFLOW
					return status(ran, Bound), nil
				}
			}
		}

		// Build the segment i..i+n-1 and run it.
		n := 0
		c.memoFd, c.fdsChanged = -1, false
		var sqe uring.SQE
		if !c.prep(&sqe, s.nr, &a) {
			r1, _, e := unix.Syscall6(uintptr(s.nr), a[0], a[1], a[2], a[3], a[4], a[5])
			if e != 0 {
				r1 = -uintptr(e)
			}
			c.got[0], n = r1, 1
			uringSlowSteps.Add(1)
		} else {
			for j := i; ; j++ {
				e := c.ring.Next()
				*e = sqe
				e.UserData = uint64(j - i)
				n++
				if !c.joins(steps, j, n, limit, &sqe) {
					break
				}
				if steps[j].w.errstop {
					e.Flags |= uring.SQEIOLink
				} else {
					e.Flags |= uring.SQEIOHardlink
				}
			}
			uringSubmits.Add(1)
			if err := c.ring.Submit(uint32(n)); err != nil {
				if errors.Is(err, unix.EEXIST) && !replaced {
					// SINGLE_ISSUER: the ring belonged to a thread that
					// has exited and whose id this thread now has. The
					// kernel refused the submission before taking any
					// entry, so a new ring can run the same segment.
					r, nerr := newUringRing()
					if nerr != nil {
						return status(ran, End), fmt.Errorf("syschain: uring backend: replacing a ring of an exited thread: %w; %d steps had run", nerr, ran)
					}
					c.ring.Close()
					c.ring, replaced = r, true
					continue
				}
				return status(ran, End), fmt.Errorf("syschain: uring backend: %w; %d steps had run before this submission", err, ran)
			}
			for k := 0; k < n; k++ {
				cqe, ok := c.ring.Pop()
				if !ok || cqe.UserData >= uint64(n) {
					return status(ran, End), fmt.Errorf("syschain: uring backend: completion %d of %d missing or foreign (%+v)", k, n, cqe)
				}
				c.got[cqe.UserData] = uintptr(int(cqe.Res)) // sign-extended
			}
		}
		limit = 0

		// The results, in order, through the interpreter's checks.
		next := i + n
		for k := 0; k < n; k++ {
			j := i + k
			r := c.got[k]
			if r == negECANCELED && n > 1 {
				// The kernel did not run step j although the chain goes on
				// to it. Either the step before it failed or was short
				// (IOSQE_IO_LINK cancels the rest then, and the spec goes on
				// after a short transfer or an allowed error), or a later
				// entry failed while being prepared, which cancels the whole
				// link, earlier entries included. Resubmit from j, up to the
				// first entry that did report something.
				f := k + 1
				for f < n && c.got[f] == negECANCELED {
					f++
				}
				if k > 0 || f < n {
					limit, next = f-k, j
					break
				}
				// Step j is the head and nothing after it ran: its own
				// result is -ECANCELED.
			}
			sj := &steps[j].w
			if v2 {
				if isErrno(r) && isRestart(r) {
					if restartsStep(r) {
						return status(ran, Restart), nil
					}
					r = negEINTR
				}
				ran++
				res[j] = r
				if sj.nconds != 0 && sj.firstTrue(r, res) >= 0 {
					switch sj.action {
					case Stop:
						return status(ran, CondStop), nil
					case Jump:
						next = int(sj.target) // only the last step of a segment can jump
					}
				} else if sj.errstop && isErrno(r) {
					return status(ran, ErrStop), nil
				}
				continue
			}
			ran++
			if isErrno(r) {
				if isRestart(r) {
					r = negEINTR
				}
				res[j] = r
				if r == negEINTR {
					return status(ran, Intr), nil
				}
				if sj.errstop {
					return status(ran, ErrStop), nil
				}
			}
			res[j] = r
			if sj.nconds != 0 && sj.firstTrue(r, res) >= 0 {
				switch sj.action {
				case Stop:
					return status(ran, CondStop), nil
				case Jump:
					next = int(sj.target) // only the last step of a segment can jump
				}
			}
		}
		i = next
	}
	return status(ran, End), nil
}

// ExecFrom resumes a version-2 chain at step k (Resumer). Uring itself
// does not stop resumably in practice (io_uring reports EINTR, not a
// restart code, and its plain-syscall steps restart in the kernel), but
// a restart code in a completion would be re-issued this way.
func (Uring) ExecFrom(p *Program, results []uintptr, k int) (uintptr, error) {
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	tid := unix.Gettid()
	c, err := getUringCtx(tid)
	if err != nil {
		return 0, err
	}
	st, err := c.exec(p, results, k)
	if err != nil {
		c.ring.Close()
		return st, err
	}
	putUringCtx(tid, c)
	return st, nil
}

// joins reports whether step j+1 can be linked after step j, the n-th
// step of the segment, and if so prepares its entry in sqe.
func (c *uringCtx) joins(steps []step, j, n, limit int, sqe *uring.SQE) bool {
	if j+1 >= len(steps) || n >= len(c.got) || (limit > 0 && n >= limit) {
		return false
	}
	s, t := &steps[j].w, &steps[j+1].w
	if t.cleanup {
		return false // the body ends here; cleanup runs after it
	}
	if s.nconds != 0 && s.errstop || t.condsym != 0 {
		// Version 2 tests a step's conditions before its error stop, so a
		// failing step with conditions may go on; and a condition value
		// that names a failed step stops the step before it runs. Both
		// are decided in Go.
		return false
	}
	if s.nconds != 0 && s.action != Continue {
		return false // the path depends on the conditions
	}
	if op, _ := uringOp(s.nr); s.errstop && uringState.breaks[op/64]&(1<<(op%64)) == 0 {
		return false // its failure would not cancel the next step
	}
	if t.symmask != 0 || t.boundmask != 0 {
		return false // resolved and checked in Go, after this segment
	}
	if s.nr == unix.SYS_OPENAT {
		// A descriptor opened here may take a number a later read or
		// write names; fdOK can only look at it once it exists. (A close
		// alone is harmless: io_uring and the syscall both say EBADF.)
		c.fdsChanged = true
	}
	if c.fdsChanged && isRW(t.nr) {
		return false // fdOK would look at a descriptor the segment changes
	}
	a := t.native()
	return c.prep(sqe, t.nr, &a)
}
