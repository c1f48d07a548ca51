package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	goruntime "runtime"
	"strconv"
	"strings"

	"github.com/syschain/syschain/cmd/syschain/internal/script"
	"github.com/syschain/syschain/runtime"
	"github.com/syschain/syschain/tables"
)

// runChain is `syschain run`.
func runChain(stdout, stderr io.Writer, args []string) error {
	fs := flag.NewFlagSet("syschain run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("f", "", "read the chain from `file` (- for standard input)")
	backend := fs.String("backend", "", "run on backend `name` ("+backendNames()+"; default: the best available)")
	dry := fs.Bool("n", false, "dry run: execute nothing, show what the chain would do")
	results := fs.String("results", "", "with -n: the results of steps 0, 1, ... (`list`, e.g. 3,9,9,0 or 3,-ENOENT)")
	words := fs.Bool("words", false, "print the packed words in hex, one step per line, and do not run")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), runUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	name, src, err := source(*file, fs.Args())
	if err != nil {
		return err
	}
	var scripted []int64
	if *results != "" {
		if !*dry && *backend != "dryrun" {
			return errors.New("-results says what a dry run's steps return: add -n")
		}
		if scripted, err = parseResults(*results); err != nil {
			return err
		}
	}
	var b runtime.Backend // nil: the best available
	switch {
	case *dry || *backend == "dryrun":
		if *backend != "" && *backend != "dryrun" {
			return fmt.Errorf("-n runs on the dryrun backend; drop -backend %s", *backend)
		}
		b = &runtime.DryRun{Results: scripted}
	case *backend != "":
		if b, err = runtime.BackendByName(*backend); err != nil {
			return err
		}
	}

	built, prog, err := compile(name, src)
	if err != nil {
		return err
	}
	if *words {
		return printWords(stdout, prog, built)
	}
	if _, ok := b.(*runtime.DryRun); ok {
		// The trace shows results only; a dry run is for seeing the control
		// flow, so list the steps with their conditions first.
		fmt.Fprintln(stderr, "# dry run: nothing is executed; each step returns what -results says")
		for i, line := range strings.Split(strings.TrimSuffix(built.Chain.String(), "\n"), "\n") {
			fmt.Fprintf(stderr, "#   %d: %s\n", i, line)
		}
	}
	res, err := built.Chain.RunOn(b)
	if res != nil {
		fmt.Fprint(stderr, res.String())
		fmt.Fprintf(stderr, "# backend: %s\n", res.Backend)
	}
	return err
}

// source returns the chain text and its name for error messages.
func source(file string, args []string) (name, src string, err error) {
	switch {
	case file != "" && len(args) > 0:
		return "", "", errors.New("give the chain either with -f or as an argument, not both")
	case file == "-":
		data, err := io.ReadAll(os.Stdin)
		return "<stdin>", string(data), err
	case file != "":
		data, err := os.ReadFile(file)
		return file, string(data), err
	case len(args) == 0:
		return "", "", errors.New("no chain: give it as one quoted argument, or with -f FILE (syschain -h for the syntax)")
	case len(args) > 1:
		return "", "", fmt.Errorf("the chain must be one argument (quote it) and flags come before it; got %d arguments", len(args))
	}
	return "", args[0], nil
}

// compile parses, checks and builds a chain for this arch.
func compile(name, src string) (*script.Built, *script.Program, error) {
	s, err := script.Parse(name, src)
	if err != nil {
		return nil, nil, err
	}
	arch, err := hostArch()
	if err != nil {
		return nil, nil, err
	}
	prog, err := script.Check(s, arch)
	if err != nil {
		return nil, nil, err
	}
	built, err := script.Build(prog)
	if err != nil {
		return nil, nil, err
	}
	return built, prog, nil
}

// hostArch loads the syscall table of the arch the command runs on.
func hostArch() (*tables.Arch, error) {
	arch, err := tables.Load(goruntime.GOARCH)
	if err != nil {
		return nil, fmt.Errorf("no syscall table for this machine: %w", err)
	}
	return arch, nil
}

// parseResults reads -results: integers in any base or (negated)
// constants, comma-separated.
func parseResults(list string) ([]int64, error) {
	var out []int64
	for i, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		neg := strings.HasPrefix(f, "-")
		name := strings.TrimPrefix(f, "-")
		if v, ok := script.Const(name); ok {
			if neg {
				v = -v
			}
			out = append(out, v)
			continue
		}
		v, err := strconv.ParseInt(f, 0, 64)
		if err != nil {
			return nil, fmt.Errorf("-results: item %d, %q, is not an integer or a constant like -ENOENT", i, f)
		}
		out = append(out, v)
	}
	return out, nil
}

// backendNames lists the backends for the flag's help.
func backendNames() string {
	bs, _ := runtime.Backends()
	var names []string
	for _, b := range bs {
		names = append(names, b.Name())
	}
	return strings.Join(append(names, "dryrun"), ", ")
}
