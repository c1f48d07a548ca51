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
// 0x8A7C_0000 | i. Any integer, fd or address parameter recognises it
// (IsRet), including after conversion to int64 or uintptr, and turns it into
// a symbolic argument. A reference to the same or a later step is a build
// error. A literal that happens to carry the tag is read as a reference:
// on 64-bit arches no meaningful argument does; on 32-bit arches pass such
// a literal through a pointer or split parameter instead.
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
// (SysChain on amd64) and returning its status word, or its negative errno
// as a unix.Errno. Package runtime/conformance checks any backend against
// the spec.
//
// # Concurrency
//
// A built chain, and a Prepared chain, may be run from many goroutines at
// once, each run with its own Result. Building (any method that changes
// the chain) must not overlap with running it.
package runtime
