package gen

import (
	"regexp"
	"strings"
)

// This file is the C→Go type mapping: every decision about what Go type a
// kernel parameter gets is made here, in the order the rules are listed.
//
//	C parameter                                   Go parameter          runtime call
//	--------------------------------------------  --------------------  ------------------
//	pointer to char/void/dirent, then a length     buf []byte, n int     ArgBuf + ArgLen
//	const char * (or char * named like a path)     string                ArgStr
//	const char *const * (argv, envp)               []string              ArgStrs
//	struct T *, then a count (vlen, nfds ...)      []unix.T, n int       ArgPtr + ArgInt + Bound
//	struct T * with a matching x/sys/unix type     *unix.T               ArgPtr (+ Bound on a size after it)
//	  (utimensat's times, pipe's fds: fixed arrays  *[2]unix.T, *[2]int32)
//	int *, u32 *, loff_t *, size_t * ...           *int32, *uint32 ...   ArgPtr
//	  (not next to a count: then it is an array, unsafe.Pointer)
//	any other pointer                              unsafe.Pointer        ArgPtr (size 0)
//	loff_t, u64, s64, long long ... (64-bit)       int64                 ArgInt / ArgSplit64
//	off_t, mmap's off (offsets, register-sized)    int64                 ArgInt
//	X_l + X_h, X_low + X_high pairs                one int64 X           ArgInt / ArgSplit64
//	any other integer (fd, flags, mode, size,     int                   ArgInt
//	  address, pid ...)
//
// Why int for every register-sized integer, signed or not: runtime.Ret(i)
// is an int, and so are untyped constants by default, so `Read(Ret(0), buf,
// len(buf))` and `Openat(unix.AT_FDCWD, p, unix.O_RDONLY, 0)` compile with no
// conversions. Addresses (mmap's addr, brk) are ints for the same reason: a
// later step can pass Ret(i) of an mmap. A C unsigned value that does not fit
// a 32-bit int is passed as its two's-complement int (int(int32(v))); the
// register receives the same bits. 64-bit values get int64 on every arch so
// that one Go signature means the same thing on arm as on amd64.

// goKind is the Go shape of one parameter.
type goKind int

const (
	kInt     goKind = iota // int: register-sized integer (also fds, addresses)
	kInt64                 // int64: a 64-bit value, two slots on 32-bit arches
	kString                // string
	kStrings               // []string
	kBuf                   // []byte, followed by its length parameter
	kLen                   // int: the length of the preceding buffer
	kStruct                // *unix.T (or *[N]unix.T)
	kSlice                 // []unix.T, followed by its element count
	kCount                 // int: the element count of the preceding slice (bounded by its length)
	kSize                  // int: the byte size of the preceding struct (bounded by its size)
	kIntPtr                // *int32, *uint32, *int64, *uint64, *uint
	kRawPtr                // unsafe.Pointer: no better type known
)

// int64Types are the C scalar types that are 64 bits wide on every arch.
var int64Types = set("loff_t", "u64", "__u64", "s64", "__s64", "long long",
	"unsigned long long", "uint64_t", "int64_t", "__kernel_loff_t", "off64_t")

// offTypes are register-sized file offsets. They are int64 in Go too, so
// that lseek(fd, off, whence) and mmap have one signature on every arch; on
// a 32-bit arch a value that does not fit the register is a build error
// from the runtime, not a silent truncation.
var offTypes = set("off_t", "__kernel_off_t", "compat_off_t")

// int64Overrides are register-sized parameters that are offsets but are
// declared unsigned long (x86-64's mmap): int64 for the same reason.
var int64Overrides = map[string]map[string]bool{
	"mmap": {"off": true, "offset": true, "pgoff": false},
	// truncate's length is a long, ftruncate's an off_t: one Go type for
	// both, as x/sys's Truncate and Ftruncate have.
	"truncate": {"length": true},
}

// pointerTypedefs are kernel typedefs that are pointers, with the struct
// they point to.
var pointerTypedefs = map[string]string{
	"cap_user_header_t": "struct __user_cap_header_struct",
	"cap_user_data_t":   "struct __user_cap_data_struct",
}

// intPointees maps a pointed-to C integer type to its Go pointer type.
var intPointees = map[string]string{
	"int": "int32", "s32": "int32", "__s32": "int32", "pid_t": "int32", "key_serial_t": "int32",
	"unsigned int": "uint32", "u32": "uint32", "__u32": "uint32", "uid_t": "uint32", "gid_t": "uint32",
	"old_uid_t": "uint32", "old_gid_t": "uint32", "qid_t": "uint32", "timer_t": "int32",
	"loff_t": "int64", "s64": "int64", "__s64": "int64", "long long": "int64",
	"u64": "uint64", "__u64": "uint64", "unsigned long long": "uint64", "aio_context_t": "uint",
	"size_t": "uint", "unsigned long": "uint", "long": "int",
}

// structRule maps a C struct to an x/sys/unix type. The type is used only
// on arches where its layout is the one the kernel expects for this C type
// (when says which) and x/sys declares it there; elsewhere the parameter
// falls back to unsafe.Pointer. Being conservative matters more than being
// complete: a wrong struct would let the kernel write past a Go value.
type structRule struct {
	unixType string
	when     archCond
}

type archCond int

const (
	anyArch      archCond = iota
	only64                // the C type's layout matches x/sys only on 64-bit arches
	only32                // ... only on 32-bit arches
	only64NoMips          // 64-bit, except mips64 whose x/sys Stat_t is a converted copy
)

var structRules = map[string]structRule{
	"struct stat":                     {"Stat_t", only64NoMips},
	"struct stat64":                   {"Stat_t", only32},
	"struct statx":                    {"Statx_t", anyArch},
	"struct statfs":                   {"Statfs_t", only64},
	"struct statfs64":                 {"Statfs_t", only32},
	"struct __kernel_timespec":        {"Timespec", only64},
	"struct old_timespec32":           {"Timespec", only32},
	"struct timespec":                 {"Timespec", anyArch},
	"struct __kernel_old_timeval":     {"Timeval", anyArch},
	"struct timeval":                  {"Timeval", anyArch},
	"struct __kernel_itimerspec":      {"ItimerSpec", only64},
	"struct old_itimerspec32":         {"ItimerSpec", only32},
	"struct rusage":                   {"Rusage", anyArch},
	"struct new_utsname":              {"Utsname", anyArch},
	"struct sysinfo":                  {"Sysinfo_t", anyArch},
	"struct rlimit64":                 {"Rlimit", anyArch},
	"struct rlimit":                   {"Rlimit", only64},
	"struct epoll_event":              {"EpollEvent", anyArch},
	"struct pollfd":                   {"PollFd", anyArch},
	"struct user_msghdr":              {"Msghdr", anyArch},
	"struct iovec":                    {"Iovec", anyArch},
	"struct mmsghdr":                  {"Mmsghdr", anyArch},
	"struct tms":                      {"Tms", anyArch},
	"struct utimbuf":                  {"Utimbuf", anyArch},
	"struct sched_attr":               {"SchedAttr", anyArch},
	"struct open_how":                 {"OpenHow", anyArch},
	"struct perf_event_attr":          {"PerfEventAttr", anyArch},
	"struct ustat":                    {"Ustat_t", anyArch},
	"struct __kernel_timex":           {"Timex", only64},
	"struct mount_attr":               {"MountAttr", anyArch},
	"struct cachestat":                {"Cachestat_t", anyArch},
	"struct cachestat_range":          {"CachestatRange", anyArch},
	"struct landlock_ruleset_attr":    {"LandlockRulesetAttr", anyArch},
	"struct __user_cap_header_struct": {"CapUserHeader", anyArch},
	"struct __user_cap_data_struct":   {"CapUserData", anyArch},
	"siginfo_t":                       {"Siginfo", anyArch},
	"sigset_t":                        {"Sigset_t", anyArch},
}

// bufElems are the pointees that make a pointer a byte buffer when a length
// follows it.
// A socket address is a byte buffer too: the kernel reads (or writes) at
// most addrlen bytes, so the slice bound keeps it in the Go value.
var bufElems = set("char", "void", "unsigned char", "u8", "__u8", "struct sockaddr",
	"struct linux_dirent", "struct linux_dirent64", "struct old_linux_dirent")

// lenName matches a parameter that is the length of the buffer before it.
var lenName = regexp.MustCompile(`^(count|n|nbytes|len|length|size|bufsiz|bufsize|buflen|buf_len|[a-z_]*len|[a-z_]*_size)$`)

// pathLikeName matches non-const char* parameters the kernel only reads
// (mount's dev_name, dir_name and type, for example).
var pathLikeName = regexp.MustCompile(`name|path|^type$|^_?type$|^special$|^fstype$`)

// fdName matches integer parameters that are file descriptors.
var fdName = regexp.MustCompile(`^(fd|ufd|oldfd|newfd|epfd|fd_in|fd_out|fdin|fdout|pidfd|mqdes|fd_[a-z]+|[a-z_]*_fd|fd[0-9])$`)

// dirfdName matches directory file descriptors (printed AT_FDCWD).
var dirfdName = regexp.MustCompile(`^(dfd|dirfd|olddfd|newdfd|from_dfd|to_dfd|[a-z_]*_dfd|[a-z_]*dirfd)$`)

// addrName matches integer parameters that are addresses (printed in hex).
var addrName = regexp.MustCompile(`^(addr|start|brk|new_addr|old_addr|addr_hint|tls|newsp|stack|uaddr|uaddr2|[a-z_]*_addr|[a-z_]*_ptr)$`)

// cType is a normalised C type: qualifiers and __user gone, stars counted.
type cType struct {
	raw    string
	base   string // pointee (or the type itself), without const: "char", "struct stat"
	const_ bool   // the pointee is const
	stars  int
}

func parseCType(s string) cType {
	t := cType{raw: s}
	s = strings.ReplaceAll(s, "__user", " ")
	s = strings.ReplaceAll(s, "*", " * ")
	var base []string
	for _, f := range strings.Fields(s) {
		switch f {
		case "*":
			t.stars++
		case "const", "volatile", "__force", "__restrict", "restrict":
			if t.stars == 0 && f == "const" {
				t.const_ = true
			}
		default:
			if t.stars == 0 {
				base = append(base, f)
			}
		}
	}
	t.base = strings.Join(base, " ")
	if pt, ok := pointerTypedefs[t.base]; ok && t.stars == 0 {
		t.base, t.stars = pt, 1
	}
	return t
}

// isLen reports whether p can be the length of a buffer before it.
func isLen(p cParam) bool {
	return p.ct.stars == 0 && lenName.MatchString(p.name)
}

// countName matches a parameter that counts the elements of the array
// before it (readv's vlen, poll's nfds, epoll_wait's maxevents).
var countName = regexp.MustCompile(`^(vlen|nfds|maxevents|[a-z]*iovcnt|nsops|nr_events|nr_segs|nr|n|count|nitems)$`)

// sizeName matches a parameter that gives the byte size of the struct
// before it (sched_getattr's size, openat2's usize).
var sizeName = regexp.MustCompile(`^(size|usize|sz|attr_size)$`)

// arrayCountName matches parameters next to an integer pointer that make
// it an array (getgroups' gidsetsize, mbind's maxnode).
var arrayCountName = regexp.MustCompile(`(count|size|len|maxnode|nr|^n$|num)`)

// arrayParams are pointer parameters that point to a fixed-size array.
var arrayParams = map[string]map[string]int{
	"pipe":             {"fildes": 2},
	"pipe2":            {"fildes": 2},
	"socketpair":       {"usockvec": 2},
	"utimes":           {"utimes": 2},
	"futimesat":        {"utimes": 2},
	"utimensat":        {"utimes": 2, "t": 2}, // "t" on 32-bit arches (old_timespec32)
	"utimensat_time64": {"utimes": 2},
}

// rawParams are pointers that look like one value but are arrays whose
// length the kernel takes from elsewhere: kept unsafe.Pointer.
var rawParams = map[string]map[string]bool{
	"move_pages":    {"pages": true, "nodes": true, "status": true},
	"get_mempolicy": {"nmask": true},
	"set_mempolicy": {"nmask": true},
	"mbind":         {"nmask": true},
	"migrate_pages": {"old_nodes": true, "new_nodes": true},
	"io_submit":     {"iocbpp": true},
}

type cParam struct {
	name string
	ct   cType
}

// classify applies the rules above to parameter i of syscall sys, for an
// arch of the given width. It returns the kind, for kStruct, kSlice and
// kIntPtr the Go element type ("Stat_t", "int32"), and for a fixed array
// its length. hasType tells whether x/sys/unix declares a type on this arch.
func classify(sys string, params []cParam, i, bits int, goarch string, hasType func(string) bool) (goKind, string, int) {
	p := params[i]
	ct := p.ct
	var prev, next *cParam
	if i > 0 {
		prev = &params[i-1]
	}
	if i+1 < len(params) {
		next = &params[i+1]
	}
	switch {
	case ct.stars == 0:
		if int64Types[ct.base] || offTypes[ct.base] {
			return kInt64, "", 0
		}
		if prev != nil && prev.ct.stars == 1 {
			switch k, _, _ := classify(sys, params, i-1, bits, goarch, hasType); k {
			case kBuf:
				return kLen, "", 0
			case kSlice:
				return kCount, "", 0
			case kStruct:
				if sizeName.MatchString(p.name) {
					return kSize, "", 0
				}
			}
		}
		return kInt, "", 0
	case ct.stars == 2:
		if ct.base == "char" {
			return kStrings, "", 0
		}
		return kRawPtr, "", 0
	case ct.stars > 2:
		return kRawPtr, "", 0
	}
	// One star.
	if rawParams[sys][p.name] {
		return kRawPtr, "", 0
	}
	// A 64-bit "length" after a char * is a file length, not the buffer's:
	// truncate64(path, length) takes a path.
	// A path is a string even before a length: truncate(path, length)'s
	// length is the file's.
	if ct.base == "char" && strings.Contains(p.name, "path") {
		return kString, "", 0
	}
	if bufElems[ct.base] && next != nil && isLen(*next) && !int64Types[next.ct.base] && !offTypes[next.ct.base] {
		return kBuf, "", 0
	}
	if ct.base == "char" && (ct.const_ || pathLikeName.MatchString(p.name)) {
		return kString, "", 0
	}
	n := arrayParams[sys][p.name]
	// A socket address the kernel writes, with its length in memory after
	// it (accept4, getsockname, recvfrom): x/sys's RawSockaddrAny, and the
	// length a *uint32 (x/sys's _Socklen), as for every such call.
	if ct.base == "struct sockaddr" && next != nil && next.ct.stars == 1 && hasType("RawSockaddrAny") {
		return kStruct, "RawSockaddrAny", 0
	}
	if prev != nil && prev.ct.base == "struct sockaddr" && prev.ct.stars == 1 && intPointees[ct.base] != "" {
		return kIntPtr, "uint32", 0
	}
	// A loff_t * is one file offset the kernel reads and updates (sendfile,
	// splice and copy_file_range's off_in and off_out), never an array.
	if ct.base == "loff_t" || ct.base == "__kernel_loff_t" {
		return kIntPtr, "int64", 0
	}
	if r, ok := structRules[ct.base]; ok && r.applies(bits, goarch) && hasType(r.unixType) {
		if next != nil && next.ct.stars == 0 && countName.MatchString(next.name) {
			return kSlice, r.unixType, 0
		}
		return kStruct, r.unixType, n
	}
	if g, ok := intPointees[ct.base]; ok {
		if n > 0 {
			return kIntPtr, g, n
		}
		// An integer pointer next to a count is an array of unknown
		// length (getgroups, sched_getaffinity): no single-value type.
		if (next != nil && next.ct.stars == 0 && arrayCountName.MatchString(next.name)) ||
			(prev != nil && prev.ct.stars == 0 && arrayCountName.MatchString(prev.name)) {
			return kRawPtr, "", 0
		}
		return kIntPtr, g, 0
	}
	return kRawPtr, "", 0
}

func (r structRule) applies(bits int, goarch string) bool {
	switch r.when {
	case only64:
		return bits == 64
	case only32:
		return bits == 32
	case only64NoMips:
		return bits == 64 && !strings.HasPrefix(goarch, "mips")
	}
	return true
}

func set(ss ...string) map[string]bool {
	m := make(map[string]bool, len(ss))
	for _, s := range ss {
		m[s] = true
	}
	return m
}
