package diskusage

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// lookuper does a walk's syscalls: the chain and direct methods differ
// only here.
type lookuper interface {
	// openRoot and open open a directory (an operand path, or the
	// NUL-terminated name in dirfd) and read its first buffer into
	// dents(): they return the descriptor and getdents64's result
	// (bytes, 0 at the end, or -errno), or the open's error.
	openRoot(path string) (fd, n int, err unix.Errno)
	open(dirfd int, name []byte) (fd, n int, err unix.Errno)
	// statRead stats ents (their names are in names) and reads fd's next
	// buffer into dents(), returning getdents64's result.
	statRead(fd int, ents []entry, names []byte) int
	// close closes a directory; the chain method may defer it to its
	// next chain, so flush ends a walk.
	close(fd int)
	flush()
	// noBlock says whether the chains from now on may be NoBlock.
	noBlock(bool)
	dents() []byte
	release()
}

// dentsSize is the getdents64 buffer: large, so that one buffer (and one
// chain of lookups) covers most directories.
const dentsSize = 64 << 10

// mapArena returns n bytes outside the Go heap: chains point into it by
// address, so it needs no pinning and never moves.
func mapArena(n int) ([]byte, error) {
	return unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
}

// directLookup: one plain syscall per operation, as an ordinary Go
// program makes them (unix.Syscall, so the scheduler is told of each).
type directLookup struct {
	buf []byte
	sx  unix.Statx_t
}

func newDirectLookup() (*directLookup, error) {
	buf, err := mapArena(dentsSize)
	if err != nil {
		return nil, err
	}
	return &directLookup{buf: buf}, nil
}

func (d *directLookup) dents() []byte { return d.buf }
func (d *directLookup) release()      { unix.Munmap(d.buf) }
func (d *directLookup) flush()        {}
func (d *directLookup) noBlock(bool)  {}

func (d *directLookup) openRoot(path string) (int, int, unix.Errno) {
	p, err := unix.BytePtrFromString(path)
	if err != nil {
		return -1, 0, unix.EINVAL
	}
	return d.openAt(unix.AT_FDCWD, p)
}

func (d *directLookup) open(dirfd int, name []byte) (int, int, unix.Errno) {
	return d.openAt(dirfd, &name[0])
}

func (d *directLookup) openAt(dirfd int, name *byte) (int, int, unix.Errno) {
	fd, _, e := unix.Syscall6(unix.SYS_OPENAT, uintptr(dirfd), uintptr(unsafe.Pointer(name)), openFlags, 0, 0, 0)
	if e != 0 {
		return -1, 0, e
	}
	return int(fd), d.getdents(int(fd)), 0
}

func (d *directLookup) getdents(fd int) int {
	n, _, e := unix.Syscall(unix.SYS_GETDENTS64, uintptr(fd), uintptr(unsafe.Pointer(&d.buf[0])), uintptr(len(d.buf)))
	if e != 0 {
		return -int(e)
	}
	return int(n)
}

func (d *directLookup) statRead(fd int, ents []entry, names []byte) int {
	for i := range ents {
		d.statRead1(fd, &ents[i], names)
	}
	return d.getdents(fd)
}

func (d *directLookup) statRead1(fd int, e *entry, names []byte) {
	r, _, en := unix.Syscall6(unix.SYS_STATX, uintptr(fd), uintptr(unsafe.Pointer(&names[e.name])), statxFlags, statxMask, uintptr(unsafe.Pointer(&d.sx)), 0)
	if en != 0 {
		fillStatx(e, -int64(en), nil)
	} else {
		fillStatx(e, int64(r), &d.sx)
	}
}

func (d *directLookup) close(fd int) { unix.Close(fd) }
