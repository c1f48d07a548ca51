package runtime

import (
	"errors"
	"fmt"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// prepBackends are the backends every Prepared test runs on here: the
// default (kernel where sys_chain exists, else interp), interp, dryrun
// scripted to behave like the real calls the tests check, and uring when
// the machine has it and accepts the chain.
func prepBackends(p *Program) []Backend {
	bs := []Backend{nil, Interp{}}
	if u, err := BackendByName("uring"); err == nil && u.(Acceptor).Accepts(p) {
		bs = append(bs, u)
	}
	return bs
}

func backendName(b Backend) string {
	if b == nil {
		return "default"
	}
	return b.Name()
}

// TestPreparedRuns: a prepared chain gives the results Chain.RunInto
// gives, run after run, and reports step errors through Result.Err.
func TestPreparedRuns(t *testing.T) {
	fd, err := unix.MemfdCreate("prepared", unix.MFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	msg := []byte("prepared!")
	if _, err := unix.Pwrite(fd, msg, 0); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 32)
	read := LookupSigName("read")
	var c Chain
	c.Syscall(unix.SYS_DUP, fd)
	c.Syscall(unix.SYS_LSEEK, Ret(0), 0, unix.SEEK_SET)
	c.Begin(read)
	c.ArgInt(0, int64(Ret(0)))
	c.ArgBuf(1, buf)
	c.ArgLen(2, int64(len(buf)), 1)
	c.Syscall(unix.SYS_CLOSE, Ret(0))
	if err := c.Err(); err != nil {
		t.Fatal(err)
	}
	p, _ := c.Program()
	for _, b := range prepBackends(p) {
		t.Run(backendName(b), func(t *testing.T) {
			pc, err := c.Prepare(b)
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			var r Result
			for i := 0; i < 3; i++ {
				clear(buf)
				if !pc.Run(&r) {
					t.Fatalf("run %d: %v", i, r.Err())
				}
				if r.Err() != nil || r.Steps != 4 || r.Why != End || r.Ret(2) != int64(len(msg)) || string(buf[:r.Ret(2)]) != string(msg) {
					t.Fatalf("run %d: %v, buf %q", i, r.String(), buf)
				}
				if want := pc.Backend().Name(); r.Backend != want {
					t.Errorf("Backend %q, want %q", r.Backend, want)
				}
			}
		})
	}

	// A step error: Run is false, Err is the *StepError RunInto returns.
	var bad Chain
	bad.Syscall(unix.SYS_GETPID).Syscall(unix.SYS_CLOSE, -1).Syscall(unix.SYS_GETPPID)
	var want Result
	wantErr := bad.RunInto(Interp{}, &want)
	pc, err := bad.Prepare(Interp{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	var r Result
	if pc.Run(&r) {
		t.Fatal("a chain with close(-1) ran to its end")
	}
	var se *StepError
	if err := r.Err(); !errors.As(err, &se) || se.Step != 1 || !errors.Is(err, unix.EBADF) || err.Error() != wantErr.Error() {
		t.Errorf("Err() = %v, want %v", err, wantErr)
	}
	if r.String() != want.String() {
		t.Errorf("prepared run printed\n%s\nRunInto printed\n%s", r.String(), want.String())
	}
}

// TestPreparedClose: a run after Close runs nothing and reports ErrClosed;
// a second Close reports ErrClosed too.
func TestPreparedClose(t *testing.T) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	defer unix.Close(p[1])
	msg := []byte("x")
	var c Chain
	c.Syscall(unix.SYS_WRITE, p[1], msg, len(msg))
	pc, err := c.Prepare(nil)
	if err != nil {
		t.Fatal(err)
	}
	var r Result
	if !pc.Run(&r) {
		t.Fatal(r.Err())
	}
	if err := pc.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if pc.Run(&r) {
		t.Fatal("Run after Close ran to its end")
	}
	if !errors.Is(r.Err(), ErrClosed) || r.Steps != 0 || r.Ret(0) != -int64(unix.ECANCELED) {
		t.Errorf("after Close: Err %v, %d steps, ret %d; want ErrClosed, 0, -ECANCELED", r.Err(), r.Steps, r.Ret(0))
	}
	if err := pc.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close: %v, want ErrClosed", err)
	}
	// Exactly one byte went through: the closed run wrote nothing.
	buf := make([]byte, 4)
	if n, _ := unix.Read(p[0], buf); n != 1 {
		t.Errorf("the pipe holds %d bytes, want 1", n)
	}
}

// TestPreparedUnclosed: a Prepared dropped without Close is unpinned when
// collected. Without the cleanup, the runtime's Pinner finalizer panics
// ("found leaking pinned pointer") and the test binary dies.
func TestPreparedUnclosed(t *testing.T) {
	for i := 0; i < 10; i++ {
		var c Chain
		c.Syscall(unix.SYS_GETPPID)
		c.Syscall(unix.SYS_WRITE, -1, make([]byte, 8), 8).AllowError()
		pc, err := c.Prepare(Interp{})
		if err != nil {
			t.Fatal(err)
		}
		var r Result
		pc.Run(&r)
	}
	for i := 0; i < 5; i++ {
		goruntime.GC()
		goruntime.Gosched()
	}
}

// TestPreparedFixed: changing the chain after Prepare does not change
// what the Prepared runs.
func TestPreparedFixed(t *testing.T) {
	var c Chain
	c.Syscall(unix.SYS_GETPPID)
	pc, err := c.Prepare(Interp{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	c.Syscall(unix.SYS_CLOSE, -1)
	var r Result
	if !pc.Run(&r) || r.Len() != 1 || r.Ret(0) != int64(unix.Getppid()) {
		t.Errorf("after changing the chain: %v (%v)", r.String(), r.Err())
	}
}

// TestPreparedRefusals: Prepare reports a build error and a RawProgram's
// validation error; a backend's refusal at run time is the Result's
// error.
func TestPreparedRefusals(t *testing.T) {
	var c Chain
	c.Syscall(unix.SYS_CLOSE, Ret(0))
	if _, err := c.Prepare(nil); !isRule(err, RuleBackRef) {
		t.Errorf("Prepare of a bad chain: %v, want RuleBackRef", err)
	}
	raw := RawProgram([]uintptr{unix.SYS_GETPID, 1 << 30, 0})
	if _, err := raw.Prepare(Interp{}); err == nil || err != raw.Validate() {
		t.Errorf("Prepare of a malformed RawProgram: %v, want %v", err, raw.Validate())
	}
	var g Chain
	g.Syscall(unix.SYS_GETPID)
	pc, err := g.Prepare(failer{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	var r Result
	if pc.Run(&r) || !errors.Is(r.Err(), errFailer) || r.Steps != 0 || r.Ret(0) != -int64(unix.ECANCELED) {
		t.Errorf("refused run: %v, %d steps, ret %d", r.Err(), r.Steps, r.Ret(0))
	}
	// A malformed status word is the Result's error as well.
	pb, _ := g.Prepare(badBackend{1 << 20})
	if pb.Run(&r) || r.Err() == nil || isStepErr(r.Err()) {
		t.Errorf("malformed status: %v", r.Err())
	}
	// The same Result then serves a good run: no error is left over.
	pi, _ := g.Prepare(Interp{})
	if !pi.Run(&r) || r.Err() != nil {
		t.Errorf("a good run after a refused one: %v", r.Err())
	}
}

var errFailer = errors.New("refused for the test")

type failer struct{}

func (failer) Name() string                              { return "failer" }
func (failer) Exec(*Program, []uintptr) (uintptr, error) { return 0, errFailer }
func (failer) Accepts(*Program) bool                     { return true }

// TestPreparedZeroAlloc: runs allocate nothing, also runs that stop on an
// error (the *StepError is built only by Err), on every backend.
func TestPreparedZeroAlloc(t *testing.T) {
	buf := make([]byte, 64)
	var c Chain
	c.Syscall(unix.SYS_GETPPID).NoBlock()
	c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "/proc/self/stat", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	c.Begin(LookupSigName("read"))
	c.ArgInt(0, int64(Ret(1)))
	c.ArgBuf(1, buf)
	c.ArgLen(2, int64(len(buf)), 1)
	c.Syscall(unix.SYS_CLOSE, Ret(1))
	var stop Chain
	stop.Syscall(unix.SYS_GETPPID).Syscall(unix.SYS_CLOSE, -1).Syscall(unix.SYS_GETPID)
	for _, b := range []Backend{nil, Interp{}, &DryRun{}} {
		for _, ch := range []*Chain{&c, &stop} {
			pc, err := ch.Prepare(b)
			if err != nil {
				t.Fatal(err)
			}
			var r Result
			pc.Run(&r)
			if n := testing.AllocsPerRun(100, func() { pc.Run(&r) }); n != 0 {
				t.Errorf("%s, %d steps: %v allocs per run, want 0", backendName(b), ch.Len(), n)
			}
			pc.Close()
		}
	}
}

// TestPreparedConcurrent: one Prepared, many goroutines, each run with
// its own results (run with -race). Each goroutine's thread id and the
// descriptor its dup got must come back in its own Result.
func TestPreparedConcurrent(t *testing.T) {
	fd, err := unix.MemfdCreate("prepared-concurrent", unix.MFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	msg := []byte("0123456789")
	var c Chain
	c.Syscall(unix.SYS_GETTID).NoBlock()
	c.Syscall(unix.SYS_DUP, fd)
	c.Syscall(unix.SYS_PWRITE64, Ret(1), msg, len(msg), 0)
	c.Syscall(unix.SYS_FCNTL, Ret(1), unix.F_GETFD, 0)
	c.Syscall(unix.SYS_CLOSE, Ret(1))
	p, err := c.Program()
	if err != nil {
		t.Fatal(err)
	}
	// dryrun, scripted: every step returns its index.
	dry := &DryRun{Func: func(step int, nr uintptr, a [6]uintptr) int64 { return int64(step) }}
	for _, b := range append(prepBackends(p), dry) {
		t.Run(backendName(b), func(t *testing.T) {
			pc, err := c.Prepare(b)
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			_, isDry := pc.Backend().(*DryRun)
			var wg sync.WaitGroup
			errs := make(chan error, 16)
			for g := 0; g < 16; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					goruntime.LockOSThread()
					defer goruntime.UnlockOSThread()
					tid := int64(unix.Gettid())
					var r Result
					for i := 0; i < 200; i++ {
						if !pc.Run(&r) {
							errs <- fmt.Errorf("run %d: %v", i, r.Err())
							return
						}
						ok := r.Steps == 5 && r.Ret(0) == tid && r.Ret(1) >= 0 && r.Ret(2) == 10 && r.Ret(3) == 0
						if isDry {
							ok = r.Steps == 5 && r.Ret(0) == 0 && r.Ret(4) == 4
						}
						if !ok {
							errs <- fmt.Errorf("goroutine on thread %d, run %d:\n%v", tid, i, r.String())
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}

// TestPreparedCloseWhileRunning: Close racing runs is a misuse that must
// not fault: every run either completes or reports ErrClosed (run with
// -race: the closed flag is the only state they share).
func TestPreparedCloseWhileRunning(t *testing.T) {
	buf := make([]byte, 16)
	var c Chain
	c.Syscall(unix.SYS_GETPPID)
	c.Syscall(unix.SYS_GETRANDOM, buf, len(buf), 0)
	pc, err := c.Prepare(nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	start := make(chan struct{})
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var r Result
			<-start
			for {
				if !pc.Run(&r) {
					if !errors.Is(r.Err(), ErrClosed) {
						errs <- r.Err()
					}
					return
				}
			}
		}()
	}
	close(start)
	for i := 0; i < 100; i++ {
		goruntime.Gosched()
	}
	pc.Close()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	goruntime.KeepAlive(unsafe.Pointer(&buf[0]))
}

// TestPreparedResultReuse: one Result alternating between prepared chains
// of one Program on two backends, RunInto and a refused run always
// reports the run it last held.
func TestPreparedResultReuse(t *testing.T) {
	var c Chain
	c.Syscall(unix.SYS_GETPPID)
	pi, _ := c.Prepare(Interp{})
	pd, _ := c.Prepare(&DryRun{Results: []int64{7}})
	pf, _ := c.Prepare(failer{})
	var r Result
	for i := 0; i < 3; i++ {
		if !pi.Run(&r) || r.Backend != "interp" || r.Ret(0) != int64(unix.Getppid()) {
			t.Fatalf("interp: %s %v", r.Backend, r.String())
		}
		if !pd.Run(&r) || r.Backend != "dryrun" || r.Ret(0) != 7 {
			t.Fatalf("dryrun: %s %v", r.Backend, r.String())
		}
		if pf.Run(&r) || !errors.Is(r.Err(), errFailer) {
			t.Fatalf("failer: %v", r.Err())
		}
		if !pd.Run(&r) {
			t.Fatal(r.Err())
		}
		var two Chain
		two.Syscall(unix.SYS_GETPID).Syscall(unix.SYS_CLOSE, -1)
		if err := two.RunInto(Interp{}, &r); !errors.Is(err, unix.EBADF) || r.Len() != 2 {
			t.Fatalf("RunInto: %v %v", err, r.String())
		}
		if !pd.Run(&r) || r.Backend != "dryrun" || r.Err() != nil || r.Len() != 1 || r.Ret(0) != 7 {
			t.Fatalf("dryrun after RunInto: %s %v", r.Backend, r.String())
		}
	}
}

// flaky refuses its first run and runs the others (every step "returns" 0).
type flaky struct{ runs atomic.Int32 }

func (*flaky) Name() string { return "flaky" }
func (f *flaky) Exec(p *Program, res []uintptr) (uintptr, error) {
	if f.runs.Add(1) == 1 {
		return 0, errFailer
	}
	clear(res)
	return uintptr(p.Len()), nil
}

// TestPreparedAfterRefusal: a refused run leaves no error behind for the
// next run of the same prepared chain into the same Result.
func TestPreparedAfterRefusal(t *testing.T) {
	var c Chain
	c.Syscall(unix.SYS_GETPPID)
	pc, _ := c.Prepare(&flaky{})
	var r Result
	if pc.Run(&r) || !errors.Is(r.Err(), errFailer) {
		t.Fatalf("first run: %v", r.Err())
	}
	if !pc.Run(&r) || r.Err() != nil || r.Steps != 1 {
		t.Fatalf("second run: %v, %d steps", r.Err(), r.Steps)
	}
}
