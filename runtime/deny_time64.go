//go:build linux && (386 || arm || mips || mipsle)

package runtime

import "golang.org/x/sys/unix"

// On 32-bit arches ppoll and pselect6 have _time64 twins that swap the
// signal mask the same way; they are the same calls for the deny list.
func init() {
	denyList = append(denyList, denied{unix.SYS_PPOLL_TIME64, "ppoll_time64"}, denied{unix.SYS_PSELECT6_TIME64, "pselect6_time64"})
}
