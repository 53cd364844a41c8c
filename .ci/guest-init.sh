#!/bin/sh
# PID 1 of the test guest.  The guest's root is the host's root, read-only
# over 9p; results go to a read-write 9p share mounted on /tmp/results (the
# root is read-only, so the mount point lives in the guest's tmpfs).  The job
# to run is named by NVSVM_JOB on the kernel command line (the kernel hands
# unknown name=value parameters to init as environment variables).  The
# guest ends with a sysrq reboot, which QEMU's -no-reboot turns into exit.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm 2>/dev/null
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /dev/shm 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
# cgroup2, for the memory cgroup of the pressure stress (svm-pressure)
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mount -t hugetlbfs none /dev/hugepages 2>/dev/null
mkdir -p /tmp/results
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results /tmp/results ||
	echo "guest-init: cannot mount the results share" >&2
# A checkout under /tmp or /run is hidden by the tmpfs just mounted: bring
# it back from its own share, at the same path.
if [ -n "$NVSVM_TOP" ] && [ ! -d "$NVSVM_TOP/.ci" ]; then
	mkdir -p "$NVSVM_TOP" &&
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro repo "$NVSVM_TOP" ||
		echo "guest-init: cannot mount the repo share at $NVSVM_TOP" >&2
fi
echo 1 > /proc/sys/kernel/sysrq

export HOME=/tmp TMPDIR=/tmp
rc=1
if [ -x "$NVSVM_JOB" ]; then
	"$NVSVM_JOB"
	rc=$?
else
	echo "guest-init: no job (NVSVM_JOB='$NVSVM_JOB')" >&2
fi
echo "$rc" > /tmp/results/guest.rc
sync
echo "guest-init: job exited with $rc"
echo b > /proc/sysrq-trigger
sleep 10
