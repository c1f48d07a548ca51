//go:build linux && (amd64 || arm64)

package main

import (
	"fmt"
	"os"
	"os/signal"
	goruntime "runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/syschain/syschain/runtime"
	"golang.org/x/sys/unix"
)

// Version-2 status codes (docs/wire-format.md, "Version 2").
const (
	whyPause   = 5
	whyRestart = 6
	whyRefStop = 7

	fV2     = 1
	fResume = 2
)

func resumeAt(k int) uintptr { return fV2 | fResume | uintptr(k)<<8 }

// runFlags is run with flags, on a results array the caller keeps (so a
// resumed call sees what the stopped one wrote).
func runFlags(words []uintptr, res []uintptr, flags uintptr) (uintptr, unix.Errno) {
	return call(uintptr(len(words)), unsafe.Pointer(&words[0]), unsafe.Pointer(&res[0]), flags)
}

// testSignalsV2 checks the version-2 ABI for signals on raw words: a
// signal between steps is PAUSE (nothing of the next step happened), a
// step interrupted with -ERESTARTSYS is RESTART, -ERESTART_RESTARTBLOCK is
// an ordinary -EINTR, RESUME reads the earlier results back and goes on,
// and cleanup steps run once, at the real end.
func testSignalsV2(s *section) {
	ch := make(chan os.Signal, 16)
	signal.Notify(ch, unix.SIGUSR1)
	defer signal.Stop(ch)
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	pid, tid, ppid := uintptr(os.Getpid()), uintptr(unix.Gettid()), uintptr(os.Getppid())
	canc := neg(unix.ECANCELED)

	// PAUSE between steps, then RESUME at step 3.
	kill := step{nr: unix.SYS_TGKILL, args: []uintptr{0, 1, uintptr(unix.SIGUSR1)}, sym: 3}
	w := enc(step{nr: unix.SYS_GETPID}, step{nr: unix.SYS_GETTID}, kill, step{nr: unix.SYS_GETPPID})
	res := make([]uintptr, 4)
	st, e := runFlags(w, res, fV2)
	<-ch
	s.check(e == 0 && ran(st) == 3 && why(st) == whyPause && res[0] == pid && res[1] == tid && res[2] == 0 && res[3] == canc,
		"v2 signal between steps: status %#x errno %v results %d %d %d %d, want ran 3 PAUSE, step 3 -ECANCELED", st, e, res[0], res[1], res[2], int64(res[3]))
	st, e = runFlags(w, res, resumeAt(3))
	s.check(e == 0 && ran(st) == 1 && why(st) == whyEnd && res[0] == pid && res[1] == tid && res[3] == ppid,
		"v2 resume at 3: status %#x errno %v results %d %d %d %d", st, e, res[0], res[1], res[2], res[3])

	// RESUME reads results back: step 1 seeks by $0, which the resumed
	// call only has from the array.
	mfd, err := unix.MemfdCreate("sem", unix.MFD_CLOEXEC)
	if err != nil {
		s.errorf("memfd_create: %v", err)
		return
	}
	defer unix.Close(mfd)
	w = enc(step{nr: unix.SYS_GETPID}, step{nr: unix.SYS_LSEEK, args: []uintptr{uintptr(mfd), 0, 0}, sym: 2})
	res = []uintptr{777, 0xdeadbeef}
	st, e = runFlags(w, res, resumeAt(1))
	s.check(e == 0 && ran(st) == 1 && why(st) == whyEnd && res[0] == 777 && res[1] == 777,
		"v2 resume reads results back: status %#x errno %v results %d %d, want lseek to 777", st, e, res[0], res[1])

	// Bad flags: refused before any step.
	for _, f := range []uintptr{4, fResume | 1<<8, 1 << 8, fV2 | 1<<8, resumeAt(2), 1 << 20} {
		res = []uintptr{0xdeadbeef, 0xdeadbeef}
		_, e = runFlags(w, res, f)
		s.check(e == unix.EINVAL && res[0] == 0xdeadbeef, "flags %#x: errno %v, results %#x; want EINVAL, nothing run", f, e, res[0])
	}
	// Version-2 bits under flags 0.
	res = []uintptr{0xdeadbeef}
	_, e = runFlags([]uintptr{unix.SYS_GETPID, 1 << 30, 0}, res, 0)
	s.check(e == unix.EINVAL, "cleanup bit under version 1: errno %v, want EINVAL", e)

	// A blocking pipe read interrupted (Go's handlers are SA_RESTART, the
	// read returns -ERESTARTSYS): RESTART before step 1, then the resumed
	// read gets the byte written after the signal; nanosleep
	// (-ERESTART_RESTARTBLOCK) is an ordinary EINTR instead, and the
	// signal still pending stops the chain before step 2 (PAUSE).
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		s.errorf("pipe2: %v", err)
		return
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	buf := make([]byte, 8)
	interrupt := func() {
		go func() {
			time.Sleep(200 * time.Millisecond)
			unix.Tgkill(int(pid), int(tid), unix.SIGUSR1)
		}()
	}
	w = enc(step{nr: unix.SYS_GETPPID}, step{nr: unix.SYS_READ, args: []uintptr{uintptr(p[0]), uintptr(unsafe.Pointer(&buf[0])), 8}}, step{nr: unix.SYS_GETPID})
	res = make([]uintptr, 3)
	interrupt()
	st, e = runFlags(w, res, fV2)
	<-ch
	s.check(e == 0 && ran(st) == 1 && why(st) == whyRestart && res[0] == ppid && res[1] == canc && res[2] == canc,
		"v2 pipe read interrupted: status %#x errno %v results %d %d %d, want ran 1 RESTART, -ECANCELED", st, e, res[0], int64(res[1]), int64(res[2]))
	unix.Write(p[1], []byte("z"))
	st, e = runFlags(w, res, resumeAt(1))
	s.check(e == 0 && ran(st) == 2 && why(st) == whyEnd && res[1] == 1 && buf[0] == 'z' && res[2] == pid,
		"v2 pipe read resumed: status %#x errno %v results %d %d, byte %q", st, e, int64(res[1]), res[2], buf[0])

	ts := unix.Timespec{Sec: 5}
	w = enc(step{nr: unix.SYS_GETPPID}, step{nr: unix.SYS_NANOSLEEP, args: []uintptr{uintptr(unsafe.Pointer(&ts)), 0}}, step{nr: unix.SYS_GETPID})
	res = make([]uintptr, 3)
	interrupt()
	t0 := time.Now()
	st, e = runFlags(w, res, fV2)
	<-ch
	s.check(e == 0 && ran(st) == 2 && why(st) == whyPause && res[1] == neg(unix.EINTR) && res[2] == canc && time.Since(t0) < 3*time.Second,
		"v2 nanosleep interrupted: status %#x errno %v results %d %d, want ran 2 PAUSE, -EINTR", st, e, int64(res[1]), int64(res[2]))

	// Cleanup runs at the real end only: not at PAUSE, once after RESUME.
	const cleanup = 1 << 30
	// getpid, gettid, tgkill($0, $1) (the signal), dup, getppid; cleanup close($3)
	w = enc(step{nr: unix.SYS_GETPID}, step{nr: unix.SYS_GETTID}, kill, step{nr: unix.SYS_DUP, args: []uintptr{uintptr(mfd)}}, step{nr: unix.SYS_GETPPID})
	w = append(w, unix.SYS_CLOSE, cleanup|1<<9|1, 3, 0) // close($3), a cleanup step
	res = make([]uintptr, 6)
	st, e = runFlags(w, res, fV2)
	<-ch
	s.check(e == 0 && why(st) == whyPause && ran(st) == 3 && res[3] == canc && res[5] == canc,
		"v2 cleanup at PAUSE: status %#x errno %v results %d %d; want ran 3 PAUSE, dup and cleanup not run", st, e, int64(res[3]), int64(res[5]))
	st, e = runFlags(w, res, resumeAt(3))
	fd := int(res[3])
	_, ferr := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	s.check(e == 0 && why(st) == whyEnd && ran(st) == 2 && int64(res[3]) >= 0 && res[4] == ppid && res[5] == 0 && ferr == unix.EBADF,
		"v2 cleanup after resume: status %#x errno %v dup %d close result %d, fcntl %v; want END, closed once", st, e, int64(res[3]), int64(res[5]), ferr)
	goruntime.KeepAlive(&ts)
	goruntime.KeepAlive(buf)
}

// sigChain is one chain of the go-signals section and how to feed it.
type sigChain struct {
	name  string
	c     *runtime.Chain
	pipe  [2]int // reads: bytes are written to pipe[1] while it runs
	n     int    // steps
	reads bool
	buf   []byte
}

// testGoSignals runs chains of 1 to 256 steps on the kernel backend while
// Go's own signals arrive (SIGPROF from CPU profiling, a SIGALRM storm
// every 100 µs from setitimer, SIGURG from preempting busy goroutines)
// and checks every result against interp's; the runtime must resume
// every chain a signal stopped (no step twice, none skipped). A control
// run with version 1 (today's semantics before version 2) counts the
// chains that the same traffic stops early, to show that the test has
// teeth.
func testGoSignals(s *section) {
	testSignalsV2(s)
	if len(s.fails) > 0 {
		return
	}
	alrm := make(chan os.Signal, 1)
	signal.Notify(alrm, unix.SIGALRM) // Go's default for SIGALRM is to exit
	defer signal.Stop(alrm)
	// The chains run on this thread, which the storms aim at.
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	pid, tid := os.Getpid(), unix.Gettid()

	var st unix.Stat_t
	var chains []*sigChain
	for _, n := range []int{1, 2, 7, 32, 100, 256} {
		for _, noblock := range []bool{true, false} { // RawSyscall6, Syscall6
			g := runtime.Chain{}
			f := runtime.Chain{}
			for i := 0; i < n; i++ {
				g.Syscall(unix.SYS_GETPPID)
				f.Syscall(unix.SYS_NEWFSTATAT, unix.AT_FDCWD, "/", &st, 0)
				if noblock {
					g.NoBlock()
					f.NoBlock()
				}
			}
			path := "Syscall6"
			if noblock {
				path = "RawSyscall6"
			}
			chains = append(chains,
				&sigChain{name: fmt.Sprintf("getppid x%d (%s)", n, path), c: &g, n: n},
				&sigChain{name: fmt.Sprintf("newfstatat x%d (%s)", n, path), c: &f, n: n})
		}
		r := &sigChain{name: fmt.Sprintf("blocking pipe read x%d", n), n: n, reads: true, buf: make([]byte, n)}
		if err := unix.Pipe2(r.pipe[:], unix.O_CLOEXEC); err != nil {
			s.errorf("pipe2: %v", err)
			return
		}
		defer unix.Close(r.pipe[0])
		defer unix.Close(r.pipe[1])
		r.c = &runtime.Chain{}
		for i := 0; i < n; i++ {
			r.c.Syscall(unix.SYS_READ, r.pipe[0], r.buf[i:i+1], 1)
		}
		chains = append(chains, r)
	}

	modes := []struct {
		name  string
		start func() func()
	}{
		{"CPU profiling (SIGPROF)", func() func() {
			if err := pprof.StartCPUProfile(discard{}); err != nil {
				s.errorf("pprof: %v", err)
			}
			spin := spinners(2)
			return func() { pprof.StopCPUProfile(); spin() }
		}},
		{"setitimer storm (SIGALRM every 100us) + tgkill storm at the chains' thread", func() func() {
			// ITIMER_REAL's SIGALRM is process-directed: the kernel hands
			// it to the thread group leader, rarely to the thread running
			// the chains. A tgkill every 100 us aims the same traffic at
			// that thread, as a handler-heavy program's signals would.
			it := unix.Itimerval{Interval: unix.Timeval{Usec: 100}, Value: unix.Timeval{Usec: 100}}
			unix.Setitimer(unix.ITIMER_REAL, it)
			var stop atomic.Bool
			done := make(chan struct{})
			go func() {
				defer close(done)
				for !stop.Load() {
					unix.Tgkill(pid, tid, unix.SIGALRM)
					time.Sleep(100 * time.Microsecond)
				}
			}()
			return func() {
				stop.Store(true)
				<-done
				unix.Setitimer(unix.ITIMER_REAL, unix.Itimerval{})
			}
		}},
		{"preemption (16 busy goroutines, SIGURG)", func() func() { return spinners(16) }},
	}
	total, pauses0 := 0, runtime.Resumes()
	// The section watchdog is 200 s; under TCG one round of every chain
	// takes seconds, so the modes share a budget well below it.
	budget := time.Now().Add(150 * time.Second)
	for _, m := range modes {
		if time.Now().After(budget) {
			s.logf("go-signals: %s skipped: the section's time budget is spent", m.name)
			continue
		}
		var v1Stopped, v1Total int
		r0 := runtime.Resumes()
		stop := m.start()
		deadline := time.Now().Add(4 * time.Second)
		rounds := 0
		for (time.Now().Before(deadline) || rounds == 0) && time.Now().Before(budget) {
			rounds++
			for _, sc := range chains {
				if err := sc.compare(runtime.Kernel{}, false); err != nil {
					s.errorf("%s: %s via Run: %v", m.name, sc.name, err)
				}
				if err := sc.compare(runtime.Kernel{}, true); err != nil {
					s.errorf("%s: %s via Prepared: %v", m.name, sc.name, err)
				}
				total += 2
				// The control: the same chain as version 1, as the
				// runtime ran it before version 2.
				if stopped, err := sc.v1Stops(); err != nil {
					s.errorf("%s: %s as version 1: %v", m.name, sc.name, err)
				} else if stopped {
					v1Stopped++
				}
				v1Total++
			}
			if len(s.fails) > 0 {
				break
			}
		}
		stop()
		r1 := runtime.Resumes()
		s.logf("go-signals: %s: %d rounds, %d chains, resumes: %d pauses, %d restarts; version 1 control: %d of %d chains stopped early (INTR)",
			m.name, rounds, rounds*len(chains)*2, r1.Pauses-r0.Pauses, r1.Restarts-r0.Restarts, v1Stopped, v1Total)
	}
	r := runtime.Resumes()
	pauses, restarts := r.Pauses-pauses0.Pauses, r.Restarts-pauses0.Restarts
	s.logf("go-signals: %d kernel chains equal to interp's; %d resumes after a signal between steps, %d re-issued interrupted steps", total, pauses, restarts)
	s.check(pauses+restarts > 0, "no chain was resumed: the signal traffic did not reach the chains, so the test proved nothing")
}

// spinners starts n goroutines that never block (so sysmon preempts
// them with SIGURG) and returns their stop function.
func spinners(n int) func() {
	var stop atomic.Bool
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := 0
			for !stop.Load() {
				for j := 0; j < 1e5; j++ {
					x += j
				}
			}
			_ = x
		}()
	}
	return func() { stop.Store(true); wg.Wait() }
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// feed writes the chain's n bytes to its pipe, one at a time with pauses,
// so its reads block and signals interrupt them.
func (sc *sigChain) feed() (done chan struct{}) {
	done = make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < sc.n; i++ {
			if i%8 == 0 {
				time.Sleep(50 * time.Microsecond)
			}
			unix.Write(sc.pipe[1], []byte{byte('a' + i%26)})
		}
	}()
	return done
}

// once runs the chain on b (prepared or not) and returns the result and,
// for the pipe reads, the bytes read.
func (sc *sigChain) once(b runtime.Backend, prepared bool) (*runtime.Result, string, error) {
	for i := range sc.buf {
		sc.buf[i] = 0
	}
	var done chan struct{}
	if sc.reads {
		done = sc.feed()
	}
	r := new(runtime.Result)
	var err error
	if prepared {
		pc, perr := sc.c.Prepare(b)
		if perr != nil {
			return nil, "", perr
		}
		pc.Run(r)
		err = r.Err()
		pc.Close()
	} else {
		err = sc.c.RunInto(b, r)
	}
	if done != nil {
		<-done
	}
	return r, string(sc.buf), err
}

// compare runs the chain on interp and on b and reports any difference a
// caller could see.
func (sc *sigChain) compare(b runtime.Backend, prepared bool) error {
	want, wbuf, werr := sc.once(runtime.Interp{}, false)
	got, gbuf, gerr := sc.once(b, prepared)
	if werr != nil || gerr != nil {
		return fmt.Errorf("interp error %v, %s error %v", werr, b.Name(), gerr)
	}
	if got.Steps != want.Steps || got.Why != want.Why {
		return fmt.Errorf("ran %d (%s), interp %d (%s)", got.Steps, got.Why, want.Steps, want.Why)
	}
	for i := 0; i < got.Len(); i++ {
		if got.Ret(i) != want.Ret(i) {
			return fmt.Errorf("step %d = %d, interp %d", i, got.Ret(i), want.Ret(i))
		}
	}
	if gbuf != wbuf {
		return fmt.Errorf("read %q, interp %q (a step ran twice or not at all)", gbuf, wbuf)
	}
	return nil
}

// v1Stops runs the chain on the kernel as version 1 (flags 0, what the
// runtime did before version 2) and reports whether the traffic stopped
// it early. Pipe chains are not run this way: a stopped read chain would
// leave bytes in the pipe.
func (sc *sigChain) v1Stops() (bool, error) {
	if sc.reads {
		return false, nil
	}
	p, err := sc.c.Program()
	if err != nil {
		return false, err
	}
	var r runtime.Result
	err = p.WithFlags(0).RunInto(runtime.Kernel{}, &r)
	if r.Why == runtime.Intr {
		return true, nil
	}
	return false, err
}
