package runtime

import (
	"sync"

	"golang.org/x/sys/unix"
)

// denied is one entry of the deny list (docs/wire-format.md, "Validation"):
// the syscalls that never return to the chain, end the task, start a task
// returning to user space with the chain's registers, or read or rewrite
// the caller's saved registers. Calls that swap the signal mask (ppoll,
// pselect6, epoll_pwait, rt_sigsuspend, pause, ...) are allowed: the chain
// stops whenever a signal is pending between two steps, so what such a
// step leaves for signal delivery (a temporary mask to restore) is acted
// on before any later step.
type denied struct {
	nr   uintptr
	name string
}

// denyList holds the syscalls every Linux arch has; the build-tagged
// deny_*.go files add the ones only some arches have, by their unix.SYS_*
// numbers, so each arch refuses exactly its own numbers.
var denyList = []denied{
	{unix.SYS_CLONE, "clone"},
	{unix.SYS_CLONE3, "clone3"},
	{unix.SYS_EXECVE, "execve"},
	{unix.SYS_EXECVEAT, "execveat"},
	{unix.SYS_EXIT, "exit"},
	{unix.SYS_EXIT_GROUP, "exit_group"},
	{unix.SYS_REBOOT, "reboot"}, // in a child pid namespace it ends the caller
	{unix.SYS_RT_SIGRETURN, "rt_sigreturn"},
	{unix.SYS_RESTART_SYSCALL, "restart_syscall"},
}

// DenyNames is the deny list by name, the union over every arch: the
// table names of the syscalls a chain never runs. Each arch refuses the
// numbers of those it has (denyList and the build-tagged deny_*.go files);
// the generator gives none of them a builder method, so a chain that
// would be refused does not compile.
var DenyNames = []string{
	"clone", "clone3", "execve", "execveat", "exit", "exit_group", "reboot",
	"rt_sigreturn", "restart_syscall", "fork", "sigreturn", "vfork",
	"sys_chain",
}

// denySet is the deny list as a bit set over syscall numbers, built on
// first use (the arch files add to denyList from init functions), so
// validating a step is one bit test. Numbers above the largest denied one
// are never denied.
var denySet = sync.OnceValue(func() []uint64 {
	var maxNr uintptr
	for _, d := range denyList {
		maxNr = max(maxNr, d.nr)
	}
	set := make([]uint64, maxNr/64+1)
	for _, d := range denyList {
		set[d.nr/64] |= 1 << (d.nr % 64)
	}
	return set
})

// isDenied returns the deny-list name of nr on this arch, or "". Only
// the low 32 bits count, as for the kernel (docs/wire-format.md: a step's
// number is canonicalised like the direct entry's, which takes it as an
// int), so (1<<32)|execve is denied as execve: a direct syscall, which
// interp makes, would run execve with that number.
func isDenied(nr uint64) string {
	nr = uint64(uint32(nr))
	set := denySet()
	if nr/64 >= uint64(len(set)) || set[nr/64]&(1<<(nr%64)) == 0 {
		return ""
	}
	for _, d := range denyList {
		if uint64(d.nr) == nr {
			return d.name
		}
	}
	return ""
}

// DeniedSyscalls returns the deny list of this arch: number → name.
func DeniedSyscalls() map[uintptr]string {
	m := make(map[uintptr]string, len(denyList))
	for _, d := range denyList {
		m[d.nr] = d.name
	}
	return m
}
