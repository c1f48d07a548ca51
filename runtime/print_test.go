package runtime

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// golden compares got with testdata/name.golden, after replacing the Go
// addresses given (which differ from run to run) with 0xADDR.
func golden(t *testing.T, name, got string, addrs ...unsafe.Pointer) {
	t.Helper()
	for _, a := range addrs {
		got = strings.ReplaceAll(got, "0x"+strconv.FormatUint(uint64(uintptr(a)), 16), "0xADDR")
	}
	path := filepath.Join("testdata", name+".golden")
	if *update {
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -run %s -update rewrites it):\n--- got\n%s--- want\n%s", path, t.Name(), got, want)
	}
}

func TestPrint(t *testing.T) {
	buf := make([]byte, 4096)
	var c Chain
	c.Syscall(unix.SYS_OPENAT, unix.AT_FDCWD, "/etc/hostname", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	c.Begin(LookupSigName("read"))
	c.ArgInt(0, int64(Ret(0)))
	c.ArgBuf(1, buf)
	c.ArgLen(2, int64(len(buf)), 1)
	c.Begin(LookupSigName("write"))
	c.ArgInt(0, 1)
	c.ArgBuf(1, buf)
	c.ArgLen(2, int64(Ret(1)), 1)
	c.When(NE, Ret(1)).When(LT, 0).Goto(5)
	c.Syscall(unix.SYS_OPENAT, 5, "a\"b\n", unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC|unix.O_APPEND|0x40000000, 0o644).AllowError().NoBlock()
	c.Syscall(unix.SYS_CLOSE, Ret(0)).When(EQ, 0).Continue()
	c.Syscall(999, 1, -1, Ret(4))
	var b strings.Builder
	b.WriteString("# chain\n" + c.String())
	for _, tc := range []struct {
		name    string
		results []int64
	}{
		{"all ran", []int64{3, 9, 9, -int64(unix.EACCES), 0, 0}},
		{"error stop", []int64{-int64(unix.ENOENT)}},
		{"jump", []int64{3, 9, 4}},
		{"bound", []int64{3, 5000}},
	} {
		r, err := c.RunOn(&DryRun{Results: tc.results})
		b.WriteString("# result: " + tc.name + "\n" + r.String())
		if err != nil {
			b.WriteString("# err: " + err.Error() + "\n")
		}
	}
	d, err := Decode([]uint64{uint64(unix.SYS_GETPID), 0, 0, uint64(unix.SYS_UMASK), 1 << 9, 0o22, 0, uint64(unix.SYS_UNLINKAT), 3<<9 | 1, 0, 0x1000, unix.AT_REMOVEDIR, 0}, 64)
	if err != nil {
		t.Fatal(err)
	}
	b.WriteString("# decoded\n" + d.String())
	golden(t, "print", b.String(), unsafe.Pointer(&buf[0]))
}

func TestOpenFlags(t *testing.T) {
	for v, want := range map[uint64]string{
		unix.O_RDONLY:                       "O_RDONLY",
		unix.O_RDWR | unix.O_CLOEXEC:        "O_RDWR|O_CLOEXEC",
		unix.O_WRONLY | unix.O_SYNC:         "O_WRONLY|O_SYNC",
		unix.O_WRONLY | unix.O_DSYNC:        "O_WRONLY|O_DSYNC",
		unix.O_RDWR | unix.O_TMPFILE:        "O_RDWR|O_TMPFILE",
		unix.O_RDONLY | unix.O_DIRECTORY:    "O_RDONLY|O_DIRECTORY",
		unix.O_RDONLY | unix.O_PATH | 1<<30: "O_RDONLY|O_PATH|0x40000000",
	} {
		if got := openFlags(v); got != want {
			t.Errorf("openFlags(%#x) = %s, want %s", v, got, want)
		}
	}
}

// TestPrintStrace: what makes a trace read like strace's: errno names in
// conditions, PROT_*/MAP_*/STATX_* flags by name, addresses in hex
// (arguments and an mmap result), and what a jump passed over.
func TestPrintStrace(t *testing.T) {
	if strconv.IntSize == 32 {
		t.Skip("the golden file has 64-bit addresses")
	}
	mmap := &Sig{Nr: 9000, Name: "mmap", Ret: KindHex, Params: []Param{
		{"addr", KindHex}, {"len", KindUint}, {"prot", KindProt}, {"flags", KindMapFlags}, {"fd", KindFD}, {"off", KindInt}}}
	statx := &Sig{Nr: 9001, Name: "statx", Params: []Param{
		{"dfd", KindDirFD}, {"filename", KindString}, {"flags", KindAtFlags}, {"mask", KindStatxMask}, {"buffer", KindPtr}}}
	var c Chain
	c.Syscall(unix.SYS_MKDIRAT, unix.AT_FDCWD, "/tmp/d", 0o755).AllowError().When(EQ, -int(unix.EEXIST)).When(EQ, -int(unix.ENOSPC)).Goto(2)
	c.Syscall(unix.SYS_GETPID)
	c.Begin(mmap)
	c.ArgInt(0, 0)
	c.ArgInt(1, 8192)
	c.ArgInt(2, unix.PROT_READ|unix.PROT_WRITE)
	c.ArgInt(3, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_POPULATE)
	c.ArgInt(4, -1)
	c.ArgInt(5, 0)
	c.Begin(mmap)
	c.ArgInt(0, 0x7f0000001000)
	c.ArgInt(1, 4096)
	c.ArgInt(2, unix.PROT_NONE)
	c.ArgInt(3, unix.MAP_SHARED|unix.MAP_FIXED|1<<28)
	c.ArgInt(4, int64(Ret(0)))
	c.ArgInt(5, 0)
	c.Begin(statx)
	c.ArgInt(0, unix.AT_FDCWD)
	c.ArgStr(1, "/etc")
	c.ArgInt(2, unix.AT_SYMLINK_NOFOLLOW)
	c.ArgInt(3, unix.STATX_BASIC_STATS|unix.STATX_BTIME)
	c.ArgPtr(4, nil, 0)
	c.AllowError()
	c.Syscall(unix.SYS_MUNMAP, Ret(2), 8192)
	c.Syscall(unix.SYS_CLOSE, 7).Cleanup()
	c.Syscall(unix.SYS_CLOSE, Ret(3)).Cleanup()
	var b strings.Builder
	b.WriteString("# chain\n" + c.String())
	r, err := c.RunOn(&DryRun{Results: []int64{-int64(unix.EEXIST), 0, 0x7f1234560000, 0x7f0000001000, -int64(unix.EFAULT), 0, 0, 0}})
	b.WriteString("# run\n" + r.String())
	if err != nil {
		b.WriteString("# err: " + err.Error() + "\n")
	}
	golden(t, "strace", b.String())
}
