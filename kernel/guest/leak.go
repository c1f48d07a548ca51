//go:build linux && (amd64 || arm64)

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	goruntime "runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The leak test (issue 8 §1). A step may end the thread that runs the
// chain: strict mode entered by an earlier step kills it at the next step
// that is not read/write, and SECCOMP_RET_KILL_THREAD in a thread with
// siblings ends it at once. Either way the kernel must not leave the step
// loop with do_exit(): a chain of more than 48 words holds a kvmalloc()
// buffer (up to about 50 KiB) that only sys_chain's own return frees.
//
// Each trigger runs in a loop in a child process: every iteration is a new
// thread (a goroutine locked to it) that runs one chain and dies in it,
// alternating short (on-stack) and long (kvmalloc'd, about 46 KiB) chains.
// The child checks each iteration: the thread is gone, the step after the
// fatal one never ran (a write to a pipe), and the results were copied out
// before the thread died (the fatal step -ENOSYS, the rest -ECANCELED). The
// parent runs the child once to warm the caches, then again, and the
// kernel's unreclaimable slab (SUnreclaim, where kmalloc and its large
// page allocations are counted) must not grow by more than a fraction of
// what the long chains would leak. The debug kernel's kmemleak scan at the
// end of the run covers the same ground independently.

const (
	leakIters    = 48       // iterations per child run; half of them long chains
	leakMagic    = 0x1ea4c0 // getppid(leakMagic) is the fatal step
	leakLongStep = 23       // words of one padding step of a long chain
)

func testLeak(s *section) {
	for _, trigger := range []string{"strict", "killthread", "killprocess"} {
		// Warm-up: the first run sizes the slab caches and page tables
		// a child needs; only the second run's growth counts.
		// Its failures are the same as the measured run's: not reported.
		leakChild(trigger, 8)
		before, err := slabUnreclaimable()
		if err != nil {
			s.errorf("%v", err)
			return
		}
		// The memory is checked whether or not the child's own checks
		// passed: they are independent evidence.
		out, err := leakChild(trigger, leakIters)
		if err != nil {
			s.errorf("%s child: %v\n%s", trigger, err, out)
		}
		after, _ := slabUnreclaimable()
		// Each long chain's buffer is 46 KiB (a 64 KiB allocation in
		// SLOB, 48 or 64 KiB in SLUB); a quarter of the long chains'
		// total is far above the noise of one child's life.
		long := leakIters / 2
		if trigger == "killprocess" {
			long = leakIters / 8
		}
		limit := int64(long) * 46 << 10 / 4
		grew := after - before
		// Under KASAN freed objects wait in its quarantine (up to 1/32
		// of memory) and still count as SUnreclaim, so the counter
		// cannot judge the debug kernel: its kmemleak scan does.
		s.check(debugKernel || grew < limit, "%s: SUnreclaim+VmallocUsed grew by %d KiB over %d iterations (%d long chains), limit %d KiB: sys_chain leaked its buffer when the step ended the task",
			trigger, grew>>10, leakIters, long, limit>>10)
		s.logf("%s: %d iterations (%d over 48 words); SUnreclaim+VmallocUsed %+d KiB (limit %d KiB); %s", trigger, leakIters, long, grew>>10, limit>>10, strings.TrimSpace(string(out)))
	}
}

// leakChild runs the child that loops over one trigger.
func leakChild(trigger string, iters int) ([]byte, error) {
	out, err := child("leak-child", trigger, strconv.Itoa(iters))
	// Let RCU free the dead threads' task structs before measuring.
	time.Sleep(300 * time.Millisecond)
	return out, err
}

// slabUnreclaimable returns /proc/meminfo's SUnreclaim plus VmallocUsed
// in bytes: kvmalloc() takes its buffer from kmalloc (counted in
// SUnreclaim, large ones too) and falls back to vmalloc.
func slabUnreclaimable() (int64, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var sum int64
	found := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		for _, key := range []string{"SUnreclaim:", "VmallocUsed:"} {
			if v, ok := strings.CutPrefix(sc.Text(), key); ok {
				kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
				if err != nil {
					return 0, err
				}
				sum += kb << 10
				found++
			}
		}
	}
	if found != 2 {
		return 0, fmt.Errorf("/proc/meminfo lacks SUnreclaim or VmallocUsed")
	}
	return sum, nil
}

// leakChain builds the chain of one iteration: getppid, (prctl strict),
// the fatal getppid(leakMagic), a write of "ran" to fd, then for a long
// chain padding steps of leakLongStep words each up to 256 steps. It
// returns the words and the index of the fatal step.
func leakChain(trigger string, long bool, fd int, msg []byte) ([]uintptr, int) {
	steps := []step{{nr: unix.SYS_GETPPID}}
	if trigger == "strict" {
		steps = append(steps, step{nr: unix.SYS_PRCTL, args: []uintptr{unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_STRICT}})
	}
	fatal := len(steps)
	steps = append(steps,
		step{nr: unix.SYS_GETPPID, args: []uintptr{leakMagic}},
		step{nr: unix.SYS_WRITE, args: []uintptr{uintptr(fd), uintptr(unsafe.Pointer(&msg[0])), uintptr(len(msg))}})
	if long {
		pad := step{nr: unix.SYS_GETPPID, args: []uintptr{1, 2, 3, 4, 5, 6}, bounds: map[int]uintptr{}}
		for j := 0; j < 7; j++ {
			pad.conds = append(pad.conds, cond{code: cEQ, val: 0xdead0000 + uintptr(j)})
		}
		for k := 0; k < 6; k++ {
			pad.bounds[k] = ^uintptr(0)
		}
		for len(steps) < 256 {
			steps = append(steps, pad)
		}
	}
	return enc(steps...), fatal
}

// leakChildMain is the child: argv is leak-child <trigger> <iterations>.
func leakChildMain() int {
	if len(os.Args) != 4 && len(os.Args) != 5 {
		fmt.Println("FAIL: usage: leak-child strict|killthread|killprocess N")
		return 2
	}
	trigger := os.Args[2]
	iters, _ := strconv.Atoi(os.Args[3])
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		fmt.Printf("FAIL: pipe2: %v\n", err)
		return 1
	}
	msg := []byte("ran")
	fails := 0
	failf := func(format string, a ...any) {
		fails++
		if fails <= 10 {
			fmt.Printf("FAIL: "+format+"\n", a...)
		}
	}
	switch trigger {
	case "strict", "killthread":
	case "killprocess":
		return leakKillProcess(iters, p[1], msg)
	default:
		failf("unknown trigger %q", trigger)
		return 1
	}
	maxWords := 0
	for it := 0; it < iters; it++ {
		long := it%2 == 1
		words, fatal := leakChain(trigger, long, p[1], msg)
		maxWords = max(maxWords, len(words))
		nsteps := countSteps(trigger, long)
		res := make([]uintptr, nsteps+1)
		for i := range res {
			res[i] = 0xdeadbeef
		}
		tidc := make(chan int, 1)
		back := make(chan string, 1)
		go func() {
			goruntime.LockOSThread() // never unlocked: the thread dies
			if trigger == "killthread" {
				prog := []unix.SockFilter{
					bpf(ldW, 0, 0, 0),
					bpf(jeqK, 0, 3, unix.SYS_GETPPID),
					bpf(ldW, 0, 0, argLo(0)),
					bpf(jeqK, 0, 1, leakMagic),
					bpf(retK, 0, 0, unix.SECCOMP_RET_KILL_THREAD),
					bpf(retK, 0, 0, unix.SECCOMP_RET_ALLOW),
				}
				if _, err := installFilter(prog, 0); err != nil {
					back <- fmt.Sprintf("install filter: %v", err)
					return
				}
			}
			tidc <- unix.Gettid()
			st, e := call(uintptr(len(words)), unsafe.Pointer(&words[0]), unsafe.Pointer(&res[0]), 0)
			back <- fmt.Sprintf("sys_chain returned status %#x errno %v", st, e)
		}()
		var tid int
		select {
		case tid = <-tidc:
		case m := <-back:
			failf("iteration %d: %s", it, m)
			continue
		}
		gone := false
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
			if threadGone(tid) {
				gone = true
				break
			}
			select {
			case m := <-back:
				failf("iteration %d (%s, %d words): the thread survived its fatal step: %s", it, trigger, len(words), m)
				deadline = time.Now()
			case <-time.After(2 * time.Millisecond):
			}
		}
		if !gone {
			failf("iteration %d: thread %d still alive", it, tid)
			continue
		}
		// The results were copied out before the thread exited.
		want := func(i int) uintptr {
			switch {
			case i == 0:
				return uintptr(os.Getppid())
			case i < fatal:
				return 0 // prctl
			case i == fatal:
				return neg(unix.ENOSYS)
			case i < nsteps:
				return neg(unix.ECANCELED)
			}
			return 0xdeadbeef
		}
		for i := range res {
			if res[i] != want(i) {
				failf("iteration %d (%s, %d words): results[%d] = %#x, want %#x (the results must be written before the thread exits)", it, trigger, len(words), i, res[i], want(i))
				break
			}
		}
		goruntime.KeepAlive(res)
	}
	buf := make([]byte, 64)
	if n, _ := unix.Read(p[0], buf); n > 0 {
		failf("the step after the fatal one ran (the pipe holds %q)", buf[:n])
	}
	goruntime.KeepAlive(msg)
	if fails > 0 {
		fmt.Printf("%d failures\n", fails)
		return 1
	}
	fmt.Printf("each thread died at its fatal step with its results written; longest chain %d words", maxWords)
	return 0
}

// threadGone reports whether thread tid of this process has exited: its
// /proc entry is gone, or it is a zombie (the thread group leader, the
// main thread, stays one until the whole process exits; the goroutine may
// have been locked to it).
func threadGone(tid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/self/task/%d/stat", tid))
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && i+2 < len(b) && (b[i+2] == 'Z' || b[i+2] == 'X')
}

// countSteps is the number of steps leakChain builds.
func countSteps(trigger string, long bool) int {
	if long {
		return 256
	}
	if trigger == "strict" {
		return 4
	}
	return 3
}

// leakKillProcess: KILL_PROCESS queues a fatal SIGSYS and the chain stops
// before its next step (no exit from the loop); each iteration is its own
// process, killed. Every eighth iteration is one.
func leakKillProcess(iters, fd int, msg []byte) int {
	if len(os.Args) == 5 { // the process that dies
		goruntime.LockOSThread()
		prog := []unix.SockFilter{
			bpf(ldW, 0, 0, 0),
			bpf(jeqK, 0, 3, unix.SYS_GETPPID),
			bpf(ldW, 0, 0, argLo(0)),
			bpf(jeqK, 0, 1, leakMagic),
			bpf(retK, 0, 0, unix.SECCOMP_RET_KILL_PROCESS),
			bpf(retK, 0, 0, unix.SECCOMP_RET_ALLOW),
		}
		if _, err := installFilter(prog, 0); err != nil {
			fmt.Printf("FAIL: install filter: %v\n", err)
			return 1
		}
		words, _ := leakChain("killprocess", true, 3, msg)
		flags := uintptr(0)
		if os.Args[4] == "die-cleanup" {
			// Version 2, the fatal step last in the body and a cleanup
			// step after it: the cleanup must not run in the dying task
			// (seccomp mode DEAD: a filtered step there would WARN, and
			// the task would exit with SIGKILL, not the queued SIGSYS).
			words = enc(step{nr: unix.SYS_GETPPID, args: []uintptr{leakMagic}},
				step{nr: unix.SYS_WRITE, args: []uintptr{3, uintptr(unsafe.Pointer(&msg[0])), uintptr(len(msg))}, cleanup: true})
			flags = 1 // CHAIN_F_V2
		}
		res := make([]uintptr, 257)
		st, e := call(uintptr(len(words)), unsafe.Pointer(&words[0]), unsafe.Pointer(&res[0]), flags)
		fmt.Printf("FAIL: survived KILL_PROCESS: status %#x errno %v\n", st, e)
		return 1
	}
	n := iters / 8
	for it := 0; it < n+1; it++ {
		how := "die"
		if it == n {
			how = "die-cleanup"
		}
		pr, pw, err := os.Pipe()
		if err != nil {
			fmt.Printf("FAIL: pipe: %v\n", err)
			return 1
		}
		cmd := selfCmd("leak-child", "killprocess", "1", how)
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr, cmd.ExtraFiles = &buf, &buf, []*os.File{pw}
		cmd.Run()
		pw.Close()
		got := make([]byte, 8)
		k, _ := pr.Read(got)
		pr.Close()
		ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if !ws.Signaled() || ws.Signal() != unix.SIGSYS || k != 0 {
			fmt.Printf("FAIL: KILL_PROCESS child (%s): %v, after-step wrote %q (%s)\n", how, cmd.ProcessState, got[:k], bytes.TrimSpace(buf.Bytes()))
			return 1
		}
	}
	fmt.Printf("%d processes died of SIGSYS at the fatal step of a 256-step chain, and one at the last body step of a version-2 chain without running its cleanup step", n)
	return 0
}
