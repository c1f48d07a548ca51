//go:build linux && (amd64 || arm64)

package main

import (
	"os"
	"os/signal"
	goruntime "runtime"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// testSigmask: the calls that swap the signal mask are allowed in chains
// (contract D) because of one invariant: whatever such a step leaves for
// signal delivery (its temporary mask, TIF_RESTORE_SIGMASK) is acted on
// before any later step. Each check runs a ppoll whose temporary mask
// blocks SIGUSR2 and whose wait a SIGUSR1 interrupts, followed by a step
// that reads the mask in force (rt_sigprocmask): that step must never see
// SIGUSR2 blocked.
//
//   - Body (version 2): the interrupted ppoll is -EINTR and the pending
//     signal stops the chain with PAUSE before the reading step; after the
//     handler the original mask is back, and the resume reads it.
//   - Cleanup (contract E): cleanup steps run without the signal check, so
//     every one runs, under the temporary mask until the signal is
//     delivered. A second mask-swapping cleanup step (interrupted at once:
//     the signal is still pending) would save its predecessor's temporary
//     mask as the one delivery restores; the kernel keeps the caller's, so
//     after the chain and the handler SIGUSR2 and SIGWINCH are unblocked.
func testSigmask(s *section) {
	ch := make(chan os.Signal, 64)
	signal.Notify(ch, unix.SIGUSR1)
	defer signal.Stop(ch)
	goruntime.LockOSThread()
	defer goruntime.UnlockOSThread()
	tid := unix.Gettid()

	usr2 := uint64(1) << (unix.SIGUSR2 - 1)
	var tmp unix.Sigset_t // ppoll's temporary mask: SIGUSR2 blocked
	tmp.Val[0] = usr2
	ts := unix.Timespec{Sec: 5}
	const marker = 0x5a5a5a5a5a5a5a5a
	var seen [16]uint64 // what the reading step writes (the kernel's sigset is one word on 64-bit)
	seen[0] = marker
	ppoll := step{nr: unix.SYS_PPOLL, args: []uintptr{0, 0, uintptr(unsafe.Pointer(&ts)), uintptr(unsafe.Pointer(&tmp)), 8}}
	read := step{nr: unix.SYS_RT_SIGPROCMASK, args: []uintptr{unix.SIG_BLOCK, 0, uintptr(unsafe.Pointer(&seen[0])), 8}}

	// interrupt sends SIGUSR1 to this thread every 100 ms until stop is
	// closed: a signal that lands before the chain is in its ppoll is
	// handled in user space, and the next one interrupts the wait.
	interrupt := func() (stop func()) {
		var done atomic.Bool
		fin := make(chan struct{})
		go func() {
			defer close(fin)
			for !done.Load() {
				time.Sleep(100 * time.Millisecond)
				if !done.Load() {
					unix.Tgkill(os.Getpid(), tid, unix.SIGUSR1)
				}
			}
		}()
		return func() { done.Store(true); <-fin }
	}
	canc := neg(unix.ECANCELED)
	eintr := neg(unix.EINTR)
	ppid := uintptr(os.Getppid())

	// Body, version 2.
	w := enc(ppoll, read)
	res := make([]uintptr, 3)
	res[2] = 0xdeadbeef
	t0 := time.Now()
	stop := interrupt()
	st, e := runFlags(w, res, fV2)
	stop()
	s.check(e == 0 && ran(st) == 1 && why(st) == whyPause && res[0] == eintr && res[1] == canc && res[2] == 0xdeadbeef && seen[0] == marker,
		"body: interrupted ppoll with a temporary mask: status %#x errno %v results %#x %#x, the next step saw %#x; want ran 1 PAUSE, -EINTR, -ECANCELED, not run", st, e, res[0], res[1], seen[0])
	s.check(time.Since(t0) < 4*time.Second, "body: the ppoll was not interrupted (%v)", time.Since(t0))
	var now unix.Sigset_t
	unix.PthreadSigmask(unix.SIG_BLOCK, nil, &now)
	s.check(now.Val[0]&usr2 == 0, "body: after the chain returned and the handler ran, SIGUSR2 is still blocked (mask %#x): the temporary mask was not restored", now.Val[0])
	st, e = runFlags(w, res, resumeAt(1))
	s.check(e == 0 && ran(st) == 1 && why(st) == whyEnd && res[1] == 0 && seen[0]&usr2 == 0,
		"body: resume at the reading step: status %#x errno %v result %#x mask %#x; want END and SIGUSR2 not blocked", st, e, res[1], seen[0])

	// Cleanup (contract E): body getppid; cleanup ppoll, a second ppoll
	// with another temporary mask, then the read.
	winch := uint64(1) << (unix.SIGWINCH - 1)
	var tmp2 unix.Sigset_t
	tmp2.Val[0] = usr2 | winch
	ppoll2 := step{nr: unix.SYS_PPOLL, args: []uintptr{0, 0, uintptr(unsafe.Pointer(&ts)), uintptr(unsafe.Pointer(&tmp2)), 8}}
	seen[0] = marker
	w = enc(step{nr: unix.SYS_GETPPID}, withCleanup(ppoll), withCleanup(ppoll2), withCleanup(read))
	res = make([]uintptr, 4)
	res[3] = 0xdeadbeef
	t0 = time.Now()
	stop = interrupt()
	st, e = runFlags(w, res, fV2)
	stop()
	s.check(e == 0 && ran(st) == 1 && why(st) == whyEnd && res[0] == ppid && res[1] == eintr && res[2] == eintr && res[3] == 0 && seen[0]&(usr2|winch) == usr2|winch,
		"cleanup: two interrupted mask-swapping cleanup steps, then the read: status %#x errno %v results %#x %#x %#x %#x, the read saw %#x; want ran 1 END, ppid, -EINTR, -EINTR, 0, and the second temporary mask (SIGUSR2|SIGWINCH)",
		st, e, res[0], res[1], res[2], res[3], seen[0])
	s.check(time.Since(t0) < 4*time.Second, "cleanup: the ppoll was not interrupted (%v)", time.Since(t0))
	unix.PthreadSigmask(unix.SIG_BLOCK, nil, &now)
	s.check(now.Val[0]&(usr2|winch) == 0, "cleanup: after the chain and the handler the mask is %#x: a temporary mask (SIGUSR2 %#x, SIGWINCH %#x) was restored instead of the caller's", now.Val[0], usr2, winch)
	goruntime.KeepAlive(&tmp2)
	goruntime.KeepAlive(&tmp)
	goruntime.KeepAlive(&ts)
	if len(s.fails) == 0 {
		s.logf("an interrupted ppoll with a temporary mask: in the body the chain pauses before the next step and the mask is back after the handler; in cleanup every step runs and the caller's mask is back after delivery (E)")
	}
}

// withCleanup marks a step as a version-2 cleanup step.
func withCleanup(st step) step {
	st.cleanup = true
	return st
}
