// Command syschain-gen generates typed syscall-chain builders from
// syschain's per-arch syscall tables, and regenerates those tables.
//
// See `syschain-gen -h` for the manual.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Stdout, os.Stderr, os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "Error:", err)
		}
		os.Exit(1)
	}
}

// run dispatches to a subcommand. With no subcommand it generates builders
// (the go:generate use).
func run(stdout, stderr io.Writer, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "tables":
			return runTables(stdout, stderr, args[1:])
		case "tables-compat":
			return runTablesCompat(stdout, stderr, args[1:])
		case "list":
			return runList(stdout, stderr, args[1:])
		}
	}
	return runGenerate(stdout, stderr, args)
}
