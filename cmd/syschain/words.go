package main

import (
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"strings"

	"github.com/syschain/syschain/cmd/syschain/internal/script"
	"github.com/syschain/syschain/runtime"
)

// printWords writes the chain's wire-format words (docs/wire-format.md),
// one step per line, in groups: number and bitmap | arguments |
// error-function word | condition codes and values | bounds | jump
// target. An argument word that is the address of the chain's own memory
// (a string or buffer) is marked with "&": its value differs run to run.
// The comment after "#" decodes the bitmap.
func printWords(w io.Writer, prog *script.Program, built *script.Built) error {
	words, err := runtime.Encode(built.Chain, strconv.IntSize)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "# %d steps, %d words of %d bits (docs/wire-format.md); & marks an address\n", len(prog.Calls), len(words), strconv.IntSize)
	hex := func(v uint64) string { return "0x" + strconv.FormatUint(v, 16) }
	off := 0
	for i, call := range prog.Calls {
		if off+2 > len(words) {
			return fmt.Errorf("internal error: the words end inside step %d", i)
		}
		bm := words[off+1]
		f := bitmap{
			symmask: bm & 0x3f, nconds: int(bm >> 6 & 7), nargs: int(bm >> 9 & 7),
			condsym: bm >> 12 & 0x7f, action: int(bm >> 19 & 3), errstop: bm>>21&1 != 0,
			noblock: bm>>22&1 != 0, boundmask: bm >> 23 & 0x3f,
		}
		n := f.size()
		if off+n > len(words) {
			return fmt.Errorf("internal error: step %d needs %d words, %d are left", i, n, len(words)-off)
		}
		sw := words[off : off+n]
		addr := addressSlots(call)
		var groups []string
		groups = append(groups, hex(sw[0])+" "+hex(sw[1]))
		var args []string
		for k := 0; k < f.nargs; k++ {
			s := hex(sw[2+k])
			if addr[k] && f.symmask&(1<<k) == 0 && sw[2+k] != 0 {
				s = "&" + s
			}
			args = append(args, s)
		}
		if len(args) > 0 {
			groups = append(groups, strings.Join(args, " "))
		}
		p := 2 + f.nargs
		groups = append(groups, hex(sw[p])) // the error-function word
		p++
		if f.nconds > 0 {
			var c []string
			for _, v := range sw[p : p+1+f.nconds] {
				c = append(c, hex(v))
			}
			groups = append(groups, strings.Join(c, " "))
			p += 1 + f.nconds
		}
		if nb := bits.OnesCount64(f.boundmask); nb > 0 {
			var c []string
			for _, v := range sw[p : p+nb] {
				c = append(c, hex(v))
			}
			groups = append(groups, strings.Join(c, " "))
			p += nb
		}
		if f.action == 2 {
			groups = append(groups, hex(sw[p]))
		}
		fmt.Fprintf(w, "%d: %s  # %s\n", i, strings.Join(groups, " | "), f.describe(call.Sys.Name, sw))
		off += n
	}
	if off != len(words) {
		return fmt.Errorf("internal error: %d words left after the last step", len(words)-off)
	}
	return nil
}

// bitmap is a step's word 1, decoded.
type bitmap struct {
	symmask, condsym, boundmask uint64
	nconds, nargs, action       int
	errstop, noblock            bool
}

// size is the step's length in words.
func (f bitmap) size() int {
	n := 2 + f.nargs + 1 + f.nconds + bits.OnesCount64(f.boundmask)
	if f.nconds > 0 {
		n++ // the condition-code word
	}
	if f.action == 2 {
		n++ // the jump target
	}
	return n
}

var cmpText = [...]string{"==", "!=", ">", ">u", "<", "<u", ">=", ">=u", "<=", "<=u"}

// describe spells out the bitmap of step words sw.
func (f bitmap) describe(name string, sw []uint64) string {
	args := "args"
	if f.nargs == 1 {
		args = "arg"
	}
	parts := []string{fmt.Sprintf("%s: %d %s", name, f.nargs, args)}
	for k := 0; k < f.nargs; k++ {
		if f.symmask&(1<<k) != 0 {
			parts = append(parts, fmt.Sprintf("arg %d = $%d", k, sw[2+k]))
		}
	}
	if f.nconds > 0 {
		codes := sw[3+f.nargs]
		var conds []string
		for j := 0; j < f.nconds; j++ {
			op := "?"
			if c := codes >> (4 * j) & 0xf; int(c) < len(cmpText) {
				op = cmpText[c]
			}
			v := sw[4+f.nargs+j]
			vs := strconv.FormatInt(int64(v), 10)
			if strconv.IntSize == 32 {
				vs = strconv.FormatInt(int64(int32(v)), 10)
			}
			if f.condsym&(1<<j) != 0 {
				vs = "$" + strconv.FormatUint(v, 10)
			}
			conds = append(conds, op+" "+vs)
		}
		act := [...]string{"stop", "continue", "goto", "?"}[f.action]
		if f.action == 2 {
			act += " " + strconv.FormatUint(sw[len(sw)-1], 10)
		}
		parts = append(parts, "if "+strings.Join(conds, " or ")+" "+act)
	}
	if f.errstop {
		parts = append(parts, "errstop")
	}
	if f.noblock {
		parts = append(parts, "noblock")
	}
	for k := 0; k < f.nargs; k++ {
		if f.boundmask&(1<<k) != 0 {
			parts = append(parts, fmt.Sprintf("arg %d bounded", k))
		}
	}
	return strings.Join(parts, ", ")
}

// addressSlots reports which register slots of call carry the address of
// Go memory (a string or a buffer).
func addressSlots(call *script.Call) map[int]bool {
	m := map[int]bool{}
	for k, v := range call.Args {
		if v.Kind != script.ValStr && v.Kind != script.ValBuf {
			continue
		}
		if !call.Sys.HasSig {
			m[k] = true
			continue
		}
		for s, sl := range call.Sys.Slots {
			if sl.Param == k {
				m[s] = true
			}
		}
	}
	return m
}
