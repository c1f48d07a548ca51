#!/usr/bin/env bash
# test-arm64.sh: the arm64 twin of test.sh. Cross-builds the sys_chain
# kernel for arm64 (build.sh with SYSCHAIN_KARCH=arm64), builds the same
# guest program for GOARCH=arm64, boots it under qemu-system-aarch64 -M virt
# (TCG: the host is not arm64), prints its output and exits with its
# verdict.
#
# The virt board has no isa-debug-exit: the guest ends the VM through Arm
# semihosting (SYS_EXIT_EXTENDED from user space, enabled below), and QEMU
# exits with the guest's code, 0 for PASS. A kernel panic with -no-reboot
# also makes QEMU exit 0, so a pass needs the exit code, a "VERDICT: PASS"
# line and a console free of BUG/WARNING/Oops/Call Trace/panic.
#
# Environment: QEMU_TIMEOUT (seconds, default 900), SYSCHAIN_KIMAGE (an
# image directory to boot instead of building one), SYSCHAIN_APPEND (more
# kernel parameters, e.g. syschain.only=abi), and build.sh's.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
img=${SYSCHAIN_KIMAGE:-$(SYSCHAIN_KARCH=arm64 "$here/build.sh")}
timeout_s=${QEMU_TIMEOUT:-900}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "test-arm64.sh: building the guest program (static, CGO_ENABLED=0, GOARCH=arm64)"
(cd "$root" && CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -trimpath -o "$work/init" ./kernel/guest)

cat >"$work/initramfs.list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
nod /dev/null 0666 0 0 c 1 3
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /tmp 1777 0 0
file /init $work/init 0755 0 0
LIST
# The series' kselftest, built by build.sh (cross) from the patched tree.
if [ -x "$img/sys_chain_test" ]; then
	echo "file /sys_chain_test $img/sys_chain_test 0755 0 0" >>"$work/initramfs.list"
fi
"$img/gen_init_cpio" "$work/initramfs.list" >"$work/initramfs.cpio"

label="TCG (emulated)"
echo "test-arm64.sh: booting $img/Image under qemu-system-aarch64 -M virt -cpu max, $label"

log=$work/console.log
set +e
timeout "$timeout_s" qemu-system-aarch64 -M virt -cpu max -accel tcg -m 512 -smp 1 \
	-kernel "$img/Image" -initrd "$work/initramfs.cpio" \
	-append "console=ttyAMA0 panic=-1 oops=panic loglevel=5 syschain.accel=tcg ${SYSCHAIN_APPEND:-}" \
	-nographic -no-reboot -monitor none -serial stdio \
	-semihosting-config enable=on,target=native,userspace=on </dev/null 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

fail=0
if [ "$rc" = 124 ]; then
	echo "test-arm64.sh: FAIL: the guest did not finish within ${timeout_s}s (QEMU_TIMEOUT)"
	fail=1
elif [ "$rc" != 0 ]; then
	echo "test-arm64.sh: FAIL: QEMU exited with $rc (the guest's semihosting exit code; 1 = tests failed, other = no verdict)"
	fail=1
fi
if grep -nE 'BUG:|WARNING:|Oops|Call Trace|Kernel panic|UBSAN:|suspected memory leak|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage' "$log"; then
	echo "test-arm64.sh: FAIL: the kernel log shows the lines above"
	fail=1
fi
if ! grep -q '^VERDICT: PASS' "$log"; then
	echo "test-arm64.sh: FAIL: no 'VERDICT: PASS' line from the guest"
	fail=1
fi
[ $fail = 0 ] && echo "test-arm64.sh: PASS ($label)"
exit $fail
