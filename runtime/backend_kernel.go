package runtime

import "errors"

// ErrTraced is wrapped by the kernel backend's error when sys_chain
// refused a chain because the task's syscalls are traced (ptrace
// PTRACE_SYSCALL or PTRACE_SYSEMU, e.g. strace; or a tracer that set
// PTRACE_O_TRACESECCOMP, e.g. strace --seccomp-bpf) or audited: those
// hooks see each syscall's entry and exit, and a chain's steps have none
// of their own. The kernel says so with its own errno, EOPNOTSUPP
// (docs/wire-format.md, "Entry point").
//
// Run and RunInto with a nil backend treat this refusal as "run it the
// ordinary way": when the default backend is the kernel and it refuses
// for this reason, the chain runs on interp, whose steps are ordinary
// syscalls the tracer sees one by one. A program that uses chains so
// keeps working under strace. An explicitly chosen Kernel{} still
// returns the error. The resume of a chain a signal stopped falls back
// the same way (a tracer may attach while it is stopped).
var ErrTraced = errors.New("syschain: sys_chain refuses chains while the task's syscalls are traced (ptrace PTRACE_SYSCALL/PTRACE_SYSEMU, e.g. strace) or audited, since the tracer would see the chain but not its steps; run it with the default backend (it falls back to interp then) or without the tracer")

// ErrResultsNotWritten is wrapped by the error of a run whose steps ran but
// whose results the executor could not write back (status bit 20: the
// results array became unwritable during the run, say a step unmapped
// it). The Result's Steps and Why are valid; its results are not.
var ErrResultsNotWritten = errors.New("syschain: the chain ran, but its results could not be written back (the results array became unwritable during the run)")

// statusResultsNotWritten is status bit 20 (docs/wire-format.md).
const statusResultsNotWritten = 1 << 20
