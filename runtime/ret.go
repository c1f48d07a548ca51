package runtime

import "strconv"

// The tag patterns Ret uses; see the package doc. The low bits are the
// step index: 0 to MaxSteps-1, or retNeg for a negative argument, or
// retBig for one of MaxSteps or more, so that an error can name the
// argument that was passed. On 32-bit arches the whole window is
// retTag32 .. retTag32+0x1FF: 512 values inside one page that the package
// reserves at start-up (see retwindow_linux.go), so no user address is in
// it.
const (
	retTag64   uint64 = 0x8A7C5EC4A1E00000
	retTag32   uint32 = 0x8A7C5C00
	retIdxMask        = 0x1FF
	retNeg            = 0x100 // Ret(i) with i < 0
	retBig            = 0x101 // Ret(i) with i >= MaxSteps
)

// Ret returns a reference to step i's result, usable in any integer, fd or
// address parameter and as a condition value. An i that no chain can have
// (negative, or MaxSteps and above) fails validation with an error that
// says so.
func Ret(i int) int {
	idx := uint64(i)
	switch {
	case i < 0:
		idx = retNeg
	case i >= MaxSteps:
		idx = retBig
	}
	if strconv.IntSize == 64 {
		return int(int64(retTag64 | idx))
	}
	return int(int32(retTag32 | uint32(idx)))
}

// IsRet reports whether v carries Ret's tag, and which step it names. It
// accepts the value as an int converted to int64 and, on 32-bit arches,
// also an int converted through uintptr or uint32 (zero-extended). The
// step of a Ret(i) with an impossible i is retNeg or retBig, both at least
// MaxSteps: callers report them with retString.
func IsRet(v int64) (step int, ok bool) {
	u := uint64(v)
	if strconv.IntSize == 64 {
		if u&^retIdxMask == retTag64 && u&retIdxMask <= retBig {
			return int(u & retIdxMask), true
		}
		return 0, false
	}
	if hi := u >> 32; hi != 0 && hi != 0xFFFFFFFF {
		return 0, false
	}
	if uint32(u)&^retIdxMask == retTag32 && u&retIdxMask <= retBig {
		return int(u & retIdxMask), true
	}
	return 0, false
}

// retWindowErr is set when the 32-bit tag window could not be reserved
// (retwindow_linux32.go): every Ret then fails to build with it.
var retWindowErr string

// retString prints a reference as the call that made it: "Ret(3)", and for
// the impossible indices what was passed.
func retString(j int) string {
	switch j {
	case retNeg:
		return "Ret(i) with a negative i"
	case retBig:
		return "Ret(i) with i >= " + strconv.Itoa(MaxSteps) + " (a chain has at most " + strconv.Itoa(MaxSteps) + " steps)"
	}
	return "Ret(" + strconv.Itoa(j) + ")"
}

// Cmp is a condition comparison; the codes are the wire format's.
type Cmp uint8

// The ten comparisons. r is the step's result, v the condition's value;
// the signed ones read both as a signed machine word.
const (
	EQ  Cmp = iota // r == v
	NE             // r != v
	GT             // r > v, signed
	GTU            // r > v, unsigned
	LT             // r < v, signed
	LTU            // r < v, unsigned
	GE             // r >= v, signed
	GEU            // r >= v, unsigned
	LE             // r <= v, signed
	LEU            // r <= v, unsigned
	numCmp
)

var cmpNames = [numCmp]string{"EQ", "NE", "GT", "GTU", "LT", "LTU", "GE", "GEU", "LE", "LEU"}
var cmpOps = [numCmp]string{"==", "!=", ">", ">u", "<", "<u", ">=", ">=u", "<=", "<=u"}

func (c Cmp) String() string {
	if c < numCmp {
		return cmpNames[c]
	}
	return "Cmp(" + strconv.Itoa(int(c)) + ")"
}

// Action is what a true condition of a step does.
type Action uint8

const (
	Stop     Action = iota // end the chain (CONDSTOP); the seed's behaviour and the default
	Continue               // go on with the next step
	Jump                   // go on at the jump target, a later step
	numAction
)

func (a Action) String() string {
	switch a {
	case Stop:
		return "stop"
	case Continue:
		return "continue"
	case Jump:
		return "goto"
	}
	return "Action(" + strconv.Itoa(int(a)) + ")"
}

// EnforceGenVersion pins generated code to the runtime at compile time,
// protobuf style. Generated files contain
//
//	const _ = runtime.EnforceGenVersion(runtime.GenVersion - N)
//	const _ = runtime.EnforceGenVersion(N - runtime.MinGenVersion)
//
// with N their generator version; a negative constant does not convert to
// the unsigned type, so a stale file fails to build: regenerate it with
// `make generate` (or your go:generate line).
type EnforceGenVersion uint

const (
	// GenVersion is the newest generated-code version this runtime supports.
	GenVersion = 1
	// MinGenVersion is the oldest.
	MinGenVersion = 1
)
