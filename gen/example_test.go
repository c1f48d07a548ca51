package gen_test

import (
	"fmt"
	"strings"

	"github.com/syschain/syschain/gen"
	"github.com/syschain/syschain/gen/xtypes"
	"github.com/syschain/syschain/tables"
)

// Render turns a model into Go files. Here the model comes from a
// two-row arm table: pread64's 64-bit offset is split into the register
// pair after an alignment slot, and the method takes one int64.
func ExampleRender() {
	arm, err := tables.Parse("example.tbl", []byte(strings.Join([]string{
		"!arch goarch=arm linux=arm bits=32 endian=little",
		"3\tread\tsys_read\t=\tunsigned int fd, char __user *buf, size_t count\tfs/read_write.c",
		"180\tpread64\tsys_pread64\tfd,buf,count,.pad,pos.lo,pos.hi\tunsigned int fd, char __user *buf, size_t count, loff_t pos\tfs/read_write.c",
	}, "\n")))
	if err != nil {
		panic(err)
	}
	// No x/sys facts: numbers stay unchecked and structs would be unsafe.Pointer.
	archs, err := gen.Build([]*tables.Arch{arm}, map[string]*xtypes.Unix{})
	if err != nil {
		panic(err)
	}
	files, err := gen.Render("mypkg", "zchain", "syschain-gen -syscalls pread64 -arch arm", archs, []string{"pread64"})
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		fmt.Println(f.Name)
	}
	src := string(files[1].Data)
	i := strings.Index(src, "// Pread64 adds")
	fmt.Print(src[i:])
	// Output:
	// zchain_linux.go
	// zchain_linux_arm.go
	// zchain_linux_otherarch.go
	// // Pread64 adds a step calling pread64 (number 180 on linux/arm):
	// //
	// //	long pread64(unsigned int fd, char __user *buf, size_t count, loff_t pos)
	// func (c *Chain) Pread64(fd int, buf []byte, count int, pos int64) *Chain {
	// 	c.Chain.Begin(&sigPread64)
	// 	c.Chain.ArgInt(0, int64(fd))
	// 	c.Chain.ArgBuf(1, buf)
	// 	c.Chain.ArgLen(2, int64(count), 1)
	// 	c.Chain.ArgSplit64(4, 5, pos)
	// 	return c
	// }
}
