// Command syschain runs syscall chains written in a small text syntax, for
// trying chains without writing Go:
//
//	syschain run 'openat(AT_FDCWD, "/etc/hostname", O_RDONLY, 0); read($0, buf[4096], 4096); write(1, buf, $1); close($0)'
//
// prints the hostname (step 2 writes it to standard output) and, on
// standard error, the strace-style trace of the run. `syschain -h` is the
// manual; docs/syschain-cmd.md has the same with more examples.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/syschain/syschain/cmd/syschain/internal/script"
)

func main() {
	err := run(os.Stdout, os.Stderr, os.Args[1:])
	switch {
	case errors.Is(err, flag.ErrHelp):
		// -h: the flag package has printed the usage; asking is no failure.
	case err != nil:
		reportError(os.Stderr, err)
		os.Exit(1)
	}
}

// reportError prints err as "Error: …"; a script error is followed by its
// source line with a caret under the column.
func reportError(w io.Writer, err error) {
	fmt.Fprintln(w, "Error:", err)
	var se *script.Error
	if errors.As(err, &se) {
		fmt.Fprintln(w, se.Context())
	}
}

// run dispatches to a subcommand.
func run(stdout, stderr io.Writer, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, manual)
		return errors.New("no command: try syschain run 'getpid()'")
	}
	switch args[0] {
	case "run":
		return runChain(stdout, stderr, args[1:])
	case "consts":
		return runConsts(stdout, stderr, args[1:])
	case "syscalls":
		return runSyscalls(stdout, stderr, args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, manual)
		return nil
	}
	return fmt.Errorf("unknown command %q: the commands are run, consts and syscalls (syschain -h for the manual)", args[0])
}
