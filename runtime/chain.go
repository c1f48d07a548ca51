package runtime

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unsafe"
)

// Limits of the wire format (docs/wire-format.md, "Limits").
const (
	MaxSteps = 256
	MaxWords = MaxSteps * 24 // 6144: 24 words is the largest step, so no valid chain is longer
	maxArgs  = 6
	maxConds = 7
)

// wstep is a step as the wire format sees it. Values are machine words
// held zero-extended in a uint64; a symbolic argument or condition value
// holds the step index. Fields past nargs/nconds are zero, so two wsteps
// compare equal with == exactly when they encode to the same words.
type wstep struct {
	nr        uint64
	nargs     uint8
	nconds    uint8
	symmask   uint8 // bit k: args[k] is a step index
	condsym   uint8 // bit j: vals[j] is a step index
	boundmask uint8 // bit k: args[k] must be <= bounds[k], unsigned
	action    Action
	errstop   bool
	noblock   bool
	rawref    bool   // v2: references pass failed/skipped results as they are (bitmap bit 29)
	cleanup   bool   // v2: a cleanup step (bitmap bit 30; see Cleanup)
	target    uint64 // the jump target when action == Jump
	args      [maxArgs]uint64
	cmps      [maxConds]Cmp
	vals      [maxConds]uint64
	bounds    [maxArgs]uint64
}

// stepMeta is what the builder knows beyond the wire: names and kinds for
// printing, and which slots hold buffers and lengths. Values few steps
// have (Go strings, buffer lengths, explicit bounds) live in lists of the
// Chain instead, so a step stays small: building a chain allocates and
// clears its steps.
type stepMeta struct {
	sig       *Sig // nil when unknown: slots print as integers
	name      string
	lenOf     uint32 // ArgLen links, 4 bits per slot (lenBuf); 0 if the step has none
	bufMask   uint8  // bit k: the slot's Go buffer length is in Chain.lens
	strMask   uint8  // bit k: the slot was set by ArgStr or ArgStrs (see Chain.strs)
	xbmask    uint8  // bit k: the slot's explicit bound (Bound, or decoded) is in Chain.lens
	actionSet bool   // Continue or Goto was called
}

// lenBuf returns the slot whose buffer length slot k holds (ArgLen), or
// -1. Packing the links in one word keeps a step at 216 bytes.
func (m *stepMeta) lenBuf(k int) int { return int(m.lenOf>>(4*k)&0xf) - 1 }

// setLenBuf links length slot k to buffer slot b (-1: no link).
func (m *stepMeta) setLenBuf(k, b int) {
	m.lenOf = m.lenOf&^(0xf<<(4*k)) | uint32(b+1)<<(4*k)
}

// slotLen is the Go length of the buffer or pointed-to value in a slot
// (ArgBuf, ArgPtr) or, with bound set, the slot's explicit bound (Bound,
// Decode). Entries are appended for the last step only, so a chain's list
// is ordered by step, and a later entry for a slot replaces an earlier one.
type slotLen struct {
	step  int32
	slot  uint8
	bound bool
	v     uint64
}

// lookupLen returns the latest value of slot k of step i (a buffer length,
// or with bound an explicit bound); 0 if there is none. Callers check the
// step's bufMask or xbmask first.
func lookupLen(lens []slotLen, i, k int, bound bool) uint64 {
	for j := len(lens) - 1; j >= 0 && int(lens[j].step) >= i; j-- {
		if e := &lens[j]; int(e.step) == i && int(e.slot) == k && e.bound == bound {
			return e.v
		}
	}
	return 0
}

// goStr is the Go string or string list an ArgStr or ArgStrs slot was set
// from, for printing.
type goStr struct {
	step int32
	slot int32
	s    string   // ArgStr: the chain's NUL-terminated copy, without the NUL
	list []string // ArgStrs: a copy of the list
}

// lookupStr returns the Go value slot k of step i was last set from; nil
// if there is none. Callers check stepMeta.strMask first: only a slot whose
// bit is set has a current entry.
func lookupStr(strs []goStr, i, k int) *goStr {
	for j := len(strs) - 1; j >= 0; j-- {
		if g := &strs[j]; int(g.step) == i && int(g.slot) == k {
			return g
		}
	}
	return nil
}

type step struct {
	w wstep
	m stepMeta
}

// applyBounds recomputes the bound mask and bounds of step i: the explicit
// ones, tightened so a symbolic ArgLen length never exceeds the Go buffer
// it describes. The builder calls it after every change to a slot, so a
// compiled chain needs no further pass.
func (s *step) applyBounds(lens []slotLen, i int) {
	w := &s.w
	if s.m.lenOf == 0 && s.m.xbmask|w.boundmask == 0 {
		return // nothing bounded before or now: the common case
	}
	w.boundmask, w.bounds = s.m.xbmask, [maxArgs]uint64{}
	for k := 0; k < maxArgs; k++ {
		if w.boundmask&(1<<k) != 0 {
			w.bounds[k] = lookupLen(lens, i, k, true)
		}
	}
	for k := 0; k < int(w.nargs); k++ {
		b := s.m.lenBuf(k)
		if b < 0 || w.symmask&(1<<k) == 0 {
			continue
		}
		var limit uint64 // an empty or missing buffer: nothing may be written
		if s.m.bufMask&(1<<b) != 0 && w.symmask&(1<<b) == 0 {
			limit = lookupLen(lens, i, b, false)
		} else if w.symmask&(1<<b) != 0 || w.args[b] != 0 {
			continue // an address the chain does not own: no Go slice to protect
		}
		if w.boundmask&(1<<k) == 0 || w.bounds[k] > limit {
			w.boundmask |= 1 << k
			w.bounds[k] = limit
		}
	}
}

// Chain is a chain under construction and, once built, a runnable chain.
// The zero value is an empty chain. Building methods record the first
// error (returned by Err and by the Run methods) instead of panicking.
//
// A Chain may be run from many goroutines at once; it must not be changed
// while it runs. Do not copy a Chain after first use.
type Chain struct {
	steps []step
	pins  []unsafe.Pointer // Go memory the words point into: kept alive, pinned while running
	strs  []goStr          // Go strings of ArgStr/ArgStrs slots, for printing; appended to only
	lens  []slotLen        // buffer lengths and explicit bounds; appended to only
	after []afterHook      // AfterStep functions; appended to only
	err   error
	prog  *Program      // the compiled form, valid while state is progReady
	state atomic.Uint32 // progNone, progBusy (being stored) or progReady
}

// Err returns the first error recorded while building, or the first
// validation error of the whole chain (a jump out of range, a literal
// length over its buffer, ...).
func (c *Chain) Err() error {
	_, err := c.Program()
	return err
}

// Len returns the number of steps.
func (c *Chain) Len() int { return len(c.steps) }

// changed drops the compiled form; every building method calls it before
// changing anything. A compiled Program shares c.steps, so the first
// change after compiling copies them: a Program never changes.
func (c *Chain) changed() {
	if c.state.Load() != progNone {
		c.steps = slices.Clone(c.steps)
		c.prog = nil
		c.state.Store(progNone)
	}
}

// The states of Chain.prog. The compiled form is published with an
// atomic flag rather than an atomic pointer: pointer atomics make the
// Chain escape to the heap, and a Chain on the stack saves building an
// allocation.
const (
	progNone  uint32 = iota // not compiled since the last change
	progBusy                // one goroutine is storing its Program
	progReady               // prog is the compiled form
)

// chainStore is the first allocation of a chain: room for four steps and
// the lists a short chain fills, in one object, so building a 4-step
// chain with a path and two buffers allocates it, the path's copy and the
// compiled Program, and nothing else. A list that outgrows its room moves
// to an allocation of its own, as appended slices do.
type chainStore struct {
	steps [4]step
	pins  [4]unsafe.Pointer
	lens  [4]slotLen
	strs  [1]goStr
}

// addStep appends a zero step; the first one allocates the chain's store.
func (c *Chain) addStep() *step {
	if c.steps == nil {
		st := new(chainStore)
		c.steps = st.steps[:0]
		if c.pins == nil {
			c.pins = st.pins[:0]
		}
		if c.lens == nil {
			c.lens = st.lens[:0]
		}
		if c.strs == nil {
			c.strs = st.strs[:0]
		}
	}
	c.steps = append(c.steps, step{})
	return &c.steps[len(c.steps)-1]
}

// keep records Go memory the chain points into, once per object: it is
// kept reachable by the chain and pinned during every run. The slice is
// only ever appended to, so compiled Programs can share it.
func (c *Chain) keep(p unsafe.Pointer) {
	for _, q := range c.pins {
		if q == p {
			return
		}
	}
	if c.pins == nil {
		c.pins = make([]unsafe.Pointer, 0, 4)
	}
	c.pins = append(c.pins, p)
}

func (c *Chain) fail(s int, field string, rule Rule, format string, a ...any) {
	c.changed()
	if c.err != nil {
		return
	}
	name := ""
	if s >= 0 && s < len(c.steps) {
		name = c.steps[s].m.name
	}
	c.err = &BuildError{Step: s, Name: name, Field: field, Rule: rule, Detail: fmt.Sprintf(format, a...)}
}

// last returns the last step, or records RuleNoStep for method and
// returns nil.
func (c *Chain) last(method string) *step {
	if len(c.steps) == 0 {
		c.fail(-1, method, RuleNoStep, "%s applies to the last step, and the chain has none", method)
		return nil
	}
	c.changed()
	return &c.steps[len(c.steps)-1]
}

func (c *Chain) cur() int { return len(c.steps) - 1 }

// Begin starts a step for sig with len(sig.Params) slots, all 0. The step
// stops the chain on an error return unless AllowError is called.
func (c *Chain) Begin(sig *Sig) *Chain {
	c.changed()
	if sig == nil {
		c.fail(len(c.steps)-1, "Begin", RuleNilSig, "pass the syscall's Sig")
		return c
	}
	s := c.addStep()
	s.m.sig, s.m.name = sig, sig.Name
	s.w.nr = uint64(sig.Nr)
	s.w.errstop = true
	if len(sig.Params) > maxArgs {
		c.fail(c.cur(), "params", RuleTooManyArgs, "%s has %d parameters", sig.Name, len(sig.Params))
		return c
	}
	s.w.nargs = uint8(len(sig.Params))
	return c
}

// slot checks that the last step has slot k and returns the step.
func (c *Chain) slot(k int, method string) *step {
	s := c.last(method)
	if s == nil {
		return nil
	}
	if k < 0 || k >= int(s.w.nargs) {
		c.fail(c.cur(), "arg["+strconv.Itoa(k)+"]", RuleBadSlot, "%s has %d argument slots (%s)", s.m.name, s.w.nargs, method)
		return nil
	}
	// A slot set twice must not keep the meaning of its first value.
	bit := uint8(1) << k
	s.w.symmask &^= bit
	s.m.bufMask &^= bit
	s.m.strMask &^= bit
	s.m.setLenBuf(k, -1)
	return s
}

// toWord converts an integer to a machine word of this arch, held
// zero-extended.
func toWord(v int64) (uint64, bool) {
	if strconv.IntSize == 64 {
		return uint64(v), true
	}
	if v < math.MinInt32 || v > math.MaxUint32 {
		return 0, false
	}
	return uint64(uint32(v)), true
}

// ArgInt sets an integer, fd or address slot. A Ret(j) value becomes a
// symbolic argument: step j's result.
func (c *Chain) ArgInt(slot int, v int64) {
	s := c.slot(slot, "ArgInt")
	if s == nil {
		return
	}
	c.setInt(s, slot, v)
	c.applyBounds(s)
}

func (c *Chain) setInt(s *step, slot int, v int64) {
	if j, ok := IsRet(v); ok {
		if retWindowErr != "" {
			c.fail(c.cur(), argField(slot), RuleBackRef, "%s", retWindowErr)
			return
		}
		if j >= c.cur() {
			c.fail(c.cur(), argField(slot), RuleBackRef, "%s in step %d; a step can only use earlier results", retString(j), c.cur())
			return
		}
		s.w.symmask |= 1 << slot
		s.w.args[slot] = uint64(j)
		return
	}
	w, ok := toWord(v)
	if !ok {
		c.fail(c.cur(), argField(slot), RuleWordRange, "%d does not fit in %d bits", v, strconv.IntSize)
		return
	}
	s.w.args[slot] = w
}

// argField names argument slot k in errors (built only when failing).
func argField(k int) string { return "arg[" + strconv.Itoa(k) + "]" }

// ArgStr sets a const char * slot to a NUL-terminated copy of s, kept alive
// by the chain. A string containing NUL is an error: the kernel would
// silently see only its first part.
func (c *Chain) ArgStr(slot int, str string) {
	s := c.slot(slot, "ArgStr")
	if s == nil {
		return
	}
	if i := strings.IndexByte(str, 0); i >= 0 {
		c.fail(c.cur(), "arg["+strconv.Itoa(slot)+"]", RuleBadArg, "string %q has a NUL byte at %d; the kernel would see only %q", str, i, str[:i])
		return
	}
	p, cs := c.cstr(str)
	s.w.args[slot] = uint64(uintptr(p))
	c.addStr(slot, goStr{s: cs})
	s.m.strMask |= 1 << slot
	c.applyBounds(s)
}

// applyBounds recomputes the last step's bounds (step.applyBounds).
func (c *Chain) applyBounds(s *step) { s.applyBounds(c.lens, c.cur()) }

// addLen records a buffer length or explicit bound of the last step's slot.
func (c *Chain) addLen(slot int, bound bool, v uint64) {
	if c.lens == nil {
		c.lens = make([]slotLen, 0, 2) // a read or write step has one buffer
	}
	c.lens = append(c.lens, slotLen{step: int32(c.cur()), slot: uint8(slot), bound: bound, v: v})
}

// addStr records the Go value of the last step's slot for printing.
func (c *Chain) addStr(slot int, g goStr) {
	if c.strs == nil {
		c.strs = make([]goStr, 0, 1) // a chain rarely has more than one path
	}
	g.step, g.slot = int32(c.cur()), int32(slot)
	c.strs = append(c.strs, g)
}

// cstr makes a NUL-terminated copy, keeps it and returns its address and
// the copy as a Go string (without the NUL).
func (c *Chain) cstr(str string) (unsafe.Pointer, string) {
	b := make([]byte, len(str)+1)
	copy(b, str)
	p := unsafe.Pointer(&b[0])
	c.keep(p)
	return p, unsafe.String(&b[0], len(str))
}

// ArgStrs sets a char *const[] slot (argv style) to a NULL-terminated array
// of NUL-terminated copies, all kept alive and pinned.
func (c *Chain) ArgStrs(slot int, ss []string) {
	s := c.slot(slot, "ArgStrs")
	if s == nil {
		return
	}
	for i, str := range ss {
		if j := strings.IndexByte(str, 0); j >= 0 {
			c.fail(c.cur(), "arg["+strconv.Itoa(slot)+"]", RuleBadArg, "string %d (%q) has a NUL byte at %d", i, str, j)
			return
		}
	}
	arr := make([]*byte, len(ss)+1)
	list := make([]string, len(ss))
	for i, str := range ss {
		p, cs := c.cstr(str)
		arr[i], list[i] = (*byte)(p), cs
	}
	p := unsafe.Pointer(&arr[0])
	c.keep(p)
	s.w.args[slot] = uint64(uintptr(p))
	c.addStr(slot, goStr{list: list})
	s.m.strMask |= 1 << slot
	c.applyBounds(s)
}

// ArgBuf sets a buffer slot to the address of p's data (0 if p is empty).
// p is kept alive and pinned while the chain runs; its length bounds the
// slot's ArgLen, if any.
func (c *Chain) ArgBuf(slot int, p []byte) {
	s := c.slot(slot, "ArgBuf")
	if s == nil {
		return
	}
	defer c.applyBounds(s)
	c.addLen(slot, false, uint64(len(p)))
	s.m.bufMask |= 1 << slot
	if len(p) == 0 {
		s.w.args[slot] = 0
		return
	}
	ptr := unsafe.Pointer(unsafe.SliceData(p))
	c.keep(ptr)
	s.w.args[slot] = uint64(uintptr(ptr))
}

// ArgLen sets the length of the buffer in bufSlot. A literal n is checked
// against the buffer's length when the chain is built; a Ret(j) is bounded
// by it at run time, so the step does not run (the chain ends with Bound)
// if step j's result exceeds the buffer.
func (c *Chain) ArgLen(slot int, n int64, bufSlot int) {
	s := c.slot(slot, "ArgLen")
	if s == nil {
		return
	}
	if bufSlot < 0 || bufSlot >= int(s.w.nargs) || bufSlot == slot {
		c.fail(c.cur(), "arg["+strconv.Itoa(slot)+"]", RuleBadSlot, "the length's buffer slot %d is not another slot of %s", bufSlot, s.m.name)
		return
	}
	c.setInt(s, slot, n)
	s.m.setLenBuf(slot, bufSlot)
	c.applyBounds(s)
}

// ArgPtr sets a pointer slot to p (nil allowed), a Go value of size bytes,
// kept alive and pinned while the chain runs. size bounds a length slot
// that names this slot in ArgLen.
func (c *Chain) ArgPtr(slot int, p unsafe.Pointer, size uintptr) {
	s := c.slot(slot, "ArgPtr")
	if s == nil {
		return
	}
	defer c.applyBounds(s)
	s.m.bufMask |= 1 << slot
	if p == nil {
		c.addLen(slot, false, 0)
		s.w.args[slot] = 0
		return
	}
	c.addLen(slot, false, uint64(size))
	c.keep(p)
	s.w.args[slot] = uint64(uintptr(p))
}

// ArgSplit64 sets a 64-bit value over two 32-bit slots: lo gets the low
// half, hi the high half. A Ret(j) goes in the low slot as a reference and
// the high half is 0: step j's result taken as an unsigned 32-bit value.
// That is the value itself for every result but an error (which stops the
// chain unless AllowError is set), so int64(Ret(j)) in a 64-bit parameter
// means step j's result on every arch.
func (c *Chain) ArgSplit64(lo, hi int, v int64) {
	s := c.slot(lo, "ArgSplit64")
	if s == nil {
		return
	}
	if c.slot(hi, "ArgSplit64") == nil {
		return
	}
	if _, ok := IsRet(v); ok {
		c.setInt(s, lo, v)
		s.w.args[hi] = 0
		c.applyBounds(s)
		return
	}
	s.w.args[lo] = uint64(uint32(v))
	s.w.args[hi] = uint64(uint32(uint64(v) >> 32))
	c.applyBounds(s)
}

// RequireLiteral records a build error naming the last step's slot when v
// is a Ret: for values the generated code must transform before the chain
// runs (mmap2's page offset, the argument block of s390x's mmap). It
// reports whether v is a literal.
func (c *Chain) RequireLiteral(slot int, v int64, why string) bool {
	j, ok := IsRet(v)
	if !ok {
		return true
	}
	if s := c.last("RequireLiteral"); s != nil {
		c.fail(c.cur(), argField(slot), RuleRetSplit, "%s cannot be used here: %s", retString(j), why)
	}
	return false
}

// Syscall adds a step for syscall nr with up to 6 arguments: integers of
// any Go integer type (a Ret(j) in any of them is a reference), nil (0),
// string (a NUL-terminated copy), []string (argv style), []byte and other
// slices (the address of their data), unsafe.Pointer and other pointers.
// Every Go value the step points to is kept alive and pinned while the
// chain runs. Where the syscall's Sig is registered (the generated
// packages register theirs) and names a length after a buffer, a length
// passed with a slice is checked against it as the typed methods do. The step stops the chain on an error return unless
// AllowError is called.
func (c *Chain) Syscall(nr uintptr, args ...any) *Chain {
	c.changed()
	s := c.addStep()
	s.w.nr = uint64(nr)
	s.w.errstop = true
	s.m.name = sysName(nr)
	if sig := LookupSig(nr); sig != nil && len(sig.Params) == len(args) {
		s.m.sig = sig
	}
	if len(args) > maxArgs {
		c.fail(c.cur(), "args", RuleTooManyArgs, "%s got %d arguments", s.m.name, len(args))
		return c
	}
	s.w.nargs = uint8(len(args))
	for k, a := range args {
		c.setAny(k, a)
	}
	if s.m.sig != nil {
		c.linkLens(args)
	}
	return c
}

// linkLens ties each integer argument of a raw step that the syscall's Sig
// calls a length (KindLen) to the buffer before it (the nearest KindBuf
// slot), when that argument is a Go value of known size (a slice, or a
// pointer to a value): a literal length over the buffer is then a build
// error and a Ret one is bounded at run time, as in the typed builders, so
// the kernel cannot write past the slice. An unsafe.Pointer or an integer
// address has no known size and stays unchecked.
func (c *Chain) linkLens(args []any) {
	s := &c.steps[c.cur()]
	for k, a := range args {
		if s.m.sig.Params[k].Kind != KindLen {
			continue
		}
		n, ok := anyInt(a)
		if !ok {
			continue
		}
		b := k - 1
		for b >= 0 && s.m.sig.Params[b].Kind != KindBuf {
			b--
		}
		if b < 0 || !sizedArg(args[b]) {
			continue
		}
		c.ArgLen(k, n, b)
	}
}

// anyInt returns an integer argument of Syscall as an int64.
func anyInt(a any) (int64, bool) {
	switch v := a.(type) {
	case int:
		return int64(v), true
	case int8:
		return int64(v), true
	case int16:
		return int64(v), true
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case uint:
		return int64(v), true
	case uint8:
		return int64(v), true
	case uint16:
		return int64(v), true
	case uint32:
		return int64(v), true
	case uint64:
		return int64(v), true
	case uintptr:
		return int64(v), true
	}
	return 0, false
}

// sizedArg reports whether a Syscall argument is Go memory of known size.
func sizedArg(a any) bool {
	switch a.(type) {
	case nil, unsafe.Pointer, string, []string:
		return false
	case []byte:
		return true
	}
	k := reflect.ValueOf(a).Kind()
	return k == reflect.Slice || k == reflect.Pointer
}

func (c *Chain) setAny(k int, a any) {
	switch v := a.(type) {
	case nil:
		c.ArgInt(k, 0)
	case int:
		c.ArgInt(k, int64(v))
	case int8:
		c.ArgInt(k, int64(v))
	case int16:
		c.ArgInt(k, int64(v))
	case int32:
		c.ArgInt(k, int64(v))
	case int64:
		c.ArgInt(k, v)
	case uint:
		c.ArgInt(k, int64(v))
	case uint8:
		c.ArgInt(k, int64(v))
	case uint16:
		c.ArgInt(k, int64(v))
	case uint32:
		c.ArgInt(k, int64(v))
	case uint64:
		c.ArgInt(k, int64(v))
	case uintptr:
		c.ArgInt(k, int64(v))
	case string:
		c.ArgStr(k, v)
	case []string:
		c.ArgStrs(k, v)
	case []byte:
		c.ArgBuf(k, v)
	case unsafe.Pointer:
		c.ArgPtr(k, v, 0)
	default:
		rv := reflect.ValueOf(a)
		switch rv.Kind() {
		case reflect.Pointer:
			c.ArgPtr(k, rv.UnsafePointer(), rv.Type().Elem().Size())
			return
		case reflect.Slice:
			var p unsafe.Pointer
			if rv.Len() > 0 {
				p = rv.UnsafePointer()
			}
			c.ArgPtr(k, p, uintptr(rv.Len())*rv.Type().Elem().Size())
			return
		}
		c.fail(c.cur(), "arg["+strconv.Itoa(k)+"]", RuleBadArg, "a %T; pass an integer, string, []string, a slice or a pointer", a)
	}
}

// Bound makes the last step's argument arg bounded: if at run time it
// exceeds max (unsigned), the step does not run and the chain ends with
// Bound. ArgLen sets this up itself; Bound is for raw Syscall steps.
func (c *Chain) Bound(arg int, max uint64) *Chain {
	s := c.last("Bound")
	if s == nil {
		return c
	}
	if arg < 0 || arg >= int(s.w.nargs) {
		c.fail(c.cur(), "arg["+strconv.Itoa(arg)+"]", RuleBadSlot, "%s has %d arguments (Bound)", s.m.name, s.w.nargs)
		return c
	}
	s.m.xbmask |= 1 << arg
	c.addLen(arg, true, max)
	c.applyBounds(s)
	return c
}

// When adds a condition to the last step: it is true when the step's result
// compares with v by cmp. v may be Ret(j), an earlier step's result. What a
// true condition does is the step's action: Stop (the default), Continue
// or Goto. Conditions are ORed; a step has at most 7.
func (c *Chain) When(cmp Cmp, v int) *Chain {
	s := c.last("When")
	if s == nil {
		return c
	}
	field := func() string { return "cond[" + strconv.Itoa(int(s.w.nconds)) + "]" }
	if s.w.nconds >= maxConds {
		c.fail(c.cur(), field(), RuleTooManyConds, "%s already has 7", s.m.name)
		return c
	}
	if cmp >= numCmp {
		c.fail(c.cur(), field(), RuleBadCond, "code %d", cmp)
		return c
	}
	j := s.w.nconds
	if r, ok := IsRet(int64(v)); ok {
		if retWindowErr != "" {
			c.fail(c.cur(), field(), RuleBackRef, "%s", retWindowErr)
			return c
		}
		if r >= c.cur() {
			c.fail(c.cur(), field(), RuleBackRef, "%s in step %d; a condition can only use earlier results", retString(r), c.cur())
			return c
		}
		s.w.condsym |= 1 << j
		s.w.vals[j] = uint64(r)
	} else {
		w, ok := toWord(int64(v))
		if !ok {
			c.fail(c.cur(), field(), RuleWordRange, "%d does not fit in %d bits", v, strconv.IntSize)
			return c
		}
		s.w.vals[j] = w
	}
	s.w.cmps[j] = cmp
	s.w.nconds++
	return c
}

func (c *Chain) setAction(a Action, target uint64, method string) *Chain {
	s := c.last(method)
	if s == nil {
		return c
	}
	if s.m.actionSet && (s.w.action != a || s.w.target != target) {
		c.fail(c.cur(), "action", RuleBadAction, "%s already has action %s; a step has one action for all its conditions", s.m.name, s.w.action)
		return c
	}
	s.m.actionSet = true
	s.w.action, s.w.target = a, target
	return c
}

// Continue makes a true condition of the last step go on with the next
// step instead of stopping the chain.
func (c *Chain) Continue() *Chain { return c.setAction(Continue, 0, "Continue") }

// Goto makes a true condition of the last step jump forward to step (a
// later step, or Len() of the final chain to end it).
func (c *Chain) Goto(step int) *Chain {
	if step < 0 {
		s := c.last("Goto")
		if s != nil {
			c.fail(c.cur(), "goto", RuleJumpRange, "target %d", step)
		}
		return c
	}
	return c.setAction(Jump, uint64(step), "Goto")
}

// AllowError makes an error return of the last step not stop the chain
// (by default it does, as Go code would).
func (c *Chain) AllowError() *Chain {
	if s := c.last("AllowError"); s != nil {
		s.w.errstop = false
	}
	return c
}

// NoBlock marks the last step as never blocking: the interpreter may run
// it with RawSyscall, which is faster but holds the Go scheduler's P for
// the call. Mark only calls that cannot block (x/sys/unix's //sysnb ones).
func (c *Chain) NoBlock() *Chain {
	if s := c.last("NoBlock"); s != nil {
		s.w.noblock = true
	}
	return c
}

// afterHook is a function AfterStep registered for a step.
type afterHook struct {
	step int
	f    func()
}

// AfterStep registers f to run after every run of the chain in which the
// last step ran and succeeded, before the run returns. Generated code uses
// it where the kernel fills a struct whose x/sys form differs (mips64's
// struct stat into unix.Stat_t); f must only convert memory the chain
// owns.
func (c *Chain) AfterStep(f func()) *Chain {
	if c.last("AfterStep") == nil {
		return c
	}
	c.after = append(c.after, afterHook{c.cur(), f})
	return c
}
