// Package script parses syschain's text syntax for syscall chains, checks
// it against a syscall table and builds runtime chains from it. It is the
// front end of the syschain command (cmd/syschain); docs/syschain-cmd.md is
// the user's manual of the syntax.
//
// The work is split in three passes so each can be tested alone:
//
//	Parse  text → *Script        syntax only; needs no table
//	Check  *Script → *Program    names, argument counts, references, buffers
//	Build  *Program → chain      the runtime chain plus the buffers it uses
//
// Every error a user can cause is an *Error carrying the line and column
// it is about.
package script

// Pos is a place in the source: 1-based line and byte column.
type Pos struct {
	Line, Col int
}

// Script is a parsed chain: its steps in order.
type Script struct {
	Steps []*Step
	src   string // the source text, kept for error context lines
	name  string // the source's name in error messages ("" for inline text)
}

// Step is one syscall with its modifiers.
type Step struct {
	Pos    Pos    // of the syscall name
	Name   string // the syscall name as written
	Args   []Expr
	Rparen Pos // of the closing parenthesis, where "too few arguments" points

	AllowError bool // "allow-error": an error return does not stop the chain
	NoBlock    bool // "noblock": the step never blocks

	// Conds are the step's conditions, ORed; Action says what a true one
	// does. Action is ActNone exactly when Conds is empty.
	Conds     []*Cond
	Action    Action
	ActionPos Pos
	Target    int // for ActGoto: the step index, or -1 for "goto end"
}

// Cond is one comparison of the step's result against a value.
type Cond struct {
	Pos   Pos // of the operator
	Op    Op
	Value Expr
}

// Op is a comparison. The values are the wire format's condition codes
// (and runtime.Cmp's).
type Op uint8

// The comparisons, in wire-format order. The U forms compare unsigned.
const (
	EQ Op = iota
	NE
	GT
	GTU
	LT
	LTU
	GE
	GEU
	LE
	LEU
)

var opText = [...]string{"==", "!=", ">", ">u", "<", "<u", ">=", ">=u", "<=", "<=u"}

func (o Op) String() string {
	if int(o) < len(opText) {
		return opText[o]
	}
	return "?"
}

// Action is what a true condition does.
type Action uint8

const (
	ActNone     Action = iota // no conditions
	ActStop                   // "stop": end the chain (the default)
	ActContinue               // "continue": go on with the next step
	ActGoto                   // "goto N" / "goto end": jump forward
)

// Expr is an argument or a condition value.
type Expr interface {
	Start() Pos
	expr()
}

// Int is an integer literal, possibly negated: Lit is the text as written
// (without the sign) and Val its value as a 64-bit word.
type Int struct {
	Pos Pos
	Neg bool
	Lit string
	Val int64
}

// Name is a constant (O_RDONLY) or a reference to a declared buffer.
type Name struct {
	Pos  Pos
	Neg  bool // "-ENOENT"
	Name string
}

// Ref is "$N": step N's result.
type Ref struct {
	Pos  Pos
	Step int
}

// Str is a string literal; Val is its unquoted value.
type Str struct {
	Pos Pos
	Val string
}

// Buf declares a named buffer of Size bytes: "buf[4096]".
type Buf struct {
	Pos  Pos
	Name string
	Size int
}

// Or is flags ORed together: "O_WRONLY|O_CREAT". Its terms are *Int and
// *Name values only.
type Or struct {
	Terms []Expr
}

func (e *Int) Start() Pos  { return e.Pos }
func (e *Name) Start() Pos { return e.Pos }
func (e *Ref) Start() Pos  { return e.Pos }
func (e *Str) Start() Pos  { return e.Pos }
func (e *Buf) Start() Pos  { return e.Pos }
func (e *Or) Start() Pos   { return e.Terms[0].Start() }

func (*Int) expr()  {}
func (*Name) expr() {}
func (*Ref) expr()  {}
func (*Str) expr()  {}
func (*Buf) expr()  {}
func (*Or) expr()   {}
