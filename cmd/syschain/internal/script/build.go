package script

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/syschain/syschain/runtime"
	"github.com/syschain/syschain/tables"
)

// Built is a program turned into a runnable chain.
type Built struct {
	Chain   *runtime.Chain
	Buffers [][]byte // the named buffers, by Buffer.Index; the chain points into them
}

// Build makes the runtime chain of a checked program. The runtime's own
// rules (a literal length larger than its buffer, a denied syscall, a
// reference in a split 64-bit value …) come back as an *Error at the
// argument, condition or step they are about.
//
// The chain is compiled once, at the end: checking it after each step
// would validate a partial chain (a forward jump would be out of range).
func Build(p *Program) (*Built, error) {
	b := &Built{Chain: new(runtime.Chain), Buffers: make([][]byte, len(p.Buffers))}
	for _, buf := range p.Buffers {
		b.Buffers[buf.Index] = make([]byte, buf.Size)
	}
	c := b.Chain
	for _, call := range p.Calls {
		st := call.Step
		sig := Sig(call)
		c.Begin(sig)
		for k := range call.Args {
			setArg(c, call, sig, k, b.Buffers)
		}
		for j, cd := range call.Conds {
			cv := int(cd.Value.Int)
			switch {
			case cd.Value.Kind == ValRef:
				cv = runtime.Ret(cd.Value.Step)
			case strconv.IntSize == 32 && (cd.Value.Int < math.MinInt32 || cd.Value.Int > math.MaxUint32):
				// When takes an int: refuse what would be cut to 32 bits.
				return nil, errorAt(p.Script.name, p.Script.src, st.Conds[j].Pos, "condition value %d does not fit in a 32-bit word", cd.Value.Int)
			}
			c.When(runtime.Cmp(cd.Op), cv)
		}
		switch st.Action {
		case ActContinue:
			c.Continue()
		case ActGoto:
			c.Goto(call.Target)
		}
		if st.AllowError {
			c.AllowError()
		}
		if st.NoBlock {
			c.NoBlock()
		}
	}
	// The chain records the first building error; compiling it also
	// validates the whole (the deny list, jump ranges). Either names the
	// step and field, which posErr maps back to the source.
	if _, err := c.Program(); err != nil {
		return nil, p.posErr(err, Pos{})
	}
	return b, nil
}

// slotsOf returns the register slots that carry C parameter k: one, or
// the lo and hi halves of a 64-bit value on a 32-bit arch.
func slotsOf(sys *tables.Syscall, k int) (whole, lo, hi int) {
	whole, lo, hi = -1, -1, -1
	if !sys.HasSig {
		return k, -1, -1
	}
	for s, sl := range sys.Slots {
		if sl.Param != k {
			continue
		}
		switch sl.Part {
		case tables.Whole:
			whole = s
		case tables.Lo:
			lo = s
		case tables.Hi:
			hi = s
		}
	}
	return whole, lo, hi
}

// setArg passes argument k of call (C parameter k) to the step being built.
func setArg(c *runtime.Chain, call *Call, sig *runtime.Sig, k int, bufs [][]byte) {
	v := call.Args[k]
	whole, lo, hi := slotsOf(call.Sys, k)
	n := v.Int
	if v.Kind == ValRef {
		n = int64(runtime.Ret(v.Step))
	}
	if whole < 0 {
		if lo >= 0 && hi >= 0 {
			c.ArgSplit64(lo, hi, n)
		}
		return
	}
	kind := sig.Params[whole].Kind
	switch v.Kind {
	case ValStr:
		if kind == runtime.KindBuf {
			c.ArgBuf(whole, []byte(v.Str)) // a copy: the kernel may write to it
		} else {
			c.ArgStr(whole, v.Str)
		}
	case ValBuf:
		c.ArgBuf(whole, bufs[v.Buf.Index])
	default:
		// A length is tied to its buffer (bounded at build or run time)
		// only when the buffer is Go memory; an address from an earlier
		// step ($N of an mmap) has no known size.
		if kind == runtime.KindLen && whole > 0 && sig.Params[whole-1].Kind == runtime.KindBuf && k > 0 && goMemory(call.Args[k-1]) {
			c.ArgLen(whole, n, whole-1)
		} else {
			c.ArgInt(whole, n)
		}
	}
}

// goMemory reports whether v is passed as Go memory of a known size.
func goMemory(v Value) bool { return v.Kind == ValBuf || v.Kind == ValStr }

// posErr places a runtime build error in the source: at the step and
// field it names, else at pos.
func (p *Program) posErr(err error, pos Pos) error {
	var (
		be *runtime.BuildError
		de *runtime.DeniedError
		fe *runtime.FormatError
	)
	switch {
	case errors.As(err, &be) && be.Step >= 0 && be.Step < len(p.Calls):
		pos = p.fieldPos(be.Step, be.Field, pos)
	case errors.As(err, &de) && de.Step >= 0 && de.Step < len(p.Calls):
		pos = p.Calls[de.Step].Step.Pos
	case errors.As(err, &fe) && fe.Step >= 0 && fe.Step < len(p.Calls):
		pos = p.fieldPos(fe.Step, fe.Field, pos)
	}
	if pos == (Pos{}) {
		pos = p.Calls[0].Step.Pos
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "syschain: ")
	return errorAt(p.Script.name, p.Script.src, pos, "%s", msg)
}

// fieldPos maps a runtime field name ("arg[2]", "cond[0]") of a step to
// its place in the source.
func (p *Program) fieldPos(step int, field string, def Pos) Pos {
	call := p.Calls[step]
	idx := func(prefix string) int {
		if !strings.HasPrefix(field, prefix) || !strings.HasSuffix(field, "]") {
			return -1
		}
		n, err := strconv.Atoi(field[len(prefix) : len(field)-1])
		if err != nil {
			return -1
		}
		return n
	}
	if s := idx("arg["); s >= 0 {
		k := s
		if call.Sys.HasSig && s < len(call.Sys.Slots) {
			k = call.Sys.Slots[s].Param
		}
		if k >= 0 && k < len(call.Args) {
			return call.Args[k].Pos
		}
	}
	if j := idx("cond["); j >= 0 && j < len(call.Step.Conds) {
		return call.Step.Conds[j].Pos
	}
	if field == "goto" || field == "action" {
		return call.Step.ActionPos
	}
	if def == (Pos{}) {
		return call.Step.Pos
	}
	return def
}
