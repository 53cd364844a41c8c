// SPDX-License-Identifier: MIT
/*
 * svm-demo - what `make demo` shows.
 *
 * For now it shows the substrate nouveau SVM is built on, through
 * lib/test_hmm's device: a malloc'd buffer is mirrored by the device,
 * migrated to device-private memory, and brought back by a CPU read, with
 * the device's own view (its page-table snapshot) printed at each step.
 * It grows into the SVM demo once the simulated GPU lands.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <lib/test_hmm_uapi.h>

#define NPAGES 256

static long page_size;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmd(int fd, unsigned long req, void *addr, void *ptr,
	       unsigned long npages, struct hmm_dmirror_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->addr = (uintptr_t)addr;
	c->ptr = (uintptr_t)ptr;
	c->npages = npages;
	return ioctl(fd, req, c) ? -errno : 0;
}

/* Count the pages of a device snapshot by where they live. */
static void show_snapshot(int fd, void *addr, const char *when)
{
	unsigned char snap[NPAGES];
	struct hmm_dmirror_cmd c;
	int sys = 0, dev = 0, none = 0;

	if (cmd(fd, HMM_DMIRROR_SNAPSHOT, addr, snap, NPAGES, &c)) {
		printf("  snapshot failed: %s\n", strerror(errno));
		return;
	}
	for (int i = 0; i < NPAGES; i++) {
		unsigned char where = snap[i] & 0xf0;

		if (snap[i] == HMM_DMIRROR_PROT_NONE)
			none++;
		else if (where == HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL)
			dev++;
		else
			sys++;
	}
	printf("  device view %-28s system %3d  device-private %3d  unmapped %3d\n",
	       when, sys, dev, none);
}

static int verify(const unsigned int *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != seed + i)
			return -1;
	return 0;
}

int main(void)
{
	struct hmm_dmirror_cmd c;
	size_t size, n;
	unsigned int *buf, *mirror;
	double t0, t1;
	int fd, ret;

	page_size = sysconf(_SC_PAGESIZE);
	size = NPAGES * page_size;
	n = size / sizeof(*buf);

	printf("nouveau SVM demo: the mm substrate, through test_hmm\n\n");
	fd = open("/dev/hmm_dmirror0", O_RDWR);
	if (fd < 0) {
		perror("open /dev/hmm_dmirror0 (is test_hmm loaded?)");
		return 1;
	}
	buf = malloc(size + page_size);
	mirror = calloc(1, size);
	if (!buf || !mirror)
		return 1;
	buf = (unsigned int *)(((uintptr_t)buf + page_size - 1) & ~(page_size - 1));

	printf("1. malloc'd %zu KiB (%d pages) at %p, filled by the CPU\n",
	       size / 1024, NPAGES, (void *)buf);
	for (size_t i = 0; i < n; i++)
		buf[i] = 0xc0de0000u + i;
	show_snapshot(fd, buf, "before any device access:");

	printf("2. the device reads the buffer through its mirror (hmm_range_fault)\n");
	ret = cmd(fd, HMM_DMIRROR_READ, buf, mirror, NPAGES, &c);
	printf("  read %llu pages, %llu device faults, data %s\n",
	       (unsigned long long)c.cpages, (unsigned long long)c.faults,
	       ret || verify(mirror, n, 0xc0de0000u) ? "WRONG" : "correct");
	if (ret)
		return 1;

	printf("3. migrate the buffer to device-private memory\n");
	t0 = now_us();
	ret = cmd(fd, HMM_DMIRROR_MIGRATE_TO_DEV, buf, mirror, NPAGES, &c);
	t1 = now_us();
	printf("  migrated %llu of %d pages in %.0f us (%s)\n",
	       (unsigned long long)c.cpages, NPAGES, t1 - t0,
	       ret ? strerror(-ret) : "ok");
	if (ret)
		return 1;
	show_snapshot(fd, buf, "after migration:");

	printf("4. the CPU reads the buffer: each page faults back to system memory\n");
	t0 = now_us();
	ret = verify(buf, n, 0xc0de0000u);
	t1 = now_us();
	printf("  CPU read %zu KiB in %.0f us, data %s\n", size / 1024, t1 - t0,
	       ret ? "WRONG" : "intact");
	show_snapshot(fd, buf, "after the CPU read:");

	printf("\n%s\n", ret ? "demo FAILED" : "demo done: the data survived the round trip");
	close(fd);
	return ret ? 1 : 0;
}
