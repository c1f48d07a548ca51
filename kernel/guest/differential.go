//go:build linux && (amd64 || arm64)

package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/syschain/syschain/runtime"
	"github.com/syschain/syschain/runtime/conformance"
	"golang.org/x/sys/unix"
)

// testConformance runs the runtime's conformance suite on the kernel
// backend and on interp in this guest: both must pass, so both agree.
func testConformance(s *section) {
	n := len(conformance.Cases())
	for _, b := range []runtime.Backend{runtime.Kernel{}, runtime.Interp{}} {
		fails := conformance.Run(b)
		for _, f := range fails {
			s.errorf("%s: %s", b.Name(), f)
		}
		s.logf("conformance on %s: %d/%d cases pass", b.Name(), n-len(fails), n)
	}
}

// testDifferential runs chains with real side effects (files, pipes,
// descriptors) on interp and on the kernel from the same starting state
// and compares everything a caller can see: steps run, why, every raw
// result, the error text, the printed result, and the bytes moved.
func testDifferential(s *section) {
	const path = "/tmp/seed.txt"
	const seedText = "0123456789abcdefghij\n"
	buf := make([]byte, 64)
	out := make([]byte, 64)
	var st unix.Stat_t
	var p [2]int32

	// fd is the step whose result is a descriptor the chain opens and
	// closer the step that closes it (-1: none); when the chain stops
	// before closer, the test closes the descriptor, so both backends
	// start with the same descriptors.
	type tc struct {
		name       string
		fd, closer int
		build      func(c *runtime.Chain)
	}
	cases := []tc{
		{"the seed's chain", 0, 3, func(c *runtime.Chain) {
			openStep(c, path, unix.O_RDWR).When(runtime.LT, 0).
				Syscall(unix.SYS_READ, runtime.Ret(0), buf, 15).When(runtime.LT, 0).
				Syscall(unix.SYS_WRITE, runtime.Ret(0), "replace!", 8).When(runtime.LT, 0).
				Syscall(unix.SYS_CLOSE, runtime.Ret(0)).When(runtime.LT, 0)
		}},
		{"open a missing file", 0, 1, func(c *runtime.Chain) {
			c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "/tmp/missing", unix.O_RDONLY, 0).
				Syscall(unix.SYS_CLOSE, runtime.Ret(0))
		}},
		{"cat to a pipe, length from read", 0, 4, func(c *runtime.Chain) {
			c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, path, unix.O_RDONLY, 0).
				Syscall(unix.SYS_READ, runtime.Ret(0), buf, len(buf)).
				Syscall(unix.SYS_PIPE2, &p, unix.O_CLOEXEC).
				Syscall(unix.SYS_WRITE, int(1<<31), buf, runtime.Ret(1)).AllowError().
				Syscall(unix.SYS_CLOSE, runtime.Ret(0))
		}},
		{"fstat and lseek with conditions", 0, 6, func(c *runtime.Chain) {
			c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, path, unix.O_RDONLY, 0).
				Syscall(unix.SYS_FSTAT, runtime.Ret(0), &st).
				Syscall(unix.SYS_LSEEK, runtime.Ret(0), 0, unix.SEEK_END).When(runtime.EQ, len(seedText)).Continue().
				Syscall(unix.SYS_LSEEK, runtime.Ret(0), 5, unix.SEEK_SET).When(runtime.NE, 5).
				Syscall(unix.SYS_READ, runtime.Ret(0), out, 4).When(runtime.EQ, 4).Goto(6).
				Syscall(unix.SYS_GETPID).
				Syscall(unix.SYS_CLOSE, runtime.Ret(0))
		}},
		{"bounded length from a result", 0, 4, func(c *runtime.Chain) {
			small := out[:8]
			c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, path, unix.O_RDONLY, 0).
				Syscall(unix.SYS_LSEEK, runtime.Ret(0), 0, unix.SEEK_END).
				Syscall(unix.SYS_LSEEK, runtime.Ret(0), 0, unix.SEEK_SET).
				Syscall(unix.SYS_READ, runtime.Ret(0), small, runtime.Ret(1)).Bound(2, uint64(len(small))).
				Syscall(unix.SYS_CLOSE, runtime.Ret(0))
		}},
		{"error stops by default, AllowError goes on", -1, -1, func(c *runtime.Chain) {
			c.Syscall(unix.SYS_CLOSE, 999).AllowError().
				Syscall(unix.SYS_DUP, 999).
				Syscall(unix.SYS_GETPID)
		}},
		// Version 2 (issue 11): errno conditions, references to failed
		// steps, cleanup steps. The cleanup closes leave both backends
		// with the same descriptors, or the next case's numbers differ.
		{"v2: cat a directory, cleanup close", -1, -1, func(c *runtime.Chain) {
			c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "/tmp", unix.O_RDONLY, 0).
				Syscall(unix.SYS_READ, runtime.Ret(0), buf, len(buf)).
				Syscall(unix.SYS_WRITE, 1, buf, runtime.Ret(1)).
				Syscall(unix.SYS_CLOSE, runtime.Ret(0)).Cleanup()
		}},
		{"v2: mkdir EEXIST goes on (ContinueOn)", -1, -1, func(c *runtime.Chain) {
			c.Syscall(unix.SYS_MKDIRAT, unix.AT_FDCWD, "/tmp", 0o755).ContinueOn(unix.EEXIST).
				Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, path, unix.O_RDONLY, 0).
				Syscall(unix.SYS_FSTAT, runtime.Ret(1), &st).
				Syscall(unix.SYS_CLOSE, runtime.Ret(1)).Cleanup()
		}},
		{"v2: open-or-create (GotoOn ENOENT)", -1, -1, func(c *runtime.Chain) {
			c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "/tmp/sem-new", unix.O_WRONLY|unix.O_APPEND, 0).GotoOn(2, unix.ENOENT).
				Syscall(unix.SYS_WRITE, runtime.Ret(0), "x\n", 2).When(runtime.GE, 0).Goto(4).
				Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "/tmp/sem-new", unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL, 0o644).
				Syscall(unix.SYS_UNLINKAT, unix.AT_FDCWD, "/tmp/sem-new", 0).
				Syscall(unix.SYS_CLOSE, runtime.Ret(0)).Cleanup().
				Syscall(unix.SYS_CLOSE, runtime.Ret(2)).Cleanup()
		}},
		{"v2: a reference to a failed step stops (RefStop)", -1, -1, func(c *runtime.Chain) {
			c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "/tmp/missing", unix.O_RDONLY, 0).AllowError().
				Syscall(unix.SYS_READ, runtime.Ret(0), buf, len(buf)).
				Syscall(unix.SYS_GETPID).Cleanup()
		}},
		{"v2: RawRefs passes the errno", -1, -1, func(c *runtime.Chain) {
			c.Syscall(unix.SYS_CLOSE, 999).AllowError().
				Syscall(unix.SYS_DUP, runtime.Ret(0)).AllowError().RawRefs().
				Syscall(unix.SYS_GETPID)
		}},
		{"condition on an earlier result", -1, -1, func(c *runtime.Chain) {
			c.Syscall(unix.SYS_GETPID).
				Syscall(unix.SYS_GETPID).When(runtime.EQ, runtime.Ret(0)).Goto(3).
				Syscall(unix.SYS_CLOSE, 999).
				Syscall(unix.SYS_GETPPID)
		}},
	}
	reset := func() {
		os.WriteFile(path, []byte(seedText), 0o644)
		clear(buf)
		clear(out)
		st = unix.Stat_t{}
		p = [2]int32{}
	}
	type outcome struct {
		steps int
		why   runtime.Why
		raw   []int64
		err   string
		text  string
		bytes string
	}
	runOn := func(b runtime.Backend, c *runtime.Chain, t tc) outcome {
		reset()
		r, err := c.RunOn(b)
		o := outcome{err: fmt.Sprint(err)}
		if r != nil {
			o.steps, o.why = r.Steps, r.Why
			for i := 0; i < r.Len(); i++ {
				o.raw = append(o.raw, r.Ret(i))
			}
			o.text = strings.ReplaceAll(r.String(), b.Name(), "<backend>")
		}
		file, _ := os.ReadFile(path)
		// Stat times and the pipe's fd numbers are compared through the
		// results; the buffers and the file must match byte for byte.
		o.bytes = fmt.Sprintf("buf=%q out=%q file=%q size=%d", buf, out, file, st.Size)
		if r != nil && t.fd >= 0 && r.Ran(t.fd) && r.Ret(t.fd) >= 0 && !r.Ran(t.closer) {
			unix.Close(int(r.Ret(t.fd)))
		}
		if p[0] != 0 {
			unix.Close(int(p[0]))
			unix.Close(int(p[1]))
		}
		return o
	}
	for _, c := range cases {
		// One chain for both runs: its strings and buffers have the same
		// addresses, so even the printed results must match.
		var ch runtime.Chain
		c.build(&ch)
		ki := runOn(runtime.Interp{}, &ch, c)
		kk := runOn(runtime.Kernel{}, &ch, c)
		if fmt.Sprint(ki) != fmt.Sprint(kk) {
			s.errorf("%s: interp and kernel differ:\n    interp: %+v\n    kernel: %+v", c.name, ki, kk)
			continue
		}
		s.logf("%-45s agree: %d steps, %s", c.name, ki.steps, ki.why)
	}
	// The seed's chain must have done its job on the kernel too.
	reset()
	var c runtime.Chain
	cases[0].build(&c)
	if _, err := c.RunOn(runtime.Kernel{}); err != nil {
		s.errorf("seed chain on kernel: %v", err)
	}
	file, _ := os.ReadFile(path)
	s.check(bytes.HasPrefix(file, []byte("0123456789abcdereplace!")), "seed chain: file is %q", file)
}
