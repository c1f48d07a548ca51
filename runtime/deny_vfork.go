//go:build linux && (386 || amd64 || arm || ppc64 || ppc64le || s390x)

package runtime

import "golang.org/x/sys/unix"

func init() { denyList = append(denyList, denied{unix.SYS_VFORK, "vfork"}) }
