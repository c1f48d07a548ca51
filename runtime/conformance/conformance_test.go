package conformance

import (
	"testing"

	"github.com/syschain/syschain/runtime"
)

// TestInterp runs the whole suite on the reference backend.
func TestInterp(t *testing.T) {
	cases := Cases()
	if len(cases) < 300 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, f := range RunCases(runtime.Interp{}, cases) {
		t.Error(f)
	}
}

// TestDryRunRefusals: a dryrun executes nothing, so only the refusal cases
// (which must never reach execution) make sense for it.
func TestDryRunRefusals(t *testing.T) {
	var refusals []Case
	for _, c := range Cases() {
		if len(c.Name) > 7 && c.Name[:7] == "refuse/" {
			refusals = append(refusals, c)
		}
	}
	if len(refusals) < 20 {
		t.Fatalf("only %d refusal cases", len(refusals))
	}
	for _, f := range RunCases(&runtime.DryRun{}, refusals) {
		t.Error(f)
	}
}

// TestDefault runs the suite on whatever Run would choose here.
func TestDefault(t *testing.T) {
	for _, f := range Run(runtime.DefaultBackend(nil)) {
		t.Error(f)
	}
}
