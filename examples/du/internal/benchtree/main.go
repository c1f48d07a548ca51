// Command benchtree makes the tree `make du-bench` walks:
//
//	go run ./examples/du/internal/benchtree DIR [DIRS FILES]
//
// (diskusage.BenchTree, 1,000 directories and 20,000 files by default, as
// in the guest). DIR must not exist.
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/syschain/syschain/examples/du/diskusage"
)

func main() {
	if len(os.Args) != 2 && len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: benchtree DIR [DIRS FILES]")
		os.Exit(2)
	}
	dirs, files := 1000, 20000
	if len(os.Args) == 4 {
		var err1, err2 error
		dirs, err1 = strconv.Atoi(os.Args[2])
		files, err2 = strconv.Atoi(os.Args[3])
		if err1 != nil || err2 != nil || dirs < 1 || files < 0 {
			fmt.Fprintln(os.Stderr, "benchtree: DIRS and FILES are numbers (DIRS >= 1)")
			os.Exit(2)
		}
	}
	if _, err := os.Lstat(os.Args[1]); err == nil {
		fmt.Fprintf(os.Stderr, "benchtree: %s exists; remove it or name a new directory\n", os.Args[1])
		os.Exit(1)
	}
	if err := diskusage.BenchTree(os.Args[1], dirs, files); err != nil {
		fmt.Fprintln(os.Stderr, "benchtree:", err)
		os.Exit(1)
	}
}
