package runtime

import (
	"fmt"
	"strconv"
)

// Decode parses words at width 32 or 64 into a chain, validating them as an
// executor would: malformed words are a *FormatError naming the word, the
// step, the field and the rule; a denied syscall is a *DeniedError. It never
// panics. Pointer arguments decode to plain integers: a decoded chain is
// for printing and testing, and runs only if those addresses are valid.
// Syscall numbers are checked against this arch's deny list and named from
// this arch's registered Sigs, whatever the width.
func Decode(words []uint64, width int) (*Chain, error) {
	if width != 32 && width != 64 {
		return nil, fmt.Errorf("syschain: Decode: width %d; use 32 or 64", width)
	}
	ferr := func(w, step int, field string, rule Rule, format string, a ...any) error {
		return &FormatError{Word: w, Step: step, Field: field, Rule: rule, Detail: fmt.Sprintf(format, a...)}
	}
	if len(words) == 0 {
		return nil, ferr(0, -1, "nwords", RuleEmpty, "nwords is 0")
	}
	if len(words) > MaxWords {
		return nil, ferr(MaxWords, -1, "nwords", RuleTooManyWords, "nwords is %d", len(words))
	}
	if width == 32 {
		for i, v := range words {
			if v>>32 != 0 {
				return nil, ferr(i, -1, "word", RuleWordRange, "%#x is wider than 32 bits", v)
			}
		}
	}
	c := &Chain{}
	type jump struct{ word, step int }
	var jumps []jump
	pos := 0
	for pos < len(words) {
		i := len(c.steps)
		if i >= MaxSteps {
			return nil, ferr(pos, i, "step", RuleTooManySteps, "step %d starts at word %d", i, pos)
		}
		start := pos
		need := func(n int, field string) error {
			if pos+n > len(words) {
				return ferr(len(words), i, field, RuleTruncated, "step %d (from word %d) needs %d more words, %d left", i, start, n, len(words)-pos)
			}
			return nil
		}
		if err := need(2, "bitmap"); err != nil {
			return nil, err
		}
		var w wstep
		w.nr = words[pos]
		bm := words[pos+1]
		bmw := pos + 1
		pos += 2
		if bm>>bmUsedBitsV2 != 0 {
			return nil, ferr(bmw, i, "bitmap", RuleReservedBits, "bitmap %#x has bits above 30", bm)
		}
		w.symmask = uint8(bm >> bmSymShift & 0x3f)
		w.nconds = uint8(bm >> bmNcondsShift & 7)
		w.nargs = uint8(bm >> bmNargsShift & 7)
		w.condsym = uint8(bm >> bmCondsymShift & 0x7f)
		w.action = Action(bm >> bmActionShift & 3)
		w.errstop = bm&bmErrstop != 0
		w.noblock = bm&bmNoblock != 0
		w.rawref = bm&bmRawref != 0
		w.cleanup = bm&bmCleanup != 0
		w.boundmask = uint8(bm >> bmBoundShift & 0x3f)
		switch {
		case w.nargs > maxArgs:
			return nil, ferr(bmw, i, "bitmap.nargs", RuleTooManyArgs, "nargs %d", w.nargs)
		case w.action >= numAction:
			return nil, ferr(bmw, i, "bitmap.action", RuleBadAction, "action %d", w.action)
		case w.symmask>>w.nargs != 0:
			return nil, ferr(bmw, i, "bitmap.symmask", RuleMaskBit, "symmask %#x with %d arguments", w.symmask, w.nargs)
		case w.boundmask>>w.nargs != 0:
			return nil, ferr(bmw, i, "bitmap.boundmask", RuleMaskBit, "boundmask %#x with %d arguments", w.boundmask, w.nargs)
		case w.condsym>>w.nconds != 0:
			return nil, ferr(bmw, i, "bitmap.condsym", RuleMaskBit, "condsym %#x with %d conditions", w.condsym, w.nconds)
		}
		if err := need(w.words()-2, "step"); err != nil {
			return nil, err
		}
		for k := 0; k < int(w.nargs); k++ {
			w.args[k] = words[pos]
			if w.symmask&(1<<k) != 0 && w.args[k] >= uint64(i) {
				return nil, ferr(pos, i, "arg["+strconv.Itoa(k)+"]", RuleBackRef, "symbolic argument names step %d", w.args[k])
			}
			pos++
		}
		if words[pos] != 0 {
			return nil, ferr(pos, i, "errfunc", RuleErrFunc, "%#x", words[pos])
		}
		pos++
		if w.nconds > 0 {
			code := words[pos]
			if code>>(4*w.nconds) != 0 {
				return nil, ferr(pos, i, "condcodes", RuleReservedBits, "code word %#x has bits above condition %d", code, w.nconds-1)
			}
			for j := 0; j < int(w.nconds); j++ {
				w.cmps[j] = Cmp(code >> (4 * j) & 0xf)
				if w.cmps[j] >= numCmp {
					return nil, ferr(pos, i, "cond["+strconv.Itoa(j)+"].code", RuleBadCond, "code %d", w.cmps[j])
				}
			}
			pos++
			for j := 0; j < int(w.nconds); j++ {
				w.vals[j] = words[pos]
				if w.condsym&(1<<j) != 0 && w.vals[j] >= uint64(i) {
					return nil, ferr(pos, i, "cond["+strconv.Itoa(j)+"].value", RuleBackRef, "symbolic value names step %d", w.vals[j])
				}
				pos++
			}
		}
		for k := 0; k < int(w.nargs); k++ {
			if w.boundmask&(1<<k) != 0 {
				w.bounds[k] = words[pos]
				pos++
			}
		}
		if w.action == Jump {
			w.target = words[pos]
			if w.target <= uint64(i) {
				return nil, ferr(pos, i, "target", RuleJumpRange, "target %d from step %d; jumps go forward", w.target, i)
			}
			jumps = append(jumps, jump{pos, i})
			pos++
		}
		m := decodedMeta(w)
		m.xbmask = w.boundmask
		c.steps = append(c.steps, step{w: w, m: m})
		for k := 0; k < int(w.nargs); k++ {
			if w.boundmask&(1<<k) != 0 {
				c.addLen(k, true, w.bounds[k])
			}
		}
	}
	n := uint64(len(c.steps))
	for _, j := range jumps {
		if t := c.steps[j.step].w.target; t > n {
			return nil, ferr(j.word, j.step, "target", RuleJumpRange, "target %d past the end (%d steps)", t, n)
		}
	}
	for i := range c.steps {
		if name := isDenied(c.steps[i].w.nr); name != "" {
			return nil, &DeniedError{Step: i, Nr: uintptr(c.steps[i].w.nr), Name: name}
		}
	}
	return c, nil
}

// decodedMeta names a decoded step from the registry; its slots print as
// integers unless the registered Sig has exactly that many parameters.
func decodedMeta(w wstep) stepMeta {
	m := stepMeta{name: sysName(uintptr(w.nr))}
	if s := LookupSig(uintptr(w.nr)); s != nil && len(s.Params) == int(w.nargs) {
		m.sig = s
	}
	return m
}
