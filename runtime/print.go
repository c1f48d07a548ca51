package runtime

import (
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// String prints the chain strace style, one step per line, with $N for a
// reference to step N and the step's conditions and options after a '#':
//
//	openat(AT_FDCWD, "/etc/hostname", O_RDONLY, 0) # when < 0 stop
//	read($0, 0xc000012000, 4096)
//
// A chain with a build error prints the steps it has and the error.
func (c *Chain) String() string {
	var b strings.Builder
	for i := range c.steps {
		s := &c.steps[i]
		writeCall(&b, &s.w, &s.m, c.strs, i)
		writeOptions(&b, &s.w)
		b.WriteByte('\n')
	}
	if c.err != nil {
		b.WriteString("# error: " + c.err.Error() + "\n")
	}
	return b.String()
}

// String prints the run strace style, one step per line. A step with
// conditions says what they decided; a step a jump passed over says so:
//
//	openat(AT_FDCWD, "/etc/hostname", O_RDONLY, 0) = 3
//	read($0, 0xc000012000, 4096) = 0 # when == 0 goto 3: true
//	write(1, 0xc000012000, $1) = ? (skipped: step 1 jumped to 3)
//	close($0) = 0
func (r *Result) String() string {
	if r.prog == nil {
		return ""
	}
	var b strings.Builder
	ran := make([]bool, len(r.raw))
	jumpedOver := make([]int, len(r.raw)) // step+1 of the jump that passed over each step; 0 if none
	next := r.replay(func(i int) { ran[i] = true })
	for i := r.prog.nbody; i < len(ran); i++ {
		ran[i] = r.prog.cleanupRan(i, r.raw, r.Why) // cleanup steps: from the results
	}
	for i := range r.prog.steps {
		w := &r.prog.steps[i].w
		if !ran[i] || w.nconds == 0 || w.action != Jump || w.firstTrue(r.raw[i], r.raw) < 0 {
			continue
		}
		for j := i + 1; j < int(w.target) && j < len(jumpedOver); j++ {
			jumpedOver[j] = i + 1
		}
	}
	for i := range r.prog.steps {
		w, m := &r.prog.steps[i].w, &r.prog.steps[i].m
		writeCall(&b, w, m, r.prog.strs, i)
		v := r.raw[i]
		switch {
		case ran[i]:
			b.WriteString(" = ")
			retKind := KindInt
			if m.sig != nil {
				retKind = m.sig.Ret
			}
			writeRet(&b, v, retKind)
			if w.nconds > 0 {
				b.WriteString(" # ")
				writeConds(&b, w)
				if w.firstTrue(v, r.raw) >= 0 {
					b.WriteString(": true")
				} else {
					b.WriteString(": false")
				}
			}
		case r.Why == Bound && i == next:
			b.WriteString(" = ? (not run: an argument exceeds its bound)")
		case jumpedOver[i] > 0:
			j := jumpedOver[i] - 1
			b.WriteString(" = ? (skipped: step " + strconv.Itoa(j) + " jumped to " + strconv.FormatUint(r.prog.steps[j].w.target, 10) + ")")
		default:
			b.WriteString(" = ? (not run)")
		}
		if w.cleanup {
			b.WriteString(" # cleanup")
		}
		b.WriteByte('\n')
	}
	if err := r.Err(); err != nil {
		b.WriteString("# stopped: " + err.Error() + "\n")
	}
	return b.String()
}

// writeRet prints a result: a number (in hex for an address), or -1
// ERRNO (Message).
func writeRet(b *strings.Builder, v uintptr, kind Kind) {
	if !isErrno(v) {
		if kind == KindHex {
			b.WriteString("0x" + strconv.FormatUint(uint64(v), 16))
			return
		}
		b.WriteString(strconv.FormatInt(int64(intptr(v)), 10))
		return
	}
	e := unix.Errno(-v)
	name := unix.ErrnoName(e)
	if name == "" {
		name = "E" + strconv.Itoa(int(e))
	}
	msg := e.Error()
	if msg != "" {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	b.WriteString("-1 " + name + " (" + msg + ")")
}

// writeCall prints step i; strs holds the Go strings of its chain.
func writeCall(b *strings.Builder, w *wstep, m *stepMeta, strs []goStr, i int) {
	b.WriteString(m.name)
	b.WriteByte('(')
	first := true
	for k := 0; k < int(w.nargs); k++ {
		kind := KindInt
		if m.sig != nil && k < len(m.sig.Params) {
			kind = m.sig.Params[k].Kind
		}
		if kind == KindPad || kind == KindHi {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		if w.symmask&(1<<k) != 0 {
			b.WriteString("$" + strconv.FormatUint(w.args[k], 10))
			continue
		}
		var g *goStr
		if m.strMask&(1<<k) != 0 {
			g = lookupStr(strs, i, k)
		}
		writeArg(b, kind, w, m, g, k)
	}
	b.WriteByte(')')
}

// writeArg prints slot k; g is the Go value it was set from, or nil.
func writeArg(b *strings.Builder, kind Kind, w *wstep, m *stepMeta, g *goStr, k int) {
	v := w.args[k]
	signed := int64(intptr(uintptr(v)))
	switch kind {
	case KindString:
		if g != nil && g.list == nil {
			b.WriteString(strconv.Quote(g.s))
			return
		}
		writePtr(b, v)
	case KindStrings:
		if g != nil && g.list != nil {
			b.WriteByte('[')
			for i, s := range g.list {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(strconv.Quote(s))
			}
			b.WriteByte(']')
			return
		}
		writePtr(b, v)
	case KindBuf, KindPtr:
		writePtr(b, v)
	case KindUint, KindLen:
		b.WriteString(strconv.FormatUint(uint64(uintptr(v)), 10))
	case KindHex:
		b.WriteString("0x" + strconv.FormatUint(uint64(uintptr(v)), 16))
	case KindDirFD:
		if signed == unix.AT_FDCWD {
			b.WriteString("AT_FDCWD")
			return
		}
		b.WriteString(strconv.FormatInt(signed, 10))
	case KindOpenFlags:
		b.WriteString(openFlags(uint64(uintptr(v))))
	case KindAtFlags:
		b.WriteString(flagNames(uint64(uintptr(v)), atFlagNames, "0"))
	case KindProt:
		b.WriteString(flagNames(uint64(uintptr(v)), protNames, "PROT_NONE"))
	case KindMapFlags:
		b.WriteString(mapFlags(uint64(uintptr(v))))
	case KindStatxMask:
		b.WriteString(flagNames(uint64(uintptr(v)), statxNames, "0"))
	case KindMode:
		if v == 0 {
			b.WriteString("0")
			return
		}
		b.WriteString("0" + strconv.FormatUint(uint64(uintptr(v)), 8))
	case KindLo:
		// The matching KindHi slot is the next one of that kind.
		hi := uint64(0)
		if m.sig != nil {
			for h := k + 1; h < len(m.sig.Params) && h < int(w.nargs); h++ {
				if m.sig.Params[h].Kind == KindHi {
					hi = w.args[h]
					break
				}
			}
		}
		b.WriteString(strconv.FormatInt(int64(uint64(uint32(v))|hi<<32), 10))
	default: // KindInt, KindFD
		b.WriteString(strconv.FormatInt(signed, 10))
	}
}

func writePtr(b *strings.Builder, v uint64) {
	if v == 0 {
		b.WriteString("NULL")
		return
	}
	b.WriteString("0x" + strconv.FormatUint(v, 16))
}

func writeOptions(b *strings.Builder, w *wstep) {
	var opts []string
	if w.nconds > 0 {
		var c strings.Builder
		writeConds(&c, w)
		opts = append(opts, c.String())
	}
	if w.cleanup {
		opts = append(opts, "cleanup")
	} else if !w.errstop {
		opts = append(opts, "allow-error")
	}
	if w.rawref {
		opts = append(opts, "raw-refs")
	}
	if w.noblock {
		opts = append(opts, "noblock")
	}
	for k := 0; k < int(w.nargs); k++ {
		if w.boundmask&(1<<k) != 0 {
			opts = append(opts, "arg"+strconv.Itoa(k)+" <= "+strconv.FormatUint(w.bounds[k], 10))
		}
	}
	if len(opts) > 0 {
		b.WriteString(" # " + strings.Join(opts, "; "))
	}
}

// writeConds prints a step's conditions and action: "when == -EEXIST ||
// < 0 goto 3". A literal in the errno range with a name prints as -ENAME,
// as strace prints results.
func writeConds(c *strings.Builder, w *wstep) {
	c.WriteString("when ")
	for j := 0; j < int(w.nconds); j++ {
		if j > 0 {
			c.WriteString(" || ")
		}
		c.WriteString(cmpOps[w.cmps[j]] + " ")
		if w.condsym&(1<<j) != 0 {
			c.WriteString("$" + strconv.FormatUint(w.vals[j], 10))
			continue
		}
		v := uintptr(w.vals[j])
		if isErrno(v) {
			if name := unix.ErrnoName(unix.Errno(-v)); name != "" {
				c.WriteString("-" + name)
				continue
			}
		}
		c.WriteString(strconv.FormatInt(int64(intptr(v)), 10))
	}
	switch w.action {
	case Stop:
		c.WriteString(" stop")
	case Continue:
		c.WriteString(" continue")
	case Jump:
		c.WriteString(" goto " + strconv.FormatUint(w.target, 10))
	}
}

type flagName struct {
	v    uint64
	name string
}

// Open flags beyond the access mode, composite ones (O_SYNC, O_TMPFILE)
// first so their bits are not printed twice. Values are this arch's.
var openFlagNames = []flagName{
	{unix.O_TMPFILE, "O_TMPFILE"},
	{unix.O_SYNC, "O_SYNC"},
	{unix.O_CREAT, "O_CREAT"},
	{unix.O_EXCL, "O_EXCL"},
	{unix.O_NOCTTY, "O_NOCTTY"},
	{unix.O_TRUNC, "O_TRUNC"},
	{unix.O_APPEND, "O_APPEND"},
	{unix.O_NONBLOCK, "O_NONBLOCK"},
	{unix.O_DSYNC, "O_DSYNC"},
	{unix.O_DIRECTORY, "O_DIRECTORY"},
	{unix.O_NOFOLLOW, "O_NOFOLLOW"},
	{unix.O_CLOEXEC, "O_CLOEXEC"},
	{unix.O_DIRECT, "O_DIRECT"},
	{unix.O_LARGEFILE, "O_LARGEFILE"},
	{unix.O_NOATIME, "O_NOATIME"},
	{unix.O_PATH, "O_PATH"},
	{unix.O_ASYNC, "O_ASYNC"},
}

var atFlagNames = []flagName{
	{unix.AT_REMOVEDIR, "AT_REMOVEDIR"},
	{unix.AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"},
	{unix.AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW"},
	{unix.AT_EMPTY_PATH, "AT_EMPTY_PATH"},
	{unix.AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT"},
	{unix.AT_EACCESS, "AT_EACCESS"},
}

func openFlags(v uint64) string {
	var acc string
	switch v & unix.O_ACCMODE {
	case unix.O_RDONLY:
		acc = "O_RDONLY"
	case unix.O_WRONLY:
		acc = "O_WRONLY"
	case unix.O_RDWR:
		acc = "O_RDWR"
	default:
		acc = "O_ACCMODE"
	}
	rest := flagNames(v&^unix.O_ACCMODE, openFlagNames, "")
	if rest == "" {
		return acc
	}
	return acc + "|" + rest
}

// flagNames prints v as names ORed together, with any unknown bits in hex.
func flagNames(v uint64, names []flagName, zero string) string {
	if v == 0 {
		return zero
	}
	var parts []string
	for _, f := range names {
		if f.v != 0 && v&f.v == f.v {
			parts = append(parts, f.name)
			v &^= f.v
		}
	}
	if v != 0 {
		parts = append(parts, "0x"+strconv.FormatUint(v, 16))
	}
	return strings.Join(parts, "|")
}

var protNames = []flagName{
	{unix.PROT_READ, "PROT_READ"},
	{unix.PROT_WRITE, "PROT_WRITE"},
	{unix.PROT_EXEC, "PROT_EXEC"},
	{unix.PROT_GROWSDOWN, "PROT_GROWSDOWN"},
	{unix.PROT_GROWSUP, "PROT_GROWSUP"},
}

// MAP_* flags beside the sharing type (the low 4 bits). Values are this
// arch's (mips and others differ).
var mapFlagNames = []flagName{
	{unix.MAP_FIXED, "MAP_FIXED"},
	{unix.MAP_ANONYMOUS, "MAP_ANONYMOUS"},
	{unix.MAP_GROWSDOWN, "MAP_GROWSDOWN"},
	{unix.MAP_DENYWRITE, "MAP_DENYWRITE"},
	{unix.MAP_EXECUTABLE, "MAP_EXECUTABLE"},
	{unix.MAP_LOCKED, "MAP_LOCKED"},
	{unix.MAP_NORESERVE, "MAP_NORESERVE"},
	{unix.MAP_POPULATE, "MAP_POPULATE"},
	{unix.MAP_NONBLOCK, "MAP_NONBLOCK"},
	{unix.MAP_STACK, "MAP_STACK"},
	{unix.MAP_HUGETLB, "MAP_HUGETLB"},
	{unix.MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"},
}

func mapFlags(v uint64) string {
	var typ string
	switch v & unix.MAP_TYPE {
	case unix.MAP_SHARED:
		typ = "MAP_SHARED"
	case unix.MAP_PRIVATE:
		typ = "MAP_PRIVATE"
	case unix.MAP_SHARED_VALIDATE:
		typ = "MAP_SHARED_VALIDATE"
	default:
		typ = "0x" + strconv.FormatUint(v&unix.MAP_TYPE, 16)
	}
	rest := flagNames(v&^unix.MAP_TYPE, mapFlagNames, "")
	if rest == "" {
		return typ
	}
	return typ + "|" + rest
}

// STATX_* mask bits, STATX_BASIC_STATS first so a full request prints as
// one name.
var statxNames = []flagName{
	{unix.STATX_BASIC_STATS, "STATX_BASIC_STATS"},
	{unix.STATX_TYPE, "STATX_TYPE"},
	{unix.STATX_MODE, "STATX_MODE"},
	{unix.STATX_NLINK, "STATX_NLINK"},
	{unix.STATX_UID, "STATX_UID"},
	{unix.STATX_GID, "STATX_GID"},
	{unix.STATX_ATIME, "STATX_ATIME"},
	{unix.STATX_MTIME, "STATX_MTIME"},
	{unix.STATX_CTIME, "STATX_CTIME"},
	{unix.STATX_INO, "STATX_INO"},
	{unix.STATX_SIZE, "STATX_SIZE"},
	{unix.STATX_BLOCKS, "STATX_BLOCKS"},
	{unix.STATX_BTIME, "STATX_BTIME"},
	{unix.STATX_MNT_ID, "STATX_MNT_ID"},
	{unix.STATX_DIOALIGN, "STATX_DIOALIGN"},
}
