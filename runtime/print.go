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

// String prints the run strace style, one step per line:
//
//	openat(AT_FDCWD, "/etc/hostname", O_RDONLY, 0) = 3
//	read($0, 0xc000012000, 4096) = 9
//	write(1, 0xc000012000, $1) = -1 EBADF (Bad file descriptor)
//	close($0) = ? (not run)
func (r *Result) String() string {
	if r.prog == nil {
		return ""
	}
	var b strings.Builder
	ran := make([]bool, len(r.raw))
	next := r.replay(func(i int) { ran[i] = true })
	for i := range r.prog.steps {
		writeCall(&b, &r.prog.steps[i].w, &r.prog.steps[i].m, r.prog.strs, i)
		v := r.raw[i]
		switch {
		case ran[i]:
			b.WriteString(" = ")
			writeRet(&b, v)
		case r.Why == Bound && i == next:
			b.WriteString(" = ? (not run: an argument exceeds its bound)")
		default:
			b.WriteString(" = ? (not run)")
		}
		b.WriteByte('\n')
	}
	if err := r.Err(); err != nil {
		b.WriteString("# stopped: " + err.Error() + "\n")
	}
	return b.String()
}

// writeRet prints a result: a number, or -1 ERRNO (Message).
func writeRet(b *strings.Builder, v uintptr) {
	if !isErrno(v) {
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
		c.WriteString("when ")
		for j := 0; j < int(w.nconds); j++ {
			if j > 0 {
				c.WriteString(" || ")
			}
			c.WriteString(cmpOps[w.cmps[j]] + " ")
			if w.condsym&(1<<j) != 0 {
				c.WriteString("$" + strconv.FormatUint(w.vals[j], 10))
			} else {
				c.WriteString(strconv.FormatInt(int64(intptr(uintptr(w.vals[j]))), 10))
			}
		}
		switch w.action {
		case Stop:
			c.WriteString(" stop")
		case Continue:
			c.WriteString(" continue")
		case Jump:
			c.WriteString(" goto " + strconv.FormatUint(w.target, 10))
		}
		opts = append(opts, c.String())
	}
	if !w.errstop {
		opts = append(opts, "allow-error")
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
