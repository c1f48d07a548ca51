package script

import (
	"strconv"

	// The generated builders register with the runtime one Sig per syscall
	// of this arch, made by the generator's C→Kind rules. They are the only
	// source of slot kinds here: a chain typed at the command line passes,
	// bounds and prints its arguments exactly like the same chain built
	// with the generated methods, and the rules live in one place
	// (gen/ctypes.go, gen/model.go).
	_ "github.com/syschain/syschain/generated"
	"github.com/syschain/syschain/runtime"
	"github.com/syschain/syschain/tables"
)

// Sig returns the runtime signature of call: one Param per register slot.
//
// It is the Sig registered for the call's number, when that is the same
// syscall (same name) with the table row's slot layout; otherwise the
// generic signature of genericSig.
func Sig(call *Call) *runtime.Sig {
	if s := registeredSig(call.Sys); s != nil {
		return s
	}
	return genericSig(call)
}

// registeredSig returns the Sig the runtime's registry holds for sys, or
// nil when it has none that fits the table row. A row the generator makes
// no method for has none: no signature known (HasSig false), or more than
// six slots (mips o32's fadvise64 and sync_file_range pass a 7th argument
// on the user stack). The layout must agree because the arguments are
// placed by the row's slots (slotsOf): where the row splits a 64-bit
// value or pads, the Sig must say so too.
func registeredSig(sys *tables.Syscall) *runtime.Sig {
	if !sys.HasSig || sys.Nr < 0 {
		return nil
	}
	s := runtime.LookupSig(uintptr(sys.Nr))
	if s == nil || s.Name != sys.Name || len(s.Params) != len(sys.Slots) {
		return nil
	}
	for k, sl := range sys.Slots {
		if kind, split := splitKind(sl.Part); split && s.Params[k].Kind != kind {
			return nil
		}
	}
	return s
}

// splitKind is the Kind of a slot carrying part of a split 64-bit value,
// or padding before one; split is false for a slot carrying a whole
// parameter.
func splitKind(part tables.SlotPart) (kind runtime.Kind, split bool) {
	switch part {
	case tables.Lo:
		return runtime.KindLo, true
	case tables.Hi:
		return runtime.KindHi, true
	case tables.Pad:
		return runtime.KindPad, true
	}
	return 0, false
}

// genericSig is the signature of a call without a registered Sig. It
// guesses nothing from C types, so that nothing is printed as what it is
// not:
//
//   - a slot gets KindString where the chain writes a string literal and
//     KindBuf where it writes a buffer;
//   - the halves and padding of a 64-bit value the table row splits get
//     KindLo, KindHi and KindPad, so the value prints as one number;
//   - every other slot is a plain integer: KindHex when its C type is a
//     pointer (an address, NULL as 0x0) or unknown (a row without a
//     signature, the escape hatch syscall(NR, ...)), KindInt otherwise.
//
// No slot is a KindLen, so no length is tied to a buffer: a length is
// passed as written, unchecked, as it is for a raw runtime Syscall step.
func genericSig(call *Call) *runtime.Sig {
	sys := call.Sys
	sig := &runtime.Sig{Nr: uintptr(sys.Nr), Name: sys.Name}
	byValue := func(v Value, def runtime.Kind) runtime.Kind {
		switch v.Kind {
		case ValStr:
			return runtime.KindString
		case ValBuf:
			return runtime.KindBuf
		}
		return def
	}
	if !sys.HasSig {
		for k, v := range call.Args {
			sig.Params = append(sig.Params, runtime.Param{Name: "arg" + strconv.Itoa(k), Kind: byValue(v, runtime.KindHex)})
		}
		return sig
	}
	for k, sl := range sys.Slots {
		kind, split := splitKind(sl.Part)
		if !split {
			kind = runtime.KindInt
			if IsPointer(sys.Params[sl.Param].Type) {
				kind = runtime.KindHex
			}
			if sl.Param < len(call.Args) {
				kind = byValue(call.Args[sl.Param], kind)
			}
		}
		sig.Params = append(sig.Params, runtime.Param{Name: sys.SlotName(k), Kind: kind})
	}
	return sig
}
