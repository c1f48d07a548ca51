package runtime

import (
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// Sig describes one syscall for the builder and the printer. Generated code
// declares them as package-level variables, so building a step allocates
// little.
type Sig struct {
	Nr     uintptr
	Name   string  // e.g. "pread64"
	Params []Param // one per register slot, in slot order (at most 6)
	Ret    Kind    // how a successful result prints: KindInt (the zero value), or KindHex for an address (mmap)
}

// Param is one register slot of a Sig.
type Param struct {
	Name string
	Kind Kind
}

// Kind says how a slot is printed (and, for buffers and lengths, checked).
type Kind uint8

const (
	KindInt       Kind = iota // signed decimal
	KindUint                  // unsigned decimal
	KindHex                   // hexadecimal
	KindFD                    // a file descriptor, signed decimal
	KindDirFD                 // a directory fd: AT_FDCWD by name
	KindString                // const char *: printed quoted
	KindStrings               // char *const[]: printed as a list
	KindBuf                   // a buffer pointer: printed as an address
	KindLen                   // a buffer length: unsigned decimal
	KindPtr                   // any other pointer: address or NULL
	KindOpenFlags             // O_* flags by name
	KindMode                  // a file mode in octal
	KindPad                   // an alignment slot: not printed
	KindLo                    // the low half of a 64-bit value (32-bit arches; preadv's pos_l)
	KindHi                    // the high half: printed with its KindLo slot
	KindAtFlags               // AT_* flags by name
	KindProt                  // mmap/mprotect PROT_* flags by name
	KindMapFlags              // mmap MAP_* flags by name
	KindStatxMask             // statx STATX_* mask by name
	numKind
)

var kindNames = [numKind]string{"int", "uint", "hex", "fd", "dirfd", "string", "strings", "buf", "len", "ptr", "openflags", "mode", "pad", "lo", "hi", "atflags", "prot", "mapflags", "statxmask"}

func (k Kind) String() string {
	if k < numKind {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// The registry maps numbers to Sigs so that raw Syscall steps and decoded
// chains print with names and kinds. Generated code may register its Sigs;
// a few common ones are built in.
var sigs struct {
	sync.RWMutex
	byNr   map[uintptr]*Sig
	byName map[string]*Sig
}

// RegisterSigs makes sigs known to the printer (and to LookupSig) for this
// arch. A later registration of the same number replaces an earlier one.
func RegisterSigs(ss ...*Sig) {
	sigs.Lock()
	defer sigs.Unlock()
	if sigs.byNr == nil {
		sigs.byNr = make(map[uintptr]*Sig)
		sigs.byName = make(map[string]*Sig)
	}
	for _, s := range ss {
		if s == nil {
			continue
		}
		sigs.byNr[s.Nr] = s
		sigs.byName[s.Name] = s
	}
}

// LookupSig returns the registered Sig for nr, or nil.
func LookupSig(nr uintptr) *Sig {
	sigs.RLock()
	defer sigs.RUnlock()
	return sigs.byNr[nr]
}

// LookupSigName returns the registered Sig named name, or nil.
func LookupSigName(name string) *Sig {
	sigs.RLock()
	defer sigs.RUnlock()
	return sigs.byName[name]
}

// sysName is the printed name of syscall nr: the registered name, else
// strace's form for an unknown number.
func sysName(nr uintptr) string {
	if s := LookupSig(nr); s != nil {
		return s.Name
	}
	return "syscall_" + strconv.FormatUint(uint64(nr), 10)
}

func p(name string, k Kind) Param { return Param{name, k} }

// Built-in Sigs for syscalls every Linux arch has with one register per
// parameter, so the conformance suite, tests and the CLI print well
// without the generated package.
var builtinSigs = []*Sig{
	{Nr: unix.SYS_READ, Name: "read", Params: []Param{p("fd", KindFD), p("buf", KindBuf), p("count", KindLen)}},
	{Nr: unix.SYS_WRITE, Name: "write", Params: []Param{p("fd", KindFD), p("buf", KindBuf), p("count", KindLen)}},
	{Nr: unix.SYS_OPENAT, Name: "openat", Params: []Param{p("dfd", KindDirFD), p("filename", KindString), p("flags", KindOpenFlags), p("mode", KindMode)}},
	{Nr: unix.SYS_CLOSE, Name: "close", Params: []Param{p("fd", KindFD)}},
	{Nr: unix.SYS_LSEEK, Name: "lseek", Params: []Param{p("fd", KindFD), p("offset", KindInt), p("whence", KindInt)}},
	{Nr: unix.SYS_GETPID, Name: "getpid"},
	{Nr: unix.SYS_GETPPID, Name: "getppid"},
	{Nr: unix.SYS_GETTID, Name: "gettid"},
	{Nr: unix.SYS_DUP, Name: "dup", Params: []Param{p("fildes", KindFD)}},
	{Nr: unix.SYS_DUP3, Name: "dup3", Params: []Param{p("oldfd", KindFD), p("newfd", KindFD), p("flags", KindOpenFlags)}},
	{Nr: unix.SYS_PIPE2, Name: "pipe2", Params: []Param{p("fildes", KindPtr), p("flags", KindOpenFlags)}},
	{Nr: unix.SYS_MEMFD_CREATE, Name: "memfd_create", Params: []Param{p("uname", KindString), p("flags", KindHex)}},
	{Nr: unix.SYS_FCNTL, Name: "fcntl", Params: []Param{p("fd", KindFD), p("cmd", KindInt), p("arg", KindHex)}},
	{Nr: unix.SYS_MKDIRAT, Name: "mkdirat", Params: []Param{p("dfd", KindDirFD), p("pathname", KindString), p("mode", KindMode)}},
	{Nr: unix.SYS_UNLINKAT, Name: "unlinkat", Params: []Param{p("dfd", KindDirFD), p("pathname", KindString), p("flag", KindAtFlags)}},
	{Nr: unix.SYS_FACCESSAT, Name: "faccessat", Params: []Param{p("dfd", KindDirFD), p("filename", KindString), p("mode", KindMode)}},
	{Nr: unix.SYS_GETUID, Name: "getuid"},
	{Nr: unix.SYS_UMASK, Name: "umask", Params: []Param{p("mask", KindMode)}},
}

func init() { RegisterSigs(builtinSigs...) }
