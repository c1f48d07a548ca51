package script

import (
	"fmt"
	"maps"
	"strings"

	"github.com/syschain/syschain/tables"
)

// Program is a script checked against one arch's syscall table: every
// name resolved, every argument count right, every reference backward.
type Program struct {
	Script  *Script
	Arch    *tables.Arch
	Calls   []*Call   // one per step
	Buffers []*Buffer // in order of declaration
}

// Call is one checked step.
type Call struct {
	Step  *Step
	Sys   *tables.Syscall
	Args  []Value // one per C parameter (per written argument when the signature is unknown)
	Conds []CondValue
	// Target is the resolved jump target of ActGoto: a step index, or
	// len(Calls) for "goto end".
	Target int
}

// CondValue is a checked condition.
type CondValue struct {
	Op    Op
	Value Value
}

// ValKind says what a Value holds.
type ValKind uint8

const (
	ValInt ValKind = iota // an integer (literal, constant or flags)
	ValRef                // $N
	ValStr                // a string
	ValBuf                // a named buffer
)

// Value is a checked argument or condition value.
type Value struct {
	Pos  Pos
	Kind ValKind
	Int  int64   // ValInt
	Step int     // ValRef
	Str  string  // ValStr
	Buf  *Buffer // ValBuf
}

// Buffer is a named buffer of the script.
type Buffer struct {
	Name  string
	Size  int
	Pos   Pos // of its declaration
	Index int // in Program.Buffers
}

// Check resolves a parsed script against arch's table.
func Check(s *Script, arch *tables.Arch) (*Program, error) {
	c := &checker{s: s, arch: arch, bufs: map[string]*Buffer{}}
	prog := &Program{Script: s, Arch: arch}
	for i, st := range s.Steps {
		call, err := c.step(i, st)
		if err != nil {
			return nil, err
		}
		prog.Calls = append(prog.Calls, call)
	}
	prog.Buffers = c.order
	return prog, nil
}

type checker struct {
	s     *Script
	arch  *tables.Arch
	bufs  map[string]*Buffer
	order []*Buffer
	total int // bytes of all buffers declared so far
}

// MaxBuffers is the most memory all buffers of a script may take together.
const MaxBuffers = 256 << 20

func (c *checker) errorf(pos Pos, format string, args ...any) *Error {
	return errorAt(c.s.name, c.s.src, pos, format, args...)
}

func (c *checker) step(i int, st *Step) (*Call, error) {
	sys, ok := c.arch.Lookup(st.Name)
	if st.Name == "syscall" && (!ok || !sys.Implemented()) {
		return c.rawStep(i, st)
	}
	if !ok || !sys.Implemented() {
		msg := fmt.Sprintf("unknown syscall %q on linux/%s", st.Name, c.arch.GoArch)
		if ok {
			msg = fmt.Sprintf("syscall %q (number %d) is not implemented on linux/%s", st.Name, sys.Nr, c.arch.GoArch)
		}
		if m := suggest(st.Name, c.syscallNames); m != "" && m != st.Name {
			msg += fmt.Sprintf(" (did you mean %s?)", m)
		}
		return nil, c.errorf(st.Pos, "%s", msg)
	}
	return c.finish(i, st, sys, st.Args)
}

// rawStep checks the escape hatch syscall(NR, ARG...): a syscall by
// number, for one the table lacks. A number the table knows is checked
// like a call by name.
func (c *checker) rawStep(i int, st *Step) (*Call, error) {
	if len(st.Args) == 0 {
		return nil, c.errorf(st.Rparen, "syscall needs the syscall number first, as in syscall(39)")
	}
	nr, err := c.value(i, st.Args[0], false)
	if err != nil {
		return nil, err
	}
	if nr.Kind != ValInt || nr.Int < 0 || nr.Int > 1<<20 {
		return nil, c.errorf(nr.Pos, "syscall's first argument is the syscall number, a non-negative integer")
	}
	if sys, ok := c.arch.ByNr(int(nr.Int)); ok && sys.Implemented() && sys.HasSig {
		return c.finish(i, st, sys, st.Args[1:])
	}
	sys := &tables.Syscall{Nr: int(nr.Int), Name: fmt.Sprintf("syscall_%d", nr.Int), Entry: "?", Source: "command line"}
	if known, ok := c.arch.ByNr(int(nr.Int)); ok && known.Implemented() {
		sys.Name = known.Name
	}
	return c.finish(i, st, sys, st.Args[1:])
}

// finish checks the arguments, conditions and action of step i, a call of
// sys with args.
func (c *checker) finish(i int, st *Step, sys *tables.Syscall, args []Expr) (*Call, error) {
	call := &Call{Step: st, Sys: sys}
	if sys.HasSig && len(args) != len(sys.Params) {
		want := fmt.Sprintf("%s takes %d argument%s (%s)", sys.Name, len(sys.Params), plural(len(sys.Params)), sys.Signature())
		if len(args) < len(sys.Params) {
			return nil, c.errorf(st.Rparen, "%s, got %d: missing %s", want, len(args), sys.Params[len(args)].Name)
		}
		return nil, c.errorf(args[len(sys.Params)].Start(), "%s, got %d", want, len(args))
	}
	if !sys.HasSig && len(args) > 6 {
		return nil, c.errorf(args[6].Start(), "a syscall takes at most 6 arguments, got %d", len(args))
	}
	for k, a := range args {
		v, err := c.value(i, a, true)
		if err != nil {
			return nil, err
		}
		if sys.HasSig && (v.Kind == ValStr || v.Kind == ValBuf) && !IsPointer(sys.Params[k].Type) {
			what := "a string"
			if v.Kind == ValBuf {
				what = "buffer " + v.Buf.Name
			}
			return nil, c.errorf(v.Pos, "%s's parameter %s is %q, not a pointer: %s cannot go there", sys.Name, sys.Params[k].Name, sys.Params[k].Type, what)
		}
		call.Args = append(call.Args, v)
	}
	for _, cd := range st.Conds {
		v, err := c.value(i, cd.Value, false)
		if err != nil {
			return nil, err
		}
		call.Conds = append(call.Conds, CondValue{Op: cd.Op, Value: v})
	}
	if st.Action == ActGoto {
		n := len(c.s.Steps)
		call.Target = st.Target
		if st.Target < 0 {
			call.Target = n
		}
		if call.Target <= i || call.Target > n {
			if i+1 >= n {
				return nil, c.errorf(st.ActionPos, "goto %d from the last step (%d): it can only jump to end", st.Target, i)
			}
			return nil, c.errorf(st.ActionPos, "goto %d from step %d: a jump goes forward, to a step from %d to %d or to end", st.Target, i, i+1, n-1)
		}
	}
	return call, nil
}

// value checks one argument (arg) or condition value of step i.
func (c *checker) value(i int, e Expr, arg bool) (Value, error) {
	switch e := e.(type) {
	case *Int:
		return Value{Pos: e.Pos, Kind: ValInt, Int: e.Val}, nil
	case *Ref:
		if e.Step >= i {
			return Value{}, c.errorf(e.Pos, "$%d refers to a step that is not before this one (step %d): use the result of step 0 to %d", e.Step, i, i-1)
		}
		return Value{Pos: e.Pos, Kind: ValRef, Step: e.Step}, nil
	case *Str:
		return Value{Pos: e.Pos, Kind: ValStr, Str: e.Val}, nil
	case *Buf:
		if prev, ok := c.bufs[e.Name]; ok {
			return Value{}, c.errorf(e.Pos, "buffer %s is already declared at %d:%d: refer to it by name alone", e.Name, prev.Pos.Line, prev.Pos.Col)
		}
		if _, ok := Const(e.Name); ok {
			return Value{}, c.errorf(e.Pos, "%s is a constant: give the buffer another name", e.Name)
		}
		if c.total+e.Size > MaxBuffers {
			return Value{}, c.errorf(e.Pos, "buffer %s brings the buffers' total to %d bytes, over the limit of %d", e.Name, c.total+e.Size, MaxBuffers)
		}
		c.total += e.Size
		b := &Buffer{Name: e.Name, Size: e.Size, Pos: e.Pos, Index: len(c.order)}
		c.bufs[e.Name] = b
		c.order = append(c.order, b)
		return Value{Pos: e.Pos, Kind: ValBuf, Buf: b}, nil
	case *Name:
		if b, ok := c.bufs[e.Name]; ok {
			switch {
			case e.Neg:
				return Value{}, c.errorf(e.Pos, "-%s: a buffer cannot be negated", e.Name)
			case !arg:
				return Value{}, c.errorf(e.Pos, "a condition compares the result with a number, a constant or $N, not buffer %s", e.Name)
			}
			return Value{Pos: e.Pos, Kind: ValBuf, Buf: b}, nil
		}
		v, ok := Const(e.Name)
		if !ok {
			return Value{}, c.unknownName(e)
		}
		if e.Neg {
			v = -v
		}
		return Value{Pos: e.Pos, Kind: ValInt, Int: v}, nil
	case *Or:
		var v int64
		for _, t := range e.Terms {
			tv, err := c.value(i, t, false)
			if err != nil {
				return Value{}, err
			}
			v |= tv.Int
		}
		return Value{Pos: e.Start(), Kind: ValInt, Int: v}, nil
	}
	return Value{}, c.errorf(e.Start(), "unexpected value")
}

func (c *checker) unknownName(e *Name) error {
	msg := fmt.Sprintf("unknown name %s: not a constant, and no buffer of that name is declared before", e.Name)
	if m := suggest(e.Name, c.names); m != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", m)
	} else if strings.ToLower(e.Name) == e.Name {
		msg += fmt.Sprintf("; declare a buffer with %s[SIZE] at its first use", e.Name)
	}
	return c.errorf(e.Pos, "%s", msg)
}

// syscallNames yields the implemented syscalls' names, for suggestions.
func (c *checker) syscallNames(yield func(string) bool) {
	for i := range c.arch.Syscalls {
		if s := &c.arch.Syscalls[i]; s.Implemented() && !yield(s.Name) {
			return
		}
	}
}

// names yields the constants' and the declared buffers' names.
func (c *checker) names(yield func(string) bool) {
	for n := range maps.Keys(unixConsts) {
		if !yield(n) {
			return
		}
	}
	for n := range maps.Keys(extraConsts) {
		if !yield(n) {
			return
		}
	}
	for n := range maps.Keys(c.bufs) {
		if !yield(n) {
			return
		}
	}
}

// IsPointer reports whether a C parameter type is a pointer.
func IsPointer(ctype string) bool {
	return strings.Contains(ctype, "*") || pointerTypedefs[strings.TrimSpace(ctype)]
}

// pointerTypedefs are kernel typedefs of pointer types used in syscall
// signatures.
var pointerTypedefs = map[string]bool{"cap_user_header_t": true, "cap_user_data_t": true}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
