//go:build linux && (amd64 || arm64)

package main

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// This file is a second, deliberately independent encoder of the wire
// format (docs/wire-format.md), written from the spec for the kernel ABI
// tests. They must be able to build words the runtime's builder refuses
// (malformed chains, denied syscalls), and a bug shared by one encoder
// and its own tests is caught by the other.

const sysChain = 500

// Status word fields and why codes.
const (
	whyEnd = iota
	whyErrStop
	whyCondStop
	whyBound
	whyIntr
)

var whyName = []string{"END", "ERRSTOP", "CONDSTOP", "BOUND", "INTR", "PAUSE", "RESTART", "REFSTOP", "8", "9", "10", "11", "12", "13", "14", "15"}

// statusResultsNotWritten is status bit 20: the steps ran but the results
// could not be copied out.
const statusResultsNotWritten = 1 << 20

// Condition codes.
const (
	cEQ = iota
	cNE
	cGT
	cGTU
	cLT
	cLTU
	cGE
	cGEU
	cLE
	cLEU
)

// Actions.
const (
	aStop = iota
	aContinue
	aJump
)

type cond struct {
	code uintptr
	val  uintptr
	sym  bool // val is a step index
}

type step struct {
	nr      uintptr
	args    []uintptr
	sym     uint8 // bit k: args[k] is a step index
	conds   []cond
	action  uintptr
	target  uintptr // for aJump
	errstop bool
	bounds  map[int]uintptr // argument → bound
	rawref  bool            // version 2: bitmap bit 29
	cleanup bool            // version 2: bitmap bit 30
}

// enc encodes steps per the spec's word order: number, bitmap, arguments,
// error-function word (0), condition codes, values, bounds, jump target.
func enc(steps ...step) []uintptr {
	var w []uintptr
	for _, s := range steps {
		bm := uintptr(s.sym) | uintptr(len(s.conds))<<6 | uintptr(len(s.args))<<9 | s.action<<19
		for j, c := range s.conds {
			if c.sym {
				bm |= 1 << (12 + j)
			}
		}
		if s.errstop {
			bm |= 1 << 21
		}
		if s.rawref {
			bm |= 1 << 29
		}
		if s.cleanup {
			bm |= 1 << 30
		}
		for k := range s.bounds {
			bm |= 1 << (23 + k)
		}
		w = append(w, s.nr, bm)
		w = append(w, s.args...)
		w = append(w, 0)
		if len(s.conds) > 0 {
			var code uintptr
			for j, c := range s.conds {
				code |= c.code << (4 * j)
			}
			w = append(w, code)
			for _, c := range s.conds {
				w = append(w, c.val)
			}
		}
		for k := 0; k < 6; k++ {
			if b, ok := s.bounds[k]; ok {
				w = append(w, b)
			}
		}
		if s.action == aJump {
			w = append(w, s.target)
		}
	}
	return w
}

// neg returns -e as a result word.
func neg(e unix.Errno) uintptr { return -uintptr(e) }

// call runs sys_chain with explicit pointers (the hostile tests pass bad
// ones) and returns the raw return value and errno. It tells the Go
// scheduler it may block (a step may wait, say for a seccomp listener
// goroutine that needs this thread's P).
func call(nwords uintptr, words, results unsafe.Pointer, flags uintptr) (uintptr, unix.Errno) {
	r, _, e := unix.Syscall6(sysChain, nwords, uintptr(words), uintptr(results), flags, 0, 0)
	return r, e
}

// callRaw is call without the scheduler hand-off, for the comparison
// table, where the direct calls it is compared with are raw too.
func callRaw(nwords uintptr, words, results unsafe.Pointer) (uintptr, unix.Errno) {
	r, _, e := unix.RawSyscall6(sysChain, nwords, uintptr(words), uintptr(results), 0, 0, 0)
	return r, e
}

// run runs words with a fresh results array of nres slots, pre-set to a
// marker so tests can see which slots the kernel wrote.
func run(words []uintptr, nres int) (status uintptr, res []uintptr, e unix.Errno) {
	return runWith(words, nres, 0)
}

// runWith is run with sys_chain flags (fV2: version 2).
func runWith(words []uintptr, nres int, flags uintptr) (status uintptr, res []uintptr, e unix.Errno) {
	res = make([]uintptr, nres+1)
	for i := range res {
		res[i] = 0xdeadbeef
	}
	var wp unsafe.Pointer
	if len(words) > 0 {
		wp = unsafe.Pointer(&words[0])
	}
	status, e = call(uintptr(len(words)), wp, unsafe.Pointer(&res[0]), flags)
	return status, res, e
}

func ran(st uintptr) int { return int(st & 0xffff) }
func why(st uintptr) int { return int(st >> 16) } // bit 20 and up make it no why at all

// addr turns an address that is not Go memory (an unmapped page, a kernel
// address, an mmap region) into a pointer argument for call.
func addr(a uintptr) unsafe.Pointer { return unsafe.Add(nil, a) }

// unsafePtr is the address of a word slice's first element.
func unsafePtr(a []uintptr) unsafe.Pointer { return unsafe.Pointer(&a[0]) }
