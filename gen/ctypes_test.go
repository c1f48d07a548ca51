package gen

import (
	"strings"
	"testing"

	"github.com/syschain/syschain/tables"
)

// TestClassify pins each row of the C→Go table in ctypes.go with a
// parameter the kernel really declares.
func TestClassify(t *testing.T) {
	unixTypes := map[string]bool{"Stat_t": true, "Iovec": true, "Timespec": true, "EpollEvent": true, "SchedAttr": true}
	hasType := func(n string) bool { return unixTypes[n] }
	for _, tc := range []struct {
		sys, sig string // the C parameters, "type name; type name"
		i, bits  int
		want     string // Go type of parameter i
	}{
		{"read", "unsigned int fd; char __user * buf; size_t count", 0, 64, "int"},
		{"read", "unsigned int fd; char __user * buf; size_t count", 1, 64, "[]byte"},
		{"read", "unsigned int fd; char __user * buf; size_t count", 2, 64, "int"},
		{"write", "unsigned int fd; const char __user * buf; size_t count", 1, 64, "[]byte"},
		{"openat", "int dfd; const char __user * filename; int flags; umode_t mode", 1, 64, "string"},
		{"mount", "char __user * dev_name; char __user * dir_name; char __user * type; unsigned long flags; void __user * data", 2, 64, "string"},
		{"mount", "char __user * dev_name; char __user * dir_name; char __user * type; unsigned long flags; void __user * data", 4, 64, "unsafe.Pointer"},
		{"truncate64", "const char __user * path; loff_t length", 0, 32, "string"},
		{"truncate64", "const char __user * path; loff_t length", 1, 32, "int64"},
		{"execve", "const char __user * filename; const char __user *const __user * argv; const char __user *const __user * envp", 1, 64, "[]string"},
		{"newfstat", "unsigned int fd; struct stat __user * statbuf", 1, 64, "*unix.Stat_t"},
		{"newfstat", "unsigned int fd; struct stat __user * statbuf", 1, 32, "unsafe.Pointer"}, // 32-bit struct stat is not x/sys's Stat_t
		{"fstat64", "unsigned long fd; struct stat64 __user * statbuf", 1, 32, "*unix.Stat_t"},
		{"readv", "unsigned long fd; const struct iovec __user * vec; unsigned long vlen", 1, 64, "[]unix.Iovec"},
		{"epoll_wait", "int epfd; struct epoll_event __user * events; int maxevents; int timeout", 1, 64, "[]unix.EpollEvent"},
		{"sched_getattr", "pid_t pid; struct sched_attr __user * uattr; unsigned int usize; unsigned int flags", 1, 64, "*unix.SchedAttr"},
		{"utimensat", "int dfd; const char __user * filename; struct __kernel_timespec __user * utimes; int flags", 2, 64, "*[2]unix.Timespec"},
		{"pipe2", "int __user * fildes; int flags", 0, 64, "*[2]int32"},
		{"wait4", "pid_t upid; int __user * stat_addr; int options; struct rusage __user * ru", 1, 64, "*int32"},
		{"getgroups", "int gidsetsize; gid_t __user * grouplist", 1, 64, "unsafe.Pointer"}, // an array: gidsetsize entries
		{"lseek", "unsigned int fd; off_t offset; unsigned int whence", 1, 32, "int64"},
		{"pread64", "unsigned int fd; char __user * buf; size_t count; loff_t pos", 3, 64, "int64"},
		{"capget", "cap_user_header_t header; cap_user_data_t dataptr", 0, 64, "unsafe.Pointer"}, // no CapUserHeader in this fake x/sys
	} {
		var params []tables.Param
		for _, d := range strings.Split(tc.sig, "; ") {
			j := strings.LastIndex(d, " ")
			params = append(params, tables.Param{Type: d[:j], Name: d[j+1:]})
		}
		row := &tables.Syscall{Name: tc.sys, Entry: "sys_" + tc.sys, HasSig: true, Params: params, Source: "test"}
		goarch := "amd64"
		if tc.bits == 32 {
			goarch = "386"
			// A 32-bit table gives 64-bit parameters two slots.
			for k, p := range params {
				if int64Types[parseCType(p.Type).base] {
					row.Slots = append(row.Slots, tables.Slot{Param: k, Part: tables.Lo}, tables.Slot{Param: k, Part: tables.Hi})
				} else {
					row.Slots = append(row.Slots, tables.Slot{Param: k, Part: tables.Whole})
				}
			}
		}
		s, err := buildSyscall(&tables.Arch{GoArch: goarch, Bits: tc.bits}, row, hasType)
		if err != nil {
			t.Errorf("%s: %v", tc.sys, err)
			continue
		}
		var got string
		for _, p := range s.Params {
			if p.CName == params[tc.i].Name {
				got = p.GoType()
			}
		}
		if got != tc.want {
			t.Errorf("%s(%s) on %d-bit: %s is %s, want %s", tc.sys, tc.sig, tc.bits, params[tc.i].Name, got, tc.want)
		}
	}
}
