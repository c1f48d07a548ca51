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
//	syschain-gen tables -kernel PATH [-out tables/] [-overlay FILE] [-report] [-diff] [-n] [-fail-superseded]
func runTables(stdout, stderr io.Writer, args []string) error {
	fs := flag.NewFlagSet("syschain-gen tables", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kernel := fs.String("kernel", "", "Linux source tree (kernel.org tarball or git checkout, any release), or a linux-source .tar.xz (required)")
	out := fs.String("out", "tables", "directory the linux_<goarch>.tbl files are written to")
	overlay := fs.String("overlay", "", "overlay file (default: OUT/overlay.txt)")
	report := fs.Bool("report", false, "print per arch how many syscalls have a signature and which do not, and why; and the overlay rows the tree supersedes")
	diff := fs.Bool("diff", false, "print what the tree would add or change in OUT's tables, and write nothing")
	dry := fs.Bool("n", false, "build and report, but write nothing")
	failSuperseded := fs.Bool("fail-superseded", false, "fail if the tree supersedes an overlay row (CI: the committed overlay holds only what the tree lacks)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: syschain-gen tables -kernel PATH [-out DIR] [-overlay FILE] [-report] [-diff] [-n] [-fail-superseded]")
		fmt.Fprintln(stderr, "Regenerates every arch's syscall table from a Linux tree plus the overlay;")
		fmt.Fprintln(stderr, "all files are written or none. See tables/README.md.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("tables: unexpected argument %q (flags only; see -h)", fs.Arg(0))
	}
	if *kernel == "" {
		return fmt.Errorf("tables: -kernel is required (a Linux source tree, or /usr/src/linux-source-6.12.tar.xz)")
	}
	if st, err := os.Stat(*out); err != nil || !st.IsDir() {
		return fmt.Errorf("tables: -out %s: not a directory (create it, or pass the directory the tables belong in)", *out)
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
	if *failSuperseded && len(res.Superseded) > 0 {
		var b strings.Builder
		writeSuperseded(&b, res)
		return fmt.Errorf("tables: Linux %s supersedes %d row(s) of %s; remove them (or narrow their arches) and regenerate:\n%s",
			res.Kernel, len(res.Superseded), *overlay, strings.TrimRight(b.String(), "\n"))
	}
	if *diff {
		return writeDiff(stdout, res, *out)
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

// writeDiff prints, per arch, how the built tables differ from those in
// dir: rows added, removed or changed (entry point, signature, slots).
func writeDiff(w io.Writer, res *tablegen.Result, dir string) error {
	var b strings.Builder
	total := 0
	for _, a := range res.Arches {
		name := "linux_" + a.GoArch + ".tbl"
		data, err := os.ReadFile(filepath.Join(dir, name))
		if os.IsNotExist(err) {
			fmt.Fprintf(&b, "%s: new table (%d rows)\n", a.GoArch, len(a.Syscalls))
			total++
			continue
		}
		if err != nil {
			return err
		}
		old, err := tables.Parse(filepath.Join(dir, name), data)
		if err != nil {
			return fmt.Errorf("tables -diff: %v (the table in %s does not parse; regenerate without -diff)", err, dir)
		}
		changes := tablegen.Diff(old, a)
		if len(changes) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s: %d row(s) differ\n", a.GoArch, len(changes))
		for _, c := range changes {
			fmt.Fprintf(&b, "  %s\n", strings.ReplaceAll(c.String(), "\n", "\n  "))
		}
		total += len(changes)
	}
	if total == 0 {
		fmt.Fprintf(&b, "no row differs from %s (Linux %s)\n", dir, res.Kernel)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeSuperseded lists the overlay rows the tree already has.
func writeSuperseded(w io.Writer, res *tablegen.Result) {
	for _, s := range res.Superseded {
		agree := "number, entry point and signature agree"
		if s.Reserved {
			agree = "number agrees, and both reserve it (no entry point)"
		}
		fmt.Fprintf(w, "  %s: %s (Linux %s) is in the tree on %s, e.g. %s; %s",
			s.Where, s.Name, s.Since, strings.Join(s.On, ","), s.TreeWhere[0], agree)
		if len(s.Still) > 0 {
			fmt.Fprintf(w, "; still needed on %s: narrow the row's arches to those\n", strings.Join(s.Still, ","))
		} else {
			fmt.Fprintf(w, "; drop the row\n")
		}
	}
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
	if len(res.Superseded) > 0 {
		fmt.Fprintf(w, "overlay rows Linux %s supersedes (%d):\n", res.Kernel, len(res.Superseded))
		writeSuperseded(w, res)
	} else {
		fmt.Fprintf(w, "overlay rows Linux %s supersedes: none\n", res.Kernel)
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

// runTablesCompat checks tables regenerated from an older kernel against
// the current ones (make tables-compat):
//
//	syschain-gen tables-compat -old DIR [-new tables/] -expect FILE
func runTablesCompat(stdout, stderr io.Writer, args []string) error {
	fs := flag.NewFlagSet("syschain-gen tables-compat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	oldDir := fs.String("old", "", "directory of tables regenerated from the older tree (required)")
	newDir := fs.String("new", "tables", "directory of the current tables")
	expect := fs.String("expect", "", "the kernel changes allowed between the two, one per line (required; e.g. tables/compat-6.1.txt)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: syschain-gen tables-compat -old DIR [-new DIR] -expect FILE")
		fmt.Fprintln(stderr, "Fails unless every call both sets of tables have agrees (number, name, entry,")
		fmt.Fprintln(stderr, "signature, register slots) or is a kernel change FILE names; lists the calls")
		fmt.Fprintln(stderr, "the older tables lack.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("tables-compat: unexpected argument %q (flags only; see -h)", fs.Arg(0))
	}
	if *oldDir == "" || *expect == "" {
		return fmt.Errorf("tables-compat: -old and -expect are required (see -h)")
	}
	older, err := loadDir(*oldDir)
	if err != nil {
		return err
	}
	current, err := loadDir(*newDir)
	if err != nil {
		return err
	}
	exp, err := tablegen.ReadCompatExpect(*expect)
	if err != nil {
		return err
	}
	res := tablegen.CheckCompat(older, current, exp)
	var b strings.Builder
	for _, g := range res.Arches {
		fmt.Fprintf(&b, "%s: %d calls agree; %d the older tables lack; %d expected kernel change(s)\n", g, res.Compared[g], len(res.Lacks[g]), len(res.Expected[g]))
		if len(res.Lacks[g]) > 0 {
			var l []string
			for _, c := range res.Lacks[g] {
				l = append(l, fmt.Sprintf("%d %s", c.New.Nr, c.New.Name))
			}
			fmt.Fprintf(&b, "  lacks: %s\n", strings.Join(l, ", "))
		}
		for _, c := range res.Expected[g] {
			fmt.Fprintf(&b, "  expected %s\n", strings.ReplaceAll(c.String(), "\n", "\n  "))
		}
	}
	if _, err := io.WriteString(stdout, b.String()); err != nil {
		return err
	}
	if len(res.Errors) > 0 {
		return fmt.Errorf("tables-compat: %s and %s disagree in %d way(s) (a generator bug, or a kernel change to name in %s):\n%s",
			*oldDir, *newDir, len(res.Errors), *expect, strings.Join(res.Errors, "\n"))
	}
	return nil
}

// loadDir parses every linux_<goarch>.tbl in dir, in GOARCH order.
func loadDir(dir string) ([]*tables.Arch, error) {
	names, err := filepath.Glob(filepath.Join(dir, "linux_*.tbl"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no linux_<goarch>.tbl files (regenerate with syschain-gen tables -out %s)", dir, dir)
	}
	sort.Strings(names)
	var out []*tables.Arch
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		a, err := tables.Parse(n, data)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}
