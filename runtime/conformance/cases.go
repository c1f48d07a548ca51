package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"unsafe"

	goruntime "runtime"

	"github.com/syschain/syschain/runtime"
	"golang.org/x/sys/unix"
)

func multiCondCases() []Case {
	type mc struct {
		name  string
		conds []int64 // pairs: cmp, value
		first int     // the first true condition, -1 for none
	}
	// The step's result is 50 in every case.
	list := []mc{
		{"seven-false", []int64{int64(runtime.EQ), 1, int64(runtime.EQ), 2, int64(runtime.EQ), 3, int64(runtime.GT), 100, int64(runtime.LT), 0, int64(runtime.NE), 50, int64(runtime.LTU), 50}, -1},
		{"seventh-true", []int64{int64(runtime.EQ), 1, int64(runtime.EQ), 2, int64(runtime.EQ), 3, int64(runtime.GT), 100, int64(runtime.LT), 0, int64(runtime.NE), 50, int64(runtime.EQ), 50}, 6},
		{"second-true", []int64{int64(runtime.EQ), 5, int64(runtime.GEU), 50, int64(runtime.GT), 100}, 1},
		{"all-true", []int64{int64(runtime.GE), 50, int64(runtime.LE), 50, int64(runtime.NE), 0}, 0},
		{"unsigned-vs-signed", []int64{int64(runtime.GT), -1, int64(runtime.GTU), -1}, 0},
		{"unsigned-false", []int64{int64(runtime.GTU), -1, int64(runtime.LT), -1}, -1},
	}
	var cs []Case
	for _, m := range list {
		m := m
		cs = append(cs, Case{"multicond/" + m.name, func(e *Env) error {
			var c runtime.Chain
			produce(&c, e.Memfd, 50)
			for i := 0; i < len(m.conds); i += 2 {
				c.When(runtime.Cmp(m.conds[i]), int(m.conds[i+1]))
			}
			c.Syscall(unix.SYS_GETPID)
			if m.first < 0 {
				return e.check(&c, want{ran: 2, why: runtime.End})
			}
			if err := e.check(&c, want{ran: 1, why: runtime.CondStop}); err != nil {
				return err
			}
			_, err := e.runOn(&c)
			var se *runtime.StepError
			if !errors.As(err, &se) || se.Cond != m.first || se.Step != 0 || se.Value != 50 {
				return fmt.Errorf("error %#v, want a *StepError for step 0, condition %d, value 50", err, m.first)
			}
			return nil
		}})
	}
	cs = append(cs, Case{"multicond/mixed-symbolic", func(e *Env) error {
		var c runtime.Chain
		produce(&c, e.Memfd2, 70)                                                     // $0 = 70
		produce(&c, e.Memfd, 70).When(runtime.LT, runtime.Ret(0)).When(runtime.EQ, 3) // false, false
		produce(&c, e.Memfd, 71).When(runtime.LT, 0).When(runtime.GT, runtime.Ret(0)) // false, true
		c.Syscall(unix.SYS_GETPID)
		return e.check(&c, want{ran: 3, why: runtime.CondStop, rets: map[int]int64{2: 71, 3: canceled}})
	}})
	return cs
}

func actionCases() []Case {
	pid := int64(unix.Getpid())
	return []Case{
		{"action/continue", func(e *Env) error {
			var c runtime.Chain
			produce(&c, e.Memfd, 5).When(runtime.EQ, 5).Continue()
			c.Syscall(unix.SYS_GETPID)
			return e.check(&c, want{ran: 2, why: runtime.End, rets: map[int]int64{0: 5, 1: pid}})
		}},
		{"action/goto-taken", func(e *Env) error {
			var c runtime.Chain
			produce(&c, e.Memfd, 5).When(runtime.EQ, 5).Goto(2)
			produce(&c, e.Memfd2, 6)
			c.Syscall(unix.SYS_GETPID)
			return e.check(&c, want{ran: 2, why: runtime.End, rets: map[int]int64{0: 5, 1: canceled, 2: pid}})
		}},
		{"action/goto-not-taken", func(e *Env) error {
			var c runtime.Chain
			produce(&c, e.Memfd, 5).When(runtime.EQ, 4).Goto(2)
			produce(&c, e.Memfd2, 6)
			c.Syscall(unix.SYS_GETPID)
			return e.check(&c, want{ran: 3, why: runtime.End, rets: map[int]int64{0: 5, 1: 6, 2: pid}})
		}},
		{"action/goto-end", func(e *Env) error {
			var c runtime.Chain
			produce(&c, e.Memfd, 5).When(runtime.GE, 0).Goto(3)
			c.Syscall(unix.SYS_GETPID)
			c.Syscall(unix.SYS_GETPID)
			return e.check(&c, want{ran: 1, why: runtime.End, rets: map[int]int64{0: 5, 1: canceled, 2: canceled}})
		}},
		{"action/goto-chain", func(e *Env) error {
			var c runtime.Chain
			produce(&c, e.Memfd, 1).When(runtime.EQ, 1).Goto(2) // 0 -> 2
			produce(&c, e.Memfd2, 100)                          // skipped
			produce(&c, e.Memfd, 3).When(runtime.NE, 0).Goto(4) // 2 -> 4
			produce(&c, e.Memfd2, 101)                          // skipped
			c.Syscall(unix.SYS_GETPID)
			return e.check(&c, want{ran: 3, why: runtime.End, rets: map[int]int64{0: 1, 1: canceled, 2: 3, 3: canceled, 4: pid}})
		}},
		{"action/stop-is-default", func(e *Env) error {
			var c runtime.Chain
			produce(&c, e.Memfd, 5).When(runtime.EQ, 5)
			c.Syscall(unix.SYS_GETPID)
			return e.check(&c, want{ran: 1, why: runtime.CondStop, rets: map[int]int64{1: canceled}, is: []error{runtime.ErrCondStop}})
		}},
		{"action/skipped-result-reads-ECANCELED", func(e *Env) error {
			// Step 2 seeks by step 1's result; step 1 was jumped over, so
			// its result is -ECANCELED: 1000 - 125 = 875.
			var c runtime.Chain
			produce(&c, e.Memfd, 1000).When(runtime.EQ, 1000).Goto(2)
			produce(&c, e.Memfd2, 7)
			c.Syscall(unix.SYS_LSEEK, e.Memfd, runtime.Ret(1), unix.SEEK_CUR)
			return e.check(&c, want{ran: 2, why: runtime.End, rets: map[int]int64{1: canceled, 2: 1000 + canceled}})
		}},
		{"action/skipped-value-in-condition", func(e *Env) error {
			var c runtime.Chain
			produce(&c, e.Memfd, 0).When(runtime.EQ, 0).Goto(2)
			produce(&c, e.Memfd2, 7)
			c.Syscall(unix.SYS_CLOSE, -1).AllowError().When(runtime.GT, runtime.Ret(1)) // -9 > -125
			c.Syscall(unix.SYS_GETPID)
			return e.check(&c, want{ran: 2, why: runtime.CondStop, rets: map[int]int64{2: -int64(unix.EBADF), 3: canceled}})
		}},
	}
}

func refCases() []Case {
	cs := []Case{
		{"ref/arg0", func(e *Env) error {
			var c runtime.Chain
			c.Syscall(unix.SYS_DUP, e.Memfd)
			c.Syscall(unix.SYS_LSEEK, runtime.Ret(0), 77, unix.SEEK_SET)
			c.Syscall(unix.SYS_CLOSE, runtime.Ret(0))
			c.Syscall(unix.SYS_CLOSE, runtime.Ret(0)).AllowError()
			return e.check(&c, want{ran: 4, why: runtime.End, rets: map[int]int64{1: 77, 2: 0, 3: -int64(unix.EBADF)}})
		}},
		{"ref/arg1", func(e *Env) error {
			var c runtime.Chain
			produce(&c, e.Memfd2, 12345)
			c.Syscall(unix.SYS_LSEEK, e.Memfd, runtime.Ret(0), unix.SEEK_SET)
			return e.check(&c, want{ran: 2, why: runtime.End, rets: map[int]int64{1: 12345}})
		}},
		{"ref/arg2", func(e *Env) error {
			var c runtime.Chain
			produce(&c, e.Memfd2, unix.SEEK_END)
			c.Syscall(unix.SYS_LSEEK, e.Memfd, 0, runtime.Ret(0))
			return e.check(&c, want{ran: 2, why: runtime.End, rets: map[int]int64{1: 4096}})
		}},
		{"ref/arg1-arg3-arg4-arg5", func(e *Env) error {
			// copy_file_range(in, off_in, out, off_out, len, flags): the
			// NULL offsets and zero flags come from step 1 (a literal 1
			// would fault or be EINVAL), the length from step 0.
			var c runtime.Chain
			produce(&c, e.Memfd2, 9)
			produce(&c, e.Memfd, 0)
			c.Syscall(unix.SYS_COPY_FILE_RANGE, e.Memfd, runtime.Ret(1), e.Memfd2, runtime.Ret(1), runtime.Ret(0), runtime.Ret(1))
			return e.check(&c, want{ran: 3, why: runtime.End, rets: map[int]int64{2: 9}})
		}},
		{"ref/arg0-arg2-fds", func(e *Env) error {
			var c runtime.Chain
			c.Syscall(unix.SYS_DUP, e.Memfd)
			c.Syscall(unix.SYS_DUP, e.Memfd2)
			produce(&c, e.Memfd, 100)
			c.Syscall(unix.SYS_LSEEK, e.Memfd2, 0, unix.SEEK_SET)
			c.Syscall(unix.SYS_COPY_FILE_RANGE, runtime.Ret(0), 0, runtime.Ret(1), 0, 3, 0)
			c.Syscall(unix.SYS_CLOSE, runtime.Ret(0))
			c.Syscall(unix.SYS_CLOSE, runtime.Ret(1))
			return e.check(&c, want{ran: 7, why: runtime.End, rets: map[int]int64{4: 3, 5: 0, 6: 0}})
		}},
	}
	if strconv.IntSize == 64 {
		// pwrite64's position is one register only on 64-bit arches.
		cs = append(cs, Case{"ref/arg3", func(e *Env) error {
			b := []byte{0xA5}
			var c runtime.Chain
			produce(&c, e.Memfd2, 100)
			c.Syscall(unix.SYS_PWRITE64, e.Memfd, b, 1, runtime.Ret(0))
			if err := e.check(&c, want{ran: 2, why: runtime.End, rets: map[int]int64{1: 1}}); err != nil {
				return err
			}
			got := []byte{0}
			if _, err := unix.Pread(e.Memfd, got, 100); err != nil || got[0] != 0xA5 {
				return fmt.Errorf("byte at offset 100 is %#x (%v), want 0xa5", got[0], err)
			}
			return nil
		}})
	}
	return cs
}

func boundCases() []Case {
	write := runtime.LookupSigName("write")
	read := runtime.LookupSigName("read")
	boundWrite := func(e *Env, n int64) (*runtime.Chain, []byte) {
		buf := []byte("01234567")
		var c runtime.Chain
		produce(&c, e.Memfd, n)
		c.Begin(write)
		c.ArgInt(0, int64(e.PipeW))
		c.ArgBuf(1, buf)
		c.ArgLen(2, int64(runtime.Ret(0)), 1)
		return &c, buf
	}
	var cs []Case
	for _, n := range []int64{0, 5, 8} {
		n := n
		cs = append(cs, Case{"bound/within/" + strconv.FormatInt(n, 10), func(e *Env) error {
			e.drain()
			c, _ := boundWrite(e, n)
			return e.check(c, want{ran: 2, why: runtime.End, rets: map[int]int64{1: n}})
		}})
	}
	for _, n := range []int64{9, 1 << 20, -int64(unix.EBADF)} {
		n := n
		cs = append(cs, Case{"bound/over/" + name(n), func(e *Env) error {
			e.drain()
			c, _ := boundWrite(e, n)
			if err := e.check(c, want{ran: 1, why: runtime.Bound, rets: map[int]int64{0: n, 1: -int64(unix.EOVERFLOW)}, is: []error{runtime.ErrBound, unix.EOVERFLOW}}); err != nil {
				return err
			}
			_, err := e.runOn(c)
			var se *runtime.StepError
			if !errors.As(err, &se) || se.Step != 1 || se.Arg != 2 || se.Name != "write" {
				return fmt.Errorf("error %#v, want a bound *StepError for step 1 (write), arg 2", err)
			}
			var b [16]byte
			if k, _ := unix.Read(e.PipeR, b[:]); k > 0 {
				return fmt.Errorf("the bounded write ran: the pipe holds %q", b[:k])
			}
			return nil
		}})
	}
	cs = append(cs, Case{"bound/read-never-overflows", func(e *Env) error {
		e.drain()
		if _, err := unix.Write(e.PipeW, []byte("0123456789")); err != nil {
			return err
		}
		defer e.drain()
		small := make([]byte, 4)
		guard := make([]byte, 4)
		var c runtime.Chain
		produce(&c, e.Memfd, 10)
		c.Begin(read)
		c.ArgInt(0, int64(e.PipeR))
		c.ArgBuf(1, small)
		c.ArgLen(2, int64(runtime.Ret(0)), 1)
		if err := e.check(&c, want{ran: 1, why: runtime.Bound}); err != nil {
			return err
		}
		if !bytes.Equal(small, make([]byte, 4)) || !bytes.Equal(guard, make([]byte, 4)) {
			return fmt.Errorf("buffer written: %q", small)
		}
		return nil
	}})
	cs = append(cs, Case{"bound/explicit", func(e *Env) error {
		var c runtime.Chain
		produce(&c, e.Memfd2, 101)
		c.Syscall(unix.SYS_LSEEK, e.Memfd, runtime.Ret(0), unix.SEEK_SET).Bound(1, 100)
		return e.check(&c, want{ran: 1, why: runtime.Bound, rets: map[int]int64{1: -int64(unix.EOVERFLOW)}})
	}})
	cs = append(cs, Case{"bound/explicit-equal", func(e *Env) error {
		var c runtime.Chain
		produce(&c, e.Memfd2, 100)
		c.Syscall(unix.SYS_LSEEK, e.Memfd, runtime.Ret(0), unix.SEEK_SET).Bound(1, 100)
		return e.check(&c, want{ran: 2, why: runtime.End, rets: map[int]int64{1: 100}})
	}})
	return cs
}

func errCases() []Case {
	pid, ppid := int64(unix.Getpid()), int64(unix.Getppid())
	return []Case{
		{"err/errstop-default", func(e *Env) error {
			var c runtime.Chain
			c.Syscall(unix.SYS_GETPID)
			c.Syscall(unix.SYS_CLOSE, -1)
			c.Syscall(unix.SYS_GETPID)
			if err := e.check(&c, want{ran: 2, why: runtime.ErrStop, rets: map[int]int64{0: pid, 1: -int64(unix.EBADF), 2: canceled}, is: []error{unix.EBADF, runtime.ErrStopped}}); err != nil {
				return err
			}
			_, err := e.runOn(&c)
			var se *runtime.StepError
			if !errors.As(err, &se) || se.Step != 1 || se.Name != "close" || se.Errno != unix.EBADF {
				return fmt.Errorf("error %#v, want *StepError{Step: 1, Name: close, Errno: EBADF}", err)
			}
			return nil
		}},
		{"err/allow-error", func(e *Env) error {
			var c runtime.Chain
			c.Syscall(unix.SYS_CLOSE, -1).AllowError()
			c.Syscall(unix.SYS_GETPID)
			return e.check(&c, want{ran: 2, why: runtime.End, rets: map[int]int64{0: -int64(unix.EBADF), 1: pid}})
		}},
		{"err/seed-style-condition", func(e *Env) error {
			var c runtime.Chain
			c.Syscall(unix.SYS_CLOSE, -1).AllowError().When(runtime.LT, 0)
			c.Syscall(unix.SYS_GETPID)
			return e.check(&c, want{ran: 1, why: runtime.CondStop, is: []error{unix.EBADF, runtime.ErrCondStop}})
		}},
		{"err/errstop-before-conditions", func(e *Env) error {
			// An error with errstop ends the chain before a Goto can fire.
			var c runtime.Chain
			c.Syscall(unix.SYS_CLOSE, -1).When(runtime.LT, 0).Goto(2)
			c.Syscall(unix.SYS_GETPID)
			c.Syscall(unix.SYS_GETPID)
			return e.check(&c, want{ran: 1, why: runtime.ErrStop})
		}},
		{"err/noblock-same-results", func(e *Env) error {
			var c runtime.Chain
			for i := 0; i < 4; i++ {
				c.Syscall(unix.SYS_GETPPID).NoBlock()
			}
			c.Syscall(unix.SYS_CLOSE, -1).NoBlock()
			return e.check(&c, want{ran: 5, why: runtime.ErrStop, rets: map[int]int64{0: ppid, 3: ppid, 4: -int64(unix.EBADF)}})
		}},
		{"err/max-steps", func(e *Env) error {
			var c runtime.Chain
			for i := 0; i < runtime.MaxSteps; i++ {
				c.Syscall(unix.SYS_GETPPID)
			}
			c.Syscall(unix.SYS_GETPID)
			if err := c.Err(); !isRule(err, runtime.RuleTooManySteps) {
				return fmt.Errorf("a %d-step chain: error %v, want RuleTooManySteps", c.Len(), err)
			}
			var d runtime.Chain
			for i := 0; i < runtime.MaxSteps; i++ {
				d.Syscall(unix.SYS_GETPPID)
			}
			return e.check(&d, want{ran: runtime.MaxSteps, why: runtime.End, rets: map[int]int64{0: ppid, runtime.MaxSteps - 1: ppid}})
		}},
		{"err/rerun", func(e *Env) error {
			var c runtime.Chain
			c.Syscall(unix.SYS_GETPID)
			c.Syscall(unix.SYS_GETPPID)
			for i := 0; i < 3; i++ {
				if err := e.check(&c, want{ran: 2, why: runtime.End, rets: map[int]int64{0: pid, 1: ppid}}); err != nil {
					return fmt.Errorf("run %d: %v", i, err)
				}
			}
			return nil
		}},
	}
}

func isRule(err error, r runtime.Rule) bool {
	var be *runtime.BuildError
	var fe *runtime.FormatError
	switch {
	case errors.As(err, &be):
		return be.Rule == r
	case errors.As(err, &fe):
		return fe.Rule == r
	}
	return false
}

// Bitmap fields for hand-made words.
func bitmap(nargs, nconds, symmask uintptr) uintptr { return nargs<<9 | nconds<<6 | symmask }

func refusalCases() []Case {
	var cs []Case
	// Every malformed program starts with a valid write of one byte to the
	// pipe; a backend that refuses correctly leaves the pipe empty.
	type bad struct {
		name string
		tail []uintptr
		want error
	}
	gp := uintptr(unix.SYS_GETPID)
	bads := []bad{
		{"nargs-7", []uintptr{gp, bitmap(7, 0, 0), 0, 0, 0, 0, 0, 0, 0, 0}, unix.EINVAL},
		{"cond-code-10", []uintptr{gp, bitmap(0, 1, 0), 0, 10, 0}, unix.EINVAL},
		{"cond-code-bits-above-nconds", []uintptr{gp, bitmap(0, 1, 0), 0, 0x10, 0}, unix.EINVAL},
		{"errfunc-nonzero", []uintptr{gp, bitmap(0, 0, 0), 1}, unix.EINVAL},
		{"self-reference", []uintptr{uintptr(unix.SYS_CLOSE), bitmap(1, 0, 1), 1, 0}, unix.EINVAL},
		{"later-reference", []uintptr{uintptr(unix.SYS_CLOSE), bitmap(1, 0, 1), 5, 0}, unix.EINVAL},
		{"condsym-later", []uintptr{gp, bitmap(0, 1, 0) | 1<<12, 0, 0, 1}, unix.EINVAL},
		{"jump-backward", []uintptr{gp, bitmap(0, 1, 0) | 2<<19, 0, 0, 0, 0}, unix.EINVAL},
		{"jump-past-end", []uintptr{gp, bitmap(0, 1, 0) | 2<<19, 0, 0, 0, 3}, unix.EINVAL},
		{"action-3", []uintptr{gp, bitmap(0, 1, 0) | 3<<19, 0, 0, 0}, unix.EINVAL},
		{"reserved-bit-29", []uintptr{gp, bitmap(0, 0, 0) | 1<<29, 0}, unix.EINVAL},
		{"symmask-past-nargs", []uintptr{gp, bitmap(0, 0, 1), 0}, unix.EINVAL},
		{"boundmask-past-nargs", []uintptr{gp, bitmap(0, 0, 0) | 1<<23, 0}, unix.EINVAL},
		{"condsym-past-nconds", []uintptr{gp, bitmap(0, 0, 0) | 1<<12, 0}, unix.EINVAL},
		{"truncated", []uintptr{uintptr(unix.SYS_LSEEK), bitmap(3, 0, 0), 0}, unix.EINVAL},
	}
	for nr, dname := range runtime.DeniedSyscalls() {
		bads = append(bads, bad{"denied/" + dname, []uintptr{nr, bitmap(0, 0, 0), 0}, unix.EPERM})
	}
	tooMany := []uintptr{}
	for i := 0; i < runtime.MaxSteps; i++ {
		tooMany = append(tooMany, gp, 0, 0)
	}
	bads = append(bads, bad{"too-many-steps", tooMany, unix.EINVAL})
	tooLong := []uintptr{}
	for len(tooLong) <= runtime.MaxWords {
		tooLong = append(tooLong, gp, bitmap(6, 0, 0), 0, 0, 0, 0, 0, 0, 0)
	}
	bads = append(bads, bad{"too-many-words", tooLong, unix.E2BIG})
	for _, b := range bads {
		b := b
		cs = append(cs, Case{"refuse/" + b.name, func(e *Env) error {
			e.drain()
			one := []byte{'x'}
			words := []uintptr{uintptr(unix.SYS_WRITE), bitmap(3, 0, 0), uintptr(e.PipeW), uintptr(unsafe.Pointer(&one[0])), 1, 0}
			words = append(words, b.tail...)
			p := runtime.RawProgramFlags(words, e.Flags)
			if p.Validate() == nil {
				return fmt.Errorf("RawProgram accepted the words")
			}
			res := make([]uintptr, p.Len())
			var pin goruntime.Pinner
			pin.Pin(&one[0])
			st, err := e.B.Exec(p, res)
			pin.Unpin()
			if err == nil || !errors.Is(err, b.want) {
				return fmt.Errorf("Exec returned status %#x, error %v; want a refusal matching %v", st, err, b.want)
			}
			var buf [4]byte
			if n, _ := unix.Read(e.PipeR, buf[:]); n > 0 {
				return fmt.Errorf("the backend ran step 0 before refusing the chain")
			}
			return nil
		}})
	}
	cs = append(cs, Case{"refuse/empty", func(e *Env) error {
		p := runtime.RawProgram(nil)
		_, err := e.B.Exec(p, make([]uintptr, p.Len()))
		if !errors.Is(err, unix.EINVAL) {
			return fmt.Errorf("Exec of no words: %v, want EINVAL", err)
		}
		return nil
	}})
	cs = append(cs, Case{"refuse/denied-via-builder", func(e *Env) error {
		for nr, dname := range runtime.DeniedSyscalls() {
			var c runtime.Chain
			c.Syscall(unix.SYS_GETPID)
			c.Syscall(nr)
			_, err := e.runOn(&c)
			var de *runtime.DeniedError
			if !errors.As(err, &de) || de.Step != 1 || de.Nr != nr || !errors.Is(err, unix.EPERM) {
				return fmt.Errorf("%s: error %v, want *DeniedError for step 1", dname, err)
			}
		}
		return nil
	}})
	return cs
}

func dataCases() []Case {
	read := runtime.LookupSigName("read")
	return []Case{
		{"data/pipe-roundtrip", func(e *Env) error {
			e.drain()
			buf := make([]byte, 16)
			var c runtime.Chain
			c.Syscall(unix.SYS_WRITE, e.PipeW, "hello", 5)
			c.Begin(read)
			c.ArgInt(0, int64(e.PipeR))
			c.ArgBuf(1, buf)
			c.ArgLen(2, int64(runtime.Ret(0)), 1)
			if err := e.check(&c, want{ran: 2, why: runtime.End, rets: map[int]int64{0: 5, 1: 5}}); err != nil {
				return err
			}
			if string(buf[:5]) != "hello" {
				return fmt.Errorf("read %q, want hello", buf[:5])
			}
			return nil
		}},
		{"data/memfd-in-chain", func(e *Env) error {
			buf := make([]byte, 3)
			var c runtime.Chain
			c.Syscall(unix.SYS_MEMFD_CREATE, "chain", unix.MFD_CLOEXEC)
			c.Syscall(unix.SYS_WRITE, runtime.Ret(0), []byte("abc"), 3)
			c.Syscall(unix.SYS_LSEEK, runtime.Ret(0), 0, unix.SEEK_SET)
			c.Syscall(unix.SYS_READ, runtime.Ret(0), buf, 3)
			c.Syscall(unix.SYS_CLOSE, runtime.Ret(0))
			if err := e.check(&c, want{ran: 5, why: runtime.End, rets: map[int]int64{1: 3, 2: 0, 3: 3, 4: 0}}); err != nil {
				return err
			}
			if string(buf) != "abc" {
				return fmt.Errorf("read %q, want abc", buf)
			}
			return nil
		}},
		{"data/dup-close-twice", func(e *Env) error {
			var c runtime.Chain
			c.Syscall(unix.SYS_DUP, e.Memfd)
			c.Syscall(unix.SYS_CLOSE, runtime.Ret(0))
			c.Syscall(unix.SYS_CLOSE, runtime.Ret(0))
			c.Syscall(unix.SYS_GETPID)
			return e.check(&c, want{ran: 3, why: runtime.ErrStop, rets: map[int]int64{1: 0, 2: -int64(unix.EBADF), 3: canceled}, is: []error{unix.EBADF}})
		}},
	}
}
