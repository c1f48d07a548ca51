// Package runtime is syschain's chain representation, wire format,
// validation, backends and results.
//
// Who calls it: the typed builders in package generated (and clients' own
// go:generate output) call Begin and the Arg* methods; cmd/syschain builds
// chains from its text syntax with the same Begin and Arg* methods and the
// condition methods;
// programs run chains with Chain.Run, Chain.RunOn or the zero-allocation
// Chain.RunInto, and a chain run many times with Chain.Prepare and
// Prepared.Run, which do the per-chain work (backend choice, pinning)
// once. Backends (interp, dryrun, uring, and the sys_chain kernel
// backend where it is registered) implement Backend.
//
// The wire format every backend executes is specified in docs/wire-format.md
// at the root of the module; Encode and Decode implement it, and the
// interp backend is the reference implementation of its executor loop.
//
// # References to earlier results
//
// Ret(i) returns an int carrying a tag pattern: on 64-bit arches the value
// 0x8A7C5EC4A1E0_0000 | i (a large negative number), on 32-bit arches
// 0x8A7C_5C00 | i. Any integer, fd or address parameter recognises it
// (IsRet), including after conversion to int64, uint32 or uintptr, and
// turns it into a symbolic argument. A reference to the same or a later
// step, or Ret(i) with a negative i or one of MaxSteps and more, is a build
// error that says which. In a 64-bit parameter a 32-bit arch splits over
// two registers, int64(Ret(j)) is step j's result in the low register and
// 0 in the high one, so it means the same on every arch.
//
// Why a literal is never read as a reference: on 64-bit arches the tag
// leaves 2^9 values out of 2^64, all of them negative numbers below
// -8.6e18 that no fd, length, count, pid, flag word or user address is. On
// 32-bit arches the window is 512 values, 0x8A7C5C00-0x8A7C5DFF (as an int,
// about -1.97e9), and
//
//   - no address: the package maps the page holding the window
//     (0x8A7C5000) PROT_NONE at start-up, so no user mapping can be
//     there (if the page was already taken, every Ret fails to build
//     instead);
//   - no fd, pid or process group (fds are >= 0 or AT_FDCWD, pids are
//     within +-4194304), no length of a Go slice (those are >= 0), no
//     errno value (>= -4095);
//   - no x/sys/unix constant of a 32-bit arch (gen/xsys TestNoConstantInRetWindow).
//
// What remains is a hand-made 32-bit word with exactly that bit pattern
// (flags or an ioctl request made up of bits no constant has), or an
// int64 offset of about -1.97e9 on a 32-bit arch; pass such a value in a
// raw Syscall step as unsafe.Pointer, which is never read as a reference.
//
// # Safety
//
// Strings, byte slices, string slices and pointers given as arguments are
// kept reachable by the chain and pinned (runtime.Pinner) for the duration
// of every run: by each run of Chain.Run, RunOn and RunInto, and from
// Chain.Prepare to Prepared.Close for a prepared chain (see Prepared for
// its lifetime rules; a run after Close is an error, ErrClosed). Where a buffer's length is another argument (ArgLen), a
// literal length is checked against the Go slice when the chain is built,
// and a symbolic length is bounded at run time through the wire format's
// bound mask, so the kernel never writes past the slice.
//
// # Backends
//
// A Backend executes a compiled Program: Exec gets the validated steps (and
// their words, Program.Words) and a results slice, and returns the raw
// status word of docs/wire-format.md; shared code (Result, StepError) turns
// status and results into what callers see, so every backend reports alike.
// Interp (one syscall per step) is the reference and the fallback; DryRun
// executes nothing and returns scripted results; Uring runs chains as
// io_uring linked submissions, registered below interp so that Run never
// picks it (it is slower here; see Uring).
//
// Run picks the default backend from a registry: RegisterBackend(b,
// priority) from an init function; the highest-priority backend that is
// available (optional Prober, asked once) and accepts the chain (optional
// Acceptor) wins; interp has priority 0. A kernel backend living in this
// package implements Exec by handing p.Words() and results to sys_chain
// (SysChain on amd64 and arm64) and returning its status word, or its negative errno
// as a unix.Errno. Package runtime/conformance checks any backend against
// the spec.
//
// # Errors, cleanup and references (wire format version 2)
//
// Built chains run as version 2 of the wire format (FlagV2 in the
// sys_chain flags; the words of a seed-only chain do not change). A
// step's conditions see its result before the error stop does, so
//
//	c.Mkdirat(unix.AT_FDCWD, dir, 0o755).ContinueOn(unix.EEXIST)
//	c.Openat(unix.AT_FDCWD, path, unix.O_RDONLY, 0).GotoOn(3, unix.ENOENT)
//
// go on past EEXIST and jump on ENOENT, and stop on any other error.
// Continue or Goto without a condition is a build error (RuleNoCond). A
// step that uses the result of a step that failed or did not run does not
// run: the chain stops with RefStop and the *StepError names the original
// failure (errors.Is(err, unix.EISDIR)); RawRefs opts out. Cleanup marks
// steps that run at every end of the chain, each unless it uses a result
// that failed or did not run; Result.Err stays the body's error.
//
// # Signals
//
// Go's own signals (SIGURG for preemption, SIGPROF for profiling, the
// program's) never show in a chain's results, on any engine:
//
//	engine   signal between steps      step interrupted (SA_RESTART)   step returns EINTR
//	interp   nothing (a step is a      the kernel restarts the step    an ordinary error
//	         syscall of its own)
//	kernel   Pause: Run resumes at     Restart: Run resumes at the     an ordinary error
//	         the next step             step, re-issuing it
//	uring    nothing (EINTR waits      io_uring says EINTR, not a      an ordinary error
//	         are retried)              restart code
//	dryrun   DryRun.Pause simulates    a scripted -512 simulates it    a scripted -4
//
// No step runs twice and none is skipped; cleanup steps run once, at the
// real end. Resumes counts the resumes of the process. A version-1 chain
// (Program.WithFlags(0), or RawProgram) keeps the seed's behaviour: the
// kernel ends it with Intr. docs/wire-format.md ("Version 2") has the
// details.
//
// # Concurrency
//
// A built chain, and a Prepared chain, may be run from many goroutines at
// once, each run with its own Result. Building (any method that changes
// the chain) must not overlap with running it.
package runtime
