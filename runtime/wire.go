package runtime

import (
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"sync"
	"unsafe"
)

// Bitmap fields (docs/wire-format.md, "The bitmap").
const (
	bmSymShift     = 0
	bmNcondsShift  = 6
	bmNargsShift   = 9
	bmCondsymShift = 12
	bmActionShift  = 19
	bmErrstop      = 1 << 21
	bmNoblock      = 1 << 22
	bmBoundShift   = 23
	bmUsedBits     = 29 // version 1: bits 29 and up must be 0
	bmRawref       = 1 << 29
	bmCleanup      = 1 << 30
	bmUsedBitsV2   = 31 // version 2 (FlagV2): bit 31 and up must be 0
)

// words returns the number of words the step takes.
func (s *wstep) words() int {
	n := 2 + int(s.nargs) + 1 + int(s.nconds) + bits.OnesCount8(s.boundmask)
	if s.nconds > 0 {
		n++
	}
	if s.action == Jump {
		n++
	}
	return n
}

func (s *wstep) bitmap() uint64 {
	bm := uint64(s.symmask)<<bmSymShift |
		uint64(s.nconds)<<bmNcondsShift |
		uint64(s.nargs)<<bmNargsShift |
		uint64(s.condsym)<<bmCondsymShift |
		uint64(s.action)<<bmActionShift |
		uint64(s.boundmask)<<bmBoundShift
	if s.errstop {
		bm |= bmErrstop
	}
	if s.noblock {
		bm |= bmNoblock
	}
	if s.rawref {
		bm |= bmRawref
	}
	if s.cleanup {
		bm |= bmCleanup
	}
	return bm
}

// validate checks the whole chain against the wire format's rules and the
// builder's length checks, and returns the first violation. Decoded chains
// pass through it too, so what Decode accepts, Encode accepts.
func validate(steps []step, lens []slotLen) (nwords int, err error) {
	n := len(steps)
	if n == 0 {
		return 0, &BuildError{Step: -1, Rule: RuleEmpty, Detail: "add a step with Syscall or a generated method"}
	}
	if n > MaxSteps {
		return 0, &BuildError{Step: -1, Rule: RuleTooManySteps, Detail: fmt.Sprintf("this one has %d; split it", n)}
	}
	for i := range steps {
		if err := validateStep(steps, lens, i); err != nil {
			return 0, err
		}
		nwords += steps[i].w.words()
	}
	if nwords > MaxWords {
		return 0, &BuildError{Step: -1, Rule: RuleTooManyWords, Detail: fmt.Sprintf("this one has %d; split it", nwords)}
	}
	for i := range steps {
		if name := isDenied(steps[i].w.nr); name != "" {
			return 0, &DeniedError{Step: i, Nr: uintptr(steps[i].w.nr), Name: name}
		}
	}
	return nwords, nil
}

// validateStep checks step i of steps. Each check runs only where the
// step has what it checks (references, conditions, a jump, lengths), so
// a plain step costs a few compares.
func validateStep(steps []step, lens []slotLen, i int) error {
	s, m := &steps[i].w, &steps[i].m
	fail := func(field string, rule Rule, format string, a ...any) error {
		return &BuildError{Step: i, Name: m.name, Field: field, Rule: rule, Detail: fmt.Sprintf(format, a...)}
	}
	if s.nargs > maxArgs {
		return fail("nargs", RuleTooManyArgs, "%d", s.nargs)
	}
	if s.nconds > maxConds {
		return fail("nconds", RuleTooManyConds, "%d", s.nconds)
	}
	if s.action >= numAction {
		return fail("action", RuleBadAction, "%d", s.action)
	}
	if s.symmask>>s.nargs != 0 || s.boundmask>>s.nargs != 0 || s.condsym>>s.nconds != 0 {
		return fail("bitmap", RuleMaskBit, "symmask %#x, boundmask %#x for %d args; condsym %#x for %d conditions", s.symmask, s.boundmask, s.nargs, s.condsym, s.nconds)
	}
	if s.symmask != 0 {
		for k := 0; k < int(s.nargs); k++ {
			if s.symmask&(1<<k) != 0 && s.args[k] >= uint64(i) {
				return fail("arg["+strconv.Itoa(k)+"]", RuleBackRef, "refers to step %d", s.args[k])
			}
		}
	}
	for j := 0; j < int(s.nconds); j++ {
		if s.cmps[j] >= numCmp {
			return fail("cond["+strconv.Itoa(j)+"]", RuleBadCond, "code %d", s.cmps[j])
		}
		if s.condsym&(1<<j) != 0 && s.vals[j] >= uint64(i) {
			return fail("cond["+strconv.Itoa(j)+"]", RuleBackRef, "refers to step %d", s.vals[j])
		}
	}
	if m.actionSet && s.nconds == 0 {
		return fail("action", RuleNoCond, "%s has action %s but no condition; add When, or use ContinueOn or GotoOn with the errnos that should take it", m.name, s.action)
	}
	if err := validateCleanup(steps, i); err != nil {
		return err
	}
	if n := bodyLen(steps); s.action == Jump && (s.target <= uint64(i) || s.target > uint64(n)) {
		return fail("goto", RuleJumpRange, "target %d from step %d; a jump goes to a step in %d..%d (%d ends the chain)", s.target, i, i+1, n, n)
	}
	// Buffer lengths: a literal is checked now; a reference gets the
	// buffer's length as its run-time bound (applyBounds).
	if m.lenOf == 0 {
		return nil
	}
	for k := 0; k < int(s.nargs); k++ {
		b := m.lenBuf(k)
		if b < 0 || m.bufMask&(1<<b) == 0 || s.symmask&(1<<b) != 0 {
			continue // no Go buffer known at that slot
		}
		if s.symmask&(1<<k) != 0 {
			continue // bounded at run time
		}
		if n := lookupLen(lens, i, b, false); s.args[k] > n {
			return fail("arg["+strconv.Itoa(k)+"]", RuleBufLen, "length %d > %d bytes of the buffer in arg[%d]; pass at most len(buf)", int64(s.args[k]), n, b)
		}
	}
	return nil
}

// encode appends the words of the steps at the given width (32 or 64).
func encode(dst []uint64, steps []step, width int) ([]uint64, error) {
	for i := range steps {
		s := &steps[i].w
		start := len(dst)
		dst = append(dst, s.nr, s.bitmap())
		dst = append(dst, s.args[:s.nargs]...)
		dst = append(dst, 0) // error-function word
		if s.nconds > 0 {
			var code uint64
			for j := 0; j < int(s.nconds); j++ {
				code |= uint64(s.cmps[j]) << (4 * j)
			}
			dst = append(dst, code)
			dst = append(dst, s.vals[:s.nconds]...)
		}
		for k := 0; k < int(s.nargs); k++ {
			if s.boundmask&(1<<k) != 0 {
				dst = append(dst, s.bounds[k])
			}
		}
		if s.action == Jump {
			dst = append(dst, s.target)
		}
		if width == 32 {
			for k := start; k < len(dst); k++ {
				v := dst[k]
				switch v >> 32 {
				case 0:
				case 0xFFFFFFFF: // a negative value from a 64-bit host: its 32-bit form
					dst[k] = uint64(uint32(v))
				default:
					return nil, &BuildError{Step: i, Name: steps[i].m.name, Field: "word " + strconv.Itoa(k), Rule: RuleWordRange, Detail: fmt.Sprintf("%#x does not fit in 32 bits", v)}
				}
			}
		}
	}
	return dst, nil
}

// Encode validates the chain and returns its words at width 32 or 64
// (docs/wire-format.md). Pointer arguments are the addresses of the chain's
// own copies and buffers, valid while the chain is reachable.
func Encode(c *Chain, width int) ([]uint64, error) {
	if width != 32 && width != 64 {
		return nil, fmt.Errorf("syschain: Encode: width %d; use 32 or 64", width)
	}
	p, err := c.Program()
	if err != nil {
		return nil, err
	}
	return encode(make([]uint64, 0, len(p.words)), p.steps, width)
}

// Program is a validated, compiled chain: what backends execute. It is
// immutable and safe for concurrent use.
type Program struct {
	// steps is shared with the Chain it was compiled from: the chain
	// copies its steps before changing them once compiled (see changed).
	steps []step
	words []uintptr // the native encoding, for executors that take words
	pins  []unsafe.Pointer
	strs  []goStr // for printing; shared with the Chain like steps and pins
	n     int     // results a backend gets: len(steps), or an upper bound for a raw program
	err   error   // a RawProgram's validation error
	// noblock: every step is NoBlock, so the whole chain never blocks (a
	// raw program, words only, counts as blocking).
	noblock bool
	after   []afterHook // AfterStep functions, shared with the Chain
	flags   uintptr     // the sys_chain flags: FlagV2 for built chains, 0 or FlagV2 for raw ones
	nbody   int         // steps before the first cleanup step

	xonce sync.Once
	xs    []xstep // the executor's form of steps, decoded on first use (exec)

	// wbuf holds the words of a short chain on 64-bit arches, so
	// compiling one allocates the Program and nothing else.
	wbuf [progWords]uint64
}

// progWords is the room for words in a Program: a 4-step chain of
// 3-argument calls with references and bounds takes about 24.
const progWords = 32

// exec returns the executor's form of the steps, decoding it on the first
// run: building a chain does not pay for it, and backends that take words
// never do.
func (p *Program) exec() []xstep {
	p.xonce.Do(func() { p.xs = decodeExec(p.steps) })
	return p.xs
}

// Len returns the number of steps (for a RawProgram that failed
// validation, an upper bound: every step takes at least 3 words).
func (p *Program) Len() int { return p.n }

// RawProgram wraps words as they are, without the builder, to test an
// executor's own validation: the conformance suite hands malformed and
// denied chains to every backend. Words that validate yield a normal
// program. Otherwise Validate returns the *FormatError or *DeniedError;
// interp and dryrun return it from Exec, as sys_chain returns -EINVAL,
// -E2BIG or -EPERM for the same words.
func RawProgram(words []uintptr) *Program { return RawProgramFlags(words, 0) }

// RawProgramFlags is RawProgram for words run with the given sys_chain
// flags: 0 (version 1, the seed's semantics) or FlagV2.
func RawProgramFlags(words []uintptr, flags uintptr) *Program {
	ws := make([]uint64, len(words))
	for i, w := range words {
		ws[i] = uint64(w)
	}
	var err error
	if flags&^FlagV2 != 0 {
		err = &FormatError{Word: -1, Step: -1, Field: "flags", Rule: RuleFlags, Detail: fmt.Sprintf("flags %#x; a chain is run with 0 or FlagV2 (FlagResume is the runtime's)", flags)}
	} else {
		var c *Chain
		c, err = Decode(ws, int(unsafe.Sizeof(uintptr(0)))*8)
		if err == nil && flags&FlagV2 == 0 {
			for i := range c.steps {
				if c.steps[i].w.isV2() {
					err = &FormatError{Word: -1, Step: i, Field: "bitmap", Rule: RuleFlags, Detail: "bits 29-30 (RawRefs, Cleanup) need FlagV2"}
					break
				}
			}
		}
		if err == nil {
			var p *Program
			if p, err = c.Program(); err == nil {
				p.flags = flags
				return p
			}
		}
	}
	n := len(words)/3 + 1
	return &Program{words: slices.Clone(words), n: n, err: err, flags: flags}
}

// Flags returns the sys_chain flags the program runs with: FlagV2 for
// chains built with this package.
func (p *Program) Flags() uintptr { return p.flags }

// v2 reports whether the program runs with version-2 semantics.
func (p *Program) v2() bool { return p.flags&FlagV2 != 0 }

// Validate returns nil for a valid program, else the error that an
// executor must refuse it with (RawProgram only; compiled chains are
// always valid).
func (p *Program) Validate() error { return p.err }

// Words returns the chain's words at this arch's width: what sys_chain
// takes. The slice is shared; do not modify it.
func (p *Program) Words() []uintptr { return p.words }

// Program returns the chain's compiled form, compiling it on first use
// after a change. It returns the first build error, if any.
func (c *Chain) Program() (*Program, error) {
	if c.state.Load() == progReady {
		return c.prog, nil
	}
	if c.err != nil {
		return nil, c.err
	}
	p, err := compile(c.steps, c.pins, c.strs, c.lens)
	if err != nil {
		return nil, err
	}
	p.after = c.after
	// Concurrent first runs may each compile equal programs; the first
	// to claim the slot stores its own, the others just use theirs.
	if c.state.CompareAndSwap(progNone, progBusy) {
		c.prog = p
		c.state.Store(progReady)
	}
	return p, nil
}

func compile(steps []step, pins []unsafe.Pointer, strs []goStr, lens []slotLen) (*Program, error) {
	nwords, err := validate(steps, lens)
	if err != nil {
		return nil, err
	}
	p := &Program{steps: steps, n: len(steps), pins: pins, strs: strs, noblock: true, flags: FlagV2, nbody: bodyLen(steps)}
	for i := range steps {
		p.noblock = p.noblock && steps[i].w.noblock
	}
	const width = int(unsafe.Sizeof(uintptr(0))) * 8
	dst := p.wbuf[:0]
	if width != 64 || nwords > len(p.wbuf) {
		dst = make([]uint64, 0, nwords)
	}
	ws, err := encode(dst, steps, width)
	if err != nil {
		return nil, err
	}
	if width == 64 {
		// Same size and representation: share the array.
		p.words = unsafe.Slice((*uintptr)(unsafe.Pointer(unsafe.SliceData(ws))), len(ws))
	} else {
		p.words = make([]uintptr, len(ws))
		for i, v := range ws {
			p.words[i] = uintptr(v)
		}
	}
	return p, nil
}
