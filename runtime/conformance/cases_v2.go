package conformance

import (
	"errors"
	"fmt"
	goruntime "runtime"
	"unsafe"

	"github.com/syschain/syschain/runtime"
	"golang.org/x/sys/unix"
)

// v2Cases check the rules only version 2 (runtime.FlagV2) has: errno
// conditions before the error stop, references to failed or skipped
// steps, cleanup steps, and the refusal of malformed version-2 words.
// Resumes after signals need signal traffic; the guest's go-signals
// section and the runtime's dryrun tests cover them.
func v2Cases() []Case {
	pid, ppid := int64(unix.Getpid()), int64(unix.Getppid())
	ebadf := -int64(unix.EBADF)
	cs := []Case{
		{"v2/continue-on-errno", func(e *Env) error {
			var c runtime.Chain
			c.Syscall(unix.SYS_CLOSE, -1).ContinueOn(unix.EEXIST, unix.EBADF)
			c.Syscall(unix.SYS_GETPID)
			return e.check(&c, want{ran: 2, why: runtime.End, rets: map[int]int64{0: ebadf, 1: pid}})
		}},
		{"v2/continue-on-other-errno-stops", func(e *Env) error {
			var c runtime.Chain
			c.Syscall(unix.SYS_CLOSE, -1).ContinueOn(unix.EEXIST)
			c.Syscall(unix.SYS_GETPID)
			return e.check(&c, want{ran: 1, why: runtime.ErrStop, rets: map[int]int64{1: canceled}, is: []error{unix.EBADF, runtime.ErrStopped}})
		}},
		{"v2/goto-on-errno", func(e *Env) error {
			var c runtime.Chain
			c.Syscall(unix.SYS_CLOSE, -1).GotoOn(2, unix.EBADF)
			c.Syscall(unix.SYS_GETPPID)
			c.Syscall(unix.SYS_GETPID)
			return e.check(&c, want{ran: 2, why: runtime.End, rets: map[int]int64{0: ebadf, 1: canceled, 2: pid}})
		}},
		{"v2/goto-on-errno-not-taken", func(e *Env) error {
			var c runtime.Chain
			produce(&c, e.Memfd, 3).GotoOn(2, unix.EBADF)
			c.Syscall(unix.SYS_GETPPID)
			c.Syscall(unix.SYS_GETPID)
			return e.check(&c, want{ran: 3, why: runtime.End, rets: map[int]int64{0: 3, 1: ppid, 2: pid}})
		}},
		{"v2/conditions-before-errstop", func(e *Env) error {
			// Version 1 stops with ErrStop here (err/errstop-before-conditions).
			var c runtime.Chain
			c.Syscall(unix.SYS_CLOSE, -1).When(runtime.LT, 0).Goto(2)
			c.Syscall(unix.SYS_GETPPID)
			c.Syscall(unix.SYS_GETPID)
			return e.check(&c, want{ran: 2, why: runtime.End, rets: map[int]int64{1: canceled, 2: pid}})
		}},
		{"v2/condition-stop-on-error", func(e *Env) error {
			var c runtime.Chain
			c.Syscall(unix.SYS_CLOSE, -1).When(runtime.EQ, runtime.Neg(unix.EBADF))
			c.Syscall(unix.SYS_GETPID)
			return e.check(&c, want{ran: 1, why: runtime.CondStop, is: []error{unix.EBADF, runtime.ErrCondStop}})
		}},
		{"v2/refstop-arg", func(e *Env) error {
			var c runtime.Chain
			c.Syscall(unix.SYS_CLOSE, -1).AllowError()
			c.Syscall(unix.SYS_LSEEK, runtime.Ret(0), 0, unix.SEEK_SET)
			c.Syscall(unix.SYS_GETPID)
			if err := e.check(&c, want{ran: 1, why: runtime.RefStop, rets: map[int]int64{0: ebadf, 1: canceled, 2: canceled}, is: []error{unix.EBADF, runtime.ErrRefStop}}); err != nil {
				return err
			}
			_, err := e.runOn(&c)
			var se *runtime.StepError
			if !errors.As(err, &se) || se.Step != 1 || se.Ref != 0 || !se.RefRan || se.Arg != 0 {
				return fmt.Errorf("error %#v, want a RefStop *StepError for step 1, ref 0, arg 0", err)
			}
			return nil
		}},
		{"v2/refstop-skipped", func(e *Env) error {
			var c runtime.Chain
			produce(&c, e.Memfd, 1000).When(runtime.EQ, 1000).Goto(2)
			produce(&c, e.Memfd2, 7)
			c.Syscall(unix.SYS_LSEEK, e.Memfd, runtime.Ret(1), unix.SEEK_CUR)
			return e.check(&c, want{ran: 1, why: runtime.RefStop, rets: map[int]int64{1: canceled, 2: canceled}, is: []error{runtime.ErrRefStop}})
		}},
		{"v2/refstop-condition-value", func(e *Env) error {
			var c runtime.Chain
			c.Syscall(unix.SYS_CLOSE, -1).AllowError()
			c.Syscall(unix.SYS_GETPID).When(runtime.EQ, runtime.Ret(0))
			return e.check(&c, want{ran: 1, why: runtime.RefStop, rets: map[int]int64{1: canceled}, is: []error{unix.EBADF}})
		}},
		{"v2/refstop-before-bound", func(e *Env) error {
			e.drain()
			buf := []byte("01234567")
			var c runtime.Chain
			c.Syscall(unix.SYS_CLOSE, -1).AllowError()
			c.Syscall(unix.SYS_WRITE, e.PipeW, buf, runtime.Ret(0)).Bound(2, 8)
			return e.check(&c, want{ran: 1, why: runtime.RefStop, rets: map[int]int64{1: canceled}})
		}},
		{"v2/rawrefs", func(e *Env) error {
			var c runtime.Chain
			produce(&c, e.Memfd, 1000).When(runtime.EQ, 1000).Goto(2)
			produce(&c, e.Memfd2, 7)
			c.Syscall(unix.SYS_LSEEK, e.Memfd, runtime.Ret(1), unix.SEEK_CUR).RawRefs()
			return e.check(&c, want{ran: 2, why: runtime.End, rets: map[int]int64{1: canceled, 2: 1000 + canceled}})
		}},
		{"v2/cleanup-skipped-when-ref-failed", func(e *Env) error {
			var c runtime.Chain
			c.Syscall(unix.SYS_DUP, -1).AllowError()
			c.Syscall(unix.SYS_GETPID)
			c.Syscall(unix.SYS_CLOSE, runtime.Ret(0)).Cleanup()
			c.Syscall(unix.SYS_GETPPID).Cleanup()
			return e.check(&c, want{ran: 2, why: runtime.End, rets: map[int]int64{0: ebadf, 1: pid, 2: canceled, 3: ppid}})
		}},
		{"v2/cleanup-order", func(e *Env) error {
			// Both cleanup steps close $0: the first succeeds, the second
			// runs after it (its reference succeeded) and gets EBADF.
			var c runtime.Chain
			c.Syscall(unix.SYS_DUP, e.Memfd)
			c.Syscall(unix.SYS_CLOSE, runtime.Ret(0)).Cleanup()
			c.Syscall(unix.SYS_CLOSE, runtime.Ret(0)).Cleanup()
			return e.check(&c, want{ran: 1, why: runtime.End, rets: map[int]int64{1: 0, 2: ebadf}})
		}},
		{"v2/cleanup-bound-skips", func(e *Env) error {
			e.drain()
			buf := []byte("01234567")
			var c runtime.Chain
			produce(&c, e.Memfd, 100)
			c.Syscall(unix.SYS_WRITE, e.PipeW, buf, runtime.Ret(0)).Bound(2, 8).Cleanup()
			c.Syscall(unix.SYS_GETPID).Cleanup()
			return e.check(&c, want{ran: 1, why: runtime.End, rets: map[int]int64{1: -int64(unix.EOVERFLOW), 2: pid}})
		}},
		{"v2/goto-end-of-body-runs-cleanup", func(e *Env) error {
			var c runtime.Chain
			produce(&c, e.Memfd, 5).When(runtime.GE, 0).Goto(2)
			c.Syscall(unix.SYS_GETPPID)
			c.Syscall(unix.SYS_GETPID).Cleanup()
			return e.check(&c, want{ran: 1, why: runtime.End, rets: map[int]int64{1: canceled, 2: pid}})
		}},
	}
	// Cleanup after every kind of end: the dup'd descriptor is closed.
	type end struct {
		name string
		body func(c *runtime.Chain, e *Env)
		why  runtime.Why
		ran  int
	}
	buf := []byte("01234567")
	for _, en := range []end{
		{"end", func(c *runtime.Chain, e *Env) { c.Syscall(unix.SYS_GETPID) }, runtime.End, 2},
		{"errstop", func(c *runtime.Chain, e *Env) { c.Syscall(unix.SYS_CLOSE, -1) }, runtime.ErrStop, 2},
		{"condstop", func(c *runtime.Chain, e *Env) { c.Syscall(unix.SYS_GETPID).When(runtime.GT, 0) }, runtime.CondStop, 2},
		{"bound", func(c *runtime.Chain, e *Env) {
			produce(c, e.Memfd, 100)
			c.Syscall(unix.SYS_WRITE, e.PipeW, buf, runtime.Ret(1)).Bound(2, 8)
		}, runtime.Bound, 2},
		{"refstop", func(c *runtime.Chain, e *Env) {
			c.Syscall(unix.SYS_CLOSE, -1).AllowError()
			c.Syscall(unix.SYS_LSEEK, runtime.Ret(1), 0, 0)
		}, runtime.RefStop, 2},
	} {
		en := en
		cs = append(cs, Case{"v2/cleanup-after-" + en.name, func(e *Env) error {
			e.drain()
			var c runtime.Chain
			c.Syscall(unix.SYS_DUP, e.Memfd)
			en.body(&c, e)
			c.Syscall(unix.SYS_CLOSE, runtime.Ret(0)).Cleanup()
			r, err := e.run(&c)
			if err != nil {
				return err
			}
			if r.Steps != en.ran || r.Why != en.why {
				return fmt.Errorf("ran %d (%s), want %d (%s)\n%s", r.Steps, r.Why, en.ran, en.why, r.String())
			}
			cl := c.Len() - 1
			fd := int(r.Ret(0))
			if !r.Ran(cl) || r.Ret(cl) != 0 {
				return fmt.Errorf("cleanup close(%d) = %d (ran %v), want 0\n%s", fd, r.Ret(cl), r.Ran(cl), r.String())
			}
			if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != unix.EBADF {
				unix.Close(fd)
				return fmt.Errorf("descriptor %d still open after the chain (%v)", fd, err)
			}
			return nil
		}})
	}
	// Malformed version-2 words: refused before any step runs.
	gp := uintptr(unix.SYS_GETPID)
	const cleanup, rawref = 1 << 30, 1 << 29
	for _, b := range []struct {
		name  string
		tail  []uintptr
		flags uintptr
	}{
		{"cleanup-under-v1", []uintptr{gp, cleanup, 0}, 0},
		{"rawref-under-v1", []uintptr{gp, rawref, 0}, 0},
		{"reserved-bit-31", []uintptr{gp, 1 << 31, 0}, runtime.FlagV2},
		{"body-after-cleanup", []uintptr{gp, cleanup, 0, gp, 0, 0}, runtime.FlagV2},
		{"cleanup-with-condition", []uintptr{gp, cleanup | bitmap(0, 1, 0), 0, 0, 0}, runtime.FlagV2},
		{"cleanup-with-errstop", []uintptr{gp, cleanup | 1<<21, 0}, runtime.FlagV2},
		{"cleanup-with-rawref", []uintptr{gp, cleanup | rawref, 0}, runtime.FlagV2},
		{"jump-into-cleanup", []uintptr{gp, bitmap(0, 1, 0) | 2<<19, 0, 0, 0, 3, gp, cleanup, 0}, runtime.FlagV2},
		{"flags-unknown", []uintptr{gp, 0, 0}, runtime.FlagV2 | 1<<4},
		{"flags-resume-without-v2", []uintptr{gp, 0, 0}, runtime.FlagResume},
	} {
		b := b
		cs = append(cs, Case{"v2/refuse/" + b.name, func(e *Env) error {
			return e.refuse(b.tail, b.flags, unix.EINVAL)
		}})
	}
	return cs
}

// refuse checks that words (a valid write of one byte to the pipe, then
// tail) run with flags are refused with want, and that the write did not
// happen.
func (e *Env) refuse(tail []uintptr, flags uintptr, want error) error {
	e.drain()
	one := []byte{'x'}
	words := []uintptr{uintptr(unix.SYS_WRITE), bitmap(3, 0, 0), uintptr(e.PipeW), uintptr(unsafe.Pointer(&one[0])), 1, 0}
	words = append(words, tail...)
	p := runtime.RawProgramFlags(words, flags)
	if p.Validate() == nil {
		return fmt.Errorf("RawProgramFlags accepted the words")
	}
	res := make([]uintptr, p.Len())
	var pin goruntime.Pinner
	pin.Pin(&one[0])
	st, err := e.B.Exec(p, res)
	pin.Unpin()
	if err == nil || !errors.Is(err, want) {
		return fmt.Errorf("Exec returned status %#x, error %v; want a refusal matching %v", st, err, want)
	}
	var buf [4]byte
	if n, _ := unix.Read(e.PipeR, buf[:]); n > 0 {
		return fmt.Errorf("the backend ran step 0 before refusing the chain")
	}
	return nil
}
