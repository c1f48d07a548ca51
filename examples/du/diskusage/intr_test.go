package diskusage

import (
	"math/bits"
	"math/rand"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/runtime"
)

// interrupting is a backend that behaves as the kernel does when a signal
// arrives between steps (why INTR): it runs only the first k steps of a
// chain on interp, k random, and reports the rest as not run. The walk
// must redo what did not run and still print GNU du's output.
type interrupting struct {
	rng  *rand.Rand
	cuts int
}

func (*interrupting) Name() string { return "interrupting" }

func (b *interrupting) Exec(p *runtime.Program, results []uintptr) (uintptr, error) {
	w := p.Words()
	// Step boundaries (docs/wire-format.md, "A step").
	var ends []int
	for pos := 0; pos < len(w); {
		bm := uint64(w[pos+1])
		nconds := int(bm >> 6 & 7)
		nargs := int(bm >> 9 & 7)
		action := bm >> 19 & 3
		bounds := bits.OnesCount64(bm >> 23 & 0x3f)
		pos += 2 + nargs + 1 + nconds + bounds
		if nconds > 0 {
			pos++
		}
		if action == 2 {
			pos++
		}
		ends = append(ends, pos)
	}
	if len(ends) < 2 || b.rng.Intn(3) == 0 {
		return runtime.Interp{}.Exec(p, results)
	}
	k := 1 + b.rng.Intn(len(ends)-1)
	prefix := runtime.RawProgram(w[:ends[k-1]])
	if err := prefix.Validate(); err != nil {
		return 0, err
	}
	st, err := runtime.Interp{}.Exec(prefix, results[:k])
	if err != nil || st != uintptr(k) { // the prefix ended early by itself
		return st, err
	}
	canceled := unix.ECANCELED
	for i := k; i < len(results); i++ {
		results[i] = -uintptr(canceled)
	}
	b.cuts++
	return uintptr(k) | uintptr(runtime.Intr)<<16, nil
}

func TestInterruptedChains(t *testing.T) {
	if _, err := exec.LookPath("du"); err != nil {
		t.Skip("no GNU du installed")
	}
	dir := t.TempDir()
	makeTree(t, filepath.Join(dir, "t"))
	b := &interrupting{rng: rand.New(rand.NewSource(3))}
	for _, args := range [][]string{{"t"}, {"-s", "-b", "t"}, {"t/big"}} {
		want, wantErr, wantOK := gnuDu(t, dir, nil, args...)
		opt, ops := flagsOf(Options{Method: Chains, Backend: b}, args)
		got, gotErr, gotOK := runWalker(t, dir, opt, ops)
		if got != want || gotErr != wantErr || gotOK != wantOK {
			t.Errorf("du %q with interrupted chains: differs from GNU du\n%s", args, diffText(want+wantErr, got+gotErr))
		}
	}
	if b.cuts < 50 {
		t.Fatalf("only %d chains were interrupted", b.cuts)
	}
	t.Logf("%d chains interrupted", b.cuts)
}
