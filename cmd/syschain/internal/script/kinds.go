package script

import (
	"regexp"
	"strings"

	"github.com/syschain/syschain/runtime"
	"github.com/syschain/syschain/tables"
)

// This file decides how each register slot of a syscall is passed and
// printed (its runtime.Kind), from the table's C signature. The rules are
// those of the generator (gen/ctypes.go, gen/model.go rtKind), so a chain
// typed at the command line prints like the same chain built with the
// generated builders; TestKindsMatchRuntime holds them to the runtime's
// built-in signatures.

var (
	fdName    = regexp.MustCompile(`^(fd|ufd|oldfd|newfd|epfd|fd_in|fd_out|fdin|fdout|pidfd|mqdes|fildes|fd_[a-z]+|[a-z_]*_fd|fd[0-9])$`)
	dirfdName = regexp.MustCompile(`^(dfd|dirfd|olddfd|newdfd|from_dfd|to_dfd|[a-z_]*_dfd|[a-z_]*dirfd)$`)
	addrName  = regexp.MustCompile(`^(addr|start|brk|new_addr|old_addr|addr_hint|tls|newsp|stack|uaddr|uaddr2|[a-z_]*_addr|[a-z_]*_ptr)$`)
	lenName   = regexp.MustCompile(`^(count|n|nbytes|len|length|size|bufsiz|bufsize|buflen|buf_len|[a-z_]*len|[a-z_]*_size)$`)
	// pathName: a non-const char * the kernel only reads (mount's dev_name).
	pathName = regexp.MustCompile(`name|path|^_?type$|^special$|^fstype$`)
)

// bufElems are pointees that make a pointer a byte buffer when a length
// parameter follows it.
var bufElems = map[string]bool{"char": true, "void": true, "unsigned char": true, "u8": true, "__u8": true,
	"struct linux_dirent": true, "struct linux_dirent64": true, "struct old_linux_dirent": true}

var openFlagSyscalls = map[string]bool{"open": true, "openat": true, "creat": true, "open_by_handle_at": true,
	"dup3": true, "pipe2": true, "eventfd2": true, "inotify_init1": true, "signalfd4": true,
	"timerfd_create": true, "epoll_create1": true}

func atFlagSyscall(sys string) bool {
	switch sys {
	case "statx", "execveat", "newfstatat", "fstatat64", "name_to_handle_at", "open_tree", "move_mount":
		return true
	}
	return strings.HasSuffix(sys, "at") || strings.HasSuffix(sys, "at2")
}

// ctype is a C type reduced to what the rules look at.
type ctype struct {
	base   string // without qualifiers, __user and stars: "char", "struct stat"
	const_ bool   // the pointee (or the value) is const
	stars  int
}

func parseCType(s string) ctype {
	var t ctype
	s = strings.ReplaceAll(s, "*", " * ")
	var base []string
	for _, f := range strings.Fields(s) {
		switch f {
		case "*":
			t.stars++
		case "__user", "volatile", "__force", "__restrict", "restrict":
		case "const":
			if t.stars == 0 {
				t.const_ = true
			}
		default:
			if t.stars == 0 {
				base = append(base, f)
			}
		}
	}
	t.base = strings.Join(base, " ")
	if pointerTypedefs[t.base] && t.stars == 0 {
		t.stars = 1
	}
	return t
}

// paramKind is the Kind of C parameter i of sys, passed whole.
func paramKind(sys *tables.Syscall, i int) runtime.Kind {
	p := sys.Params[i]
	t := parseCType(p.Type)
	isLen := func(j int) bool {
		return j < len(sys.Params) && parseCType(sys.Params[j].Type).stars == 0 && lenName.MatchString(sys.Params[j].Name)
	}
	switch {
	case t.stars == 2 && t.base == "char":
		return runtime.KindStrings
	case t.stars == 1 && bufElems[t.base] && isLen(i+1):
		return runtime.KindBuf
	case t.stars == 1 && t.base == "char" && (t.const_ || pathName.MatchString(p.Name)):
		return runtime.KindString
	case t.stars > 0:
		return runtime.KindPtr
	case i > 0 && isLen(i) && paramKind(sys, i-1) == runtime.KindBuf:
		return runtime.KindLen
	case dirfdName.MatchString(p.Name):
		return runtime.KindDirFD
	case fdName.MatchString(p.Name):
		return runtime.KindFD
	case t.base == "umode_t" || p.Name == "mode" && (sys.Name == "open" || sys.Name == "openat" || sys.Name == "creat"):
		return runtime.KindMode
	case (p.Name == "flags" || p.Name == "flag") && openFlagSyscalls[sys.Name]:
		return runtime.KindOpenFlags
	case (p.Name == "flags" || p.Name == "flag" || p.Name == "atflags" || p.Name == "at_flags") && atFlagSyscall(sys.Name):
		return runtime.KindAtFlags
	case addrName.MatchString(p.Name):
		return runtime.KindHex
	case strings.HasPrefix(t.base, "unsigned") || strings.HasPrefix(t.base, "u") || strings.HasPrefix(t.base, "__u") || t.base == "size_t":
		if strings.Contains(p.Name, "flag") || strings.Contains(p.Name, "mask") {
			return runtime.KindHex
		}
		return runtime.KindUint
	}
	return runtime.KindInt
}

// Sig returns the runtime signature of sys: one Param per register slot.
// A Sig registered with the runtime (its built-ins, or generated code's)
// for the same number and slot count wins, so the command prints a call
// exactly as Go code would; otherwise the kinds come from the C signature.
// A syscall without a known signature gets n hex slots (n = the number of
// arguments written).
func Sig(sys *tables.Syscall, n int) *runtime.Sig {
	if rt := runtime.LookupSigName(sys.Name); rt != nil && rt.Nr == uintptr(sys.Nr) && sys.HasSig && len(rt.Params) == len(sys.Slots) {
		return rt
	}
	return classify(sys, n)
}

// classify derives a Sig from the table row alone.
func classify(sys *tables.Syscall, n int) *runtime.Sig {
	sig := &runtime.Sig{Nr: uintptr(sys.Nr), Name: sys.Name}
	if !sys.HasSig {
		for k := range n {
			sig.Params = append(sig.Params, runtime.Param{Name: "arg" + string(rune('0'+k)), Kind: runtime.KindHex})
		}
		return sig
	}
	for k, sl := range sys.Slots {
		p := runtime.Param{Name: sys.SlotName(k)}
		switch sl.Part {
		case tables.Whole:
			p.Kind = paramKind(sys, sl.Param)
		case tables.Lo:
			p.Kind = runtime.KindLo
		case tables.Hi:
			p.Kind = runtime.KindHi
		case tables.Pad:
			p.Kind = runtime.KindPad
		}
		sig.Params = append(sig.Params, p)
	}
	return sig
}
