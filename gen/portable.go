package gen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/syschain/syschain/runtime"
)

// This file is the portable layer: methods named and typed like
// golang.org/x/sys/unix's functions, the same on every arch, each mapped to
// the syscall that arch uses, as x/sys maps them (Fstat is fstat64 on
// 32-bit arches, Stat is newfstatat where the arch has no stat, Open is
// openat). A portable method adds one step by calling the arch's
// kernel-named method with the arguments its impl gives.
//
// Where the kernel-named method of the same name already is that mapping
// with the same Go types (Fstat on amd64), it serves as the portable one.
// Where a kernel-named method has the name but another syscall or other
// types (amd64's open takes mode int, 386's fstat the old struct), it is
// renamed Sys<Name> on that arch and the portable method takes the name.
//
// The x/sys signature is followed exactly where a chain can: Pread(fd, p,
// offset) reads len(p) bytes. Kernel-named methods keep their length
// parameters (Read(fd, buf, n) takes a Ret as n); functions whose x/sys
// form returns Go values a chain cannot build (Accept's Sockaddr, Pipe's
// []int) take the arguments x/sys takes and leave the results to the step.

// portableFunc is one x/sys function.
type portableFunc struct {
	name   string
	params []pparam // the x/sys signature's parameters
	impls  []pimpl  // candidates, first match per arch wins
}

// pparam is a parameter: a Go name and a Go type as written in x/sys
// ("int", "string", "*unix.Stat_t", "[]byte", "uint32", "*int64").
type pparam struct{ name, typ string }

// pimpl maps the function to one syscall: the table name and one Go
// expression per parameter of that syscall's kernel-named method. An
// expression that is a parameter name must have that parameter's type in
// the target method; anything else (unix.AT_FDCWD, len(p), int(mode)) is
// checked by the compiler when the generated code builds.
type pimpl struct {
	sys  string
	args []string
}

func pp(s string) []pparam {
	var out []pparam
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, t, _ := strings.Cut(f, " ")
		out = append(out, pparam{n, strings.TrimSpace(t)})
	}
	return out
}

func impl(sys, args string) pimpl {
	var as []string
	for _, a := range strings.Split(args, ",") {
		if a = strings.TrimSpace(a); a != "" {
			as = append(as, a)
		}
	}
	return pimpl{sys, as}
}

// portableFuncs are the x/sys functions the portable layer provides.
var portableFuncs = []portableFunc{
	{"Fstat", pp("fd int, stat *unix.Stat_t"), []pimpl{
		impl("fstat64", "fd, stat"), impl("fstat", "fd, stat")}},
	{"Stat", pp("path string, stat *unix.Stat_t"), []pimpl{
		impl("stat64", "path, stat"), impl("stat", "path, stat"),
		impl("fstatat64", "unix.AT_FDCWD, path, stat, 0"), impl("newfstatat", "unix.AT_FDCWD, path, stat, 0")}},
	{"Lstat", pp("path string, stat *unix.Stat_t"), []pimpl{
		impl("lstat64", "path, stat"), impl("lstat", "path, stat"),
		impl("fstatat64", "unix.AT_FDCWD, path, stat, unix.AT_SYMLINK_NOFOLLOW"), impl("newfstatat", "unix.AT_FDCWD, path, stat, unix.AT_SYMLINK_NOFOLLOW")}},
	{"Fstatat", pp("dirfd int, path string, stat *unix.Stat_t, flags int"), []pimpl{
		impl("fstatat64", "dirfd, path, stat, flags"), impl("newfstatat", "dirfd, path, stat, flags")}},
	{"Statfs", pp("path string, buf *unix.Statfs_t"), []pimpl{
		impl("statfs64", "path, int(unsafe.Sizeof(*buf)), buf"), impl("statfs", "path, buf")}},
	{"Fstatfs", pp("fd int, buf *unix.Statfs_t"), []pimpl{
		impl("fstatfs64", "fd, int(unsafe.Sizeof(*buf)), buf"), impl("fstatfs", "fd, buf")}},
	{"Pread", pp("fd int, p []byte, offset int64"), []pimpl{impl("pread64", "fd, p, len(p), offset")}},
	{"Pwrite", pp("fd int, p []byte, offset int64"), []pimpl{impl("pwrite64", "fd, p, len(p), offset")}},
	{"Open", pp("path string, mode int, perm uint32"), []pimpl{impl("openat", "unix.AT_FDCWD, path, mode, int(perm)")}},
	{"Creat", pp("path string, mode uint32"), []pimpl{impl("openat", "unix.AT_FDCWD, path, unix.O_CREAT|unix.O_WRONLY|unix.O_TRUNC, int(mode)")}},
	{"Mkdir", pp("path string, mode uint32"), []pimpl{impl("mkdirat", "unix.AT_FDCWD, path, int(mode)")}},
	{"Mknod", pp("path string, mode uint32, dev int"), []pimpl{impl("mknodat", "unix.AT_FDCWD, path, int(mode), dev")}},
	{"Rmdir", pp("path string"), []pimpl{impl("unlinkat", "unix.AT_FDCWD, path, unix.AT_REMOVEDIR")}},
	{"Unlink", pp("path string"), []pimpl{impl("unlinkat", "unix.AT_FDCWD, path, 0")}},
	{"Rename", pp("oldpath string, newpath string"), []pimpl{
		impl("renameat", "unix.AT_FDCWD, oldpath, unix.AT_FDCWD, newpath"), impl("renameat2", "unix.AT_FDCWD, oldpath, unix.AT_FDCWD, newpath, 0")}},
	{"Renameat", pp("olddirfd int, oldpath string, newdirfd int, newpath string"), []pimpl{
		impl("renameat", "olddirfd, oldpath, newdirfd, newpath"), impl("renameat2", "olddirfd, oldpath, newdirfd, newpath, 0")}},
	{"Link", pp("oldpath string, newpath string"), []pimpl{impl("linkat", "unix.AT_FDCWD, oldpath, unix.AT_FDCWD, newpath, 0")}},
	{"Symlink", pp("oldpath string, newpath string"), []pimpl{impl("symlinkat", "oldpath, unix.AT_FDCWD, newpath")}},
	{"Readlink", pp("path string, buf []byte"), []pimpl{impl("readlinkat", "unix.AT_FDCWD, path, buf, len(buf)")}},
	{"Chmod", pp("path string, mode uint32"), []pimpl{impl("fchmodat", "unix.AT_FDCWD, path, int(mode)")}},
	{"Access", pp("path string, mode uint32"), []pimpl{impl("faccessat", "unix.AT_FDCWD, path, int(mode)")}},
	{"Chown", pp("path string, uid int, gid int"), []pimpl{impl("fchownat", "unix.AT_FDCWD, path, uid, gid, 0")}},
	{"Lchown", pp("path string, uid int, gid int"), []pimpl{impl("fchownat", "unix.AT_FDCWD, path, uid, gid, unix.AT_SYMLINK_NOFOLLOW")}},
	{"Fchown", pp("fd int, uid int, gid int"), []pimpl{impl("fchown32", "fd, uid, gid"), impl("fchown", "fd, uid, gid")}},
	{"Truncate", pp("path string, length int64"), []pimpl{impl("truncate64", "path, length"), impl("truncate", "path, length")}},
	{"Ftruncate", pp("fd int, length int64"), []pimpl{impl("ftruncate64", "fd, length"), impl("ftruncate", "fd, length")}},
	{"Getdents", pp("fd int, buf []byte"), []pimpl{impl("getdents64", "fd, buf, len(buf)")}},
	{"Dup2", pp("oldfd int, newfd int"), []pimpl{impl("dup2", "oldfd, newfd"), impl("dup3", "oldfd, newfd, 0")}},
	{"Sendfile", pp("outfd int, infd int, offset *int64, count int"), []pimpl{
		impl("sendfile64", "outfd, infd, offset, count"), impl("sendfile", "outfd, infd, offset, count")}},
	{"Accept", pp("fd int"), []pimpl{impl("accept4", "fd, nil, nil, 0")}},
	{"Accept4", pp("fd int, flags int"), []pimpl{impl("accept4", "fd, nil, nil, flags")}},
	{"Eventfd", pp("initval uint, flags int"), []pimpl{impl("eventfd2", "int(initval), flags")}},
	// 386 and arm's getuid and friends are the 16-bit ids; x/sys uses the
	// 32-bit calls there.
	{"Getuid", nil, []pimpl{impl("getuid32", ""), impl("getuid", "")}},
	{"Geteuid", nil, []pimpl{impl("geteuid32", ""), impl("geteuid", "")}},
	{"Getgid", nil, []pimpl{impl("getgid32", ""), impl("getgid", "")}},
	{"Getegid", nil, []pimpl{impl("getegid32", ""), impl("getegid", "")}},
	{"Getrlimit", pp("resource int, rlim *unix.Rlimit"), []pimpl{impl("prlimit64", "0, resource, nil, rlim")}},
	{"Setrlimit", pp("resource int, rlim *unix.Rlimit"), []pimpl{impl("prlimit64", "0, resource, rlim, nil")}},
}

// Portable is one portable method of an arch: the function and the
// syscall it calls there.
type Portable struct {
	Name   string
	Params []pparam
	Target *Syscall
	Args   []string
	Note   string // why the kernel-named method of that name was renamed, if it was
	// Convert: the kernel fills a struct that an AfterStep function
	// converts into the *unix.Stat_t: "stat" (mips64: the kernel's struct
	// stat, which x/sys's Stat_t is not) or "statx" (loong64: statx, as
	// x/sys does there, because kernels before 6.11 and qemu-user have no
	// fstat or newfstatat on loong64).
	Convert string
}

// statConvert says which arches fill Stat_t through a conversion, and from
// what.
var statConvert = map[string]string{"mips64": "stat", "mips64le": "stat", "loong64": "statx"}

// statImpls are the stat family's calls on such an arch, with the kernel
// buffer k in place of the Stat_t.
var statImpls = map[string]map[string]pimpl{
	"stat": {
		"Fstat":   impl("fstat", "fd, unsafe.Pointer(k)"),
		"Stat":    impl("stat", "path, unsafe.Pointer(k)"),
		"Lstat":   impl("lstat", "path, unsafe.Pointer(k)"),
		"Fstatat": impl("newfstatat", "dirfd, path, unsafe.Pointer(k), flags"),
	},
	"statx": {
		"Fstat":   impl("statx", `fd, "", unix.AT_EMPTY_PATH, unix.STATX_BASIC_STATS, k`),
		"Stat":    impl("statx", "unix.AT_FDCWD, path, 0, unix.STATX_BASIC_STATS, k"),
		"Lstat":   impl("statx", "unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_BASIC_STATS, k"),
		"Fstatat": impl("statx", "dirfd, path, flags, unix.STATX_BASIC_STATS, k"),
	},
}

func convertStat(a *Arch, f portableFunc, conv string) *Portable {
	im, ok := statImpls[conv][f.name]
	if !ok {
		return nil
	}
	t, ok := a.byName[im.sys]
	if !ok || !t.HasSig || len(t.Params) != len(im.args) || !argsFit(f.params, im.args, t.Params) {
		return nil
	}
	return &Portable{Name: f.name, Params: f.params, Target: t, Args: im.args, Convert: conv}
}

// denied reports whether the runtime refuses a syscall of this name on
// every arch that has it (runtime.DenyNames): such a syscall gets no
// method, so a chain that would fail at run time does not compile.
func denied(name string) bool { return slices.Contains(runtime.DenyNames, name) }

// addPortable resolves the portable functions for arch a: the first impl
// whose syscall has a method with matching types wins. A kernel-named
// method that has the portable name but is not that same call is renamed.
func addPortable(a *Arch) error {
	byGo := map[string]*Syscall{}
	for _, s := range a.Syscalls {
		byGo[s.GoName] = s
	}
	for _, f := range portableFuncs {
		var p *Portable
		for _, im := range f.impls {
			t, ok := a.byName[im.sys]
			if !ok || !t.HasSig || t.synth || t.Denied || len(t.Params) != len(im.args) || !argsFit(f.params, im.args, t.Params) {
				continue
			}
			p = &Portable{Name: f.name, Params: f.params, Target: t, Args: im.args}
			break
		}
		if conv := statConvert[a.GoArch]; conv != "" {
			if q := convertStat(a, f, conv); q != nil {
				p = q
			}
		}
		if p == nil {
			continue
		}
		if k, ok := byGo[f.name]; ok {
			if k == p.Target && sameTypes(f.params, k.Params) && identity(p.Args, f.params) {
				// The kernel-named method is the portable one: give it
				// x/sys's parameter names, as the wrappers have.
				k.Portable = true
				for i, q := range k.Params {
					q.Name = f.params[i].name
				}
				continue
			}
			renamed := "Sys" + f.name
			if _, dup := byGo[renamed]; dup {
				return fmt.Errorf("linux/%s: cannot rename %s (%s) to %s for the portable %s: the name is taken", a.GoArch, k.GoName, k.Name, renamed, f.name)
			}
			delete(byGo, k.GoName)
			k.GoName = renamed
			k.Note = strings.TrimSpace(k.Note + " On this arch " + f.name + " is the portable method (golang.org/x/sys/unix's signature); this is the kernel's own " + k.Name + ".")
			byGo[renamed] = k
		}
		a.Portables = append(a.Portables, p)
	}
	return nil
}

// argsFit checks the impl's arguments that are parameter names against the
// target method's parameter types.
func argsFit(params []pparam, args []string, target []*Param) bool {
	for i, arg := range args {
		for _, p := range params {
			if p.name == arg && p.typ != target[i].GoType() {
				return false
			}
		}
	}
	return true
}

func sameTypes(params []pparam, ps []*Param) bool {
	if len(params) != len(ps) {
		return false
	}
	for i := range params {
		if params[i].typ != ps[i].GoType() {
			return false
		}
	}
	return true
}

// identity reports whether args pass the parameters through in order.
func identity(args []string, params []pparam) bool {
	if len(args) != len(params) {
		return false
	}
	for i := range args {
		if args[i] != params[i].name {
			return false
		}
	}
	return true
}
