//go:build linux && (amd64 || arm64)

package main

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	goruntime "runtime"
	"unsafe"

	"github.com/syschain/syschain/runtime"
	"golang.org/x/sys/unix"
)

// The hostile-input run: thousands of random and mutated chains, random
// garbage and bad pointers. Every call must return an error or a valid
// status; where the Go decoder accepts the words, the kernel's results
// must equal interp's on the decoded chain, and where it refuses them,
// the kernel must refuse them with the matching errno.
//
// It runs in a child whose stdin is /dev/null and whose stdout/stderr are
// pipes (so no word, whatever syscall it lands in, can block on or write
// to the console), on one locked thread (gettid agrees between backends).

const hostileN = 4000 // per kind: random, mutated, garbage

// harmless syscalls: none changes state, blocks, or writes memory other
// than through its pointer arguments, and every pointer in the pool is
// unmapped. Every word a chain can contain is one of these numbers, a
// pool value, or a structural word.
var harmless = []uintptr{
	unix.SYS_GETPID, unix.SYS_GETPPID, unix.SYS_GETUID, unix.SYS_GETGID, unix.SYS_GETEUID,
	unix.SYS_GETEGID, unix.SYS_GETPGID, unix.SYS_GETTID, unix.SYS_SCHED_YIELD,
	unix.SYS_UNAME, unix.SYS_SYSINFO, unix.SYS_GETCWD, unix.SYS_GETRUSAGE,
}

func isHarmless(nr uint64) bool {
	for _, h := range harmless {
		if uint64(h) == nr {
			return true
		}
	}
	return false
}

type hostile struct {
	rng      *rand.Rand
	pool     []uintptr // values any argument or condition may take
	unmapped []uintptr // the pool's addresses that are never mapped
	// counts
	calls, valid, refused, skipped, compared int
	errnos                                   map[unix.Errno]int
	fails                                    []string
	v2                                       bool // run with CHAIN_F_V2, random chains with its bits
}

func testHostile(s *section) {
	cmd := selfCmd("hostile-child")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	for _, l := range bytes.Split(bytes.TrimSpace(out.Bytes()), []byte("\n")) {
		s.logf("%s", l)
	}
	if errb.Len() > 0 {
		s.logf("stderr: %s", bytes.TrimSpace(errb.Bytes()))
	}
	if err != nil {
		s.errorf("hostile child: %v", err)
	}
}

func hostileChild() int {
	goruntime.LockOSThread()
	page := os.Getpagesize()
	// A PROT_NONE region: its addresses are the pool's pointers.
	hole, err := unix.Mmap(-1, 0, 4*page, unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		fmt.Println("FAIL: mmap:", err)
		return 1
	}
	hb := uintptr(unsafe.Pointer(&hole[0]))
	h := &hostile{
		rng:    rand.New(rand.NewPCG(1, 2)),
		errnos: map[unix.Errno]int{},
		pool: []uintptr{
			hb, hb + 8, hb + uintptr(page) - 1, hb + 3*uintptr(page),
			0xffff888000000000, 0xffffffff81000000, ^uintptr(0), ^uintptr(0) - 4095,
			1 << 40, 1 << 63, 4096, 600, 1000, 65536,
		},
	}
	h.unmapped = h.pool[:8]
	h.pool = append(h.pool, harmless...)
	for range hostileN {
		h.try(h.random())
	}
	for range hostileN {
		h.try(h.mutate(h.random()))
	}
	for range hostileN {
		n := h.rng.IntN(40)
		w := make([]uintptr, n)
		for i := range w {
			if h.rng.IntN(2) == 0 {
				w[i] = uintptr(h.rng.Uint64N(1 << 32))
			} else {
				w[i] = uintptr(h.rng.Uint64())
			}
		}
		h.try(w)
	}
	// Version 2 (flags CHAIN_F_V2): the same with RAWREF and CLEANUP
	// bits in the random chains, compared with interp through the
	// runtime, which resumes the chains a signal stops.
	h.v2 = true
	for range hostileN {
		h.try(h.random())
	}
	for range hostileN {
		h.try(h.mutate(h.random()))
	}
	h.v2 = false
	h.badPointers(hole, hb)
	fmt.Printf("hostile: %d calls: %d ran (%d compared with interp), %d refused, %d skipped (decoded to a syscall or pointer outside the harmless set); errnos %v\n",
		h.calls, h.valid, h.compared, h.refused, h.skipped, h.errnos)
	for i, f := range h.fails {
		if i == 20 {
			fmt.Printf("FAIL: ... and %d more\n", len(h.fails)-20)
			break
		}
		fmt.Println("FAIL:", f)
	}
	goruntime.KeepAlive(hole)
	// The run must have exercised both sides: chains that ran and were
	// compared with interp, and chains the kernel refused. A bug that made
	// every input refused (or none) would otherwise pass with no failures.
	if h.compared < hostileN/2 || h.refused < hostileN {
		fmt.Printf("FAIL: hostile: %d chains compared (want >= %d) and %d refused (want >= %d): the generator no longer reaches both sides\n",
			h.compared, hostileN/2, h.refused, hostileN)
		return 1
	}
	if len(h.fails) > 0 {
		return 1
	}
	return 0
}

func (h *hostile) failf(format string, a ...any) {
	h.fails = append(h.fails, fmt.Sprintf(format, a...))
}

// random builds a well-formed chain of harmless steps.
func (h *hostile) random() []uintptr {
	n := 1 + h.rng.IntN(12)
	if h.rng.IntN(8) == 0 { // past the on-stack buffer: the kvmalloc path
		n = 17 + h.rng.IntN(240)
	}
	steps := make([]step, n)
	for i := range steps {
		s := &steps[i]
		s.nr = harmless[h.rng.IntN(len(harmless))]
		s.args = make([]uintptr, h.rng.IntN(7))
		for k := range s.args {
			if i > 0 && h.rng.IntN(3) == 0 {
				s.args[k], s.sym = uintptr(h.rng.IntN(i)), s.sym|1<<k
			} else {
				s.args[k] = h.pool[h.rng.IntN(len(h.pool))]
			}
			if h.rng.IntN(6) == 0 {
				if s.bounds == nil {
					s.bounds = map[int]uintptr{}
				}
				s.bounds[k] = h.pool[h.rng.IntN(len(h.pool))]
			}
		}
		for range h.rng.IntN(8) {
			c := cond{code: uintptr(h.rng.IntN(10)), val: h.pool[h.rng.IntN(len(h.pool))]}
			if i > 0 && h.rng.IntN(3) == 0 {
				c.val, c.sym = uintptr(h.rng.IntN(i)), true
			}
			s.conds = append(s.conds, c)
		}
		s.action = uintptr(h.rng.IntN(3))
		if s.action == aJump {
			s.target = uintptr(i + 1 + h.rng.IntN(n-i))
		}
		s.errstop = h.rng.IntN(2) == 0
		if h.v2 {
			s.rawref = h.rng.IntN(4) == 0
		}
	}
	if h.v2 && h.rng.IntN(2) == 0 {
		// A valid cleanup suffix: plain steps that may use any result.
		for i := range 1 + h.rng.IntN(3) {
			c := step{nr: harmless[h.rng.IntN(len(harmless))], cleanup: true, args: make([]uintptr, h.rng.IntN(4))}
			for k := range c.args {
				c.args[k] = h.pool[h.rng.IntN(len(h.pool))]
				if h.rng.IntN(2) == 0 {
					c.args[k], c.sym = uintptr(h.rng.IntN(n+i)), c.sym|1<<k
				}
			}
			steps = append(steps, c)
		}
		for i := range steps[:n] { // jumps end at the body's end
			if steps[i].action == aJump && steps[i].target > uintptr(n) {
				steps[i].target = uintptr(n)
			}
		}
	}
	return enc(steps...)
}

// mutate applies one to three random edits.
func (h *hostile) mutate(w []uintptr) []uintptr {
	for range 1 + h.rng.IntN(3) {
		if len(w) == 0 {
			break
		}
		i := h.rng.IntN(len(w))
		switch h.rng.IntN(5) {
		case 0:
			w[i] ^= 1 << h.rng.IntN(64)
		case 1:
			w[i] ^= 1 << h.rng.IntN(30) // the bitmap's fields
		case 2:
			w[i] = h.pool[h.rng.IntN(len(h.pool))]
		case 3:
			w = w[:i]
		case 4:
			w = append(w[:i+1], w[i:]...)
		}
	}
	return w
}

// ptrArg is the pointer argument of the harmless syscalls that take one.
var ptrArg = map[uint64]int{
	unix.SYS_UNAME: 0, unix.SYS_SYSINFO: 0, unix.SYS_GETCWD: 0, unix.SYS_GETRUSAGE: 1,
}

// safe walks words the decoder accepted and reports whether every step is
// harmless: its number is in the harmless set and its pointer argument,
// if it takes one, is a reference (results are small numbers or errnos,
// never mapped addresses), below 4096, or one of the pool's unmapped
// addresses. A mutated chain can decode with shifted fields, and a
// flipped bit can turn a pool address into a mapped one.
func (h *hostile) safe(w []uint64) bool {
	for p := 0; p < len(w); {
		nr, bm := w[p], w[p+1]
		nargs, nconds := int(bm>>9&7), int(bm>>6&7)
		if !isHarmless(nr) {
			return false
		}
		if k, ok := ptrArg[nr]; ok && k < nargs && bm&(1<<k) == 0 {
			v := uintptr(w[p+2+k])
			okp := v < 4096
			for _, u := range h.unmapped {
				okp = okp || v == u
			}
			if !okp {
				return false
			}
		}
		n := 2 + nargs + 1
		if nconds > 0 {
			n += 1 + nconds
		}
		for k := 0; k < 6; k++ {
			if bm&(1<<(23+k)) != 0 {
				n++
			}
		}
		if bm>>19&3 == aJump {
			n++
		}
		p += n
	}
	return true
}

// try submits w to the kernel and checks the answer against the decoder
// (and, for accepted chains, against interp).
func (h *hostile) try(w []uintptr) {
	w64 := make([]uint64, len(w))
	for i, v := range w {
		w64[i] = uint64(v)
	}
	var flags uintptr
	if h.v2 {
		flags = fV2
	}
	prog := runtime.RawProgramFlags(w, flags)
	derr := prog.Validate()
	var want unix.Errno
	switch {
	case len(w) > maxWords:
		want = unix.E2BIG
	case derr != nil && errors.Is(derr, unix.EPERM):
		want = unix.EPERM
	case derr != nil:
		want = unix.EINVAL
	}
	if derr == nil && !h.safe(w64) {
		h.skipped++
		return
	}
	h.calls++
	nsteps := len(w)/3 + 1
	res := make([]uintptr, nsteps+1)
	for i := range res {
		res[i] = 0xdeadbeef
	}
	var wp unsafe.Pointer
	if len(w) > 0 {
		wp = unsafe.Pointer(&w[0])
	}
	st, e := call(uintptr(len(w)), wp, unsafe.Pointer(&res[0]), flags)
	if e != 0 {
		h.errnos[e]++
		h.refused++
		if e != want {
			h.failf("words %#x: kernel errno %v, decoder %v (%v)", w, e, want, derr)
		}
		return
	}
	h.valid++
	if want != 0 {
		h.failf("words %#x: kernel ran them (status %#x), decoder refused: %v", w, st, derr)
		return
	}
	n := prog.Len()
	maxWhy := whyIntr
	if h.v2 {
		maxWhy = whyRefStop
	}
	if ran(st) > n || why(st) > maxWhy || st>>20 != 0 || h.v2 && why(st) == whyIntr {
		h.failf("words %#x: malformed status %#x for %d steps", w, st, n)
		return
	}
	if res[n] != 0xdeadbeef {
		h.failf("words %#x: kernel wrote past %d results", w, n)
	}
	ri := new(runtime.Result)
	if err := prog.RunInto(runtime.Interp{}, ri); err != nil && !errors.As(err, new(*runtime.StepError)) {
		h.failf("words %#x: interp refused a chain the kernel ran: %v", w, err)
		return
	}
	if h.v2 {
		// A signal may have paused the raw call; the runtime resumes.
		rk := new(runtime.Result)
		if err := prog.RunInto(runtime.Kernel{}, rk); err != nil && !errors.As(err, new(*runtime.StepError)) {
			h.failf("words %#x: the kernel backend refused what sys_chain ran: %v", w, err)
			return
		}
		st = uintptr(rk.Steps) | uintptr(rk.Why)<<16
		for i := 0; i < n; i++ {
			res[i] = uintptr(rk.Ret(i))
		}
	}
	h.compared++
	if ri.Steps != ran(st) || int(ri.Why) != why(st) {
		h.failf("words %#x: kernel ran %d why %d, interp ran %d why %d", w, ran(st), why(st), ri.Steps, ri.Why)
		return
	}
	for i := 0; i < n; i++ {
		if ri.Ret(i) != int64(res[i]) {
			h.failf("words %#x: step %d: kernel %d, interp %d", w, i, int64(res[i]), ri.Ret(i))
			return
		}
	}
}

// badPointers: random lengths with words and results at bad addresses.
// Valid words are only ever read within their length (past it lies Go
// memory, which would decode to arbitrary syscalls), and valid results
// point to a scratch array.
func (h *hostile) badPointers(hole []byte, hb uintptr) {
	page := uintptr(os.Getpagesize())
	good := enc(step{nr: unix.SYS_GETPPID}, step{nr: unix.SYS_GETPID})
	var res [8]uintptr
	bad := []uintptr{0, 1, hb, hb + page - 8, hb + 4*page - 8, 0xffff888000000000, ^uintptr(0) - 7}
	for range hostileN {
		var n, wp, rp uintptr
		if h.rng.IntN(3) == 0 {
			wp = uintptr(unsafe.Pointer(&good[0]))
			n = uintptr(h.rng.IntN(len(good) + 1))
			if h.rng.IntN(4) == 0 {
				n = 8193 + uintptr(h.rng.IntN(1<<20)) // refused before reading
			}
		} else {
			wp = bad[h.rng.IntN(len(bad))]
			n = uintptr(h.rng.IntN(10000))
		}
		rp = uintptr(unsafe.Pointer(&res[0]))
		if h.rng.IntN(2) == 0 {
			rp = bad[h.rng.IntN(len(bad))]
		}
		wptr, rptr := addr(wp), addr(rp)
		if wp == uintptr(unsafe.Pointer(&good[0])) {
			wptr = unsafe.Pointer(&good[0])
		}
		if rp == uintptr(unsafe.Pointer(&res[0])) {
			rptr = unsafe.Pointer(&res[0])
		}
		st, e := call(n, wptr, rptr, 0)
		h.calls++
		if e != 0 {
			h.errnos[e]++
			h.refused++
			switch e {
			case unix.EFAULT, unix.EINVAL, unix.E2BIG:
			default:
				h.failf("bad pointers (n %d, words %#x, results %#x): errno %v", n, wp, rp, e)
			}
			continue
		}
		h.valid++
		if wp != uintptr(unsafe.Pointer(&good[0])) || rp != uintptr(unsafe.Pointer(&res[0])) || ran(st) > 2 || why(st) != whyEnd {
			h.failf("bad pointers (n %d, words %#x, results %#x): status %#x", n, wp, rp, st)
		}
	}
	goruntime.KeepAlive(good)
	goruntime.KeepAlive(&res)
	goruntime.KeepAlive(hole)
}
