package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/syschain/syschain/cmd/syschain/internal/script"
)

// runConsts is `syschain consts [PREFIX]`: the constants a chain may name.
func runConsts(stdout, stderr io.Writer, args []string) error {
	fs := flag.NewFlagSet("syschain consts", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), "usage: syschain consts [PREFIX]   (e.g. syschain consts O_)") }
	if err := fs.Parse(args); err != nil {
		return err
	}
	prefix := fs.Arg(0)
	tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
	n := 0
	for _, name := range script.ConstNames() {
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		v, _ := script.Const(name)
		fmt.Fprintf(tw, "%s\t%d\t%#x\n", name, v, uint64(v))
		n++
	}
	if n == 0 {
		return fmt.Errorf("no constant starts with %q", prefix)
	}
	return tw.Flush()
}

// runSyscalls is `syschain syscalls [PREFIX]`: this arch's syscalls with
// their numbers and C signatures, i.e. the arguments a step takes.
func runSyscalls(stdout, stderr io.Writer, args []string) error {
	fs := flag.NewFlagSet("syschain syscalls", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), "usage: syschain syscalls [PREFIX]   (e.g. syschain syscalls open)") }
	if err := fs.Parse(args); err != nil {
		return err
	}
	arch, err := hostArch()
	if err != nil {
		return err
	}
	prefix := fs.Arg(0)
	tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
	n := 0
	for i := range arch.Syscalls {
		s := &arch.Syscalls[i]
		if !s.Implemented() || !strings.HasPrefix(s.Name, prefix) {
			continue
		}
		fmt.Fprintf(tw, "%d\t%s(%s)\n", s.Nr, s.Name, s.Signature())
		n++
	}
	if n == 0 {
		return fmt.Errorf("no syscall of linux/%s starts with %q", arch.GoArch, prefix)
	}
	return tw.Flush()
}
