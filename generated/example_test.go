package generated_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/generated"
	"github.com/syschain/syschain/runtime"
)

// tempFile writes content to a new file and returns its path.
func tempFile(content string) string {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		panic(err)
	}
	path := filepath.Join(dir, "greeting")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		panic(err)
	}
	return path
}

// A chain opens a file, reads it and closes it: the read and the close
// use the open's result, runtime.Ret(0).
func Example() {
	path := tempFile("hello from a chain\n")
	defer os.RemoveAll(filepath.Dir(path))

	buf := make([]byte, 64)
	c := generated.New()
	c.Openat(unix.AT_FDCWD, path, unix.O_RDONLY|unix.O_CLOEXEC, 0).
		Read(runtime.Ret(0), buf, len(buf)).
		Close(runtime.Ret(0))
	res, err := c.Run()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d steps, read %q\n", c.Len(), buf[:res.Ret(1)])
	// Output: 3 steps, read "hello from a chain\n"
}

// Pread64 takes its offset as one int64 on every arch; on 32-bit arches the
// generated code splits it into the register pair the kernel expects.
func ExampleChain_Pread64() {
	path := tempFile("0123456789abcdef")
	defer os.RemoveAll(filepath.Dir(path))

	buf := make([]byte, 6)
	c := generated.New()
	c.Openat(unix.AT_FDCWD, path, unix.O_RDONLY|unix.O_CLOEXEC, 0).
		Pread64(runtime.Ret(0), buf, len(buf), 10).
		Close(runtime.Ret(0))
	if _, err := c.Run(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s\n", buf)
	// Output: abcdef
}

// A failing step stops the chain; its error names the step and wraps the
// errno, so errors.Is works.
func ExampleChain_Openat_error() {
	c := generated.New()
	c.Openat(unix.AT_FDCWD, "/nonexistent/file", unix.O_RDONLY, 0).
		Close(runtime.Ret(0))
	res, err := c.Run()
	fmt.Println(errors.Is(err, unix.ENOENT))
	fmt.Print(res.String())
	// Output:
	// true
	// openat(AT_FDCWD, "/nonexistent/file", O_RDONLY, 0) = -1 ENOENT (No such file or directory)
	// close($0) = ? (not run)
	// # stopped: syschain: step 0 (openat): no such file or directory
}

// AllowError lets a step fail; When and Goto then choose the next step
// from its result.
func ExampleChain_When() {
	c := generated.New()
	// Step 0 may fail; on failure it skips step 1.
	c.Openat(unix.AT_FDCWD, "/nonexistent/file", unix.O_RDONLY, 0).AllowError().When(runtime.LT, 0).Goto(2)
	c.Close(runtime.Ret(0)) // step 1
	c.Getppid()             // step 2
	res, err := c.Run()
	fmt.Println(err, res.Ran(1), res.Ret(2) == int64(os.Getppid()))
	// Output: <nil> false true
}
