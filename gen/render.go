package gen

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/syschain/syschain/runtime"
)

const (
	runtimePath = "github.com/syschain/syschain/runtime"
	unixPath    = "golang.org/x/sys/unix"
)

// GenVersion is the generated-code version this generator writes; the
// runtime accepts versions MinGenVersion..GenVersion (runtime.EnforceGenVersion).
const GenVersion = 1

// renderCommon emits the arch-independent file: the Chain type and the
// condition methods re-declared to return the typed *Chain.
func renderCommon(pkg, header string) ([]byte, error) {
	f := newFile(pkg, header, "linux")
	rt := func(n string) *jen.Statement { return jen.Qual(runtimePath, n) }

	// type Chain struct{ runtime.Chain }
	f.Comment("Chain is a syscall chain with one typed method per syscall. Each method")
	f.Comment("adds a step and returns the chain, so steps read in order:")
	f.Comment("")
	f.Comment("\tc := New()")
	f.Comment("\tc.Openat(unix.AT_FDCWD, \"/etc/hostname\", unix.O_RDONLY, 0).")
	f.Comment("\t\tRead(runtime.Ret(0), buf, len(buf)).")
	f.Comment("\t\tClose(runtime.Ret(0))")
	f.Comment("\tres, err := c.Run()")
	f.Comment("")
	f.Comment("Integer, fd and address parameters are int (int64 for 64-bit values) and")
	f.Comment("take runtime.Ret(i), step i's result. The embedded runtime.Chain runs,")
	f.Comment("prints and re-runs the chain; the zero value is an empty chain.")
	f.Type().Id("Chain").Struct(rt("Chain"))

	// func New() *Chain { return new(Chain) }
	f.Comment("New returns an empty chain.")
	f.Func().Id("New").Params().Op("*").Id("Chain").Block(jen.Return(jen.New(jen.Id("Chain"))))

	type wrap struct {
		name, doc string
		params    []jen.Code
		args      []jen.Code
	}
	wraps := []wrap{
		{"When", "When adds a condition on the last step's result: cmp against v (a literal or runtime.Ret(j)).",
			[]jen.Code{jen.Id("cmp").Add(rt("Cmp")), jen.Id("v").Int()}, []jen.Code{jen.Id("cmp"), jen.Id("v")}},
		{"Continue", "Continue makes a true condition of the last step go on with the chain (the default is to stop).", nil, nil},
		{"Goto", "Goto makes a true condition of the last step jump forward to step.",
			[]jen.Code{jen.Id("step").Int()}, []jen.Code{jen.Id("step")}},
		{"AllowError", "AllowError lets the chain go on after the last step returns an error.", nil, nil},
		{"NoBlock", "NoBlock marks the last step as never blocking, so it may run as a raw syscall.", nil, nil},
	}
	wraps = append(wraps, moreWraps(func(name, doc string, params, args []jen.Code) wrap {
		return wrap{name, doc, params, args}
	})...)
	for _, w := range wraps {
		// func (c *Chain) When(cmp runtime.Cmp, v int) *Chain { c.Chain.When(cmp, v); return c }
		f.Comment(w.doc)
		f.Func().Params(jen.Id("c").Op("*").Id("Chain")).Id(w.name).Params(w.params...).Op("*").Id("Chain").Block(
			jen.Id("c").Dot("Chain").Dot(w.name).Call(w.args...),
			jen.Return(jen.Id("c")),
		)
	}
	// func (c *Chain) Syscall(nr uintptr, args ...any) *Chain
	f.Comment("Syscall adds a raw step for anything the typed methods do not cover. args are")
	f.Comment("ints (or runtime.Ret(i)), uintptrs, strings, []byte or unsafe.Pointer values.")
	f.Func().Params(jen.Id("c").Op("*").Id("Chain")).Id("Syscall").Params(jen.Id("nr").Uintptr(), jen.Id("args").Op("...").Any()).Op("*").Id("Chain").Block(
		jen.Id("c").Dot("Chain").Dot("Syscall").Call(jen.Id("nr"), jen.Id("args").Op("...")),
		jen.Return(jen.Id("c")),
	)

	// func (c *Chain) argPages(pgSlot, lenSlot int, off int64) { ... }
	f.Comment("argPages sets mmap2's page-offset slot to off/4096 (the portable Mmap on")
	f.Comment("32-bit arches). A Ret cannot be divided before the chain runs: it is a build")
	f.Comment("error, as it is in Mmap on every arch. An offset that is not a multiple of")
	f.Comment("4096 has no page number; mmap fails such a call with EINVAL on 64-bit")
	f.Comment("arches, and a zero length makes mmap2 fail the same way.")
	f.Func().Params(jen.Id("c").Op("*").Id("Chain")).Id("argPages").Params(jen.List(jen.Id("pgSlot"), jen.Id("lenSlot")).Int(), jen.Id("off").Int64()).Block(
		jen.If(jen.Op("!").Id("c").Dot("Chain").Dot("RequireLiteral").Call(jen.Id("pgSlot"), jen.Id("off"), jen.Lit(mmapOffWhy))).Block(
			jen.Return(),
		),
		jen.If(jen.Id("off").Op("%").Lit(4096).Op("!=").Lit(0)).Block(
			jen.Id("c").Dot("Chain").Dot("ArgInt").Call(jen.Id("lenSlot"), jen.Lit(0)),
			jen.Return(),
		),
		jen.Id("c").Dot("Chain").Dot("ArgInt").Call(jen.Id("pgSlot"), jen.Id("off").Op("/").Lit(4096)),
	)

	// func (c *Chain) mmapBlock(slot int, args ...int64) { ... }
	f.Comment("mmapBlock stores the arguments of an mmap that reads them from memory (s390x's")
	f.Comment("old_mmap) in a block the chain keeps alive, and points the slot at it. A Ret")
	f.Comment("cannot be stored before the chain runs: it is a build error.")
	f.Func().Params(jen.Id("c").Op("*").Id("Chain")).Id("mmapBlock").Params(jen.Id("slot").Int(), jen.Id("args").Op("...").Int64()).Block(
		jen.Id("block").Op(":=").New(jen.Index(jen.Lit(6)).Uint64()),
		jen.For(jen.List(jen.Id("i"), jen.Id("v")).Op(":=").Range().Id("args")).Block(
			jen.If(jen.Op("!").Id("c").Dot("Chain").Dot("RequireLiteral").Call(jen.Id("slot"), jen.Id("v"), jen.Lit("s390x's mmap reads its arguments from memory, filled when the chain is built"))).Block(
				jen.Return(),
			),
			jen.Id("block").Index(jen.Id("i")).Op("=").Uint64().Call(jen.Id("v")),
		),
		jen.Id("c").Dot("Chain").Dot("ArgPtr").Call(jen.Id("slot"), jen.Qual("unsafe", "Pointer").Call(jen.Id("block")), jen.Qual("unsafe", "Sizeof").Call(jen.Op("*").Id("block"))),
	)
	return render(f)
}

// mmapOffWhy is the build error's reason for a Ret as Mmap's offset.
const mmapOffWhy = "Mmap's offset is converted to pages on 32-bit arches, so it must be known when the chain is built (on every arch)"

// moreWraps returns typed wrappers for the other chaining methods of
// runtime.Chain (those returning *runtime.Chain), read from the type
// itself like reservedMethods: a chaining method the runtime adds (AfterStep,
// Bound, ...) keeps typed chaining the moment it exists, after make
// generate. Begin and Syscall are left out: generated methods call Begin
// on the embedded chain, and Syscall is written above with its own doc.
func moreWraps[W any](mk func(name, doc string, params, args []jen.Code) W) []W {
	done := map[string]bool{"Begin": true, "Syscall": true, "When": true, "Continue": true, "Goto": true, "AllowError": true, "NoBlock": true}
	typ := reflect.TypeOf(&runtime.Chain{})
	self := typ
	var out []W
	for i := 0; i < typ.NumMethod(); i++ {
		m := typ.Method(i)
		ft := m.Type
		if done[m.Name] || ft.NumOut() != 1 || ft.Out(0) != self {
			continue
		}
		var params, args []jen.Code
		ok := true
		for k := 1; k < ft.NumIn(); k++ {
			name := fmt.Sprintf("a%d", k)
			if ns := wrapParamNames[m.Name]; k-1 < len(ns) {
				name = ns[k-1]
			}
			t := ft.In(k)
			variadic := ft.IsVariadic() && k == ft.NumIn()-1
			if variadic {
				t = t.Elem()
			}
			code, good := goTypeOf(t)
			if !good {
				ok = false
				break
			}
			if variadic {
				params = append(params, jen.Id(name).Op("...").Add(code))
				args = append(args, jen.Id(name).Op("..."))
			} else {
				params = append(params, jen.Id(name).Add(code))
				args = append(args, jen.Id(name))
			}
		}
		if !ok {
			continue
		}
		out = append(out, mk(m.Name, fmt.Sprintf("%s is runtime.Chain's %s, returning the typed chain.", m.Name, m.Name), params, args))
	}
	return out
}

// wrapParamNames are readable parameter names for the wrapped methods
// (reflection has none); others get a1, a2, ...
var wrapParamNames = map[string][]string{
	"AfterStep":  {"f"},
	"Bound":      {"arg", "limit"},
	"ContinueOn": {"errs"},
	"GotoOn":     {"step", "errs"},
}

// goTypeOf writes a parameter type of a runtime.Chain method: a basic
// type, a type of package runtime or unix, a func() or a slice of those.
func goTypeOf(t reflect.Type) (*jen.Statement, bool) {
	switch {
	case t.Kind() == reflect.Slice:
		e, ok := goTypeOf(t.Elem())
		return jen.Index().Add(e), ok
	case t.Kind() == reflect.Func && t.NumIn() == 0 && t.NumOut() == 0:
		return jen.Func().Params(), true
	case t.PkgPath() == runtimePath:
		return jen.Qual(runtimePath, t.Name()), true
	case t.PkgPath() == unixPath:
		return jen.Qual(unixPath, t.Name()), true
	case t.PkgPath() == "syscall" && t.Name() == "Errno":
		return jen.Qual(unixPath, "Errno"), true // unix.Errno is an alias of syscall.Errno
	case t.PkgPath() == "" && t.Name() != "":
		return jen.Id(t.Name()), true
	}
	return nil, false
}

// renderArch emits one GOARCH's methods.
func renderArch(pkg, header string, a *Arch, sel *Selection) ([]byte, error) {
	calls := sel.Calls
	f := newFile(pkg, header, "linux && "+a.GoArch)
	rt := func(n string) *jen.Statement { return jen.Qual(runtimePath, n) }

	// const _ = runtime.EnforceGenVersion(runtime.GenVersion - 1)
	// const _ = runtime.EnforceGenVersion(1 - runtime.MinGenVersion)
	f.Comment("These constants stop compiling (\"constant -1 overflows ...EnforceGenVersion\") when")
	f.Comment("this file and the runtime package disagree on the generated-code version:")
	f.Comment("regenerate the file (make generate, or go generate in your package).")
	f.Const().Defs(
		jen.Id("_").Op("=").Add(rt("EnforceGenVersion")).Call(rt("GenVersion").Op("-").Lit(GenVersion)),
		jen.Id("_").Op("=").Add(rt("EnforceGenVersion")).Call(jen.Lit(GenVersion).Op("-").Add(rt("MinGenVersion"))),
	)

	// func _() { var x [1]struct{}; _ = x[unix.SYS_READ-63] ... }
	var checks []jen.Code
	for _, s := range calls {
		if s.SysConst != "" && !s.synth {
			checks = append(checks, jen.Id("_").Op("=").Id("x").Index(jen.Qual(unixPath, s.SysConst).Op("-").Lit(s.Nr)))
		}
	}
	if len(checks) > 0 {
		f.Comment("A build error here (\"index 1 out of bounds\") means a syscall number below")
		f.Comment("differs from golang.org/x/sys/unix: the tables or x/sys are wrong.")
		f.Func().Id("_").Params().Block(append([]jen.Code{jen.Var().Id("x").Index(jen.Lit(1)).Struct()}, checks...)...)
	}

	// var sigRead = runtime.Sig{Nr: 63, Name: "read", Params: []runtime.Param{{Name: "fd", Kind: runtime.KindFD}, ...}}
	var defs, regs []jen.Code
	for _, s := range calls {
		if !s.HasSig {
			continue
		}
		var ps []jen.Code
		for _, sl := range s.Slots {
			// {Name: "fd", Kind: runtime.KindFD}
			ps = append(ps, jen.Values(jen.Id("Name").Op(":").Lit(sl.Name), jen.Id("Kind").Op(":").Add(rt(sl.RtKind))))
		}
		// runtime.Sig{Nr: 63, Name: "read", Params: []runtime.Param{...}}
		fields := []jen.Code{jen.Id("Nr").Op(":").Lit(s.Nr), jen.Id("Name").Op(":").Lit(s.Name)}
		if len(ps) > 0 {
			fields = append(fields, jen.Id("Params").Op(":").Index().Add(rt("Param")).Values(ps...))
		}
		if addrResults[s.Name] {
			fields = append(fields, jen.Id("Ret").Op(":").Add(rt("KindHex")))
		}
		defs = append(defs, jen.Id(sigVar(s)).Op("=").Add(rt("Sig")).Values(fields...))
		if !s.synth {
			regs = append(regs, jen.Op("&").Id(sigVar(s)))
		}
	}
	if len(defs) > 0 {
		f.Comment("The step signatures: number, name and one printing kind per register slot.")
		f.Var().Defs(defs...)
	}
	if len(regs) > 0 {
		// func init() { runtime.RegisterSigs(&sigRead, ...) }
		f.Comment("Registering the signatures lets raw Syscall steps and decoded chains print by name.")
		f.Func().Id("init").Params().Block(rt("RegisterSigs").Call(regs...))
	}

	for _, s := range calls {
		renderMethod(f, a, s)
	}
	convert := map[string]bool{}
	for _, p := range sel.Portables {
		renderPortable(f, a, p)
		convert[p.Convert] = true
	}
	if convert["stat"] {
		f.Comment(kernelStatSrc)
	}
	if convert["statx"] {
		f.Comment(statxSrc)
	}
	return render(f)
}

// statxSrc converts a statx result to unix.Stat_t, as x/sys/unix does on
// loong64 (fillStatFromStatx there).
const statxSrc = `*/

// statFromStatx converts x into s after every run in which the last step
// succeeded, as x/sys/unix's Fstat does on this arch.
func (c *Chain) statFromStatx(x *unix.Statx_t, s *unix.Stat_t) *Chain {
	c.Chain.AfterStep(func() {
		*s = unix.Stat_t{Dev: unix.Mkdev(x.Dev_major, x.Dev_minor), Ino: x.Ino, Mode: uint32(x.Mode), Nlink: x.Nlink,
			Uid: x.Uid, Gid: x.Gid, Rdev: unix.Mkdev(x.Rdev_major, x.Rdev_minor), Size: int64(x.Size),
			Blksize: int32(x.Blksize), Blocks: int64(x.Blocks),
			Atim: unix.Timespec{Sec: x.Atime.Sec, Nsec: int64(x.Atime.Nsec)},
			Mtim: unix.Timespec{Sec: x.Mtime.Sec, Nsec: int64(x.Mtime.Nsec)},
			Ctim: unix.Timespec{Sec: x.Ctime.Sec, Nsec: int64(x.Ctime.Nsec)}}
	})
	return c
}

/*`

// kernelStatSrc is the kernel's struct stat on mips64 and its conversion
// to unix.Stat_t, as x/sys/unix's stat_t and fillStat_t (unexported there).
const kernelStatSrc = `*/

// kernelStat is the kernel's struct stat on this arch, which x/sys's Stat_t
// is not: its times are 32-bit pairs.
type kernelStat struct {
	Dev        uint32
	Pad0       [3]int32
	Ino        uint64
	Mode       uint32
	Nlink      uint32
	Uid        uint32
	Gid        uint32
	Rdev       uint32
	Pad1       [3]uint32
	Size       int64
	Atime      uint32
	Atime_nsec uint32
	Mtime      uint32
	Mtime_nsec uint32
	Ctime      uint32
	Ctime_nsec uint32
	Blksize    uint32
	Pad2       uint32
	Blocks     int64
}

// statFromKernel converts k into s after every run in which the last step
// succeeded, as x/sys/unix's Fstat does on this arch.
func (c *Chain) statFromKernel(k *kernelStat, s *unix.Stat_t) *Chain {
	c.Chain.AfterStep(func() {
		*s = unix.Stat_t{Dev: k.Dev, Ino: k.Ino, Mode: k.Mode, Nlink: k.Nlink, Uid: k.Uid, Gid: k.Gid, Rdev: k.Rdev, Size: k.Size,
			Atim: unix.Timespec{Sec: int64(k.Atime), Nsec: int64(k.Atime_nsec)},
			Mtim: unix.Timespec{Sec: int64(k.Mtime), Nsec: int64(k.Mtime_nsec)},
			Ctim: unix.Timespec{Sec: int64(k.Ctime), Nsec: int64(k.Ctime_nsec)},
			Blksize: k.Blksize, Blocks: k.Blocks}
	})
	return c
}

/*`

// renderPortable emits an x/sys-named method that adds its step through
// the arch's kernel-named method:
//
//	func (c *Chain) Stat(path string, stat *unix.Stat_t) *Chain {
//		return c.Fstatat64(unix.AT_FDCWD, path, stat, 0)
//	}
func renderPortable(f *jen.File, a *Arch, p *Portable) {
	var sig []string
	var params []jen.Code
	for _, q := range p.Params {
		sig = append(sig, q.name+" "+q.typ)
		params = append(params, jen.Id(q.name).Add(parseGoType(q.typ)))
	}
	var args []jen.Code
	for _, e := range p.Args {
		args = append(args, parseArg(e))
	}
	f.Comment(fmt.Sprintf("%s is golang.org/x/sys/unix's %s(%s) as a step, the same method on every", p.Name, p.Name, strings.Join(sig, ", ")))
	f.Comment(fmt.Sprintf("arch; on linux/%s it calls %s (number %d):", a.GoArch, p.Target.Name, p.Target.Nr))
	f.Comment("")
	f.Comment(fmt.Sprintf("\t%s(%s)", p.Target.Name, strings.Join(p.Args, ", ")))
	switch p.Convert {
	case "stat":
		f.Comment("The kernel fills its own struct stat, converted into stat when the step succeeds.")
		f.Func().Params(jen.Id("c").Op("*").Id("Chain")).Id(p.Name).Params(params...).Op("*").Id("Chain").Block(
			jen.Id("k").Op(":=").New(jen.Id("kernelStat")),
			jen.Return(jen.Id("c").Dot(p.Target.GoName).Call(args...).Dot("statFromKernel").Call(jen.Id("k"), jen.Id("stat"))),
		)
		return
	case "statx":
		f.Comment("statx fills a unix.Statx_t, converted into stat when the step succeeds.")
		f.Func().Params(jen.Id("c").Op("*").Id("Chain")).Id(p.Name).Params(params...).Op("*").Id("Chain").Block(
			jen.Id("k").Op(":=").New(jen.Qual(unixPath, "Statx_t")),
			jen.Return(jen.Id("c").Dot(p.Target.GoName).Call(args...).Dot("statFromStatx").Call(jen.Id("k"), jen.Id("stat"))),
		)
		return
	}
	f.Func().Params(jen.Id("c").Op("*").Id("Chain")).Id(p.Name).Params(params...).Op("*").Id("Chain").Block(
		jen.Return(jen.Id("c").Dot(p.Target.GoName).Call(args...)),
	)
}

// parseGoType turns a portable parameter's type into code, qualifying
// unix.T so the import is kept.
func parseGoType(t string) *jen.Statement {
	switch {
	case strings.HasPrefix(t, "*"):
		return jen.Op("*").Add(parseGoType(t[1:]))
	case strings.HasPrefix(t, "[]"):
		return jen.Index().Add(parseGoType(t[2:]))
	case strings.HasPrefix(t, "unix."):
		return jen.Qual(unixPath, strings.TrimPrefix(t, "unix."))
	}
	return jen.Id(t)
}

// parseArg turns an impl argument into code: a parameter, a literal, nil,
// unix.A|unix.B, len(x), int(x), int(unsafe.Sizeof(*x)).
func parseArg(e string) *jen.Statement {
	switch {
	case strings.Contains(e, "|"):
		var st *jen.Statement
		for i, part := range strings.Split(e, "|") {
			if i == 0 {
				st = parseArg(part)
			} else {
				st = st.Op("|").Add(parseArg(part))
			}
		}
		return st
	case strings.HasPrefix(e, "unix."):
		return jen.Qual(unixPath, strings.TrimPrefix(e, "unix."))
	case e == "int(unsafe.Sizeof(*buf))":
		return jen.Int().Call(jen.Qual("unsafe", "Sizeof").Call(jen.Op("*").Id("buf")))
	case strings.HasPrefix(e, "len(") && strings.HasSuffix(e, ")"):
		return jen.Len(jen.Id(e[4 : len(e)-1]))
	case strings.HasPrefix(e, "int(") && strings.HasSuffix(e, ")"):
		return jen.Int().Call(jen.Id(e[4 : len(e)-1]))
	case e == "unsafe.Pointer(k)":
		return jen.Qual("unsafe", "Pointer").Call(jen.Id("k"))
	case e == `""`:
		return jen.Lit("")
	case e == "nil":
		return jen.Nil()
	case e == "0":
		return jen.Lit(0)
	}
	return jen.Id(e)
}

// sigVar names the package-level Sig of a method.
func sigVar(s *Syscall) string { return "sig" + s.GoName }

func renderMethod(f *jen.File, a *Arch, s *Syscall) {
	if s.Denied {
		return // a Sig for printing, no method: the runtime refuses it
	}
	rt := func(n string) *jen.Statement { return jen.Qual(runtimePath, n) }
	c := func() *jen.Statement { return jen.Id("c").Dot("Chain") }

	f.Comment(fmt.Sprintf("%s adds a step calling %s (number %d on linux/%s):", s.GoName, s.Name, s.Nr, a.GoArch))
	f.Comment("")
	f.Comment("\t" + s.Proto)
	if s.Note != "" {
		f.Comment("")
		f.Comment(s.Note)
	}
	if !s.HasSig {
		// func (c *Chain) Foo(args ...int) *Chain { c.Chain.Syscall(N, anys(args)...); return c }
		f.Comment("")
		f.Comment("The tables know no C signature for it, so it takes raw integer arguments.")
		f.Func().Params(jen.Id("c").Op("*").Id("Chain")).Id(s.GoName).Params(jen.Id("args").Op("...").Int()).Op("*").Id("Chain").Block(
			jen.Id("a").Op(":=").Make(jen.Index().Any(), jen.Len(jen.Id("args"))),
			jen.For(jen.List(jen.Id("i"), jen.Id("v")).Op(":=").Range().Id("args")).Block(jen.Id("a").Index(jen.Id("i")).Op("=").Id("v")),
			c().Dot("Syscall").Call(jen.Lit(s.Nr), jen.Id("a").Op("...")),
			jen.Return(jen.Id("c")),
		)
		return
	}
	var params []jen.Code
	for _, p := range s.Params {
		params = append(params, jen.Id(p.Name).Add(goType(p)))
	}
	body := []jen.Code{c().Dot("Begin").Call(jen.Op("&").Id(sigVar(s)))}
	for k, sl := range s.Slots {
		p := sl.Param
		switch sl.Op {
		case OpPad, OpZero, OpHi:
			continue // left zero, or written with its OpLo
		case OpLo:
			// c.Chain.ArgSplit64(lo, hi, pos)
			body = append(body, c().Dot("ArgSplit64").Call(jen.Lit(k), jen.Lit(sl.Partner), jen.Id(p.Name)))
			continue
		case OpBlock:
			// c.mmapBlock(0, int64(addr), int64(length), ..., off)
			args := []jen.Code{jen.Lit(k)}
			for _, p := range s.Params {
				if p.Kind == kInt64 {
					args = append(args, jen.Id(p.Name))
				} else {
					args = append(args, jen.Int64().Call(jen.Id(p.Name)))
				}
			}
			body = append(body, jen.Id("c").Dot("mmapBlock").Call(args...))
			continue
		case OpPages:
			// c.argPages(5, 1, off)
			lenSlot := -1
			for j, o := range s.Slots {
				if o.Name == "len" {
					lenSlot = j
				}
			}
			body = append(body, jen.Id("c").Dot("argPages").Call(jen.Lit(k), jen.Lit(lenSlot), jen.Id(p.Name)))
			continue
		}
		switch p.Kind {
		case kInt:
			body = append(body, c().Dot("ArgInt").Call(jen.Lit(k), jen.Int64().Call(jen.Id(p.Name))))
		case kInt64:
			if s.GoName == "Mmap" {
				// c.Chain.RequireLiteral(5, off, "..."): as on 32-bit arches.
				body = append(body, c().Dot("RequireLiteral").Call(jen.Lit(k), jen.Id(p.Name), jen.Lit(mmapOffWhy)))
			}
			body = append(body, c().Dot("ArgInt").Call(jen.Lit(k), jen.Id(p.Name)))
		case kLen:
			body = append(body, c().Dot("ArgLen").Call(jen.Lit(k), jen.Int64().Call(jen.Id(p.Name)), jen.Lit(sl.Partner)))
		case kString:
			body = append(body, c().Dot("ArgStr").Call(jen.Lit(k), jen.Id(p.Name)))
		case kStrings:
			body = append(body, c().Dot("ArgStrs").Call(jen.Lit(k), jen.Id(p.Name)))
		case kBuf:
			body = append(body, c().Dot("ArgBuf").Call(jen.Lit(k), jen.Id(p.Name)))
		case kStruct, kIntPtr:
			// c.Chain.ArgPtr(1, unsafe.Pointer(statbuf), unsafe.Sizeof(*statbuf))
			body = append(body, c().Dot("ArgPtr").Call(jen.Lit(k), jen.Qual("unsafe", "Pointer").Call(jen.Id(p.Name)), jen.Qual("unsafe", "Sizeof").Call(jen.Op("*").Id(p.Name))))
		case kSlice:
			// c.Chain.ArgPtr(1, unsafe.Pointer(unsafe.SliceData(vec)), uintptr(len(vec))*unsafe.Sizeof(unix.Iovec{}))
			body = append(body, c().Dot("ArgPtr").Call(jen.Lit(k),
				jen.Qual("unsafe", "Pointer").Call(jen.Qual("unsafe", "SliceData").Call(jen.Id(p.Name))),
				jen.Uintptr().Call(jen.Len(jen.Id(p.Name))).Op("*").Qual("unsafe", "Sizeof").Call(jen.Qual(unixPath, p.Elem).Values())))
		case kCount:
			// c.Chain.ArgInt(2, int64(vlen)); c.Chain.Bound(2, uint64(len(vec)))
			body = append(body, c().Dot("ArgInt").Call(jen.Lit(k), jen.Int64().Call(jen.Id(p.Name))),
				c().Dot("Bound").Call(jen.Lit(k), jen.Uint64().Call(jen.Len(jen.Id(s.Slots[sl.Partner].Param.Name)))))
		case kSize:
			// c.Chain.ArgInt(2, int64(size)); c.Chain.Bound(2, uint64(unsafe.Sizeof(*attr)))
			body = append(body, c().Dot("ArgInt").Call(jen.Lit(k), jen.Int64().Call(jen.Id(p.Name))),
				c().Dot("Bound").Call(jen.Lit(k), jen.Uint64().Call(jen.Qual("unsafe", "Sizeof").Call(jen.Op("*").Id(s.Slots[sl.Partner].Param.Name)))))
		case kRawPtr:
			body = append(body, c().Dot("ArgPtr").Call(jen.Lit(k), jen.Id(p.Name), jen.Lit(0)))
		}
	}
	body = append(body, jen.Return(jen.Id("c")))
	_ = rt
	f.Func().Params(jen.Id("c").Op("*").Id("Chain")).Id(s.GoName).Params(params...).Op("*").Id("Chain").Block(body...)
}

func goType(p *Param) *jen.Statement {
	switch p.Kind {
	case kInt64:
		return jen.Int64()
	case kString:
		return jen.String()
	case kStrings:
		return jen.Index().String()
	case kBuf:
		return jen.Index().Byte()
	case kStruct:
		return jen.Op("*").Add(arr(p)).Qual(unixPath, p.Elem)
	case kSlice:
		return jen.Index().Qual(unixPath, p.Elem)
	case kIntPtr:
		return jen.Op("*").Add(arr(p)).Id(p.Elem)
	case kRawPtr:
		return jen.Qual("unsafe", "Pointer")
	}
	return jen.Int()
}

func arr(p *Param) *jen.Statement {
	if p.Array > 0 {
		return jen.Index(jen.Lit(p.Array))
	}
	return jen.Null()
}

func newFile(pkg, header, build string) *jen.File {
	f := jen.NewFile(pkg)
	f.HeaderComment(header)
	f.HeaderComment("//go:build " + build)
	f.ImportName(runtimePath, "runtime")
	f.ImportName(unixPath, "unix")
	return f
}

func render(f *jen.File) ([]byte, error) {
	var b bytes.Buffer
	if err := f.Render(&b); err != nil {
		// jennifer's error carries the whole unformatted source: keep the first line.
		msg := err.Error()
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		return nil, fmt.Errorf("rendering: %s", msg)
	}
	return b.Bytes(), nil
}
