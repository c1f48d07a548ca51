//go:build linux && (amd64 || arm64)

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	goruntime "runtime"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// testRaces: what another thread or a signal can do to a running chain.
//
//   - Another thread rewrites the chain's words while it runs: no effect,
//     since the kernel validated and runs its own copy. The chain's first
//     step blocks on a pipe until the rewrite is done, so the rewrite
//     certainly falls inside the run.
//   - A fatal signal while a step blocks: the task dies at once, and the
//     step after the blocked one never runs.
func testRaces(s *section) {
	ppid := uintptr(os.Getppid())
	for _, nsteps := range []int{4, 16, 17, 256} {
		var p [2]int
		if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
			s.errorf("pipe2: %v", err)
			return
		}
		buf := make([]byte, 1)
		steps := []step{{nr: unix.SYS_READ, args: []uintptr{uintptr(p[0]), uintptr(unsafe.Pointer(&buf[0])), 1}}}
		for len(steps) < nsteps {
			steps = append(steps, step{nr: unix.SYS_GETPPID})
		}
		words := enc(steps...)
		res := make([]uintptr, nsteps+1)
		done := make(chan [2]uintptr, 1)
		go func() {
			goruntime.LockOSThread()
			defer goruntime.UnlockOSThread()
			st, e := call(uintptr(len(words)), unsafePtr(words), unsafePtr(res), 0)
			done <- [2]uintptr{st, uintptr(e)}
		}()
		time.Sleep(100 * time.Millisecond) // the chain is blocked in its read
		// Every later step becomes a write of the words themselves to
		// stdout with a malformed bitmap, and the first word garbage.
		for i := 0; i < len(words); i++ {
			words[i] = unix.SYS_WRITE
			if i%3 == 1 {
				words[i] = 7 << 9
			}
		}
		unix.Write(p[1], []byte("x"))
		var r [2]uintptr
		select {
		case r = <-done:
		case <-time.After(20 * time.Second):
			s.errorf("%d steps: the chain did not finish after its read was satisfied", nsteps)
			return
		}
		unix.Close(p[0])
		unix.Close(p[1])
		if r[1] != 0 || ran(r[0]) != nsteps || why(r[0]) != whyEnd {
			s.errorf("%d steps, words rewritten mid-run: status %#x errno %v, want all steps, END", nsteps, r[0], unix.Errno(r[1]))
			continue
		}
		s.check(res[0] == 1, "%d steps: the read step returned %d, want 1", nsteps, res[0])
		for i := 1; i < nsteps; i++ {
			if res[i] != ppid {
				s.errorf("%d steps, words rewritten mid-run: results[%d] = %#x, want ppid %d (the run must use the validated copy)", nsteps, i, res[i], ppid)
				break
			}
		}
		goruntime.KeepAlive(buf)
	}

	// A fatal signal while a step blocks.
	out, err := fatalSignalChild()
	if err != nil {
		s.errorf("fatal signal mid-chain: %v (%s)", err, out)
	}
	if len(s.fails) == 0 {
		s.logf("words rewritten by another thread mid-run (4, 16, 17, 256 steps): no effect; SIGKILL while a step blocked: the task died, the next step never ran")
	}
}

// fatalSignalChild starts a child whose 256-step chain blocks in its
// second step, kills it with SIGKILL, and checks that it died of it and
// that its third step (a write to a pipe) never ran.
func fatalSignalChild() (string, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer pr.Close()
	cmd := selfCmd("races-child")
	stdout, _ := cmd.StdoutPipe()
	cmd.ExtraFiles = []*os.File{pw}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	pw.Close()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "blocking\n" {
		cmd.Process.Kill()
		cmd.Wait()
		return line, fmt.Errorf("the child did not reach its chain")
	}
	time.Sleep(200 * time.Millisecond)
	cmd.Process.Signal(unix.SIGKILL)
	cmd.Wait()
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	got := make([]byte, 8)
	n, _ := pr.Read(got)
	if !ws.Signaled() || ws.Signal() != unix.SIGKILL {
		return line, fmt.Errorf("the child ended with %v, want death by SIGKILL", cmd.ProcessState)
	}
	if n > 0 {
		return line, fmt.Errorf("the step after the blocked one ran: %q", got[:n])
	}
	return line, nil
}

// racesChild: a 256-step chain whose second step blocks forever (a read
// of a pipe nobody writes) and whose third writes to fd 3.
func racesChild() int {
	goruntime.LockOSThread()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		fmt.Println("pipe2:", err)
		return 1
	}
	buf := make([]byte, 8)
	msg := []byte("ran")
	steps := []step{{nr: unix.SYS_GETPPID},
		{nr: unix.SYS_READ, args: []uintptr{uintptr(p[0]), uintptr(unsafe.Pointer(&buf[0])), 1}},
		{nr: unix.SYS_WRITE, args: []uintptr{3, uintptr(unsafe.Pointer(&msg[0])), 3}}}
	for len(steps) < 256 {
		steps = append(steps, longestStep())
		steps[len(steps)-1].target = uintptr(len(steps))
	}
	words := enc(steps...)
	os.Stdout.Write([]byte("blocking\n"))
	st, res, e := run(words, 256)
	fmt.Printf("survived: status %#x errno %v results %v\n", st, e, res[:3])
	goruntime.KeepAlive(bytes.Clone(buf))
	goruntime.KeepAlive(msg)
	return 1
}
