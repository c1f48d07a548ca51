package runtime

import (
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// Rule names the rule a chain broke. FormatError, BuildError and
// DeniedError carry one, so callers and tests can tell violations apart
// without matching message text.
type Rule uint8

// Rules of the wire format (docs/wire-format.md, "Validation") and of the
// builder.
const (
	RuleEmpty        Rule = iota + 1 // a chain has no steps
	RuleTruncated                    // the words end inside a step
	RuleTooManySteps                 // more than MaxSteps steps
	RuleTooManyWords                 // more than MaxWords words
	RuleTooManyArgs                  // more than 6 arguments
	RuleTooManyConds                 // more than 7 conditions
	RuleBadCond                      // a condition code that is not one of the ten
	RuleBadAction                    // action 3, or a second, different action on one step
	RuleReservedBits                 // a bitmap bit at 29 or above, or a condition-code bit above nconds
	RuleErrFunc                      // a non-zero error-function word
	RuleMaskBit                      // a mask bit naming an argument or condition that does not exist
	RuleBackRef                      // a reference to the same or a later step
	RuleJumpRange                    // a jump target not after the step, or past the end
	RuleNoStep                       // a step method called before any step
	RuleBadSlot                      // an argument slot the step does not have
	RuleBadArg                       // an argument of a type the builder cannot pass
	RuleBufLen                       // a literal length larger than its buffer
	RuleRetSplit                     // a reference where the value must be known when the chain is built (RequireLiteral)
	RuleWordRange                    // a value that does not fit the machine word
	RuleNilSig                       // Begin with a nil Sig
	RuleNoCond                       // Continue or Goto without a condition; ContinueOn/GotoOn without an errno
	RuleCleanup                      // a cleanup step that is not at the end, or has conditions
	RuleFlags                        // unknown sys_chain flags, or version-2 bits under version 1
)

var ruleText = [...]string{
	RuleEmpty:        "a chain needs at least one step",
	RuleTruncated:    "the words end inside a step",
	RuleTooManySteps: "a chain has at most " + strconv.Itoa(MaxSteps) + " steps",
	RuleTooManyWords: "a chain has at most " + strconv.Itoa(MaxWords) + " words",
	RuleTooManyArgs:  "a step has at most 6 arguments",
	RuleTooManyConds: "a step has at most 7 conditions",
	RuleBadCond:      "a condition code must be one of the ten comparisons (0-9)",
	RuleBadAction:    "the action must be stop, continue or goto, and a step has one",
	RuleReservedBits: "reserved bits must be 0",
	RuleErrFunc:      "the error-function word must be 0",
	RuleMaskBit:      "a mask bit names an argument or condition the step does not have",
	RuleBackRef:      "a reference must name an earlier step",
	RuleJumpRange:    "a jump must go forward, at most to the end of the chain",
	RuleNoStep:       "add a step (Syscall or Begin) first",
	RuleBadSlot:      "the step has no such argument slot",
	RuleBadArg:       "the argument's Go type cannot be passed to a syscall",
	RuleBufLen:       "a length must not exceed its buffer",
	RuleRetSplit:     "this value must be known when the chain is built; it cannot be a reference",
	RuleWordRange:    "the value does not fit in a machine word",
	RuleNilSig:       "Begin needs a non-nil *Sig",
	RuleNoCond:       "an action (Continue, Goto) applies to a true condition, and the step has none",
	RuleCleanup:      "cleanup steps come last and have no conditions",
	RuleFlags:        "the flags must be 0 or FlagV2, and version-2 bits need FlagV2",
}

func (r Rule) String() string {
	if int(r) < len(ruleText) && ruleText[r] != "" {
		return ruleText[r]
	}
	return "Rule(" + strconv.Itoa(int(r)) + ")"
}

// FormatError reports malformed words handed to Decode (or to a backend):
// where (the absolute word index and the step), which field, which rule.
// Executors refuse such a chain with -EINVAL.
type FormatError struct {
	Word   int    // index of the offending word in the chain
	Step   int    // index of the step it belongs to (-1 for the whole chain)
	Field  string // e.g. "bitmap.nargs", "cond[1].code", "arg[2]"
	Rule   Rule
	Detail string // the offending value and what was expected
}

func (e *FormatError) Error() string {
	where := "chain"
	if e.Step >= 0 {
		where = "step " + strconv.Itoa(e.Step)
	}
	s := fmt.Sprintf("syschain: malformed chain: word %d (%s, %s): %s", e.Word, where, e.Field, e.Rule)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Is makes errors.Is(err, unix.EINVAL) true (unix.E2BIG for a chain over
// MaxWords), as the kernel would report it.
func (e *FormatError) Is(target error) bool {
	if e.Rule == RuleTooManyWords {
		return target == unix.E2BIG
	}
	return target == unix.EINVAL
}

// BuildError reports a chain the builder refused: the step, its syscall,
// the field and the rule, and what to do about it.
type BuildError struct {
	Step   int    // -1 when no step applies
	Name   string // the step's syscall name
	Field  string // e.g. "arg[2]", "cond[0]", "goto"
	Rule   Rule
	Detail string
}

func (e *BuildError) Error() string {
	var where string
	if e.Step >= 0 {
		where = fmt.Sprintf("step %d (%s)", e.Step, e.Name)
	} else {
		where = "chain"
	}
	if e.Field != "" {
		where += " " + e.Field
	}
	s := "syschain: " + where + ": " + e.Rule.String()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Is makes errors.Is(err, unix.EINVAL) true.
func (e *BuildError) Is(target error) bool { return target == unix.EINVAL }

// DeniedError reports a step whose syscall is on the deny list
// (docs/wire-format.md, "Validation"). Executors refuse the chain with
// -EPERM.
type DeniedError struct {
	Step int
	Nr   uintptr
	Name string
}

func (e *DeniedError) Error() string {
	return fmt.Sprintf("syschain: step %d: %s (syscall %d) must never run inside a chain: it does not return to the chain or rewrites the caller's registers or signal mask; run it on its own", e.Step, e.Name, e.Nr)
}

// Is makes errors.Is(err, unix.EPERM) true, as the kernel would report it.
func (e *DeniedError) Is(target error) bool { return target == unix.EPERM }

// Why says why a chain ended; the codes are the wire format's.
type Why uint8

const (
	End      Why = iota // control reached the end of the chain
	ErrStop             // a step returned an error and stops on errors (the default)
	CondStop            // a condition of a step was true and its action is Stop
	Bound               // a bounded argument of the next step exceeded its bound; it did not run
	Intr                // version 1 only: a step returned EINTR (or a signal arrived between steps)
	// Version 2 (FlagV2) only:
	Pause   // a signal was pending before the next step; nothing of it happened (resumable)
	Restart // the next step returned a restart code; nothing of it happened (resumable: re-issue it)
	RefStop // the next step references a step that failed or did not run; it did not run
	numWhy
)

var whyNames = [numWhy]string{"end", "error", "condition", "bound", "interrupted", "paused", "restart", "reference"}

// resumable reports the stops a caller must resume (FlagResume): a
// signal, not the chain, stopped it.
func (w Why) resumable() bool { return w == Pause || w == Restart }

func (w Why) String() string {
	if w < numWhy {
		return whyNames[w]
	}
	return "Why(" + strconv.Itoa(int(w)) + ")"
}

// Sentinels for errors.Is on a *StepError, one per way a chain stops early.
var (
	ErrStopped     = errors.New("syschain: a step returned an error") // Why == ErrStop
	ErrCondStop    = errors.New("syschain: a condition stopped the chain")
	ErrBound       = errors.New("syschain: an argument exceeded its bound")
	ErrInterrupted = errors.New("syschain: the chain was interrupted")
	ErrRefStop     = errors.New("syschain: a step uses a result of a step that failed or did not run")
)

// StepError is the error of a chain that stopped before its end: which step
// and syscall, its errno, and why. errors.Is(err, unix.ENOENT) matches the
// errno; errors.Is(err, ErrCondStop) (ErrStopped, ErrBound,
// ErrInterrupted) matches the reason.
type StepError struct {
	Step  int        // the step that stopped the chain (for Bound: the step that did not run)
	Name  string     // its syscall name
	Errno unix.Errno // its errno; 0 for a condition stop on a non-error result
	Why   Why
	Value int64 // the step's result (-EOVERFLOW for Bound)
	Cond  int   // CondStop: the first true condition; else -1
	Arg   int   // Bound, RefStop: the argument over its bound, or the referencing one (-1 for a condition value); else -1
	// RefStop: the referenced step (Ref), whether it ran, and its name.
	// Errno and Value are then the referenced step's: the original failure.
	Ref     int
	RefRan  bool
	RefName string
}

func (e *StepError) Error() string {
	head := fmt.Sprintf("syschain: step %d (%s)", e.Step, e.Name)
	switch e.Why {
	case ErrStop:
		return head + ": " + e.Errno.Error()
	case CondStop:
		s := fmt.Sprintf("%s: condition %d stopped the chain (result %d", head, e.Cond, e.Value)
		if e.Errno != 0 {
			s += ", " + e.Errno.Error()
		}
		return s + ")"
	case Bound:
		return fmt.Sprintf("%s: not run: argument %d exceeds its bound (the buffer it describes is shorter)", head, e.Arg)
	case Intr:
		return head + ": interrupted by a signal; later steps did not run"
	case RefStop:
		what := "did not run"
		if e.RefRan {
			what = "failed with " + e.Errno.Error()
			if e.Errno == 0 {
				what = "returned " + strconv.FormatInt(e.Value, 10)
			}
		}
		where := "an argument"
		if e.Arg >= 0 {
			where = "argument " + strconv.Itoa(e.Arg)
		} else {
			where = "a condition"
		}
		return fmt.Sprintf("%s: not run: %s uses $%d (%s), which %s", head, where, e.Ref, e.RefName, what)
	}
	return head + ": " + e.Why.String()
}

// Unwrap returns the errno, so errors.Is(err, unix.ENOENT) works.
func (e *StepError) Unwrap() error {
	if e.Errno == 0 {
		return nil
	}
	return e.Errno
}

// Is matches the reason sentinels.
func (e *StepError) Is(target error) bool {
	switch target {
	case ErrStopped:
		return e.Why == ErrStop
	case ErrCondStop:
		return e.Why == CondStop
	case ErrBound:
		return e.Why == Bound
	case ErrInterrupted:
		return e.Why == Intr
	case ErrRefStop:
		return e.Why == RefStop
	}
	return false
}
