package diskusage

//go:generate go run github.com/syschain/syschain/cmd/syschain-gen -syscalls openat,getdents64,statx,close

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/runtime"
)

// The chain method's chains, per directory:
//
//	open:  close(fd)…  openat(dirfd, name) → getdents64($openat, dents)
//	stat:  statx(fd, name_0) … statx(fd, name_n-1) → getdents64(fd, dents)
//
// The closes are those of directories finished since the last chain. Every
// statx may fail alone (AllowError), and the trailing getdents64 reads the
// next buffer, usually finding the end. A directory of n entries that fit
// one buffer thus costs two chains where the direct method makes n+4
// syscalls.
//
// The chains are built once and re-run: names are copied into fixed slots
// of an arena outside the Go heap, and statx writes to fixed slots of it,
// so a chain's words depend only on its shape (the directory's descriptor,
// the number of entries, the descriptors to close). Descriptors are
// reused lowest-first, so a walk needs few shapes; a cache keeps them.
// A backend that cannot run getdents64 or openat steps (uring) runs only
// the statx chains, and the rest as plain syscalls.

const (
	maxBatch   = runtime.MaxSteps - 6 // statx steps per chain
	nameSlot   = 256                  // NAME_MAX and the NUL
	maxPending = 4                    // closes deferred to the next chain
	maxCached  = 4096                 // built chains kept
)

type progKind uint8

const (
	kindStat progKind = iota
	kindOpen
	kindClose
)

// progKey is a chain's shape.
type progKey struct {
	kind     progKind
	getdents bool
	noblock  bool
	nclose   uint8
	n        uint16
	fd       int32
	closes   [maxPending]int32
}

type chainLookup struct {
	b       runtime.Backend
	fold    bool // b runs openat, getdents64 and close steps
	noblock bool // the next chains are NoBlock (Walker.memFS)
	arena   []byte
	names   []byte         // maxBatch slots of nameSlot bytes
	stx     []unix.Statx_t // maxBatch results
	oname   []byte         // the name an open chain opens
	direct  directLookup   // plain syscalls, on the same buffer
	progs   map[progKey]*runtime.Prepared
	res     runtime.Result
	pending []int
}

func newChainLookup(b runtime.Backend) (*chainLookup, error) {
	sxSize := int(unsafe.Sizeof(unix.Statx_t{}))
	nNames := maxBatch * nameSlot
	nStx := maxBatch * sxSize
	arena, err := mapArena(nNames + nStx + nameSlot + dentsSize)
	if err != nil {
		return nil, err
	}
	c := &chainLookup{
		b:     b,
		arena: arena,
		names: arena[:nNames],
		stx:   unsafe.Slice((*unix.Statx_t)(unsafe.Pointer(&arena[nNames])), maxBatch),
		oname: arena[nNames+nStx : nNames+nStx+nameSlot],
		progs: make(map[progKey]*runtime.Prepared),
	}
	c.direct.buf = arena[nNames+nStx+nameSlot:]
	// Which chains the backend runs: a backend that picks chains
	// (runtime.Acceptor) is asked about both shapes.
	if a, ok := b.(runtime.Acceptor); ok {
		p, err := c.statProg(0, 1, false)
		if err != nil {
			return nil, err
		}
		if !a.Accepts(p.Program()) {
			unix.Munmap(arena)
			return nil, fmt.Errorf("du: the %s backend cannot run statx chains", b.Name())
		}
		c.pending = []int{0}
		p, err = c.openProg(0)
		c.pending = c.pending[:0]
		if err != nil {
			return nil, err
		}
		c.fold = a.Accepts(p.Program())
		c.dropCache()
	} else {
		c.fold = true
	}
	return c, nil
}

func (c *chainLookup) dents() []byte  { return c.direct.buf }
func (c *chainLookup) noBlock(b bool) { c.noblock = b }
func (c *chainLookup) release() {
	c.dropCache()
	unix.Munmap(c.arena)
}

func (c *chainLookup) dropCache() {
	for _, p := range c.progs {
		p.Close()
	}
	clear(c.progs)
}

func (c *chainLookup) nameAddr(i int) uintptr { return uintptr(unsafe.Pointer(&c.names[i*nameSlot])) }
func (c *chainLookup) stxAddr(i int) uintptr  { return uintptr(unsafe.Pointer(&c.stx[i])) }

// cached returns the chain for k, building and preparing it (once: see
// runtime.Prepared) with build the first time.
func (c *chainLookup) cached(k progKey, build func(*Chain)) (*runtime.Prepared, error) {
	if p := c.progs[k]; p != nil {
		return p, nil
	}
	ch := New()
	build(ch)
	p, err := ch.Prepare(c.b)
	if err != nil {
		return nil, err
	}
	if len(c.progs) >= maxCached {
		c.dropCache()
	}
	c.progs[k] = p
	return p, nil
}

func (c *chainLookup) statProg(fd, n int, getdents bool) (*runtime.Prepared, error) {
	k := progKey{kind: kindStat, fd: int32(fd), n: uint16(n), getdents: getdents, noblock: c.noblock}
	return c.cached(k, func(ch *Chain) {
		for i := 0; i < n; i++ {
			// Raw steps: the name and result are arena addresses, not
			// Go values the chain would copy or pin on every run.
			ch.Syscall(unix.SYS_STATX, fd, c.nameAddr(i), statxFlags, statxMask, c.stxAddr(i)).AllowError()
			if k.noblock {
				ch.NoBlock()
			}
		}
		if getdents {
			ch.Getdents64(fd, c.direct.buf, len(c.direct.buf)).AllowError()
			if k.noblock {
				ch.NoBlock()
			}
		}
	})
}

func (c *chainLookup) openProg(dirfd int) (*runtime.Prepared, error) {
	k := progKey{kind: kindOpen, fd: int32(dirfd), nclose: uint8(len(c.pending)), noblock: c.noblock}
	for i, fd := range c.pending {
		k.closes[i] = int32(fd)
	}
	pending := c.pending
	return c.cached(k, func(ch *Chain) {
		for _, fd := range pending {
			ch.Close(fd).AllowError()
			if k.noblock {
				ch.NoBlock()
			}
		}
		ch.Syscall(unix.SYS_OPENAT, dirfd, uintptr(unsafe.Pointer(&c.oname[0])), openFlags, 0)
		if k.noblock {
			ch.NoBlock()
		}
		ch.Getdents64(runtime.Ret(len(pending)), c.direct.buf, len(c.direct.buf)).AllowError()
		if k.noblock {
			ch.NoBlock()
		}
	})
}

// run runs p; a chain that ended early (a failed openat, a signal) is
// the caller's to finish, anything else stops the walk.
func (c *chainLookup) run(p *runtime.Prepared) {
	if !p.Run(&c.res) {
		c.runErr(c.res.Err())
	}
}

// runErr stops the walk unless err is a *StepError (the chain ran).
func (c *chainLookup) runErr(err error) {
	var se *runtime.StepError
	if !errors.As(err, &se) {
		panic(fatal{fmt.Errorf("du: %w", err)})
	}
}

// notRun reports whether a result says the step did not run (or was
// interrupted before doing anything, -EINTR): the caller redoes it.
func notRun(r int64) bool { return r == -int64(unix.ECANCELED) || r == -int64(unix.EINTR) }

func (c *chainLookup) openRoot(path string) (int, int, unix.Errno) {
	c.flush()
	if !c.fold {
		return c.direct.openRoot(path)
	}
	ch := New()
	ch.Openat(unix.AT_FDCWD, path, openFlags, 0).
		Getdents64(runtime.Ret(0), c.direct.buf, len(c.direct.buf)).AllowError()
	p, err := ch.Program()
	if err != nil {
		// A path with a NUL byte: the kernel could not see it either.
		return -1, 0, unix.EINVAL
	}
	if err := p.RunInto(c.b, &c.res); err != nil {
		c.runErr(err)
	}
	return c.opened(0, func() (int, int, unix.Errno) { return c.direct.openRoot(path) })
}

func (c *chainLookup) open(dirfd int, name []byte) (int, int, unix.Errno) {
	if !c.fold || len(name) > nameSlot {
		c.flush()
		return c.direct.open(dirfd, name)
	}
	copy(c.oname, name)
	p, err := c.openProg(dirfd)
	if err != nil {
		panic(fatal{fmt.Errorf("du: building the open chain: %w", err)})
	}
	c.run(p)
	k := len(c.pending)
	for i := 0; i < k; i++ {
		if c.res.Ret(i) == -int64(unix.ECANCELED) {
			c.direct.close(c.pending[i])
		}
	}
	c.pending = c.pending[:0]
	return c.opened(k, func() (int, int, unix.Errno) { return c.direct.open(dirfd, name) })
}

// opened reads the openat (step k) and getdents64 (step k+1) results of an
// open chain, redoing with plain syscalls what did not run.
func (c *chainLookup) opened(k int, redo func() (int, int, unix.Errno)) (int, int, unix.Errno) {
	r := c.res.Ret(k)
	if notRun(r) {
		return redo()
	}
	if r < 0 {
		return -1, 0, unix.Errno(-r)
	}
	n := c.res.Ret(k + 1)
	if notRun(n) {
		return int(r), c.direct.getdents(int(r)), 0
	}
	return int(r), int(n), 0
}

func (c *chainLookup) statRead(fd int, ents []entry, names []byte) int {
	for start := 0; start < len(ents); {
		end := min(start+maxBatch, len(ents))
		withG := end == len(ents) && c.fold
		m := end - start
		for i := 0; i < m; i++ {
			e := &ents[start+i]
			copy(c.names[i*nameSlot:], names[e.name:e.name+e.nlen+1])
		}
		p, err := c.statProg(fd, m, withG)
		if err != nil {
			panic(fatal{fmt.Errorf("du: building the lookup chain: %w", err)})
		}
		c.run(p)
		done := m
		for i := 0; i < m; i++ {
			r := c.res.Ret(i)
			if notRun(r) {
				done = i
				break
			}
			fillStatx(&ents[start+i], r, &c.stx[i])
		}
		if done < m {
			// A signal stopped the chain: re-run the lookups it did not
			// make, at least one of them directly so the walk advances.
			if done == 0 {
				c.direct.statRead1(fd, &ents[start], names)
				done = 1
			}
			start += done
			continue
		}
		if withG {
			if n := c.res.Ret(m); !notRun(n) {
				return int(n)
			}
		}
		start = end
	}
	return c.direct.getdents(fd)
}

func (c *chainLookup) close(fd int) {
	if !c.fold {
		c.direct.close(fd)
		return
	}
	if len(c.pending) == maxPending {
		c.flush()
	}
	c.pending = append(c.pending, fd)
}

// flush closes the deferred descriptors.
func (c *chainLookup) flush() {
	for _, fd := range c.pending {
		c.direct.close(fd)
	}
	c.pending = c.pending[:0]
}
