package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/syschain/syschain/gen/tablegen"
	"github.com/syschain/syschain/tables"
)

// runTables regenerates tables/ from a kernel tree:
//
//	syschain-gen tables -kernel PATH [-out tables/] [-overlay FILE] [-report]
func runTables(stdout, stderr io.Writer, args []string) error {
	fs := flag.NewFlagSet("syschain-gen tables", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kernel := fs.String("kernel", "", "Linux source tree, or a linux-source .tar.xz (required)")
	out := fs.String("out", "tables", "directory the linux_<goarch>.tbl files are written to")
	overlay := fs.String("overlay", "", "overlay file (default: OUT/overlay.txt)")
	report := fs.Bool("report", false, "print per arch how many syscalls have a signature and which do not, and why")
	dry := fs.Bool("n", false, "build and report, but write nothing")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: syschain-gen tables -kernel PATH [-out DIR] [-overlay FILE] [-report] [-n]")
		fmt.Fprintln(stderr, "Regenerates every arch's syscall table from a Linux tree plus the overlay;")
		fmt.Fprintln(stderr, "all files are written or none.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("tables: unexpected argument %q (flags only; see -h)", fs.Arg(0))
	}
	if *kernel == "" {
		return fmt.Errorf("tables: -kernel is required (a Linux source tree, or /usr/src/linux-source-6.1.tar.xz)")
	}
	if *overlay == "" {
		*overlay = filepath.Join(*out, "overlay.txt")
	}
	root := *kernel
	if strings.HasSuffix(root, ".tar.xz") || strings.HasSuffix(root, ".tar") {
		dir, err := os.MkdirTemp("", "syschain-kernel-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		fmt.Fprintf(stderr, "extracting %s ...\n", root)
		if root, err = tablegen.ExtractTarball(*kernel, dir); err != nil {
			return err
		}
	}
	start := time.Now()
	res, err := tablegen.Build(root, *overlay, filepath.Base(*overlay))
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if *report {
		writeReport(stdout, res)
	}
	if *dry {
		return nil
	}
	changed, err := res.Write(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "tables: %d arches from Linux %s in %.1fs; %d file(s) changed\n",
		len(res.Arches), res.Kernel, time.Since(start).Seconds(), len(changed))
	return nil
}

// writeReport prints, per arch, the counts and every implemented syscall
// without a signature with the reason.
func writeReport(w io.Writer, res *tablegen.Result) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "GOARCH\tSYSCALLS\tIMPLEMENTED\tWITH SIGNATURE\tWITHOUT\tFROM OVERLAY")
	for _, a := range res.Arches {
		n, impl, sig, over := len(a.Syscalls), 0, 0, 0
		for i := range a.Syscalls {
			s := &a.Syscalls[i]
			if strings.HasPrefix(s.Source, res.Overlay+":") {
				over++
			}
			if s.Implemented() {
				impl++
				if s.HasSig {
					sig++
				}
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\n", a.GoArch, n, impl, sig, impl-sig, over)
	}
	tw.Flush()
	for _, a := range res.Arches {
		var lines []string
		for i := range a.Syscalls {
			s := &a.Syscalls[i]
			if s.Implemented() && !s.HasSig {
				lines = append(lines, fmt.Sprintf("  %d %s (%s): %s", s.Nr, s.Name, s.Entry, s.Note))
			}
		}
		if len(lines) > 0 {
			sort.Strings(lines)
			fmt.Fprintf(w, "%s: no signature:\n%s\n", a.GoArch, strings.Join(lines, "\n"))
		}
	}
}

// runList prints one arch's table, one syscall a line:
// NUMBER<TAB>NAME<TAB>NREGS<TAB>SIGNATURE.
func runList(stdout, stderr io.Writer, args []string) error {
	fs := flag.NewFlagSet("syschain-gen list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	arch := fs.String("arch", "", "GOARCH whose table to print (one of "+strings.Join(tables.GoArches(), ", ")+")")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: syschain-gen list -arch GOARCH")
		fmt.Fprintln(stderr, "Prints NUMBER<TAB>NAME<TAB>NREGS<TAB>SIGNATURE per syscall; NREGS is \"?\" and")
		fmt.Fprintln(stderr, "SIGNATURE \"?\" when the signature is unknown, SIGNATURE \"-\" when not implemented.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("list: unexpected argument %q (flags only; see -h)", fs.Arg(0))
	}
	if *arch == "" {
		return fmt.Errorf("list: -arch is required (one of %s)", strings.Join(tables.GoArches(), ", "))
	}
	a, err := tables.Load(*arch)
	if err != nil {
		return err
	}
	var b strings.Builder
	for i := range a.Syscalls {
		s := &a.Syscalls[i]
		nregs, sig := "?", s.Signature()
		if s.HasSig {
			nregs = fmt.Sprint(s.NRegs())
		}
		if !s.Implemented() {
			sig = "-"
		}
		fmt.Fprintf(&b, "%d\t%s\t%s\t%s\n", s.Nr, s.Name, nregs, sig)
	}
	_, err = io.WriteString(stdout, b.String())
	return err
}
