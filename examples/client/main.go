// Command client is what a client repository looks like: it generates its
// own typed builder with just the syscalls it uses, from one go:generate
// line, instead of importing the package with every syscall.
//
// In your own module:
//
//	go get -tool github.com/syschain/syschain/cmd/syschain-gen
//	go get github.com/syschain/syschain golang.org/x/sys/unix
//
// and in the package:
//
//	//go:generate go tool syschain-gen -syscalls openat,read,close
//
// (This example lives inside the syschain module, so it runs the generator
// with go run instead of go tool.) go generate writes zchain_linux.go (the
// Chain type) and zchain_linux_<goarch>.go (Openat, Read, Close for that
// arch) into this directory; package main then uses New() and its methods.
//
//	go generate ./examples/client && go run ./examples/client /etc/hostname
package main

//go:generate go run github.com/syschain/syschain/cmd/syschain-gen -syscalls openat,read,close

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/syschain/syschain/runtime"
)

func main() {
	path := "/etc/hostname"
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	buf := make([]byte, 256)
	c := New() // this package's generated builder
	c.Openat(unix.AT_FDCWD, path, unix.O_RDONLY|unix.O_CLOEXEC, 0).
		Read(runtime.Ret(0), buf, len(buf)).
		Close(runtime.Ret(0))
	res, err := c.Run()
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		os.Exit(1)
	}
	fmt.Printf("%s: %q\n", path, buf[:res.Ret(1)])
}
