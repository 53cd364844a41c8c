// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * TEST: nouveau svm
 * Category: Core
 * Mega feature: SVM
 * Sub-category: Mirroring
 * Functionality: SVM setup, GPU faults on process memory, fault batching,
 *	fault cancellation, MMU notifier invalidation, GPU atomics on system
 *	memory (device-exclusive access), migration to and from device memory
 *	(VRAM) and its eviction, ioctl argument checks
 * Description: Shared virtual memory through the nouveau SVM uAPI: the GPU
 *	reads and writes the process's own memory (malloc'd, mmap'd files,
 *	stacks) at the CPU's addresses, faulting on first touch; faults the
 *	kernel cannot serve are cancelled without harming the client; CPU-side
 *	changes (munmap, mprotect, fork) reach the GPU page table; GPU
 *	atomics on private anonymous memory work through device-exclusive
 *	pages that any CPU access takes back, and are cancelled on memory
 *	that cannot be made exclusive; private anonymous memory migrates to
 *	VRAM (MIGRATE, PREFETCH, the atomic policy) and back (on request, on
 *	a CPU access, on eviction when VRAM is full) without losing a byte;
 *	and every field of every ioctl is checked.  GPU work runs on the
 *	simulated GPU (nouveau_svm_sim) through its private exec uAPI, and
 *	on nouveau through the device layer's copy-engine and semaphore
 *	path (built, never run here: no NVIDIA GPU); subtests that need what
 *	only the simulated GPU has (error injection, its private ioctls) or
 *	what the hardware path cannot do (atomic old values, compare-and-swap)
 *	skip with the reason.
 *
 * SUBTEST: basic-init
 * Description: The device reports NOUVEAU_SVM_CAP_MIRROR, SVM_INIT
 *	succeeds, every counter starts at zero and the GPU reads process
 *	memory.
 *
 * SUBTEST: init-twice
 * Description: A second SVM_INIT on the same file fails with -EBUSY and
 *	leaves the first SVM VM working.
 *
 * SUBTEST: gpu-read-malloc
 * Description: The GPU's checksum of a malloc'd buffer equals the CPU's.
 *
 * SUBTEST: gpu-write-malloc
 * Description: GPU WRITE and FILL into a malloc'd buffer; the CPU sees every
 *	word and nothing outside the commands' ranges changes.
 *
 * SUBTEST: gpu-read-mmap-file
 * Description: The GPU reads a shared mapping of a file the CPU wrote, and
 *	sees a later pwrite() to the file.
 *
 * SUBTEST: gpu-write-stack
 * Description: The GPU writes into a stack array of the calling thread; the
 *	words around it are intact.
 *
 * SUBTEST: gpu-copy-between-buffers
 * Description: GPU COPY from a malloc'd buffer to an mmap'd one; the
 *	destination equals the source, which is unchanged.
 *
 * SUBTEST: fault-batching
 * Description: One READ over 1024 fresh pages maps them all while the
 *	kernel serves the faults in far fewer batches than pages.
 *
 * SUBTEST: prot-none-cancel
 * Description: A GPU access to PROT_NONE memory is cancelled (-EFAULT, one
 *	cancel), the job stops at that command, and the file keeps working.
 *
 * SUBTEST: write-readonly-cancel
 * Description: A GPU WRITE to read-only memory is cancelled and changes
 *	nothing; a GPU READ of it works.
 *
 * SUBTEST: unmapped-address-cancel
 * Description: A GPU access to an address without a VMA is cancelled; the
 *	mapped pages around the hole are served.
 *
 * SUBTEST: munmap-invalidates
 * Description: munmap() of GPU-mapped memory invalidates the GPU mapping:
 *	the GPU faults (cancelled) on the old address, and reads new memory
 *	mapped there afterwards, not the stale pages.
 *
 * SUBTEST: mprotect-invalidates
 * Description: mprotect(PROT_READ) of GPU-mapped memory invalidates the
 *	writable GPU mapping: a GPU WRITE is cancelled and the data unchanged.
 *
 * SUBTEST: fork-child-cow
 * Description: After fork() the GPU keeps seeing the parent's pages: a GPU
 *	WRITE in the parent does not reach the child, the child's CPU writes
 *	do not reach the parent's GPU reads.
 *
 * SUBTEST: exit-with-gpu-mappings
 * Description: A process exits with GPU mappings and a job in flight, and
 *	without closing its file; the device keeps working for others.
 *
 * SUBTEST: unmanaged-window-not-mirrored
 * Description: The unmanaged window of SVM_INIT is not mirrored (GPU access
 *	cancelled) while memory around it is, and SVM_BIND may not overlap it.
 *
 * SUBTEST: threads-many-faults
 * Description: Eight threads fault their own buffers through one file
 *	concurrently; every GPU write and read is correct.
 *
 * SUBTEST: counters-fdinfo-match
 * Description: The nouveau-svm-* fdinfo counters equal DRM_NVSIM_COUNTERS,
 *	which writes exactly min(count, number of counters) values.
 *
 * SUBTEST: async-exec-wait
 * Description: Asynchronous jobs are collected by WAIT in any order, with
 *	their results written back; a second WAIT fails with -ENOENT.
 *
 * SUBTEST: inherited-fd-eperm
 * Description: A child that inherited the file can neither run GPU work
 *	(EXEC), collect the parent's job (WAIT) nor SVM_BIND: -EPERM.
 *
 * SUBTEST: unprivileged-client-isolated
 * Description: A second process, unprivileged (uid and gid nobody) and
 *	with its own file on the render node (opened as udev's 0666 mode
 *	allows), cannot reach the first client: its fdinfo and debugfs are
 *	closed to it (-EACCES), its own counters start at zero, the first
 *	client's addresses are nothing in its address space (MIGRATE and
 *	GPU reads: -EFAULT), it cannot collect the first client's job
 *	(-ENOENT) and cannot arm the device-wide error injection (-EPERM).
 *	The first client's data, VRAM pages, job and counters are untouched.
 *
 * SUBTEST: atomic-add-malloc
 * Description: A job of 1000 GPU ATOMIC_ADDs on a malloc'd word, then a
 *	second one: each add returns the value before it, the first atomic
 *	on the page takes an atomic fault and a device-exclusive grant, the
 *	second job faults no more, and the CPU reads exactly the total.
 *
 * SUBTEST: atomic-cas-malloc
 * Description: A GPU compare-and-swap increment loop on a malloc'd word: a
 *	matching CAS stores and returns the old value, a non-matching one
 *	returns the value and leaves it, in separate jobs and in one.
 *
 * SUBTEST: atomic-cpu-gpu-interleaved
 * Description: Four CPU threads and the GPU add to one counter at the same
 *	time (8000 CPU and 2000 GPU adds): no add is lost, the GPU's old
 *	values only grow, and the CPU revokes the GPU's atomic access.
 *
 * SUBTEST: atomic-revoked-on-cpu-read
 * Description: A CPU read of a page the GPU holds for atomics revokes it
 *	(revocations, the GPU mapping goes); the CPU reads the GPU's results
 *	and the next GPU atomic faults and is granted again.
 *
 * SUBTEST: atomic-revoked-on-cpu-write
 * Description: A CPU write of a page the GPU holds for atomics revokes it;
 *	the next GPU atomic faults, is granted again and sees the CPU's value.
 *
 * SUBTEST: atomic-fork
 * Description: fork() while the GPU holds a page for atomics: the child does
 *	not inherit the device-exclusive entry, the parent's later GPU atomics
 *	go to the parent's memory only and the child's copy keeps the value
 *	it had at fork time.
 *
 * SUBTEST: atomic-mprotect
 * Description: mprotect(PROT_READ) of a page the GPU holds for atomics
 *	revokes it, a GPU atomic is then cancelled and changes nothing, and
 *	atomics work again once the page is writable.
 *
 * SUBTEST: atomic-munmap
 * Description: munmap() of a page the GPU holds for atomics revokes it; a
 *	GPU atomic at the old address is cancelled, and lands in new memory
 *	mapped there afterwards.
 *
 * SUBTEST: atomic-thp
 * Description: GPU atomics on 8 pages of a transparent huge page: each page
 *	is granted, the CPU reads all 512 pages back exactly, and the GPU
 *	reads the whole region as the CPU does.
 *
 * SUBTEST: atomic-shared-anon
 * Description: GPU atomics on shared anonymous memory, which cannot be made
 *	device-exclusive, are cancelled (-EFAULT) and change nothing; GPU
 *	reads of it work.
 *
 * SUBTEST: atomic-policy-refuse
 * Description: SVM_BIND ADVISE_ATOMIC with REFUSE revokes the atomic
 *	access the GPU holds in the range and cancels the next atomic there
 *	(the value stays), leaves the next page and plain GPU access alone;
 *	MIGRATE answers -EOPNOTSUPP without VRAM; DEVICE_EXCLUSIVE restores
 *	atomics.
 *
 * SUBTEST: atomic-zero-page
 * Description: A GPU atomic on memory the CPU has only read (the zero
 *	page) gets a page of its own: the result is exact, and the
 *	neighbouring page still reads zero.
 *
 * SUBTEST: atomic-pingpong-bounded
 * Description: A CPU thread keeps adding to the counter the GPU adds to;
 *	every GPU job still finishes (the ping-pong is bounded) and the total
 *	is exact.
 *
 * SUBTEST: atomic-pingpong-slow-replay
 * Description: The same fight with a replay that takes 50 ms: the CPU
 *	thread takes each grant back before the GPU can use it, so the
 *	revocations must wait (atomic backoffs) for the replay and then the
 *	GPU's time slice; every GPU job finishes and the total is exact.
 *	Simulated GPU only (its replay_delay_us parameter).
 *
 * SUBTEST: atomic-turns-no-backoff
 * Description: A CPU and a GPU that take turns on a counter (a GPU atomic
 *	job, then a CPU read and write, twenty times) never thrash: each
 *	revocation comes after the GPU used its grant, and none waits for
 *	the time slice.
 *
 * SUBTEST: atomic-slice-starts-at-replay
 * Description: The GPU's atomic time slice starts when the replay of the
 *	batch that granted it returns: with a replay that returns a second
 *	after the grant and a half-second slice, a CPU write right after the
 *	GPU's atomic still waits for the slice (a backoff) when the page is
 *	thrashing (atomic_thrash_threshold 0 makes every page thrash).
 *	Simulated GPU only (its replay_delay_us parameter).
 *
 * SUBTEST: atomic-file-backed
 * Description: GPU atomics on a shared mapping of a file are cancelled
 *	(-EFAULT) and change neither the mapping nor the file; on a private
 *	mapping they work on the process's copy, as a CPU write would, and
 *	leave the file alone.
 *
 * SUBTEST: atomic-readonly-cancel
 * Description: GPU atomics on read-only memory are cancelled (-EFAULT), make
 *	nothing device-exclusive and change nothing; GPU reads of it work.
 *
 * SUBTEST: atomic-ksm
 * Description: Two identical pages that KSM merged into one: a GPU atomic
 *	on the first unshares it (a write fault) before taking it
 *	device-exclusive.  The result is exact, the twin page and the
 *	shared KSM page keep their contents, and a CPU read after the GPU's
 *	adds sees them.
 *
 * SUBTEST: migrate-vram-basic
 * Description: MIGRATE to VRAM moves every page of a buffer (result, pages
 *	copied, VRAM pages held, device-wide VRAM use); a second MIGRATE
 *	counts them without copying; the GPU reads them in VRAM without
 *	moving them; a CPU read brings them all back intact.
 *
 * SUBTEST: migrate-vram-then-gpu-access
 * Description: PREFETCH to VRAM migrates and maps a buffer: the GPU's first
 *	read and write fault nothing, nothing comes back, and the CPU sees
 *	what the GPU wrote.
 *
 * SUBTEST: prefetch-host-then-gpu-access
 * Description: PREFETCH to system memory maps a buffer without copying:
 *	the GPU's first read and write fault nothing.
 *
 * SUBTEST: migrate-host-basic
 * Description: MIGRATE to system memory: pages already there count without
 *	a copy; pages in VRAM are copied back once; one page brings back its
 *	whole allocation; untouched pages are faulted in and count, a hole
 *	does not.
 *
 * SUBTEST: migrate-threads-counted
 * Description: Four threads of one client move their own pages to VRAM
 *	one at a time and read them back with the CPU, many times over, so
 *	that allocations of VRAM are made and freed on one CPU while the
 *	other copies: every page is copied each way once and counted, and
 *	its data comes back intact.
 *
 * SUBTEST: migrate-roundtrip-data
 * Description: CPU data of 300 pages goes to VRAM, the GPU rewrites it
 *	there (nothing moves), MIGRATE brings it back, and the CPU sees its
 *	own words and the GPU's.
 *
 * SUBTEST: migrate-thp
 * Description: Two transparent huge pages go to VRAM as two 2 MiB folios
 *	(thp-to-vram) in at most two copies, the GPU reads them there, and
 *	they come back as THPs when the kernel has them (thp-to-host, smaps).
 *
 * SUBTEST: migrate-thp-read-from-inside
 * Description: A THP in VRAM is read by a second client whose unmanaged
 *	window covers the THP's first 64 KiB, so its GPU range starts inside
 *	the device-private PMD: the GPU reads pages 16 to 31 at their own
 *	addresses, not the THP's first pages.
 *
 * SUBTEST: migrate-mesa-maps-vram
 * Description: MIGRATE to VRAM with the exact arguments of Mesa's
 *	nvc0_svm_migrate() (npages in 4 KiB units, result left unset), of
 *	4 MiB of THPs and of a buffer the way glibc's malloc() hands out a
 *	large one (16 bytes into a mapping of its own): the GPU then reads
 *	every byte without a single fault, as nouveau's MIGRATE always
 *	mapped what it moved, and reads the right data.
 *
 * SUBTEST: migrate-after-fork-keeps-vram
 * Description: MIGRATE to VRAM of a buffer already there, after fork()
 *	shared it read-only with a child: the GPU cannot be given it
 *	writable, and the MIGRATE must leave it in VRAM (nothing moves back
 *	to the host) rather than map it; the child keeps the data of fork
 *	time.
 *
 * SUBTEST: migrate-partial-range
 * Description: MIGRATE of an unaligned middle part of a buffer, without a
 *	page count: the range is rounded out to pages, exactly those pages
 *	move, the pages around stay in system memory.
 *
 * SUBTEST: migrate-mixed-vma
 * Description: MIGRATE of one range over private anonymous memory, a
 *	shared file mapping, a hole and shared anonymous memory: success with
 *	the anonymous pages as result, every byte intact; back, every mapped
 *	page counts.
 *
 * SUBTEST: cpu-fault-migrates-back
 * Description: A CPU read of a page in VRAM brings back its whole
 *	allocation and no other; a CPU write does the same and lands.
 *
 * SUBTEST: cpu-fault-thp-whole-folio
 * Description: One CPU read of a THP in VRAM brings back all its 512 pages
 *	as one folio (thp-to-host).
 *
 * SUBTEST: evict-when-vram-full
 * Description: Four times the VRAM, migrated piece by piece, twice: every
 *	MIGRATE succeeds because the least recently used pieces are evicted
 *	(evictions, evicted pages copied back), VRAM use never exceeds its
 *	size, and the GPU and the CPU find every byte.
 *
 * SUBTEST: evict-two-processes
 * Description: Two processes, each with its own file, migrate one and a
 *	half times the VRAM each at the same time: both succeed, evict, keep
 *	their data, finish, and release their VRAM.
 *
 * SUBTEST: fork-after-migrate
 * Description: fork() with a buffer in VRAM: the child sees the data of
 *	fork time, not the parent's later GPU write, and its own writes do
 *	not reach the parent.
 *
 * SUBTEST: fork-after-migrate-snapshot-fails
 * Description: As fork-after-migrate, with the core's check of VRAM shared
 *	read-only with the child made to fail once (fault injection
 *	fail_nouveau_svm_snapshot): the GPU write must wait and retry, never
 *	be mapped writable on doubt, so the child still sees the data of
 *	fork time.
 *
 * SUBTEST: migrate-back-across-page-tables
 * Description: MIGRATE to the host of 200 pages that start 37 pages before
 *	a page-table boundary, 150 of them in VRAM, three of those zapped
 *	(MADV_DONTNEED) on each side of the boundary and on an edge of the
 *	kernel's 64-page batches: every page comes back to its own address
 *	with its own data, the zapped ones read zero, none stays in VRAM.
 *
 * SUBTEST: munmap-vram-range
 * Description: munmap() of an allocation in VRAM releases it (vram-pages)
 *	and leaves the one next to it in VRAM, intact; then all of it, and
 *	device-wide VRAM use drops back.
 *
 * SUBTEST: exit-with-vram-pages
 * Description: A process exits with pages in VRAM and its file open: its
 *	VRAM is released and the device goes on.
 *
 * SUBTEST: copy-failure-injected
 * Description: An injected copy-engine failure: MIGRATE to VRAM of one
 *	64 KiB piece fails with -EIO, result 0, one copy failure, the data
 *	intact in system memory; without injection it then goes.
 *
 * SUBTEST: copy-failure-injected-host
 * Description: An injected copy-engine failure on the way back: MIGRATE to
 *	system memory fails with -EIO and the data stays in VRAM, intact; a
 *	CPU access then brings it back.
 *
 * SUBTEST: alloc-failure-injected
 * Description: Injected device-memory allocation failures: MIGRATE to VRAM
 *	fails with -ENOMEM, result 0, nothing copied or lost; without
 *	injection it then goes.
 *
 * SUBTEST: migrate-unmapped-efault
 * Description: MIGRATE and PREFETCH of a range with nothing mapped, to
 *	either target: -EFAULT, result 0, nothing moved or mapped.
 *
 * SUBTEST: migrate-file-backed-eopnotsupp
 * Description: MIGRATE and PREFETCH to VRAM of a shared file mapping or
 *	shared anonymous memory: -EOPNOTSUPP, result 0, data intact; to
 *	system memory every page counts.
 *
 * SUBTEST: atomic-vram-no-exclusive
 * Description: GPU atomics on a buffer in VRAM are exact and run there:
 *	no device-exclusive grant, nothing comes back until the CPU reads.
 *
 * SUBTEST: atomic-fork-while-granting
 * Description: fork() in a loop while GPU atomics on a page of the process
 *	are granted and revoked (each fork takes the page back): no fork
 *	fails (a device-exclusive entry whose folio a grant still held
 *	locked made fork() fail with ENOMEM), and every add counts.
 *
 * SUBTEST: atomic-policy-migrate
 * Description: ADVISE_ATOMIC MIGRATE: the next GPU atomics move the page
 *	to VRAM and run there without device-exclusive grants, exactly, and
 *	do so again after the CPU took the page back.
 *
 * SUBTEST: atomic-policy-migrate-bounded
 * Description: ADVISE_ATOMIC MIGRATE on a page a CPU thread adds to
 *	without pause while GPU atomics run: every GPU fault moves the page
 *	to VRAM, every CPU add takes it back, and the page bounces at most
 *	once a migration time slice (migrate_timeslice_ms), not as fast as
 *	the two can fault; the sum of all the adds is exact.
 *
 * SUBTEST: bad-svm-init
 * Description: SVM_INIT with each invalid window, one dynamic subtest per case:
 *	- addr-unaligned: SVM_INIT with an unaligned @unmanaged_addr: -EINVAL.
 *	- size-unaligned: SVM_INIT with an unaligned @unmanaged_size: -EINVAL.
 *	- overflow: SVM_INIT with a window that wraps around: -EOVERFLOW.
 *	- above-user-limit: SVM_INIT with a window above the user address
 *	  limit: -EFAULT.
 *
 * SUBTEST: bad-svm-bind
 * Description: SVM_BIND with each invalid field, one dynamic subtest per case:
 *	- reserved0: SVM_BIND with @reserved0 set: -EINVAL.
 *	- reserved1: SVM_BIND with @reserved1 set: -EINVAL.
 *	- header-high-bits: SVM_BIND with @header bits above
 *	  NOUVEAU_SVM_BIND_VALID_MASK: -EINVAL.
 *	- command: SVM_BIND with an unknown command: -EINVAL.
 *	- target: SVM_BIND with a target neither host (0) nor GPU VRAM:
 *	  -EINVAL.
 *	- stride: SVM_BIND with @stride set: -EINVAL.
 *	- empty-range: SVM_BIND with @va_start == @va_end: -EINVAL.
 *	- end-wraps: SVM_BIND with @va_end rounding up past the top of the
 *	  address space: -EOVERFLOW.
 *	- npages: SVM_BIND with @npages larger than the range: -EINVAL.
 *	- above-user-limit: SVM_BIND with a range above the user address
 *	  limit: -EFAULT.
 *	- overlaps-unmanaged: SVM_BIND with a range overlapping the unmanaged
 *	  window: -EINVAL.
 *	- advise-policy-0: SVM_BIND ADVISE_ATOMIC with policy 0 (reserved):
 *	  -EINVAL.
 *	- advise-policy-unknown: SVM_BIND ADVISE_ATOMIC with an unknown
 *	  policy: -EINVAL.
 *
 * SUBTEST: bad-svm-bind-before-init
 * Description: SVM_BIND before SVM_INIT: -EINVAL.
 *
 * SUBTEST: bad-migrate
 * Description: SVM_BIND MIGRATE to VRAM with each invalid field, one dynamic subtest per case:
 *	- reserved0: SVM_BIND MIGRATE to VRAM with @reserved0 set: -EINVAL.
 *	  Nothing moves, and the valid request then works.
 *	- reserved1: SVM_BIND MIGRATE to VRAM with @reserved1 set: -EINVAL.
 *	  Nothing moves, and the valid request then works.
 *	- stride: SVM_BIND MIGRATE to VRAM with @stride set: -EINVAL.  Nothing
 *	  moves, and the valid request then works.
 *	- header-high-bits: SVM_BIND MIGRATE to VRAM with @header bits above
 *	  NOUVEAU_SVM_BIND_VALID_MASK: -EINVAL.  Nothing moves, and the valid
 *	  request then works.
 *	- command-3: SVM_BIND MIGRATE to VRAM with command 3, the first
 *	  unknown one: -EINVAL.  Nothing moves, and the valid request then
 *	  works.
 *	- command-255: SVM_BIND MIGRATE to VRAM with command 255: -EINVAL.
 *	  Nothing moves, and the valid request then works.
 *	- target-1: SVM_BIND MIGRATE to VRAM with target 1: -EINVAL.  Nothing
 *	  moves, and the valid request then works.
 *	- target-vram-1: SVM_BIND MIGRATE to VRAM with target
 *	  NOUVEAU_SVM_BIND_TARGET__GPU_VRAM + 1: -EINVAL.  Nothing moves, and
 *	  the valid request then works.
 *	- target-all-ones: SVM_BIND MIGRATE to VRAM with every target bit set:
 *	  -EINVAL.  Nothing moves, and the valid request then works.
 *	- empty-range: SVM_BIND MIGRATE to VRAM with @va_start == @va_end:
 *	  -EINVAL.  Nothing moves, and the valid request then works.
 *	- reversed-range: SVM_BIND MIGRATE to VRAM with @va_end below
 *	  @va_start: -EINVAL.  Nothing moves, and the valid request then
 *	  works.
 *	- npages: SVM_BIND MIGRATE to VRAM with @npages larger than the range:
 *	  -EINVAL.  Nothing moves, and the valid request then works.
 *	- end-wraps: SVM_BIND MIGRATE to VRAM with @va_end rounding up past
 *	  the top of the address space: -EOVERFLOW.  Nothing moves, and the
 *	  valid request then works.
 *	- above-user-limit: SVM_BIND MIGRATE to VRAM with a range above the
 *	  user address limit: -EFAULT.  Nothing moves, and the valid request
 *	  then works.
 *	- overlaps-unmanaged: SVM_BIND MIGRATE to VRAM with a range
 *	  overlapping the unmanaged window: -EINVAL.  Nothing moves, and the
 *	  valid request then works.
 *
 * SUBTEST: bad-migrate-before-init
 * Description: SVM_BIND MIGRATE to VRAM before SVM_INIT: -EINVAL.  Nothing
 *	moves, and the valid request then works.
 *
 * SUBTEST: bad-migrate-inherited-fd
 * Description: SVM_BIND MIGRATE to VRAM from a process that inherited the file
 *	(fork): -EPERM.  Nothing moves, and the valid request then works.
 *
 * SUBTEST: bad-prefetch
 * Description: SVM_BIND PREFETCH to VRAM with each invalid field, one dynamic subtest per case:
 *	- reserved0: SVM_BIND PREFETCH to VRAM with @reserved0 set: -EINVAL.
 *	  Nothing moves, and the valid request then works.
 *	- reserved1: SVM_BIND PREFETCH to VRAM with @reserved1 set: -EINVAL.
 *	  Nothing moves, and the valid request then works.
 *	- stride: SVM_BIND PREFETCH to VRAM with @stride set: -EINVAL.
 *	  Nothing moves, and the valid request then works.
 *	- header-high-bits: SVM_BIND PREFETCH to VRAM with @header bits above
 *	  NOUVEAU_SVM_BIND_VALID_MASK: -EINVAL.  Nothing moves, and the valid
 *	  request then works.
 *	- command-3: SVM_BIND PREFETCH to VRAM with command 3, the first
 *	  unknown one: -EINVAL.  Nothing moves, and the valid request then
 *	  works.
 *	- command-255: SVM_BIND PREFETCH to VRAM with command 255: -EINVAL.
 *	  Nothing moves, and the valid request then works.
 *	- target-1: SVM_BIND PREFETCH to VRAM with target 1: -EINVAL.  Nothing
 *	  moves, and the valid request then works.
 *	- target-vram-1: SVM_BIND PREFETCH to VRAM with target
 *	  NOUVEAU_SVM_BIND_TARGET__GPU_VRAM + 1: -EINVAL.  Nothing moves, and
 *	  the valid request then works.
 *	- target-all-ones: SVM_BIND PREFETCH to VRAM with every target bit
 *	  set: -EINVAL.  Nothing moves, and the valid request then works.
 *	- empty-range: SVM_BIND PREFETCH to VRAM with @va_start == @va_end:
 *	  -EINVAL.  Nothing moves, and the valid request then works.
 *	- reversed-range: SVM_BIND PREFETCH to VRAM with @va_end below
 *	  @va_start: -EINVAL.  Nothing moves, and the valid request then
 *	  works.
 *	- npages: SVM_BIND PREFETCH to VRAM with @npages larger than the
 *	  range: -EINVAL.  Nothing moves, and the valid request then works.
 *	- end-wraps: SVM_BIND PREFETCH to VRAM with @va_end rounding up past
 *	  the top of the address space: -EOVERFLOW.  Nothing moves, and the
 *	  valid request then works.
 *	- above-user-limit: SVM_BIND PREFETCH to VRAM with a range above the
 *	  user address limit: -EFAULT.  Nothing moves, and the valid request
 *	  then works.
 *	- overlaps-unmanaged: SVM_BIND PREFETCH to VRAM with a range
 *	  overlapping the unmanaged window: -EINVAL.  Nothing moves, and the
 *	  valid request then works.
 *
 * SUBTEST: bad-prefetch-before-init
 * Description: SVM_BIND PREFETCH to VRAM before SVM_INIT: -EINVAL.  Nothing
 *	moves, and the valid request then works.
 *
 * SUBTEST: bad-prefetch-inherited-fd
 * Description: SVM_BIND PREFETCH to VRAM from a process that inherited the file
 *	(fork): -EPERM.  Nothing moves, and the valid request then works.
 *
 * SUBTEST: bad-getparam-param
 * Description: GETPARAM of an unknown parameter: -EINVAL.
 *
 * SUBTEST: bad-exec
 * Description: DRM_NVSIM_EXEC with each invalid field, one dynamic subtest per case:
 *	- cmd-op-0: EXEC of a command with op 0 (DRM_NVSIM_OP_INVALID):
 *	  -EINVAL, nothing runs.
 *	- cmd-op-99: EXEC of a command with an unknown op: -EINVAL, nothing
 *	  runs.
 *	- second-cmd-op: EXEC of a valid WRITE followed by a command with an
 *	  unknown op: -EINVAL, and the WRITE did not run.
 *	- cmd-flags: EXEC of a command with @flags set: -EINVAL, nothing runs.
 *	- cmd-addr-unaligned: EXEC of a command with an unaligned @addr:
 *	  -EINVAL, nothing runs.
 *	- cmd-addr-overflow: EXEC of a command whose @addr + @size wraps:
 *	  -EINVAL, nothing runs.
 *	- cmd-size-0: EXEC of a command with @size 0: -EINVAL, nothing runs.
 *	- cmd-size-unaligned: EXEC of a command whose @size is not a multiple
 *	  of 8: -EINVAL, nothing runs.
 *	- cmd-size-too-big: EXEC of a command larger than DRM_NVSIM_MAX_SIZE:
 *	  -EINVAL, nothing runs.
 *	- cmd-atomic-add-size: EXEC of an ATOMIC_ADD with @size other than 8:
 *	  -EINVAL.
 *	- cmd-atomic-cas-size: EXEC of an ATOMIC_CAS with @size other than 8:
 *	  -EINVAL.
 *	- cmd-atomic-add-addr-unaligned: EXEC of an ATOMIC_ADD whose @addr is
 *	  4- but not 8-byte aligned: -EINVAL, nothing runs.
 *	- cmd-atomic-cas-addr-unaligned: EXEC of an ATOMIC_CAS whose @addr is
 *	  4- but not 8-byte aligned: -EINVAL, nothing runs.
 *	- cmd-atomic-add-compare-nonzero: EXEC of an ATOMIC_ADD with @compare
 *	  set (only a CAS has one): -EINVAL, nothing runs.
 *	- cmd-src-nonzero: EXEC of a WRITE with @src set: -EINVAL, nothing
 *	  runs.
 *	- cmd-src-unaligned: EXEC of a COPY with an unaligned @src: -EINVAL,
 *	  nothing runs.
 *	- cmd-compare-nonzero: EXEC of a WRITE with @compare set: -EINVAL,
 *	  nothing runs.
 *	- count-0: EXEC of no command: -EINVAL.
 *	- count-too-big: EXEC of more than DRM_NVSIM_MAX_CMDS commands:
 *	  -EINVAL, nothing runs.
 *	- flags: EXEC with an unknown flag: -EINVAL, nothing runs.
 *	- channel: EXEC on a channel past DRM_NVSIM_CHANNELS: -EINVAL, nothing
 *	  runs.
 *	- cmds-invalid: EXEC with an unreadable @cmds pointer: -EFAULT.
 *	- before-init: EXEC before SVM_INIT: -ENOENT, nothing runs.
 *
 * SUBTEST: bad-wait
 * Description: DRM_NVSIM_WAIT with each invalid field, one dynamic subtest per case:
 *	- seqno-unknown: WAIT for a job number never handed out: -ENOENT.
 *	- seqno-collected: WAIT for a job already collected: -ENOENT.
 *	- pad: WAIT with @pad set: -EINVAL, and the job can still be collected
 *	  with its results.
 *
 * SUBTEST: bad-counters
 * Description: DRM_NVSIM_COUNTERS with each invalid field, one dynamic subtest per case:
 *	- flags: COUNTERS with @flags set: -EINVAL.
 *	- values: COUNTERS with an unwritable @values pointer: -EFAULT.
 *	- before-init: COUNTERS before SVM_INIT: -ENOENT.
 *
 * SUBTEST: bad-config
 * Description: DRM_NVSIM_CONFIG with each invalid field, one dynamic subtest per case:
 *	- param-0: CONFIG of parameter 0 (DRM_NVSIM_PARAM_INVALID): -EINVAL,
 *	  nothing changes.
 *	- param-unknown: CONFIG of an unknown parameter: -EINVAL, nothing
 *	  changes.
 *	- wave-0: CONFIG of DRM_NVSIM_PARAM_WAVE_PAGES to 0: -EINVAL, nothing
 *	  changes.
 *	- wave-513: CONFIG of DRM_NVSIM_PARAM_WAVE_PAGES to 513: -EINVAL,
 *	  nothing changes.
 *	- pad: CONFIG with @pad set: -EINVAL, nothing changes.
 *
 * SUBTEST: bad-inject
 * Description: DRM_NVSIM_INJECT with each invalid field, one dynamic subtest per case:
 *	- what-0: INJECT of @what 0 (DRM_NVSIM_INJECT_INVALID): -EINVAL, and
 *	  nothing is armed.
 *	- what-unknown: INJECT of an unknown @what: -EINVAL, and nothing is
 *	  armed.
 *	- count: INJECT with @count above 1 << 20: -EINVAL, and nothing is
 *	  armed.
 */

#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "igt.h"
#include "svm_device.h"

IGT_TEST_DESCRIPTION("Shared virtual memory through the nouveau SVM uAPI.");

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define assert_u64_lte(a, b)	igt_assert_cmpu64(a, <=, >, b)

/*
 * An address whose first page already lies above the user address limit
 * (TASK_SIZE) of x86-64 with 4-level (1 << 47) and 5-level (1 << 56) page
 * tables, yet far from wrapping around.
 */
#define ABOVE_USER_LIMIT	(1ULL << 57)

static size_t ps;

static void *map_anon(size_t size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

/*
 * A CPU load or store that the compiler neither drops nor merges: the tests
 * count the CPU accesses to device-exclusive pages.
 */
static uint64_t cpu_read(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void cpu_write(uint64_t *p, uint64_t value)
{
	__atomic_store_n(p, value, __ATOMIC_RELAXED);
}

/* The GPU reads [p, p + size) and sees what the CPU sees. */
static void assert_gpu_reads(int fd, const void *p, size_t size)
{
	uint64_t sum = 0;

	igt_assert_eq(gpu_read(fd, p, size, &sum), 0);
	igt_assert_eq_u64(sum, svm_checksum(p, size));
}

/* The file works: a GPU read of a fresh buffer, where GPU work is here. */
static void assert_fd_works(int fd)
{
	size_t size = 4 * ps;
	void *p;

	if (svm_driver(fd) != SVM_DRIVER_SIM)
		return;
	p = map_anon(size, PROT_READ | PROT_WRITE);
	svm_pattern(p, size, 0xf00d0000);
	assert_gpu_reads(fd, p, size);
	munmap(p, size);
}

static struct svm_counters counters_delta(const struct svm_counters *a,
					  const struct svm_counters *b)
{
	svm_counters_log_delta(igt_subtest_name(), a, b);
	return svm_counters_sub(b, a);
}

/* ------------------------------------------------------------------ */
/* Setup                                                               */
/* ------------------------------------------------------------------ */

static void basic_init(void)
{
	struct svm_counters c;
	int fd = svm_open();

	igt_assert(svm_caps(fd) & NOUVEAU_SVM_CAP_MIRROR);
	svm_init(fd, 0, 0);
	c = svm_counters(fd);
	for (unsigned int i = 0; i < SVM_COUNTERS_NUM; i++)
		igt_assert_f(svm_counter(&c, i) == 0, "%s is %" PRIu64 "\n",
			     svm_counter_name(i), svm_counter(&c, i));
	assert_fd_works(fd);
	close(fd);
}

static void init_twice(int fd)
{
	igt_assert_eq(__svm_init(fd, 0, 0), -EBUSY);
	igt_assert_eq(__svm_init(fd, 0x100000000ull, 16 * ps), -EBUSY);
	assert_fd_works(fd);
}

/* ------------------------------------------------------------------ */
/* GPU access to process memory                                        */
/* ------------------------------------------------------------------ */

static void gpu_read_malloc(int fd)
{
	/* Not a page multiple: the last page is partly read. */
	size_t size = 64 * ps + 24;
	uint64_t *p = malloc(size);

	igt_assert(p);
	svm_pattern(p, size, 0x1000000);
	assert_gpu_reads(fd, p, size);
	/* A range starting mid-page. */
	assert_gpu_reads(fd, p + 3, size - 3 * 8);
	free(p);
}

static void gpu_write_malloc(int fd)
{
	const size_t words = 9000;	/* 72000 bytes: partial pages */
	const size_t size = words * 8;
	uint64_t *p = malloc(size + 16);

	igt_assert(p);
	svm_pattern(p, size + 16, 0x2000000);

	igt_assert_eq(gpu_write(fd, p + 1, size, 0x2100000), 0);
	igt_assert_eq_u64(p[0], 0x2000000);
	svm_assert_pattern(p + 1, size, 0x2100000);
	igt_assert_eq_u64(p[words + 1], 0x2000000 + words + 1);

	/* FILL the first half over it. */
	igt_assert_eq(gpu_fill(fd, p + 1, size / 2, 0xdeadbeefcafef00dull), 0);
	for (size_t i = 1; i <= words / 2; i++)
		igt_assert_f(p[i] == 0xdeadbeefcafef00dull, "word %zu: %#" PRIx64 "\n",
			     i, p[i]);
	svm_assert_pattern(p + 1 + words / 2, size / 2, 0x2100000 + words / 2);
	igt_assert_eq_u64(p[0], 0x2000000);
	igt_assert_eq_u64(p[words + 1], 0x2000000 + words + 1);
	free(p);
}

static void gpu_read_mmap_file(int fd)
{
	char path[] = "/tmp/nouveau_svm.XXXXXX";
	size_t size = 32 * ps;
	void *data = malloc(size);
	uint64_t word = 0x5555aaaa5555aaaaull;
	int file;
	void *p;

	igt_assert(data);
	file = mkstemp(path);
	igt_assert_fd(file);
	unlink(path);
	svm_pattern(data, size, 0x3000000);
	igt_assert_eq(pwrite(file, data, size, 0), (ssize_t)size);

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0);
	igt_assert(p != MAP_FAILED);
	igt_assert(!memcmp(p, data, size));
	assert_gpu_reads(fd, p, size);
	igt_assert_eq_u64(svm_checksum(p, size), svm_checksum(data, size));

	/* A write through the file lands in the page the GPU maps. */
	igt_assert_eq(pwrite(file, &word, 8, 5 * ps + 64), 8);
	assert_gpu_reads(fd, p, size);
	igt_assert_eq_u64(((uint64_t *)p)[(5 * ps + 64) / 8], word);

	munmap(p, size);
	close(file);
	free(data);
}

static void gpu_write_stack(int fd)
{
	uint64_t stack[4096 + 2];	/* 32 KiB and a guard word each side */
	const size_t size = 4096 * 8;

	svm_pattern(stack, sizeof(stack), 0x4000000);
	igt_assert_eq(gpu_write(fd, &stack[1], size, 0x4100000), 0);
	igt_assert_eq_u64(stack[0], 0x4000000);
	svm_assert_pattern(&stack[1], size, 0x4100000);
	igt_assert_eq_u64(stack[4097], 0x4000000 + 4097);
	assert_gpu_reads(fd, stack, sizeof(stack));
}

static void gpu_copy_between_buffers(int fd)
{
	size_t size = 48 * ps + 8;
	void *src = malloc(size);
	void *dst = map_anon(size + ps, PROT_READ | PROT_WRITE);
	uint64_t *last = (uint64_t *)((char *)dst + size);

	igt_assert(src);
	svm_pattern(src, size, 0x5000000);
	svm_pattern(dst, size + ps, 0x5100000);

	igt_assert_eq(gpu_copy(fd, dst, src, size), 0);
	svm_assert_pattern(dst, size, 0x5000000);
	svm_assert_pattern(src, size, 0x5000000);
	/* Nothing past the end. */
	svm_assert_pattern(last, ps, 0x5100000 + size / 8);
	assert_gpu_reads(fd, dst, size + ps);

	free(src);
	munmap(dst, size + ps);
}

static void fault_batching(int fd)
{
	const size_t npages = 1024;
	size_t size = npages * ps;
	struct svm_counters a, b, d;
	uint64_t sum = 0;
	void *p;

	/* Present on the CPU, never seen by the GPU. */
	p = map_anon(size, PROT_READ | PROT_WRITE);
	svm_pattern(p, size, 0x6000000);

	a = svm_counters(fd);
	igt_assert_eq(gpu_read(fd, p, size, &sum), 0);
	b = svm_counters(fd);
	igt_assert_eq_u64(sum, svm_checksum(p, size));

	d = counters_delta(&a, &b);
	igt_info("%zu pages: %" PRIu64 " faults in %" PRIu64 " batches, %"
		 PRIu64 " replays, %" PRIu64 " pages mapped\n", npages,
		 d.faults, d.fault_batches, d.replays, d.pages_mapped);
	igt_assert_eq_u64(d.cancels, 0);
	assert_u64_lte(npages, d.pages_mapped);
	assert_u64_lte(npages, d.gpu_pages);
	assert_u64_lte(1, d.faults);
	assert_u64_lte(1, d.fault_batches);
	assert_u64_lte(1, d.replays);
	assert_u64_lte(d.fault_batches, d.faults);
	igt_assert_f(d.fault_batches * 8 <= npages,
		     "%" PRIu64 " batches for %zu pages\n", d.fault_batches, npages);
	munmap(p, size);
}

/* ------------------------------------------------------------------ */
/* Faults that cannot be served                                        */
/* ------------------------------------------------------------------ */

/*
 * Every fault of a job that touched only unservable pages was cancelled:
 * the cancels count pages, the faults entries (a page's duplicates, of
 * accesses in flight together or refaulted, count once as a cancel).
 */
static void assert_all_cancelled(struct svm_counters d)
{
	assert_u64_lte(1, d.cancels);
	assert_u64_lte(d.cancels, d.faults);
}

static void prot_none_cancel(int fd)
{
	void *none = map_anon(ps, PROT_NONE);
	size_t size = 4 * ps;
	void *ok = map_anon(size, PROT_READ | PROT_WRITE);
	void *after = map_anon(size, PROT_READ | PROT_WRITE);
	struct drm_nvsim_cmd cmds[3];
	struct svm_counters a, b;

	svm_pattern(ok, size, 0x7000000);
	svm_pattern(after, size, 0x7100000);

	a = svm_counters(fd);
	igt_assert_eq(gpu_read(fd, none, ps, NULL), -EFAULT);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&a, &b).cancels, 1);

	/* The job stops at the cancelled command. */
	cmds[0] = gpu_cmd_read(ok, size);
	cmds[1] = gpu_cmd_read(none, ps);
	cmds[2] = gpu_cmd_write(after, size, 0x7200000);
	igt_assert_eq(gpu_submit(fd, cmds, 3), -EFAULT);
	a = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&b, &a).cancels, 1);
	svm_assert_pattern(after, size, 0x7100000);

	/* The file goes on working, for the same buffers too. */
	assert_gpu_reads(fd, ok, size);
	igt_assert_eq(gpu_write(fd, after, size, 0x7200000), 0);
	svm_assert_pattern(after, size, 0x7200000);

	munmap(none, ps);
	munmap(ok, size);
	munmap(after, size);
}

static void write_readonly_cancel(int fd)
{
	size_t size = 8 * ps;
	void *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b;

	svm_pattern(p, size, 0x8000000);
	igt_assert_eq(mprotect(p, size, PROT_READ), 0);

	a = svm_counters(fd);
	igt_assert_eq(gpu_write(fd, p, size, 0x8100000), -EFAULT);
	b = svm_counters(fd);
	/* One fault per page the engine touched, each one cancelled. */
	assert_all_cancelled(counters_delta(&a, &b));
	svm_assert_pattern(p, size, 0x8000000);

	assert_gpu_reads(fd, p, size);
	/* Read-only in the GPU page table too. */
	igt_assert_eq(gpu_fill(fd, (char *)p + ps, 8, 0), -EFAULT);
	svm_assert_pattern(p, size, 0x8000000);
	munmap(p, size);
}

static void unmapped_address_cancel(int fd)
{
	size_t size = 3 * ps;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b;

	svm_pattern(p, size, 0x9000000);
	igt_assert_eq(munmap(p + ps, ps), 0);

	a = svm_counters(fd);
	igt_assert_eq(gpu_read(fd, p + ps, ps, NULL), -EFAULT);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&a, &b).cancels, 1);

	/* Across the hole, into it from the page before. */
	igt_assert_eq(gpu_write(fd, p, 2 * ps, 0x9100000), -EFAULT);
	a = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&b, &a).cancels, 1);
	svm_assert_pattern(p + 2 * ps, ps, 0x9000000 + 2 * ps / 8);

	assert_gpu_reads(fd, p, ps);
	assert_gpu_reads(fd, p + 2 * ps, ps);
	munmap(p, ps);
	munmap(p + 2 * ps, ps);
}

/* ------------------------------------------------------------------ */
/* CPU page table changes reach the GPU                                */
/* ------------------------------------------------------------------ */

static void munmap_invalidates(int fd)
{
	size_t size = 64 * ps;
	void *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b, d;
	void *q;

	svm_pattern(p, size, 0xa000000);
	assert_gpu_reads(fd, p, size);

	a = svm_counters(fd);
	igt_assert_eq(munmap(p, size), 0);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	assert_u64_lte(1, d.invalidations);
	igt_assert_f(b.gpu_pages < a.gpu_pages,
		     "GPU pages %" PRIu64 " -> %" PRIu64 " over munmap\n",
		     a.gpu_pages, b.gpu_pages);

	igt_assert_eq(gpu_read(fd, p, size, NULL), -EFAULT);

	/* New memory at the same address: the GPU sees it, not the old. */
	q = mmap(p, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	igt_assert(q == p);
	svm_pattern(q, size, 0xa100000);
	assert_gpu_reads(fd, q, size);
	munmap(q, size);
}

static void mprotect_invalidates(int fd)
{
	size_t size = 16 * ps;
	void *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b;

	svm_pattern(p, size, 0xb000000);
	/* Mapped writable. */
	igt_assert_eq(gpu_write(fd, p, size, 0xb100000), 0);
	svm_assert_pattern(p, size, 0xb100000);

	a = svm_counters(fd);
	igt_assert_eq(mprotect(p, size, PROT_READ), 0);
	b = svm_counters(fd);
	assert_u64_lte(1, counters_delta(&a, &b).invalidations);

	igt_assert_eq(gpu_write(fd, p, size, 0xb200000), -EFAULT);
	svm_assert_pattern(p, size, 0xb100000);
	assert_gpu_reads(fd, p, size);

	/* Writable again: the GPU writes again. */
	igt_assert_eq(mprotect(p, size, PROT_READ | PROT_WRITE), 0);
	igt_assert_eq(gpu_write(fd, p, size, 0xb300000), 0);
	svm_assert_pattern(p, size, 0xb300000);
	munmap(p, size);
}

static void fork_child_cow(int fd)
{
	size_t size = 16 * ps;
	void *p = map_anon(size, PROT_READ | PROT_WRITE);
	int go[2];
	char c = 0;

	igt_assert_eq(pipe(go), 0);
	svm_pattern(p, size, 0xc000000);
	assert_gpu_reads(fd, p, size);	/* mapped on the GPU */

	igt_fork(child, 1) {
		close(go[1]);
		igt_assert_eq(read(go[0], &c, 1), 1);
		/* The parent's GPU write did not reach the child's pages. */
		svm_assert_pattern(p, size, 0xc000000);
		svm_pattern(p, size, 0xc200000);
		svm_assert_pattern(p, size, 0xc200000);
	}
	close(go[0]);

	/* The child shares the pages: a GPU write must break COW. */
	igt_assert_eq(gpu_write(fd, p, size, 0xc100000), 0);
	svm_assert_pattern(p, size, 0xc100000);
	igt_assert_eq(write(go[1], &c, 1), 1);
	close(go[1]);
	igt_waitchildren();

	/* The child's writes reached neither the CPU nor the GPU here. */
	svm_assert_pattern(p, size, 0xc100000);
	assert_gpu_reads(fd, p, size);
	igt_assert_eq(gpu_write(fd, p, size, 0xc300000), 0);
	svm_assert_pattern(p, size, 0xc300000);
	munmap(p, size);
}

static void exit_with_gpu_mappings(int fd)
{
	igt_fork(child, 1) {
		size_t size = 64ull << 20, chunk = 4ull << 20;
		static struct drm_nvsim_cmd inflight;
		int cfd = __svm_open();
		char *p;

		igt_assert_fd(cfd);
		svm_init(cfd, 0, 0);
		p = map_anon(size, PROT_READ | PROT_WRITE);
		svm_pattern(p, size, 0xd000000);
		for (size_t off = 0; off < size; off += chunk)
			assert_gpu_reads(cfd, p + off, chunk);
		igt_assert_eq(gpu_write(cfd, p, chunk, 0xd100000), 0);
		svm_assert_pattern(p, chunk, 0xd100000);

		/* Leave with a job in flight, the file open, the memory mapped. */
		inflight = gpu_cmd_read(p, size);
		gpu_submit_async(cfd, &inflight, 1);
	}
	igt_waitchildren();

	assert_fd_works(fd);
	for (int i = 0; i < 2; i++) {
		int nfd = svm_open();

		svm_init(nfd, 0, 0);
		assert_fd_works(nfd);
		close(nfd);
	}
}

static void unmanaged_window_not_mirrored(void)
{
	size_t size = 16 * ps;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *win = p + 4 * ps;		/* [4, 12) of 16 pages */
	size_t win_size = 8 * ps;
	struct drm_nouveau_svm_bind bind = {};
	struct svm_counters a, b;
	int fd = svm_open();

	svm_require_gpu_ops(fd);
	svm_pattern(p, size, 0xe000000);
	svm_init(fd, to_user_pointer(win), win_size);

	a = svm_counters(fd);
	igt_assert_eq(gpu_read(fd, win, win_size, NULL), -EFAULT);
	b = svm_counters(fd);
	assert_all_cancelled(counters_delta(&a, &b));
	igt_assert_eq(gpu_write(fd, win + ps, 8, 0), -EFAULT);
	igt_assert_eq(gpu_read(fd, p, 5 * ps, NULL), -EFAULT);
	svm_assert_pattern(p, size, 0xe000000);

	assert_gpu_reads(fd, p, 4 * ps);
	assert_gpu_reads(fd, win + win_size, 4 * ps);
	igt_assert_eq(gpu_write(fd, p, 4 * ps, 0xe100000), 0);
	svm_assert_pattern(p, 4 * ps, 0xe100000);
	svm_assert_pattern(win, win_size + 4 * ps, 0xe000000 + 4 * ps / 8);

	/* Neither a range across its start nor one inside may be bound. */
	bind.va_start = to_user_pointer(p + 2 * ps);
	bind.va_end = to_user_pointer(win + ps);
	igt_assert_eq(__svm_bind(fd, &bind), -EINVAL);
	bind.va_start = to_user_pointer(win + ps);
	bind.va_end = to_user_pointer(win + 2 * ps);
	igt_assert_eq(__svm_bind(fd, &bind), -EINVAL);
	bind.header = (uint64_t)NOUVEAU_SVM_BIND_TARGET__GPU_VRAM <<
		      NOUVEAU_SVM_BIND_TARGET_SHIFT;
	igt_assert_eq(__svm_bind(fd, &bind), -EINVAL);

	close(fd);
	munmap(p, size);
}

/* ------------------------------------------------------------------ */
/* Concurrency, counters, asynchronous jobs                            */
/* ------------------------------------------------------------------ */

#define NTHREADS	8

struct thread_arg {
	pthread_t thread;
	int fd;
	unsigned int id;
	size_t size;
	char error[160];
};

static void *thread_faults(void *data)
{
	struct thread_arg *t = data;
	void *p = mmap(NULL, t->size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		snprintf(t->error, sizeof(t->error), "mmap: %d", errno);
		return NULL;
	}
	for (unsigned int iter = 0; iter < 16; iter++) {
		uint64_t value = (uint64_t)t->id << 48 | (uint64_t)iter << 32;
		uint64_t sum = 0;
		int status = 0, ret;
		long bad;

		/* Fresh pages for the GPU every other round. */
		if (iter & 1)
			madvise(p, t->size, MADV_DONTNEED);
		ret = __gpu_write(t->fd, p, t->size, value, &status);
		if (ret || status) {
			snprintf(t->error, sizeof(t->error),
				 "iter %u: write: ioctl %d status %d", iter, ret, status);
			break;
		}
		bad = svm_pattern_check(p, t->size, value);
		if (bad >= 0) {
			snprintf(t->error, sizeof(t->error),
				 "iter %u: GPU write: word %ld wrong", iter, bad);
			break;
		}
		svm_pattern(p, t->size, ~value);
		ret = __gpu_read(t->fd, p, t->size, &sum, &status);
		if (ret || status || sum != svm_checksum(p, t->size)) {
			snprintf(t->error, sizeof(t->error),
				 "iter %u: read: ioctl %d status %d sum %#" PRIx64
				 " != %#" PRIx64, iter, ret, status, sum,
				 svm_checksum(p, t->size));
			break;
		}
	}
	munmap(p, t->size);
	return NULL;
}

static void threads_many_faults(int fd)
{
	struct thread_arg t[NTHREADS] = {};
	struct svm_counters a, b;

	a = svm_counters(fd);
	for (unsigned int i = 0; i < NTHREADS; i++) {
		t[i].fd = fd;
		t[i].id = i;
		t[i].size = (64 + 16 * i) * ps;
		igt_assert_eq(pthread_create(&t[i].thread, NULL, thread_faults,
					     &t[i]), 0);
	}
	for (unsigned int i = 0; i < NTHREADS; i++)
		igt_assert_eq(pthread_join(t[i].thread, NULL), 0);
	for (unsigned int i = 0; i < NTHREADS; i++)
		igt_assert_f(!t[i].error[0], "thread %u: %s\n", i, t[i].error);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&a, &b).cancels, 0);
}

static void counters_fdinfo_match(int fd)
{
	bool atomics = svm_caps(fd) & NOUVEAU_SVM_CAP_ATOMIC_SYSMEM;
	bool vram = svm_caps(fd) & NOUVEAU_SVM_CAP_MIGRATE_VRAM;
	uint64_t values[SVM_COUNTERS_NUM + 4];
	struct svm_counters a, b;
	void *none;
	char *vram_keep = NULL;

	svm_require_sim(fd, "DRM_NVSIM_COUNTERS");
	none = map_anon(ps, PROT_NONE);
	uint32_t count;
	int tries = 0;

	/* Something in every cumulative counter. */
	assert_fd_works(fd);
	igt_assert_eq(gpu_read(fd, none, 8, NULL), -EFAULT);
	munmap(none, ps);
	if (atomics) {
		/* A grant, and a CPU read that revokes it. */
		uint64_t *w = map_anon(ps, PROT_READ | PROT_WRITE);

		igt_assert_eq(gpu_atomic_add(fd, w, 1, NULL), 0);
		igt_assert_eq_u64(cpu_read(w), 1);
		munmap(w, ps);
	}
	if (vram) {
		/* To VRAM and back, and a page left there (vram-pages). */
		char *v = map_anon(4 * ps, PROT_READ | PROT_WRITE);

		svm_pattern(v, 4 * ps, 0xf1f0000);
		igt_assert_eq_u64(svm_migrate(fd, v, 4 * ps, SVM_VRAM), 4);
		igt_assert_eq_u64(svm_migrate(fd, v, 4 * ps, SVM_HOST), 4);
		igt_assert_eq_u64(svm_migrate(fd, v, ps, SVM_VRAM), 1);
		vram_keep = v;
	}

	do {
		a = svm_counters(fd);
		count = SVM_COUNTERS_NUM;
		igt_assert_eq(__svm_counters_ioctl(fd, values, &count, 0), 0);
		b = svm_counters(fd);
	} while (memcmp(&a, &b, sizeof(a)) && ++tries < 10);
	igt_assert_f(!memcmp(&a, &b, sizeof(a)), "counters keep changing\n");

	igt_assert_lte(DRM_NVSIM_COUNTER_COUNT, count);
	for (unsigned int i = 0; i < SVM_COUNTERS_NUM; i++)
		igt_assert_f(values[i] == svm_counter(&a, i),
			     "%s: ioctl %" PRIu64 ", fdinfo %" PRIu64 "\n",
			     svm_counter_name(i), values[i], svm_counter(&a, i));
	assert_u64_lte(1, a.faults);
	assert_u64_lte(1, a.cancels);
	assert_u64_lte(1, a.pages_mapped);
	if (atomics) {
		assert_u64_lte(1, a.atomic_faults);
		assert_u64_lte(1, a.exclusive_grants);
		assert_u64_lte(1, a.revocations);
	}
	if (vram) {
		assert_u64_lte(5, a.pages_to_vram);
		assert_u64_lte(4, a.pages_to_host);
		assert_u64_lte(2, a.copy_launches);
		assert_u64_lte(1, a.vram_pages);
		munmap(vram_keep, 4 * ps);
	}

	/* No room: only the number of counters comes back. */
	memset(values, 0xa5, sizeof(values));
	count = 0;
	igt_assert_eq(__svm_counters_ioctl(fd, values, &count, 0), 0);
	igt_assert_lte(DRM_NVSIM_COUNTER_COUNT, count);
	for (unsigned int i = 0; i < ARRAY_SIZE(values); i++)
		igt_assert_eq_u64(values[i], 0xa5a5a5a5a5a5a5a5ull);

	/* Room for three: three come back. */
	count = 3;
	igt_assert_eq(__svm_counters_ioctl(fd, values, &count, 0), 0);
	igt_assert_lte(DRM_NVSIM_COUNTER_COUNT, count);
	for (unsigned int i = 3; i < ARRAY_SIZE(values); i++)
		igt_assert_eq_u64(values[i], 0xa5a5a5a5a5a5a5a5ull);
	assert_u64_lte(a.faults, values[DRM_NVSIM_COUNTER_FAULTS]);
	assert_u64_lte(a.replays, values[DRM_NVSIM_COUNTER_REPLAYS]);
}

#define NJOBS	4

static void async_exec_wait(int fd)
{
	size_t size = 16 * ps;
	struct drm_nvsim_cmd cmds[NJOBS][2];
	uint64_t seqno[NJOBS], expect[NJOBS];
	void *buf[NJOBS];

	for (int i = 0; i < NJOBS; i++) {
		buf[i] = map_anon(size, PROT_READ | PROT_WRITE);
		svm_pattern(buf[i], size, 0xf000000 + (i << 20));
		expect[i] = svm_checksum(buf[i], size);
		/* Read what the CPU wrote, then overwrite it. */
		cmds[i][0] = gpu_cmd_read(buf[i], size);
		cmds[i][1] = gpu_cmd_write(buf[i], size, 0xf800000 + (i << 20));
	}
	for (int i = 0; i < NJOBS; i++) {
		seqno[i] = gpu_submit_async(fd, cmds[i], 2);
		for (int j = 0; j < i; j++)
			igt_assert(seqno[i] != seqno[j]);
	}

	/* Newest first. */
	for (int i = NJOBS - 1; i >= 0; i--) {
		igt_assert_eq(gpu_wait(fd, seqno[i]), 0);
		igt_assert_eq_u64(cmds[i][0].result, expect[i]);
		svm_assert_pattern(buf[i], size, 0xf800000 + (i << 20));
		igt_assert_eq(__gpu_wait(fd, seqno[i], 0, NULL), -ENOENT);
	}
	for (int i = 0; i < NJOBS; i++)
		munmap(buf[i], size);
}

static void inherited_fd_eperm(int fd)
{
	size_t size = 4 * ps;
	struct drm_nvsim_cmd job;
	uint64_t seqno;
	void *p;

	svm_require_sim(fd, "the private EXEC and WAIT uAPI");
	p = map_anon(size, PROT_READ | PROT_WRITE);
	svm_pattern(p, size, 0x10000000);
	job = gpu_cmd_read(p, size);
	seqno = gpu_submit_async(fd, &job, 1);

	igt_fork(child, 1) {
		struct drm_nvsim_cmd cmd = gpu_cmd_write(p, size, 0x10100000);
		struct drm_nvsim_exec exec = {
			.cmds = to_user_pointer(&cmd),
			.count = 1,
		};
		struct drm_nouveau_svm_bind bind = {
			.va_start = to_user_pointer(p),
			.va_end = to_user_pointer(p) + size,
		};

		igt_assert_eq(__gpu_exec(fd, &exec), -EPERM);
		exec.flags = DRM_NVSIM_EXEC_ASYNC;
		igt_assert_eq(__gpu_exec(fd, &exec), -EPERM);
		igt_assert_eq(__gpu_wait(fd, seqno, 0, NULL), -EPERM);
		igt_assert_eq(__svm_bind(fd, &bind), -EPERM);
		svm_assert_pattern(p, size, 0x10000000);
	}
	igt_waitchildren();

	/* The parent's job was not collected by the child. */
	igt_assert_eq(gpu_wait(fd, seqno), 0);
	igt_assert_eq_u64(job.result, svm_checksum(p, size));
	svm_assert_pattern(p, size, 0x10000000);
	munmap(p, size);
}

/* The render node @fd was opened from. */
static void render_node_path(int fd, char *path, size_t len)
{
	struct stat st, node;

	igt_assert_eq(fstat(fd, &st), 0);
	snprintf(path, len, "/dev/dri/renderD%u", minor(st.st_rdev));
	igt_assert_eq(stat(path, &node), 0);
	igt_assert(node.st_rdev == st.st_rdev);
}

static void drop_to_nobody(void)
{
	igt_assert_eq(setgroups(0, NULL), 0);
	igt_assert_eq(setgid(65534), 0);
	igt_assert_eq(setuid(65534), 0);
	igt_assert(geteuid() != 0 && getegid() != 0);
	/* Dumpable, as a program nobody ran is: /proc/self is its own. */
	igt_assert_eq(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
}

static void assert_open_eacces(const char *path, int flags)
{
	int f = open(path, flags);

	igt_assert_f(f < 0 && errno == EACCES, "%s: %d, %s\n", path, f,
		     strerror(errno));
}

/* What the unprivileged second client tries, and what it must get. */
static void nobody_client(pid_t first, int first_fd, const char *node,
			  const void *p, size_t size, uint64_t seqno)
{
	struct drm_nvsim_inject inj = {
		.what = DRM_NVSIM_INJECT_COPY_FAIL,
		.count = 1,
	};
	struct svm_counters c;
	uint64_t result = 1;
	char path[64];
	int own;

	drop_to_nobody();
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", first, first_fd);
	assert_open_eacces(path, O_RDONLY);
	if (access("/sys/kernel/debug", F_OK) == 0)
		assert_open_eacces("/sys/kernel/debug/dri", O_RDONLY | O_DIRECTORY);

	own = open(node, O_RDWR | O_CLOEXEC);
	igt_assert_f(own >= 0, "%s: %s\n", node, strerror(errno));
	svm_init(own, 0, 0);
	c = svm_counters(own);
	for (unsigned int i = 0; i < SVM_COUNTERS_NUM; i++)
		igt_assert_eq_u64(svm_counter(&c, i), 0);

	igt_assert_eq(__svm_migrate(own, p, size, SVM_VRAM, &result), -EFAULT);
	igt_assert_eq(gpu_read(own, p, size, NULL), -EFAULT);
	igt_assert_eq(__gpu_wait(own, seqno, 0, NULL), -ENOENT);
	igt_assert_eq(igt_ioctl(own, DRM_IOCTL_NVSIM_INJECT, &inj), -1);
	igt_assert_eq(errno, EPERM);
	close(own);
}

static void unprivileged_client_isolated(int fd)
{
	bool vram = svm_caps(fd) & NOUVEAU_SVM_CAP_MIGRATE_VRAM;
	size_t size = 8 * ps;
	struct svm_counters a, b;
	struct drm_nvsim_cmd job;
	pid_t first = getpid();
	struct stat st;
	uint64_t seqno;
	char node[64];
	void *p;

	svm_require_sim(fd, "the private WAIT and INJECT uAPI");
	p = map_anon(size, PROT_READ | PROT_WRITE);
	svm_pattern(p, size, 0x12000000);
	assert_gpu_reads(fd, p, size);
	if (vram)
		igt_assert_eq_u64(svm_migrate(fd, p, size / 2, SVM_VRAM), size / 2 / ps);
	job = gpu_cmd_read(p, size);
	seqno = gpu_submit_async(fd, &job, 1);
	igt_assert_eq(gpu_wait(fd, seqno), 0);
	job = gpu_cmd_read(p, size);
	seqno = gpu_submit_async(fd, &job, 1);

	/* Open to everyone, as udev's rule for render nodes makes it. */
	render_node_path(fd, node, sizeof(node));
	igt_assert_eq(stat(node, &st), 0);
	igt_assert_eq(chmod(node, 0666), 0);
	a = svm_counters(fd);
	igt_fork(child, 1) {
		/* A process of its own: neither the file nor the buffer. */
		close(fd);
		igt_assert_eq(munmap(p, size), 0);
		nobody_client(first, fd, node, p, size, seqno);
	}
	igt_waitchildren();
	igt_assert_eq(chmod(node, st.st_mode & 07777), 0);

	igt_assert_eq(gpu_wait(fd, seqno), 0);
	b = svm_counters(fd);
	igt_assert_eq_u64(b.cancels, a.cancels);
	igt_assert_eq_u64(b.vram_pages, a.vram_pages);
	igt_assert_eq_u64(b.pages_to_host, a.pages_to_host);
	if (vram)
		igt_assert_eq_u64(b.vram_pages, size / 2 / ps);
	igt_assert_eq_u64(job.result, svm_checksum(p, size));
	svm_assert_pattern(p, size, 0x12000000);
	munmap(p, size);
}

/* ------------------------------------------------------------------ */
/* GPU atomics on system memory                                        */
/* ------------------------------------------------------------------ */

/*
 * A page-aligned word inside a malloc'd buffer, with the whole page to
 * itself: malloc's own bookkeeping (and the fopen() of every counter read)
 * writes only outside it, so no CPU access but the test's own revokes the
 * GPU's atomic access to it.
 */
static uint64_t *malloc_own_page(void **buf)
{
	*buf = malloc(3 * ps);
	igt_assert(*buf);
	return (uint64_t *)(((uintptr_t)*buf + ps - 1) & ~(uintptr_t)(ps - 1));
}

/* The first atomic on a page took an atomic fault and a grant, no cancel. */
static void assert_granted(struct svm_counters d)
{
	assert_u64_lte(1, d.atomic_faults);
	assert_u64_lte(1, d.exclusive_grants);
	igt_assert_eq_u64(d.cancels, 0);
}

/* Atomics on a page the GPU already holds exclusively did not fault. */
static void assert_no_refault(struct svm_counters d)
{
	igt_assert_eq_u64(d.faults, 0);
	igt_assert_eq_u64(d.atomic_faults, 0);
	igt_assert_eq_u64(d.exclusive_grants, 0);
	igt_assert_eq_u64(d.revocations, 0);
	igt_assert_eq_u64(d.cancels, 0);
}

/*
 * GPU atomics on the word at @p, worth @expect, are refused: ATOMIC_ADD and
 * an ATOMIC_CAS whose @compare matches are each cancelled (-EFAULT), nothing
 * is made device-exclusive and the word keeps its value.
 */
static void assert_atomics_refused(int fd, uint64_t *p, uint64_t expect)
{
	struct svm_counters a, b, d;

	a = svm_counters(fd);
	igt_assert_eq(gpu_atomic_add(fd, p, 1, NULL), -EFAULT);
	igt_assert_eq(gpu_atomic_cas(fd, p, expect, expect + 1, NULL), -EFAULT);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.cancels, 2);
	igt_assert_eq_u64(d.exclusive_grants, 0);
	igt_assert_eq_u64(cpu_read(p), expect);
}

#define ATOMIC_N	1000

static void atomic_add_malloc(int fd)
{
	struct drm_nvsim_cmd *cmds = calloc(ATOMIC_N, sizeof(*cmds));
	const uint64_t base = 0x15000000000ull;
	struct svm_counters a, b, c;
	uint64_t *w;
	void *buf;

	igt_assert(cmds);
	w = malloc_own_page(&buf);
	cpu_write(&w[0], base);
	cpu_write(&w[1], 0x15100000000ull);

	/* One job of N adds of 3: the first faults, the others run. */
	for (int i = 0; i < ATOMIC_N; i++)
		cmds[i] = gpu_cmd_atomic_add(w, 3);
	a = svm_counters(fd);
	igt_assert_eq(gpu_submit(fd, cmds, ATOMIC_N), 0);
	b = svm_counters(fd);
	assert_granted(counters_delta(&a, &b));
	/* In order, each one seeing all those before it. */
	for (int i = 0; i < ATOMIC_N; i++)
		igt_assert_eq_u64(cmds[i].result, base + 3ull * i);

	/* A second job on the untouched exclusive page: no fault at all. */
	for (int i = 0; i < ATOMIC_N; i++)
		cmds[i] = gpu_cmd_atomic_add(w, 7);
	igt_assert_eq(gpu_submit(fd, cmds, ATOMIC_N), 0);
	c = svm_counters(fd);
	assert_no_refault(counters_delta(&b, &c));
	for (int i = 0; i < ATOMIC_N; i++)
		igt_assert_eq_u64(cmds[i].result, base + 3ull * ATOMIC_N + 7ull * i);

	/* The CPU sees exactly the total; the next word is untouched. */
	igt_assert_eq_u64(cpu_read(&w[0]), base + 10ull * ATOMIC_N);
	igt_assert_eq_u64(cpu_read(&w[1]), 0x15100000000ull);
	free(buf);
	free(cmds);
}

#define CAS_STEPS	100

static void atomic_cas_malloc(int fd)
{
	const uint64_t base = 0x16000000000ull;
	unsigned int done = 0, misses = 0, tries;
	struct svm_counters a, b;
	struct drm_nvsim_cmd cmds[3];
	uint64_t *w, expect = 0, old = 0;
	void *buf;

	w = malloc_own_page(&buf);
	cpu_write(&w[0], base);

	/*
	 * A lock-free increment on the GPU: CAS(expect, expect + 1), taking
	 * the old value as the next guess on a miss.  The first guess (0) is
	 * stale: exactly one miss.
	 */
	a = svm_counters(fd);
	for (tries = 0; done < CAS_STEPS && tries < 2 * CAS_STEPS; tries++) {
		igt_assert_eq(gpu_atomic_cas(fd, w, expect, expect + 1, &old), 0);
		if (old == expect) {
			done++;
			expect++;
		} else {
			misses++;
			expect = old;
		}
	}
	b = svm_counters(fd);
	igt_assert_eq(done, CAS_STEPS);
	igt_assert_eq(misses, 1);
	igt_assert_eq_u64(expect, base + CAS_STEPS);
	assert_granted(counters_delta(&a, &b));

	/* A CAS that does not match returns the value and leaves it. */
	igt_assert_eq(gpu_atomic_cas(fd, w, expect + 1, 0xdead, &old), 0);
	igt_assert_eq_u64(old, expect);
	igt_assert_eq(gpu_atomic_cas(fd, w, 0, 0xdead, &old), 0);
	igt_assert_eq_u64(old, expect);

	/* In one job: a hit, a miss on the old value, an add. */
	cmds[0] = gpu_cmd_atomic_cas(w, expect, expect + 1);
	cmds[1] = gpu_cmd_atomic_cas(w, expect, 0xbad);
	cmds[2] = gpu_cmd_atomic_add(w, 10);
	igt_assert_eq(gpu_submit(fd, cmds, 3), 0);
	igt_assert_eq_u64(cmds[0].result, expect);
	igt_assert_eq_u64(cmds[1].result, expect + 1);
	igt_assert_eq_u64(cmds[2].result, expect + 1);

	igt_assert_eq_u64(cpu_read(&w[0]), base + CAS_STEPS + 11);
	free(buf);
}

#define CPU_THREADS	4
#define CPU_ADDS	2000
#define GPU_JOBS	20
#define GPU_ADDS	100

struct adder {
	pthread_t thread;
	pthread_barrier_t *start;
	uint64_t *counter;
};

static void *cpu_adder(void *data)
{
	struct adder *t = data;

	pthread_barrier_wait(t->start);
	for (int i = 0; i < CPU_ADDS; i++)
		__atomic_fetch_add(t->counter, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Run one job of GPU_ADDS adds of 1; their old values keep increasing. */
static void gpu_adds(int fd, uint64_t *counter, uint64_t *last)
{
	struct drm_nvsim_cmd cmds[GPU_ADDS];

	for (int i = 0; i < GPU_ADDS; i++)
		cmds[i] = gpu_cmd_atomic_add(counter, 1);
	igt_assert_eq(gpu_submit(fd, cmds, GPU_ADDS), 0);
	for (int i = 0; i < GPU_ADDS; i++) {
		igt_assert_f(cmds[i].result >= *last,
			     "add %d: old value %" PRIu64 " after %" PRIu64 "\n",
			     i, (uint64_t)cmds[i].result, *last);
		*last = cmds[i].result + 1;
	}
}

static void atomic_cpu_gpu_interleaved(int fd)
{
	/* Static: a failed assert must not leave threads on a dead stack. */
	static struct adder t[CPU_THREADS];
	static pthread_barrier_t start;
	struct svm_counters a, b, d;
	uint64_t *counter = map_anon(ps, PROT_READ | PROT_WRITE);
	uint64_t last = 0;

	cpu_write(counter, 0);

	/*
	 * The first job makes the page device-exclusive before the threads
	 * exist: their first add revokes it, so at least one revocation.
	 */
	a = svm_counters(fd);
	gpu_adds(fd, counter, &last);

	igt_assert_eq(pthread_barrier_init(&start, NULL, CPU_THREADS + 1), 0);
	for (int i = 0; i < CPU_THREADS; i++) {
		t[i].start = &start;
		t[i].counter = counter;
		igt_assert_eq(pthread_create(&t[i].thread, NULL, cpu_adder,
					     &t[i]), 0);
	}
	pthread_barrier_wait(&start);
	for (int j = 1; j < GPU_JOBS; j++)
		gpu_adds(fd, counter, &last);
	for (int i = 0; i < CPU_THREADS; i++)
		igt_assert_eq(pthread_join(t[i].thread, NULL), 0);
	b = svm_counters(fd);
	pthread_barrier_destroy(&start);

	igt_assert_eq_u64(__atomic_load_n(counter, __ATOMIC_SEQ_CST),
			  CPU_THREADS * CPU_ADDS + GPU_JOBS * GPU_ADDS);
	d = counters_delta(&a, &b);
	igt_info("%" PRIu64 " atomic faults, %" PRIu64 " grants, %" PRIu64
		 " revocations\n", d.atomic_faults, d.exclusive_grants,
		 d.revocations);
	assert_granted(d);
	assert_u64_lte(1, d.revocations);
	munmap(counter, ps);
}

struct hammer {
	uint64_t *counter;
	uint64_t adds;
	bool stop;
};

/* Add to the counter as fast as possible until told to stop. */
static void *cpu_hammer(void *arg)
{
	struct hammer *h = arg;

	while (!__atomic_load_n(&h->stop, __ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(h->counter, 1, __ATOMIC_SEQ_CST);
		h->adds++;
	}
	return NULL;
}

#define TIMESLICE_PARAM "/sys/module/nouveau_svm_core/parameters/atomic_timeslice_us"
#define REPLAY_DELAY_PARAM "/sys/module/nouveau_svm_sim/parameters/replay_delay_us"
#define THRASH_PARAM "/sys/module/nouveau_svm_core/parameters/atomic_thrash_threshold"

/* Set the core's atomic time slice; returns the old one. */
static long set_atomic_timeslice(long us)
{
	return svm_set_param(TIMESLICE_PARAM, us);
}

struct forker {
	unsigned int forks, failures;
	int error;
	bool stop;
};

/* fork() (the child exits at once) until told to stop; count failures. */
static void *forker(void *arg)
{
	struct forker *f = arg;

	while (!__atomic_load_n(&f->stop, __ATOMIC_ACQUIRE)) {
		pid_t pid = fork();

		if (!pid)
			_exit(0);
		if (pid < 0) {
			f->failures++;
			f->error = errno;
			continue;
		}
		waitpid(pid, NULL, 0);
		f->forks++;
	}
	return NULL;
}

static void atomic_fork_while_granting(int fd)
{
	/* Static: a failed assert must not leave the thread on a dead stack. */
	static struct forker f;
	uint64_t *counter = map_anon(ps, PROT_READ | PROT_WRITE);
	const int jobs = 300;
	pthread_t thread;

	svm_require_atomics(fd);
	cpu_write(counter, 0);
	f = (struct forker){};
	igt_assert_eq(pthread_create(&thread, NULL, forker, &f), 0);
	for (int j = 0; j < jobs; j++)
		igt_assert_eq(gpu_atomic_add(fd, counter, 1, NULL), 0);
	__atomic_store_n(&f.stop, true, __ATOMIC_RELEASE);
	igt_assert_eq(pthread_join(thread, NULL), 0);
	igt_info("%d GPU jobs, %u forks, %u failed (last errno %d)\n", jobs, f.forks,
		 f.failures, f.error);
	igt_assert_f(!f.failures, "%u of %u forks failed, the last with %s\n",
		     f.failures, f.forks + f.failures, strerror(f.error));
	assert_u64_lte(1, f.forks);
	igt_assert_eq_u64(cpu_read(counter), jobs);
	munmap(counter, ps);
}

static void atomic_pingpong_bounded(int fd)
{
	/* Static: a failed assert must not leave the thread on a dead stack. */
	static struct hammer h;
	struct svm_counters a, b, d;
	uint64_t *counter = map_anon(ps, PROT_READ | PROT_WRITE);
	uint64_t old = 0;
	pthread_t thread;
	int jobs = 50;
	long slice;

	/*
	 * A slice long enough that the CPU thread comes back inside it even
	 * when it is scheduled late (one CPU, a 4 ms tick): the back-off is
	 * what is tested, not the scheduler.
	 */
	slice = set_atomic_timeslice(20000);
	cpu_write(counter, 0);
	h = (struct hammer){ .counter = counter };
	a = svm_counters(fd);
	igt_assert_eq(pthread_create(&thread, NULL, cpu_hammer, &h), 0);

	/*
	 * Every GPU job faults, is granted the page and has it revoked by
	 * the CPU thread at once: each must still finish (no livelock).
	 */
	for (int j = 0; j < jobs; j++)
		igt_assert_eq(gpu_atomic_add(fd, counter, 1, &old), 0);
	__atomic_store_n(&h.stop, true, __ATOMIC_RELEASE);
	igt_assert_eq(pthread_join(thread, NULL), 0);
	b = svm_counters(fd);

	igt_assert_eq_u64(__atomic_load_n(counter, __ATOMIC_SEQ_CST), h.adds + jobs);
	d = counters_delta(&a, &b);
	igt_info("%d GPU jobs, %" PRIu64 " CPU adds: %" PRIu64 " grants, %" PRIu64
		 " revocations, %" PRIu64 " backoffs\n", jobs, h.adds,
		 d.exclusive_grants, d.revocations, d.atomic_backoffs);
	set_atomic_timeslice(slice);
	assert_u64_lte(1, h.adds);
	assert_u64_lte(1, d.revocations);
	igt_assert_eq_u64(d.cancels, 0);
	munmap(counter, ps);
}

/*
 * The same fight with a slow replay (50 ms): the CPU thread takes every
 * grant back before the replay returns, before the GPU can use it.  Only
 * the back-off lets a GPU job finish: its revocations wait for the replay
 * and then for the slice.  A core that let them through would livelock
 * the GPU until its jobs fail.
 */
static void atomic_pingpong_slow_replay(int fd)
{
	static struct hammer h;
	struct svm_counters a, b, d;
	uint64_t *counter = map_anon(ps, PROT_READ | PROT_WRITE);
	uint64_t old = 0;
	long slice, delay, threshold;
	pthread_t thread;
	int jobs = 5, ret = 0;

	igt_require(access(REPLAY_DELAY_PARAM, W_OK) == 0);
	igt_require(access(TIMESLICE_PARAM, W_OK) == 0);
	igt_require(access(THRASH_PARAM, W_OK) == 0);
	delay = svm_set_param(REPLAY_DELAY_PARAM, 50000);
	slice = set_atomic_timeslice(20000);
	threshold = svm_set_param(THRASH_PARAM, 3);
	cpu_write(counter, 0);
	h = (struct hammer){ .counter = counter };
	a = svm_counters(fd);
	igt_assert_eq(pthread_create(&thread, NULL, cpu_hammer, &h), 0);
	/*
	 * A pause after each job, longer than the slice: the CPU thread has
	 * the page back before the next job, which needs a grant of its own.
	 */
	for (int j = 0; j < jobs && !ret; j++) {
		ret = gpu_atomic_add(fd, counter, 1, &old);
		usleep(40000);
	}
	__atomic_store_n(&h.stop, true, __ATOMIC_RELEASE);
	igt_assert_eq(pthread_join(thread, NULL), 0);
	b = svm_counters(fd);
	svm_set_param(THRASH_PARAM, threshold);
	set_atomic_timeslice(slice);
	svm_set_param(REPLAY_DELAY_PARAM, delay);

	d = counters_delta(&a, &b);
	igt_info("%d GPU jobs, %" PRIu64 " CPU adds: %" PRIu64 " grants, %" PRIu64
		 " revocations, %" PRIu64 " backoffs\n", jobs, h.adds,
		 d.exclusive_grants, d.revocations, d.atomic_backoffs);
	igt_assert_eq(ret, 0);
	igt_assert_eq_u64(__atomic_load_n(counter, __ATOMIC_SEQ_CST), h.adds + jobs);
	assert_u64_lte(jobs, d.exclusive_grants);
	assert_u64_lte(jobs, d.revocations);
	/* The CPU came back before the GPU could use its grant: it waited. */
	assert_u64_lte(1, d.atomic_backoffs);
	munmap(counter, ps);
}

/*
 * A slow batch: the simulated GPU's replay returns a second after the
 * grant, and the slice is half a second.  The CPU writes the page as soon
 * as the GPU's atomic is done, well inside the slice counted from the
 * replay: it must wait (a back-off).  Counted from the grant, the slice
 * would be over before the GPU could use it.
 */
static void atomic_slice_starts_at_replay(int fd)
{
	uint64_t *word = map_anon(ps, PROT_READ | PROT_WRITE);
	struct svm_counters a, b, d;
	uint64_t old = 0;
	long slice, delay, threshold;
	int ret;

	/* Probe first: nothing may skip once one parameter is set. */
	igt_require(access(REPLAY_DELAY_PARAM, W_OK) == 0);
	igt_require(access(TIMESLICE_PARAM, W_OK) == 0);
	igt_require(access(THRASH_PARAM, W_OK) == 0);
	delay = svm_set_param(REPLAY_DELAY_PARAM, 1000000);
	slice = set_atomic_timeslice(500000);
	/* Every range thrashing: the slice applies after the replay too. */
	threshold = svm_set_param(THRASH_PARAM, 0);
	cpu_write(word, 0);
	ret = gpu_atomic_add(fd, word, 1, &old);
	svm_set_param(REPLAY_DELAY_PARAM, delay);
	a = svm_counters(fd);
	cpu_write(word, cpu_read(word) + 1);
	b = svm_counters(fd);
	svm_set_param(THRASH_PARAM, threshold);
	set_atomic_timeslice(slice);

	igt_assert_eq(ret, 0);
	d = counters_delta(&a, &b);
	igt_info("%" PRIu64 " revocations, %" PRIu64 " backoffs\n",
		 d.revocations, d.atomic_backoffs);
	igt_assert_eq_u64(d.revocations, 1);
	igt_assert_eq_u64(d.atomic_backoffs, 1);
	igt_assert_eq_u64(cpu_read(word), 2);
	munmap(word, ps);
}

#define TURNS	20

/*
 * The CPU and the GPU take turns on a counter, each access done before
 * the other starts: the GPU's grant is always revoked after its replay,
 * inside the slice (20 ms: the CPU comes back well within it), and the
 * page never thrashes.  No revocation may wait: the back-off is for a CPU
 * that takes the page before the GPU could use it.
 */
static void atomic_turns_no_backoff(int fd)
{
	uint64_t *word = map_anon(ps, PROT_READ | PROT_WRITE);
	struct svm_counters a, b, d;
	long slice, threshold;
	uint64_t old = 0;

	igt_require(access(TIMESLICE_PARAM, W_OK) == 0);
	igt_require(access(THRASH_PARAM, W_OK) == 0);
	slice = set_atomic_timeslice(20000);
	threshold = svm_set_param(THRASH_PARAM, 3);
	cpu_write(word, 0);
	a = svm_counters(fd);
	for (int i = 0; i < TURNS; i++) {
		igt_assert_eq(gpu_atomic_add(fd, word, 1, &old), 0);
		igt_assert_eq_u64(old, 2 * i);
		cpu_write(word, cpu_read(word) + 1);
	}
	b = svm_counters(fd);
	svm_set_param(THRASH_PARAM, threshold);
	set_atomic_timeslice(slice);

	d = counters_delta(&a, &b);
	igt_info("%" PRIu64 " grants, %" PRIu64 " revocations, %" PRIu64
		 " backoffs\n", d.exclusive_grants, d.revocations,
		 d.atomic_backoffs);
	igt_assert_eq_u64(cpu_read(word), 2 * TURNS);
	igt_assert_eq_u64(d.revocations, TURNS);
	igt_assert_eq_u64(d.atomic_backoffs, 0);
	munmap(word, ps);
}

static void atomic_policy_refuse(int fd)
{
	size_t size = 2 * ps;
	uint64_t *w = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b, d;
	uint64_t old = 0;

	igt_require(svm_caps(fd) & NOUVEAU_SVM_CAP_ADVISE_ATOMIC);
	cpu_write(&w[0], 100);
	cpu_write(&w[ps / 8], 200);
	igt_assert_eq(gpu_atomic_add(fd, &w[0], 1, &old), 0);
	igt_assert_eq_u64(old, 100);

	/* Refuse on the first page: its granted access is revoked too. */
	a = svm_counters(fd);
	igt_assert_eq(__svm_advise_atomic(fd, w, ps, NOUVEAU_SVM_ATOMIC__REFUSE), 0);
	igt_assert_eq(gpu_atomic_add(fd, &w[0], 1, &old), -EFAULT);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	assert_u64_lte(1, d.revocations);
	igt_assert_eq_u64(d.cancels, 1);
	igt_assert_eq_u64(d.exclusive_grants, 0);
	igt_assert_eq_u64(__atomic_load_n(&w[0], __ATOMIC_SEQ_CST), 101);

	/* The next page is not affected; plain GPU access to the first is. */
	igt_assert_eq(gpu_atomic_add(fd, &w[ps / 8], 1, &old), 0);
	igt_assert_eq_u64(old, 200);
	assert_gpu_reads(fd, w, ps);

	/* Migrating first needs VRAM, which this device does not have. */
	if (!(svm_caps(fd) & NOUVEAU_SVM_CAP_MIGRATE_VRAM))
		igt_assert_eq(__svm_advise_atomic(fd, w, ps, NOUVEAU_SVM_ATOMIC__MIGRATE),
			      -EOPNOTSUPP);

	/* Back to the default: atomics work again. */
	igt_assert_eq(__svm_advise_atomic(fd, w, ps, NOUVEAU_SVM_ATOMIC__DEVICE_EXCLUSIVE), 0);
	igt_assert_eq(gpu_atomic_add(fd, &w[0], 1, &old), 0);
	igt_assert_eq_u64(old, 101);
	igt_assert_eq_u64(__atomic_load_n(&w[0], __ATOMIC_SEQ_CST), 102);
	munmap(w, size);
}

#define KSM_SYSFS "/sys/kernel/mm/ksm/"

/* Read KSM's sysfs @knob; write @value to it unless it is negative. */
static long ksm_knob(const char *knob, long value)
{
	char path[128];
	long old = -1;
	FILE *f;

	snprintf(path, sizeof(path), KSM_SYSFS "%s", knob);
	f = fopen(path, value >= 0 ? "r+" : "r");
	igt_require_f(f, "%s: %s\n", path, strerror(errno));
	igt_assert_eq(fscanf(f, "%ld", &old), 1);
	if (value >= 0) {
		rewind(f);
		igt_assert(fprintf(f, "%ld\n", value) > 0);
	}
	igt_assert_eq(fclose(f), 0);
	return old;
}

/* Pages of this process that map a KSM page (/proc/self/ksm_merging_pages). */
static long ksm_merging_pages(void)
{
	FILE *f = fopen("/proc/self/ksm_merging_pages", "r");
	long n = -1;

	igt_assert_f(f, "ksm_merging_pages: %s\n", strerror(errno));
	igt_assert_eq(fscanf(f, "%ld", &n), 1);
	fclose(f);
	return n;
}

/* Let ksmd merge until @want pages of ours are merged, at most 20 s. */
static void ksm_wait_merged(long want)
{
	for (int i = 0; i < 2000 && ksm_merging_pages() < want; i++)
		usleep(10000);
	igt_assert_f(ksm_merging_pages() >= want,
		     "KSM merged %ld of %ld pages\n", ksm_merging_pages(), want);
}

static void fill_twin(uint64_t *page, uint64_t first)
{
	page[0] = first;
	for (size_t i = 1; i < ps / 8; i++)
		page[i] = 0x6b736d0000000000ull | i;
}

static void atomic_ksm(int fd)
{
	size_t size = 2 * ps;
	uint64_t *w = map_anon(size, PROT_READ | PROT_WRITE);
	uint64_t *twin = &w[ps / 8];
	long run, sleep_ms, scan;
	struct svm_counters a, b;
	uint64_t old = 0;

	/* Two identical pages, which ksmd merges into one write-protected page. */
	fill_twin(w, 1000);
	fill_twin(twin, 1000);
	igt_assert_eq(madvise(w, size, MADV_MERGEABLE), 0);
	sleep_ms = ksm_knob("sleep_millisecs", 0);
	scan = ksm_knob("pages_to_scan", 4096);
	run = ksm_knob("run", 1);
	ksm_wait_merged(2);
	igt_info("%ld pages merged, %ld KSM pages shared\n", ksm_merging_pages(),
		 ksm_knob("pages_shared", -1));

	a = svm_counters(fd);
	for (int i = 0; i < 5; i++)
		igt_assert_eq(gpu_atomic_add(fd, &w[0], 3, &old), 0);
	b = svm_counters(fd);
	ksm_knob("run", run);
	ksm_knob("pages_to_scan", scan);
	ksm_knob("sleep_millisecs", sleep_ms);

	igt_assert_eq_u64(old, 1012);
	assert_granted(counters_delta(&a, &b));
	/* The GPU's page is the process's own now; the twin is untouched. */
	igt_assert_eq_u64(__atomic_load_n(&w[0], __ATOMIC_SEQ_CST), 1015);
	igt_assert_eq_u64(twin[0], 1000);
	for (size_t i = 1; i < ps / 8; i++) {
		igt_assert_eq_u64(w[i], 0x6b736d0000000000ull | i);
		igt_assert_eq_u64(twin[i], 0x6b736d0000000000ull | i);
	}
	igt_assert_eq(madvise(w, size, MADV_UNMERGEABLE), 0);
	munmap(w, size);
}

static void atomic_zero_page(int fd)
{
	size_t size = 2 * ps;
	uint64_t *w = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b;
	uint64_t old = 1;

	/* The CPU only reads: both pages map the shared zero page. */
	igt_assert_eq_u64(__atomic_load_n(&w[0], __ATOMIC_SEQ_CST), 0);
	igt_assert_eq_u64(__atomic_load_n(&w[ps / 8], __ATOMIC_SEQ_CST), 0);

	a = svm_counters(fd);
	igt_assert_eq(gpu_atomic_add(fd, &w[0], 11, &old), 0);
	b = svm_counters(fd);
	igt_assert_eq_u64(old, 0);
	assert_granted(counters_delta(&a, &b));

	/* The page got a copy of its own; the other one is still zero. */
	igt_assert_eq_u64(__atomic_load_n(&w[0], __ATOMIC_SEQ_CST), 11);
	igt_assert_eq_u64(__atomic_load_n(&w[ps / 8], __ATOMIC_SEQ_CST), 0);
	munmap(w, size);
}

static void atomic_revoked_on_cpu(int fd, bool write)
{
	uint64_t *w = map_anon(ps, PROT_READ | PROT_WRITE);
	const uint64_t base = 0x17000000000ull, stored = 0x17100000000ull;
	struct svm_counters a, b, c, d, e;
	uint64_t old = 0, now;

	cpu_write(&w[0], base);
	cpu_write(&w[1], base + 1);
	cpu_write(&w[2], base + 2);

	/* The GPU takes the page for atomics... */
	a = svm_counters(fd);
	igt_assert_eq(gpu_atomic_add(fd, &w[0], 5, &old), 0);
	igt_assert_eq_u64(old, base);
	igt_assert_eq(gpu_atomic_add(fd, &w[1], 9, &old), 0);
	igt_assert_eq_u64(old, base + 1);
	b = svm_counters(fd);
	assert_granted(counters_delta(&a, &b));

	/* ...and keeps it while the CPU stays away. */
	igt_assert_eq(gpu_atomic_add(fd, &w[0], 5, &old), 0);
	igt_assert_eq_u64(old, base + 5);
	c = svm_counters(fd);
	assert_no_refault(counters_delta(&b, &c));
	assert_u64_lte(1, c.gpu_pages);

	/* One CPU access takes it back: the range leaves the GPU. */
	if (write) {
		cpu_write(&w[0], stored);
		now = stored;
	} else {
		now = cpu_read(&w[0]);
		igt_assert_eq_u64(now, base + 10);
	}
	d = svm_counters(fd);
	assert_u64_lte(1, counters_delta(&c, &d).revocations);
	igt_assert_f(d.gpu_pages < c.gpu_pages,
		     "GPU pages %" PRIu64 " -> %" PRIu64 " over a revocation\n",
		     c.gpu_pages, d.gpu_pages);
	/* The CPU sees the GPU's results. */
	igt_assert_eq_u64(cpu_read(&w[1]), base + 1 + 9);
	igt_assert_eq_u64(cpu_read(&w[2]), base + 2);

	/* The next GPU atomic faults again, gets a new grant, sees the CPU. */
	igt_assert_eq(gpu_atomic_add(fd, &w[0], 5, &old), 0);
	igt_assert_eq_u64(old, now);
	e = svm_counters(fd);
	assert_granted(counters_delta(&d, &e));
	igt_assert_eq_u64(cpu_read(&w[0]), now + 5);
	munmap(w, ps);
}

static void atomic_fork(int fd)
{
	uint64_t *w = map_anon(ps, PROT_READ | PROT_WRITE);
	const uint64_t base = 0x18000000000ull;
	const uint64_t at_fork = base + 6;
	struct svm_counters a, b, c;
	uint64_t old = 0;
	int go[2];
	char ch = 0;

	cpu_write(&w[0], base);
	cpu_write(&w[1], base + 1);
	igt_assert_eq(pipe(go), 0);

	/* Exclusive to the GPU at fork time. */
	a = svm_counters(fd);
	igt_assert_eq(gpu_atomic_add(fd, w, 2, NULL), 0);
	igt_assert_eq(gpu_atomic_add(fd, w, 4, &old), 0);
	igt_assert_eq_u64(old, base + 2);
	b = svm_counters(fd);
	assert_granted(counters_delta(&a, &b));

	igt_fork(child, 1) {
		close(go[1]);
		igt_assert_eq(read(go[0], &ch, 1), 1);
		/* The parent's GPU atomics since fork did not reach the child. */
		igt_assert_eq_u64(cpu_read(&w[0]), at_fork);
		igt_assert_eq_u64(cpu_read(&w[1]), base + 1);
		/* Its own copy is its own to write. */
		cpu_write(&w[0], 0xc41dull);
		igt_assert_eq_u64(cpu_read(&w[0]), 0xc41dull);
	}
	close(go[0]);

	/* fork() took the atomic access away: it breaks COW from here. */
	c = svm_counters(fd);
	assert_u64_lte(1, counters_delta(&b, &c).revocations);

	/* The parent's GPU atomics go on, on the parent's memory. */
	igt_assert_eq(gpu_atomic_add(fd, w, 10, &old), 0);
	igt_assert_eq_u64(old, at_fork);
	igt_assert_eq(gpu_atomic_add(fd, w, 20, &old), 0);
	igt_assert_eq_u64(old, at_fork + 10);
	b = svm_counters(fd);
	assert_granted(counters_delta(&c, &b));

	igt_assert_eq(write(go[1], &ch, 1), 1);
	close(go[1]);
	igt_waitchildren();

	/* The child's write did not reach the parent; the GPU's did. */
	igt_assert_eq_u64(cpu_read(&w[0]), at_fork + 30);
	igt_assert_eq_u64(cpu_read(&w[1]), base + 1);
	igt_assert_eq(gpu_atomic_add(fd, w, 1, &old), 0);
	igt_assert_eq_u64(old, at_fork + 30);
	igt_assert_eq_u64(cpu_read(&w[0]), at_fork + 31);
	munmap(w, ps);
}

static void atomic_mprotect(int fd)
{
	size_t size = 4 * ps;
	uint64_t *w = map_anon(size, PROT_READ | PROT_WRITE);
	const uint64_t base = 0x19000000000ull;
	struct svm_counters a, b, c, d;
	uint64_t old = 0;

	svm_pattern(w, size, base);
	a = svm_counters(fd);
	igt_assert_eq(gpu_atomic_add(fd, w, 0x100, &old), 0);
	igt_assert_eq_u64(old, base);
	b = svm_counters(fd);
	assert_granted(counters_delta(&a, &b));

	/* Read-only: the atomic access goes. */
	igt_assert_eq(mprotect(w, size, PROT_READ), 0);
	c = svm_counters(fd);
	assert_u64_lte(1, counters_delta(&b, &c).revocations);

	/* Atomics need write access: cancelled, nothing changes. */
	igt_assert_eq(gpu_atomic_add(fd, w, 0x100, NULL), -EFAULT);
	d = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&c, &d).cancels, 1);
	igt_assert_eq_u64(counters_delta(&c, &d).exclusive_grants, 0);
	igt_assert_eq_u64(cpu_read(&w[0]), base + 0x100);
	svm_assert_pattern(&w[1], size - 8, base + 1);

	/* Writable again: atomics work again. */
	igt_assert_eq(mprotect(w, size, PROT_READ | PROT_WRITE), 0);
	igt_assert_eq(gpu_atomic_add(fd, w, 0x100, &old), 0);
	igt_assert_eq_u64(old, base + 0x100);
	a = svm_counters(fd);
	assert_granted(counters_delta(&d, &a));
	igt_assert_eq_u64(cpu_read(&w[0]), base + 0x200);
	svm_assert_pattern(&w[1], size - 8, base + 1);
	munmap(w, size);
}

static void atomic_munmap(int fd)
{
	size_t size = 2 * ps;
	uint64_t *w = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b, c, d;
	uint64_t old = 0;
	void *q;

	cpu_write(w, 0x1a000000000ull);
	a = svm_counters(fd);
	igt_assert_eq(gpu_atomic_add(fd, w, 1, &old), 0);
	igt_assert_eq_u64(old, 0x1a000000000ull);
	b = svm_counters(fd);
	assert_granted(counters_delta(&a, &b));

	igt_assert_eq(munmap(w, size), 0);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	assert_u64_lte(1, d.revocations);
	assert_u64_lte(1, d.invalidations);

	/* Nothing there any more: cancelled. */
	igt_assert_eq(gpu_atomic_add(fd, w, 1, NULL), -EFAULT);
	a = svm_counters(fd);
	d = counters_delta(&c, &a);
	igt_assert_eq_u64(d.cancels, 1);
	igt_assert_eq_u64(d.exclusive_grants, 0);

	/* New memory at the address: the GPU's atomics land there. */
	q = mmap(w, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	igt_assert(q == w);
	igt_assert_eq(gpu_atomic_add(fd, w, 7, &old), 0);
	igt_assert_eq_u64(old, 0);
	igt_assert_eq_u64(cpu_read(w), 7);
	munmap(q, size);
}

#define THP_SIZE	(2ull << 20)
#define THP_TARGETS	8

/* Whether [p, p + size) lies in a VMA with at least @size of THPs. */
static void atomic_thp(int fd)
{
	size_t npages = THP_SIZE / ps;
	struct drm_nvsim_cmd cmds[THP_TARGETS];
	size_t target[THP_TARGETS];
	struct svm_counters a, b, c, d;
	char *raw, *p;
	bool thp;

	/* 2 MiB aligned, inside a mapping twice that size. */
	raw = map_anon(2 * THP_SIZE, PROT_READ | PROT_WRITE);
	p = (char *)(((uintptr_t)raw + THP_SIZE - 1) & ~(uintptr_t)(THP_SIZE - 1));
	thp = !madvise(p, THP_SIZE, MADV_HUGEPAGE);
	/* The CPU's first touch makes it a THP. */
	for (size_t i = 0; thp && i < npages; i++)
		cpu_write((uint64_t *)(p + i * ps), 0x1b000000000ull + i);
	thp = thp && svm_thp_backed(p, THP_SIZE);
	if (!thp)
		munmap(raw, 2 * THP_SIZE);
	igt_require_f(thp, "no THP at %p (THP off, or no free 2 MiB)\n", p);

	/* The first word of 8 pages spread from the first to the last. */
	for (int k = 0; k < THP_TARGETS; k++) {
		target[k] = k * (npages - 1) / (THP_TARGETS - 1);
		cmds[k] = gpu_cmd_atomic_add(p + target[k] * ps, k + 1);
	}
	a = svm_counters(fd);
	igt_assert_eq(gpu_submit(fd, cmds, THP_TARGETS), 0);
	for (int k = 0; k < THP_TARGETS; k++)
		igt_assert_eq_u64(cmds[k].result, 0x1b000000000ull + target[k]);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	assert_granted(d);
	assert_u64_lte(THP_TARGETS, d.exclusive_grants);

	/* Again: every page is the GPU's already. */
	igt_assert_eq(gpu_submit(fd, cmds, THP_TARGETS), 0);
	for (int k = 0; k < THP_TARGETS; k++)
		igt_assert_eq_u64(cmds[k].result,
				  0x1b000000000ull + target[k] + k + 1);
	c = svm_counters(fd);
	assert_no_refault(counters_delta(&b, &c));

	/* The CPU reads every page back: the targets twice added to. */
	for (size_t i = 0, k = 0; i < npages; i++) {
		uint64_t expect = 0x1b000000000ull + i;

		if (k < THP_TARGETS && target[k] == i)
			expect += 2 * (++k);
		igt_assert_f(cpu_read((uint64_t *)(p + i * ps)) == expect,
			     "page %zu: %#" PRIx64 ", expected %#" PRIx64 "\n", i,
			     cpu_read((uint64_t *)(p + i * ps)), expect);
	}
	d = svm_counters(fd);
	assert_u64_lte(1, counters_delta(&c, &d).revocations);
	/* And the GPU reads the whole region as the CPU does. */
	assert_gpu_reads(fd, p, THP_SIZE);
	munmap(raw, 2 * THP_SIZE);
}

static void atomic_shared_anon(int fd)
{
	size_t size = 4 * ps;
	uint64_t *w = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	igt_assert(w != MAP_FAILED);
	svm_pattern(w, size, 0x1c000000000ull);
	assert_atomics_refused(fd, &w[ps / 8], 0x1c000000000ull + ps / 8);
	svm_assert_pattern(w, size, 0x1c000000000ull);
	/* Only atomics: the GPU reads it as before. */
	assert_gpu_reads(fd, w, size);
	munmap(w, size);
}

static void atomic_file_backed(int fd)
{
	char path[] = "/tmp/nouveau_svm.XXXXXX";
	const uint64_t base = 0x1d000000000ull;
	size_t size = 4 * ps;
	void *data = malloc(size);
	uint64_t *shared, *private, word = 0;
	int file;

	igt_assert(data);
	file = mkstemp(path);
	igt_assert_fd(file);
	unlink(path);
	svm_pattern(data, size, base);
	igt_assert_eq(pwrite(file, data, size, 0), (ssize_t)size);

	/* MAP_SHARED: the page cache itself. */
	shared = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0);
	igt_assert(shared != MAP_FAILED);
	assert_atomics_refused(fd, &shared[ps / 8], base + ps / 8);
	svm_assert_pattern(shared, size, base);
	igt_assert_eq(pread(file, &word, 8, ps), 8);
	igt_assert_eq_u64(word, base + ps / 8);
	assert_gpu_reads(fd, shared, size);

	/*
	 * MAP_PRIVATE: an atomic writes, so it works on the process's private
	 * copy of the page, as a CPU write would, and the file is untouched.
	 */
	private = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, file, 0);
	igt_assert(private != MAP_FAILED);
	svm_assert_pattern(private, size, base);
	igt_assert_eq(gpu_atomic_add(fd, &private[2 * ps / 8], 5, &word), 0);
	igt_assert_eq_u64(word, base + 2 * ps / 8);
	igt_assert_eq_u64(private[2 * ps / 8], base + 2 * ps / 8 + 5);
	igt_assert_eq(pread(file, &word, 8, 2 * ps), 8);
	igt_assert_eq_u64(word, base + 2 * ps / 8);

	munmap(shared, size);
	munmap(private, size);
	close(file);
	free(data);
}

static void atomic_readonly_cancel(int fd)
{
	size_t size = 4 * ps;
	uint64_t *w = map_anon(size, PROT_READ | PROT_WRITE);

	svm_pattern(w, size, 0x1e000000000ull);
	igt_assert_eq(mprotect(w, size, PROT_READ), 0);
	assert_atomics_refused(fd, &w[ps / 8], 0x1e000000000ull + ps / 8);
	svm_assert_pattern(w, size, 0x1e000000000ull);
	assert_gpu_reads(fd, w, size);
	munmap(w, size);
}

/* ------------------------------------------------------------------ */
/* Device memory (VRAM)                                                */
/* ------------------------------------------------------------------ */

/* How long device memory may take to be released after its last user. */
#define VRAM_RELEASE_MS	10000

/*
 * A private anonymous mapping of @size aligned to @align (a power of two)
 * and nothing else: munmap(p, size) unmaps it all.  Migrated in one call,
 * an aligned power-of-two @size of at most 2 MiB is one piece of VRAM.
 */
static char *map_anon_aligned(size_t size, size_t align)
{
	char *raw = map_anon(size + align, PROT_READ | PROT_WRITE);
	char *p = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
	size_t tail = raw + size + align - (p + size);

	if (p > raw)
		munmap(raw, p - raw);
	if (tail)
		munmap(p + size, tail);
	return p;
}

/*
 * @size (a multiple of 2 MiB) of transparent huge pages, 2 MiB aligned,
 * which the CPU's first touch fills with the WRITE pattern of @value;
 * skips when the kernel gives no THPs there.
 */
static char *map_thp(size_t size, uint64_t value)
{
	char *p = map_anon_aligned(size, THP_SIZE);
	bool thp = !madvise(p, size, MADV_HUGEPAGE);

	if (thp) {
		svm_pattern(p, size, value);
		thp = svm_thp_backed(p, size);
	}
	if (!thp)
		munmap(p, size);
	igt_require_f(thp, "no THP at %p (THP off, or no free 2 MiB)\n", p);
	return p;
}

/* Skip unless VRAM holds @bytes at once (the vram_mb of the sim may be small). */
static void require_vram_size(int fd, uint64_t bytes)
{
	igt_require_f(svm_vram_size(fd) >= bytes,
		      "VRAM of %" PRIu64 " KiB, %" PRIu64 " KiB needed\n",
		      svm_vram_size(fd) >> 10, bytes >> 10);
}

/* The GPU reads [p, p + size) and finds @sum, without the CPU touching it. */
static void assert_gpu_sum(int fd, const void *p, size_t size, uint64_t sum)
{
	uint64_t got = 0;

	igt_assert_eq(gpu_read(fd, p, size, &got), 0);
	igt_assert_eq_u64(got, sum);
}

/* Migrate [p, p + size) to @target: every page of it gets there. */
static void migrate_all(int fd, const void *p, size_t size, uint32_t target)
{
	igt_assert_eq_u64(svm_migrate(fd, p, size, target), size / ps);
}

/* Poll this client's vram-pages until it is @pages, for a while: the last. */
static uint64_t wait_vram_pages(int fd, uint64_t pages)
{
	struct timespec start = {};
	uint64_t now;

	igt_nsec_elapsed(&start);
	for (;;) {
		now = svm_counters(fd).vram_pages;
		if (now == pages ||
		    igt_nsec_elapsed(&start) >= VRAM_RELEASE_MS * 1000000ull)
			return now;
		usleep(10 * 1000);
	}
}

/* A failed migration moved nothing and left nothing in VRAM. */
static void assert_nothing_moved(struct svm_counters d)
{
	igt_assert_eq_u64(d.pages_to_vram, 0);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.vram_pages, 0);
}

/* Disarm @what, armed by a test that may have failed before disarming. */
static void inject_disarm(int fd, uint32_t what)
{
	svm_inject(fd, what, 0);
}

static void migrate_vram_basic(int fd)
{
	const size_t npages = 64, size = npages * ps;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b, c, d;
	uint64_t sum, used;

	svm_pattern(p, size, 0x20000000);
	sum = svm_checksum(p, size);

	/* Every page goes, each copied once. */
	a = svm_counters(fd);
	igt_assert_eq_u64(svm_migrate(fd, p, size, SVM_VRAM), npages);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.pages_to_vram, npages);
	igt_assert_eq_u64(d.vram_pages, npages);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.copy_failures, 0);
	assert_u64_lte(1, d.copy_launches);
	assert_u64_lte(d.copy_launches, npages);
	used = svm_vram_used(fd);
	assert_u64_lte(b.vram_pages * ps, used);
	assert_u64_lte(used, svm_vram_size(fd));

	/* Again: the pages are there already; they count, nothing is copied. */
	igt_assert_eq_u64(svm_migrate(fd, p, size, SVM_VRAM), npages);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.pages_to_vram, 0);
	igt_assert_eq_u64(d.copy_launches, 0);
	igt_assert_eq_u64(d.vram_pages, 0);

	/* The GPU reads the data in VRAM, which stays there. */
	assert_gpu_sum(fd, p, size, sum);
	b = svm_counters(fd);
	d = counters_delta(&c, &b);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.vram_pages, 0);
	igt_assert_eq_u64(d.cancels, 0);

	/* The CPU reads it: every page comes back, intact. */
	svm_assert_pattern(p, size, 0x20000000);
	c = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&b, &c).pages_to_host, npages);
	igt_assert_eq_u64(c.vram_pages, a.vram_pages);
	munmap(p, size);
}

static void migrate_vram_then_gpu_access(int fd)
{
	const size_t npages = 64, size = npages * ps;
	struct svm_counters a, b, c, d;
	uint64_t sum;
	char *p;

	svm_require_prefetch(fd);
	p = map_anon(size, PROT_READ | PROT_WRITE);
	svm_pattern(p, size, 0x21000000);
	sum = svm_checksum(p, size);

	a = svm_counters(fd);
	igt_assert_eq_u64(svm_prefetch(fd, p, size, SVM_VRAM), npages);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.pages_to_vram, npages);
	igt_assert_eq_u64(d.vram_pages, npages);
	assert_u64_lte(npages, d.gpu_pages);

	/* Mapped already: the GPU reads and writes without a fault. */
	assert_gpu_sum(fd, p, size, sum);
	igt_assert_eq(gpu_write(fd, p, size, 0x21100000), 0);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.faults, 0);
	igt_assert_eq_u64(d.fault_batches, 0);
	igt_assert_eq_u64(d.cancels, 0);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.vram_pages, 0);

	/* The CPU sees what the GPU wrote in VRAM. */
	svm_assert_pattern(p, size, 0x21100000);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&c, &b).pages_to_host, npages);
	munmap(p, size);
}

static void prefetch_host_then_gpu_access(int fd)
{
	const size_t npages = 32, size = npages * ps;
	struct svm_counters a, b, c, d;
	char *p;

	svm_require_prefetch(fd);
	p = map_anon(size, PROT_READ | PROT_WRITE);
	svm_pattern(p, size, 0x21200000);

	/* In system memory already: counted and mapped, nothing copied. */
	a = svm_counters(fd);
	igt_assert_eq_u64(svm_prefetch(fd, p, size, SVM_HOST), npages);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.pages_to_vram, 0);
	igt_assert_eq_u64(d.copy_launches, 0);
	assert_u64_lte(npages, d.gpu_pages);

	/* The GPU's first read and write: no fault. */
	assert_gpu_reads(fd, p, size);
	igt_assert_eq(gpu_write(fd, p, size, 0x21300000), 0);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.faults, 0);
	igt_assert_eq_u64(d.cancels, 0);
	svm_assert_pattern(p, size, 0x21300000);
	munmap(p, size);
}

static void migrate_host_basic(int fd)
{
	const size_t npages = 128, size = npages * ps;
	char *p = map_anon_aligned(size, size);	/* one piece of VRAM */
	struct svm_counters a, b, c, d;
	uint64_t sum;
	char *q;

	svm_pattern(p, size, 0x22000000);
	sum = svm_checksum(p, size);

	/* In system memory already: every page counts, nothing is copied. */
	a = svm_counters(fd);
	igt_assert_eq_u64(svm_migrate(fd, p, size, SVM_HOST), npages);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.copy_launches, 0);

	/* To VRAM and back: every page copied back once. */
	migrate_all(fd, p, size, SVM_VRAM);
	b = svm_counters(fd);
	igt_assert_eq_u64(svm_migrate(fd, p, size, SVM_HOST), npages);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.pages_to_host, npages);
	igt_assert_eq_u64(d.copy_failures, 0);
	assert_u64_lte(1, d.copy_launches);
	igt_assert_eq_u64(c.vram_pages, a.vram_pages);
	/* The data is in system memory: reading it copies nothing more. */
	svm_assert_pattern(p, size, 0x22000000);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&c, &b).pages_to_host, 0);
	assert_gpu_sum(fd, p, size, sum);

	/* One page of the range: its whole allocation comes back. */
	migrate_all(fd, p, size, SVM_VRAM);
	b = svm_counters(fd);
	igt_assert_eq_u64(svm_migrate(fd, p + 5 * ps, ps, SVM_HOST), 1);
	c = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&b, &c).pages_to_host, npages);
	igt_assert_eq_u64(c.vram_pages, a.vram_pages);
	svm_assert_pattern(p, size, 0x22000000);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&c, &b).pages_to_host, 0);
	munmap(p, size);

	/* Untouched pages are faulted in and count; a hole does not. */
	q = map_anon(3 * ps, PROT_READ | PROT_WRITE);
	igt_assert_eq(munmap(q + ps, ps), 0);
	igt_assert_eq_u64(svm_migrate(fd, q, 3 * ps, SVM_HOST), 2);
	igt_assert_eq_u64(cpu_read((uint64_t *)q), 0);
	igt_assert_eq_u64(cpu_read((uint64_t *)(q + 2 * ps)), 0);
	munmap(q, ps);
	munmap(q + 2 * ps, ps);
}

#define MIGRATE_THREADS		4
#define MIGRATE_THREAD_PAGES	16
#define MIGRATE_THREAD_ROUNDS	64

struct migrate_thread {
	pthread_t thread;
	int fd;
	unsigned int id;
	uint64_t moved;
	char error[160];
};

/*
 * Each round: write a pattern, migrate the pages to VRAM one at a time
 * (an allocation each), read them back with the CPU (a fault and a copy
 * each, then the allocation is freed).
 */
static void *thread_migrates(void *data)
{
	const size_t size = MIGRATE_THREAD_PAGES * ps;
	struct migrate_thread *t = data;
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		snprintf(t->error, sizeof(t->error), "mmap: %d", errno);
		return NULL;
	}
	for (unsigned int round = 0; round < MIGRATE_THREAD_ROUNDS; round++) {
		uint64_t value = (uint64_t)t->id << 48 | (uint64_t)round << 32;
		uint64_t result;
		long bad;
		int ret;

		svm_pattern(p, size, value);
		for (unsigned int i = 0; i < MIGRATE_THREAD_PAGES; i++) {
			ret = __svm_migrate(t->fd, p + i * ps, ps, SVM_VRAM, &result);
			if (ret || result != 1) {
				snprintf(t->error, sizeof(t->error),
					 "round %u page %u: migrate %d result %" PRIu64,
					 round, i, ret, result);
				goto out;
			}
			t->moved++;
		}
		bad = svm_pattern_check(p, size, value);
		if (bad >= 0) {
			snprintf(t->error, sizeof(t->error),
				 "round %u: word %ld wrong after the round trip", round, bad);
			break;
		}
	}
out:
	munmap(p, size);
	return NULL;
}

static void migrate_threads_counted(int fd)
{
	struct migrate_thread t[MIGRATE_THREADS] = {};
	struct svm_counters a, b, d;
	uint64_t moved = 0;

	require_vram_size(fd, MIGRATE_THREADS * MIGRATE_THREAD_PAGES * ps);
	a = svm_counters(fd);
	for (unsigned int i = 0; i < MIGRATE_THREADS; i++) {
		t[i].fd = fd;
		t[i].id = i;
		igt_assert_eq(pthread_create(&t[i].thread, NULL, thread_migrates,
					     &t[i]), 0);
	}
	for (unsigned int i = 0; i < MIGRATE_THREADS; i++)
		igt_assert_eq(pthread_join(t[i].thread, NULL), 0);
	for (unsigned int i = 0; i < MIGRATE_THREADS; i++) {
		igt_assert_f(!t[i].error[0], "thread %u: %s\n", i, t[i].error);
		moved += t[i].moved;
	}
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(moved, MIGRATE_THREADS * MIGRATE_THREAD_PAGES *
				 MIGRATE_THREAD_ROUNDS);
	/* Each copy is counted by the allocation it copies to or from. */
	igt_assert_eq_u64(d.pages_to_vram, moved);
	igt_assert_eq_u64(d.pages_to_host, moved);
	igt_assert_eq_u64(d.copy_failures, 0);
	igt_assert_eq_u64(wait_vram_pages(fd, a.vram_pages), a.vram_pages);
}

static void migrate_roundtrip_data(int fd)
{
	/* Neither a power of two nor aligned: pieces of every size. */
	const size_t npages = 300, size = npages * ps, words = size / 8;
	uint64_t *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b, c, d;

	svm_pattern(p, size, 0x23000000);
	a = svm_counters(fd);
	migrate_all(fd, p, size, SVM_VRAM);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&a, &b).pages_to_vram, npages);

	/* The GPU rewrites all but the first and last words, in VRAM. */
	igt_assert_eq(gpu_write(fd, p + 1, size - 16, 0x23100000), 0);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.vram_pages, 0);

	/* Back to system memory: each page copied once. */
	migrate_all(fd, p, size, SVM_HOST);
	b = svm_counters(fd);
	d = counters_delta(&c, &b);
	igt_assert_eq_u64(d.pages_to_host, npages);
	igt_assert_eq_u64(b.vram_pages, a.vram_pages);

	/* The CPU sees the CPU's words and the GPU's, and copies nothing. */
	igt_assert_eq_u64(cpu_read(&p[0]), 0x23000000);
	svm_assert_pattern(p + 1, size - 16, 0x23100000);
	igt_assert_eq_u64(cpu_read(&p[words - 1]), 0x23000000 + words - 1);
	assert_gpu_reads(fd, p, size);
	c = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&b, &c).pages_to_host, 0);
	munmap(p, size);
}

static void migrate_thp(int fd)
{
	const size_t size = 2 * THP_SIZE, npages = size / ps;
	struct svm_counters a, b, c, d;
	uint64_t sum;
	char *p;

	require_vram_size(fd, size);
	p = map_thp(size, 0x24000000);
	sum = svm_checksum(p, size);

	/* Two THPs: two 2 MiB folios, each one piece of VRAM. */
	a = svm_counters(fd);
	migrate_all(fd, p, size, SVM_VRAM);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.thp_to_vram, 2);
	igt_assert_eq_u64(d.pages_to_vram, npages);
	igt_assert_eq_u64(d.vram_pages, npages);
	assert_u64_lte(1, d.copy_launches);
	assert_u64_lte(d.copy_launches, 2);
	assert_gpu_sum(fd, p, size, sum);

	/* Back: as THPs again when the kernel has them to give. */
	migrate_all(fd, p, size, SVM_HOST);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.pages_to_host, npages);
	assert_u64_lte(d.thp_to_host, 2);
	igt_assert_eq_u64(c.vram_pages, a.vram_pages);
	igt_info("%" PRIu64 " of 2 folios came back as THPs\n", d.thp_to_host);
	if (d.thp_to_host == 2)
		igt_assert_f(svm_thp_backed(p, size),
			     "thp-to-host says 2, smaps has no 4 MiB of THPs\n");
	svm_assert_pattern(p, size, 0x24000000);
	munmap(p, size);
}

/*
 * An HMM walk that starts inside a device-private PMD: the second client
 * mirrors nothing below p + 64 KiB, so its range there is 64 KiB and
 * hmm_range_fault() walks the THP from its 17th page on.
 */
static void migrate_thp_read_from_inside(int fd)
{
	const size_t skip = 16 * ps, len = 16 * ps;
	struct svm_counters a, b, d;
	uint64_t sum, got = 0;
	int fd2;
	char *p;

	require_vram_size(fd, THP_SIZE);
	p = map_thp(THP_SIZE, 0x2b000000);
	sum = svm_checksum(p + skip, len);
	igt_assert(sum != svm_checksum(p, len));

	a = svm_counters(fd);
	migrate_all(fd, p, THP_SIZE, SVM_VRAM);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.thp_to_vram, 1);

	fd2 = svm_open();
	svm_init(fd2, to_user_pointer(p), skip);
	igt_assert_eq(gpu_read(fd2, p + skip, len, &got), 0);
	igt_assert_f(got == sum,
		     "GPU read %#" PRIx64 ", pages 16-31 hold %#" PRIx64
		     " (pages 0-15: %#" PRIx64 ")\n", got, sum,
		     svm_checksum(p, len));
	/* Read in place: nothing came back from VRAM. */
	igt_assert_eq_u64(svm_counters(fd2).pages_to_host, 0);
	igt_assert_eq_u64(svm_counters(fd).vram_pages, b.vram_pages);
	close(fd2);
	svm_assert_pattern(p, THP_SIZE, 0x2b000000);
	munmap(p, THP_SIZE);
}

/*
 * SVM_BIND exactly as Mesa's nvc0_svm_migrate() fills it: npages counted
 * in 4 KiB units whatever the page size, result never set.
 */
static int mesa_svm_migrate(int fd, const void *ptr, size_t size, bool to_device)
{
	struct drm_nouveau_svm_bind args;

	memset(&args, 0xa5, sizeof(args));
	args.va_start = to_user_pointer(ptr);
	args.va_end = args.va_start + size;
	args.npages = (args.va_end - args.va_start + 0xfff) / 0x1000;
	args.stride = 0;
	args.reserved0 = 0;
	args.reserved1 = 0;
	args.header = (uint64_t)NOUVEAU_SVM_BIND_COMMAND__MIGRATE <<
		      NOUVEAU_SVM_BIND_COMMAND_SHIFT;
	args.header |= (uint64_t)(to_device ? NOUVEAU_SVM_BIND_TARGET__GPU_VRAM : 0) <<
		       NOUVEAU_SVM_BIND_TARGET_SHIFT;
	return __svm_bind(fd, &args);
}

/* Mesa migrates [p, p + size) to VRAM; the GPU reads it without faults. */
static void assert_mesa_migrate_mapped(int fd, const char *p, size_t size)
{
	uint64_t sum = svm_checksum(p, size), got = 0;
	struct svm_counters a, b, c, d;

	a = svm_counters(fd);
	igt_assert_eq(mesa_svm_migrate(fd, p, size, true), 0);
	b = svm_counters(fd);
	igt_assert_eq(gpu_read(fd, p, size, &got), 0);
	c = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_f(d.pages_to_vram > 0, "nothing moved to VRAM\n");
	d = counters_delta(&b, &c);
	igt_info("%zu KiB at %p: %" PRIu64 " GPU faults after the MIGRATE\n",
		 size >> 10, p, d.faults);
	igt_assert_eq_u64(d.faults, 0);
	igt_assert_eq_u64(got, sum);
}

static void migrate_mesa_maps_vram(int fd)
{
	const size_t len = (1 << 20) + 104, map_len = (16 + len + ps - 1) / ps * ps;
	char *thp, *guard, *buf;

	require_vram_size(fd, 2 * THP_SIZE + map_len);
	thp = map_thp(2 * THP_SIZE, 0x2c000000);
	assert_mesa_migrate_mapped(fd, thp, 2 * THP_SIZE);
	svm_assert_pattern(thp, 2 * THP_SIZE, 0x2c000000);
	munmap(thp, 2 * THP_SIZE);

	/* A large malloc(): a mapping of its own, the data 16 bytes in. */
	guard = mmap(NULL, map_len + 2 * ps, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(guard != MAP_FAILED);
	buf = mmap(guard + ps, map_len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	igt_assert(buf == guard + ps);
	svm_pattern(buf, map_len, 0x2d000000);
	assert_mesa_migrate_mapped(fd, buf + 16, len);
	svm_assert_pattern(buf, map_len, 0x2d000000);
	munmap(guard, map_len + 2 * ps);
}

static void migrate_after_fork_keeps_vram(int fd)
{
	const size_t size = 16 * ps;
	char *p = map_anon_aligned(size, size);
	struct svm_counters a, b, d;
	int go[2];
	char c = 0;

	igt_assert_eq(pipe(go), 0);
	svm_pattern(p, size, 0x2e000000);
	migrate_all(fd, p, size, SVM_VRAM);
	igt_fork(child, 1) {
		close(go[1]);
		igt_assert_eq(read(go[0], &c, 1), 1);
		svm_assert_pattern(p, size, 0x2e000000);
	}
	close(go[0]);

	a = svm_counters(fd);
	igt_assert_eq(mesa_svm_migrate(fd, p, size, true), 0);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.evicted_pages, 0);

	igt_assert_eq(write(go[1], &c, 1), 1);
	close(go[1]);
	igt_waitchildren();
	svm_assert_pattern(p, size, 0x2e000000);
	munmap(p, size);
}

static void migrate_partial_range(int fd)
{
	const size_t npages = 64, size = npages * ps;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	/* Pages [16, 48), given unaligned and without a page count. */
	struct drm_nouveau_svm_bind bind = {
		.header = svm_bind_header(NOUVEAU_SVM_BIND_COMMAND__MIGRATE, SVM_VRAM),
		.va_start = to_user_pointer(p + 16 * ps + 100),
		.va_end = to_user_pointer(p + 48 * ps - 100),
	};
	struct svm_counters a, b, c, d;
	uint64_t sum;

	svm_pattern(p, size, 0x25000000);
	sum = svm_checksum(p, size);

	a = svm_counters(fd);
	igt_assert_eq(__svm_bind(fd, &bind), 0);
	igt_assert_eq_u64(bind.result, 32);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.pages_to_vram, 32);
	igt_assert_eq_u64(d.vram_pages, 32);

	/* The pages around it stayed: reading them copies nothing. */
	svm_assert_pattern(p, 16 * ps, 0x25000000);
	svm_assert_pattern(p + 48 * ps, 16 * ps, 0x25000000 + 48 * ps / 8);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.vram_pages, 0);

	/* The GPU reads across both; the CPU brings back exactly the middle. */
	assert_gpu_sum(fd, p, size, sum);
	svm_assert_pattern(p + 16 * ps, 32 * ps, 0x25000000 + 16 * ps / 8);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&c, &b).pages_to_host, 32);
	igt_assert_eq_u64(b.vram_pages, a.vram_pages);
	munmap(p, size);
}

/* A new unlinked file of @size bytes holding @value's WRITE pattern. */
static int file_with_pattern(size_t size, uint64_t value)
{
	char path[] = "/tmp/nouveau_svm.XXXXXX";
	void *data = malloc(size);
	int file;

	igt_assert(data);
	file = mkstemp(path);
	igt_assert_fd(file);
	unlink(path);
	svm_pattern(data, size, value);
	igt_assert_eq(pwrite(file, data, size, 0), (ssize_t)size);
	free(data);
	return file;
}

/* A MAP_SHARED mapping of @file at @addr (0: anywhere), @size bytes. */
static char *map_file(int file, size_t size, void *addr)
{
	char *p = mmap(addr, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | (addr ? MAP_FIXED : 0), file, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

/* The file holds @value's pattern over @size bytes. */
static void assert_file_pattern(int file, size_t size, uint64_t value)
{
	void *data = malloc(size);

	igt_assert(data);
	igt_assert_eq(pread(file, data, size, 0), (ssize_t)size);
	svm_assert_pattern(data, size, value);
	free(data);
}

static void migrate_mixed_vma(int fd)
{
	/* [anon 16][shared file 8][hole 8][shared anon 8][anon 16] pages */
	const size_t total = 56 * ps;
	char *r = map_anon(total, PROT_NONE);
	char *anon1 = r, *filep = r + 16 * ps, *shm = r + 32 * ps;
	char *anon2 = r + 40 * ps, *q;
	struct svm_counters a, b, d;
	uint64_t sum1, sum2, result = 0;
	int file;

	q = mmap(anon1, 16 * ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	igt_assert(q == anon1);
	file = file_with_pattern(8 * ps, 0x26100000);
	igt_assert(map_file(file, 8 * ps, filep) == filep);
	igt_assert_eq(munmap(r + 24 * ps, 8 * ps), 0);
	q = mmap(shm, 8 * ps, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	igt_assert(q == shm);
	q = mmap(anon2, 16 * ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	igt_assert(q == anon2);
	svm_pattern(anon1, 16 * ps, 0x26000000);
	svm_pattern(shm, 8 * ps, 0x26200000);
	svm_pattern(anon2, 16 * ps, 0x26300000);
	sum1 = svm_checksum(anon1, 16 * ps);
	sum2 = svm_checksum(anon2, 16 * ps);

	/* Only the private anonymous pages can go: a partial success. */
	a = svm_counters(fd);
	igt_assert_eq(__svm_migrate(fd, r, total, SVM_VRAM, &result), 0);
	igt_assert_eq_u64(result, 32);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.pages_to_vram, 32);
	igt_assert_eq_u64(d.vram_pages, 32);

	/* Everything reads right: the anon pages in VRAM, the rest where it was. */
	assert_gpu_sum(fd, anon1, 16 * ps, sum1);
	assert_gpu_sum(fd, anon2, 16 * ps, sum2);
	svm_assert_pattern(filep, 8 * ps, 0x26100000);
	assert_file_pattern(file, 8 * ps, 0x26100000);
	svm_assert_pattern(shm, 8 * ps, 0x26200000);
	assert_gpu_reads(fd, filep, 8 * ps);
	assert_gpu_reads(fd, shm, 8 * ps);

	/* Back: every mapped page is in system memory, the hole does not count. */
	igt_assert_eq(__svm_migrate(fd, r, total, SVM_HOST, &result), 0);
	igt_assert_eq_u64(result, 48);
	a = svm_counters(fd);
	d = counters_delta(&b, &a);
	igt_assert_eq_u64(d.pages_to_host, 32);
	svm_assert_pattern(anon1, 16 * ps, 0x26000000);
	svm_assert_pattern(anon2, 16 * ps, 0x26300000);
	assert_file_pattern(file, 8 * ps, 0x26100000);

	munmap(anon1, 24 * ps);
	munmap(shm, 24 * ps);
	close(file);
}

static void cpu_fault_migrates_back(int fd)
{
	const size_t half = 64 * ps, size = 2 * half;
	char *p = map_anon_aligned(size, half);
	struct svm_counters a, b, c;
	uint64_t *w;

	svm_pattern(p, size, 0x27000000);
	/* Two allocations of 64 pages each. */
	migrate_all(fd, p, half, SVM_VRAM);
	migrate_all(fd, p + half, half, SVM_VRAM);

	/* One CPU read: the first allocation comes back whole, only it. */
	a = svm_counters(fd);
	w = (uint64_t *)(p + 5 * ps + 64);
	igt_assert_eq_u64(cpu_read(w), 0x27000000 + (5 * ps + 64) / 8);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&a, &b).pages_to_host, half / ps);
	igt_assert_eq_u64(a.vram_pages - b.vram_pages, half / ps);
	svm_assert_pattern(p, half, 0x27000000);
	c = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&b, &c).pages_to_host, 0);

	/* One CPU write into the second: it comes back, the write lands. */
	w = (uint64_t *)(p + half + 7 * ps);
	cpu_write(w, 0xc0ffee);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&c, &b).pages_to_host, half / ps);
	igt_assert_eq_u64(a.vram_pages - b.vram_pages, 2 * half / ps);
	igt_assert_eq_u64(cpu_read(w), 0xc0ffee);
	cpu_write(w, 0x27000000 + (half + 7 * ps) / 8);
	svm_assert_pattern(p, size, 0x27000000);
	assert_gpu_reads(fd, p, size);
	munmap(p, size);
}

static void cpu_fault_thp_whole_folio(int fd)
{
	const size_t npages = THP_SIZE / ps;
	struct svm_counters a, b, d;
	uint64_t *w;
	char *p;

	require_vram_size(fd, THP_SIZE);
	p = map_thp(THP_SIZE, 0x28000000);
	w = (uint64_t *)(p + 100 * ps);

	a = svm_counters(fd);
	migrate_all(fd, p, THP_SIZE, SVM_VRAM);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&a, &b).thp_to_vram, 1);

	/* One CPU read: the whole folio comes back, as one. */
	igt_assert_eq_u64(cpu_read(w), 0x28000000 + 100 * ps / 8);
	a = svm_counters(fd);
	d = counters_delta(&b, &a);
	igt_assert_eq_u64(d.pages_to_host, npages);
	igt_assert_eq_u64(d.thp_to_host, 1);
	igt_assert_eq_u64(b.vram_pages - a.vram_pages, npages);
	svm_assert_pattern(p, THP_SIZE, 0x28000000);
	assert_gpu_reads(fd, p, THP_SIZE);
	munmap(p, THP_SIZE);
}

/* The size of the pieces eviction tests migrate: 2 MiB, or an eighth of VRAM. */
static size_t evict_piece(uint64_t vram)
{
	return vram / 8 < THP_SIZE ? vram / 8 : THP_SIZE;
}

/* The pattern value of piece @i in round @round of process @id. */
static uint64_t evict_value(unsigned int id, unsigned int round, size_t i)
{
	return (uint64_t)id << 48 | (uint64_t)round << 40 | (uint64_t)i << 28;
}

/*
 * Fill @n pieces of @piece bytes at @p with the patterns of round @round,
 * migrate each to VRAM (each must get there entirely, whatever it takes to
 * make room) and check them all from the GPU.  @sums holds @n checksums.
 */
static void evict_round(int fd, char *p, size_t piece, size_t n,
			unsigned int id, unsigned int round, uint64_t *sums)
{
	uint64_t vram = svm_vram_size(fd), result;
	int ret;

	for (size_t i = 0; i < n; i++) {
		svm_pattern(p + i * piece, piece, evict_value(id, round, i));
		sums[i] = svm_checksum(p + i * piece, piece);
	}
	for (size_t i = 0; i < n; i++) {
		result = 0;
		ret = __svm_migrate(fd, p + i * piece, piece, SVM_VRAM, &result);
		igt_assert_f(ret == 0 && result == piece / ps,
			     "piece %zu of %zu: ret %d, result %" PRIu64 " of %zu\n",
			     i, n, ret, result, piece / ps);
		assert_u64_lte(svm_vram_used(fd), vram);
	}
	for (size_t i = 0; i < n; i++)
		assert_gpu_sum(fd, p + i * piece, piece, sums[i]);
}

static void evict_when_vram_full(int fd)
{
	uint64_t vram = svm_vram_size(fd);
	size_t piece = evict_piece(vram), size = 4 * vram, n = size / piece;
	uint64_t *sums = calloc(n, sizeof(*sums));
	char *p = map_anon_aligned(size, piece);
	struct svm_counters a, b, c, d;

	igt_assert(sums);
	igt_info("VRAM %" PRIu64 " MiB: %zu pieces of %zu KiB\n", vram >> 20, n,
		 piece >> 10);

	a = svm_counters(fd);
	evict_round(fd, p, piece, n, 0, 0, sums);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_info("%" PRIu64 " evictions of %" PRIu64 " pages\n", d.evictions,
		 d.evicted_pages);
	igt_assert_eq_u64(d.pages_to_vram, size / ps);
	assert_u64_lte(1, d.evictions);
	/* At most all of VRAM stays: the rest was evicted, copied back. */
	assert_u64_lte((size - vram) / ps, d.evicted_pages);
	igt_assert_eq_u64(d.pages_to_host, d.evicted_pages);
	assert_u64_lte(b.vram_pages, vram / ps);

	/* Every byte is found again, by the CPU, wherever it was. */
	for (size_t i = 0; i < n; i++)
		svm_assert_pattern(p + i * piece, piece, evict_value(0, 0, i));

	/* Once more, then the GPU rewrites everything and the CPU checks. */
	evict_round(fd, p, piece, n, 0, 1, sums);
	for (size_t i = 0; i < n; i++)
		igt_assert_eq(gpu_write(fd, p + i * piece, piece,
					evict_value(0, 2, i)), 0);
	for (size_t i = 0; i < n; i++)
		svm_assert_pattern(p + i * piece, piece, evict_value(0, 2, i));
	c = svm_counters(fd);
	igt_assert_eq_u64(c.vram_pages, a.vram_pages);
	igt_assert_eq_u64(counters_delta(&b, &c).copy_failures, 0);
	munmap(p, size);
	free(sums);
}

/* Child @id of evict-two-processes: its own file, 1.5 times VRAM, 2 rounds. */
static void evict_child(unsigned int id)
{
	int cfd = __svm_open();
	uint64_t vram, *sums;
	size_t piece, size, n;
	char *p;

	igt_assert_fd(cfd);
	svm_init(cfd, 0, 0);
	vram = svm_vram_size(cfd);
	piece = evict_piece(vram);
	size = vram + vram / 2;
	n = size / piece;
	sums = calloc(n, sizeof(*sums));
	igt_assert(sums);
	p = map_anon_aligned(size, piece);

	for (unsigned int round = 0; round < 2; round++) {
		evict_round(cfd, p, piece, n, id + 1, round, sums);
		for (size_t i = 0; i < n; i++)
			svm_assert_pattern(p + i * piece, piece,
					   evict_value(id + 1, round, i));
	}
	/* More than VRAM by itself: it evicted its own pages at least. */
	assert_u64_lte(1, svm_counters(cfd).evictions);
	munmap(p, size);
	free(sums);
	close(cfd);
}

static void evict_two_processes(int fd)
{
	uint64_t used0 = svm_vram_used(fd), used;

	igt_fork(child, 2)
		evict_child(child);
	igt_waitchildren_timeout(120, "two processes evicting each other");

	used = svm_vram_used_wait(fd, used0, VRAM_RELEASE_MS);
	igt_assert_f(used <= used0, "VRAM used %" PRIu64 " after, %" PRIu64
		     " before\n", used, used0);
}

static void fork_after_migrate(int fd)
{
	const size_t size = 16 * ps;
	char *p = map_anon_aligned(size, size);
	int go[2];
	char c = 0;

	igt_assert_eq(pipe(go), 0);
	svm_pattern(p, size, 0x29000000);
	migrate_all(fd, p, size, SVM_VRAM);

	igt_fork(child, 1) {
		close(go[1]);
		igt_assert_eq(read(go[0], &c, 1), 1);
		/* The data of fork time, not the parent's GPU write. */
		svm_assert_pattern(p, size, 0x29000000);
		svm_pattern(p, size, 0x29200000);
		svm_assert_pattern(p, size, 0x29200000);
	}
	close(go[0]);

	/* The parent's GPU write must not reach the child's copy. */
	igt_assert_eq(gpu_write(fd, p, size, 0x29100000), 0);
	igt_assert_eq(write(go[1], &c, 1), 1);
	close(go[1]);
	igt_waitchildren();

	/* Nor the child's CPU writes the parent. */
	svm_assert_pattern(p, size, 0x29100000);
	assert_gpu_reads(fd, p, size);
	migrate_all(fd, p, size, SVM_VRAM);
	igt_assert_eq(gpu_write(fd, p, size, 0x29300000), 0);
	svm_assert_pattern(p, size, 0x29300000);
	munmap(p, size);
}

#define FAIL_SNAPSHOT_DIR "/sys/kernel/debug/fail_nouveau_svm_snapshot"

/* Write @value to @file of the core's fail_nouveau_svm_snapshot attribute. */
static void fail_snapshot_set(const char *file, const char *value)
{
	char path[128];
	int f;

	snprintf(path, sizeof(path), FAIL_SNAPSHOT_DIR "/%s", file);
	f = open(path, O_WRONLY);
	igt_require_f(f >= 0, "%s: %s\n", path, strerror(errno));
	igt_assert_eq(write(f, value, strlen(value)), (ssize_t)strlen(value));
	close(f);
}

static long fail_snapshot_get(const char *file)
{
	char path[128], buf[32] = "";
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), FAIL_SNAPSHOT_DIR "/%s", file);
	f = open(path, O_RDONLY);
	igt_assert_f(f >= 0, "%s: %s\n", path, strerror(errno));
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	igt_assert(n > 0);
	return strtol(buf, NULL, 0);
}

static void fork_after_migrate_snapshot_fails(int fd)
{
	const size_t size = 16 * ps;
	char *p = map_anon_aligned(size, size);
	long left;
	int go[2], ret;
	char c = 0;

	fail_snapshot_set("probability", "0");
	igt_assert_eq(pipe(go), 0);
	svm_pattern(p, size, 0x29400000);
	migrate_all(fd, p, size, SVM_VRAM);

	igt_fork(child, 1) {
		close(go[1]);
		igt_assert_eq(read(go[0], &c, 1), 1);
		svm_assert_pattern(p, size, 0x29400000);
	}
	close(go[0]);

	/* The first check fails, in the fault worker: any task. */
	fail_snapshot_set("task-filter", "N");
	fail_snapshot_set("verbose", "0");
	fail_snapshot_set("interval", "1");
	fail_snapshot_set("times", "1");
	fail_snapshot_set("probability", "100");
	ret = gpu_write(fd, p, size, 0x29500000);
	left = fail_snapshot_get("times");
	fail_snapshot_set("probability", "0");
	igt_assert_eq(ret, 0);
	igt_assert_f(left == 0, "the injected failure did not happen\n");

	igt_assert_eq(write(go[1], &c, 1), 1);
	close(go[1]);
	igt_waitchildren();
	svm_assert_pattern(p, size, 0x29500000);
	munmap(p, size);
}

static void migrate_back_across_page_tables(int fd)
{
	const size_t span = 200 * ps, moved = 150 * ps;
	char *base = map_anon_aligned(2 * THP_SIZE, THP_SIZE);
	/* Page 37 of the range is the first of the next page table. */
	char *p = base + THP_SIZE - 37 * ps;
	const size_t zap[] = { 36, 37, 101 };
	struct svm_counters a, b;
	size_t i, w, from = 0;
	uint64_t vram0;

	igt_assert_eq(madvise(base, 2 * THP_SIZE, MADV_NOHUGEPAGE), 0);
	svm_pattern(p, span, 0x2b000000);
	a = svm_counters(fd);
	vram0 = a.vram_pages;
	migrate_all(fd, p, moved, SVM_VRAM);
	b = svm_counters(fd);
	igt_assert_eq_u64(b.vram_pages - vram0, moved / ps);
	for (i = 0; i < ARRAY_SIZE(zap); i++)
		igt_assert_eq(madvise(p + zap[i] * ps, ps, MADV_DONTNEED), 0);

	a = svm_counters(fd);
	svm_migrate(fd, p, span, SVM_HOST);
	b = svm_counters(fd);
	igt_assert_eq_u64(b.pages_to_host - a.pages_to_host, moved / ps - ARRAY_SIZE(zap));
	igt_assert_eq_u64(wait_vram_pages(fd, vram0), vram0);

	for (i = 0; i <= ARRAY_SIZE(zap); i++) {
		size_t to = i < ARRAY_SIZE(zap) ? zap[i] : span / ps;

		svm_assert_pattern(p + from * ps, (to - from) * ps,
				   0x2b000000 + from * ps / 8);
		for (w = 0; i < ARRAY_SIZE(zap) && w < ps / 8; w++)
			igt_assert_eq_u64(((const uint64_t *)(p + to * ps))[w], 0);
		from = to + 1;
	}
	munmap(base, 2 * THP_SIZE);
}

static void munmap_vram_range(int fd)
{
	const size_t half = 64 * ps, size = 2 * half;
	char *p = map_anon_aligned(size, half);
	uint64_t used0 = svm_vram_used(fd), used, sum2, left;
	struct svm_counters a, b;

	svm_pattern(p, size, 0x2a000000);
	sum2 = svm_checksum(p + half, half);
	a = svm_counters(fd);
	migrate_all(fd, p, half, SVM_VRAM);
	migrate_all(fd, p + half, half, SVM_VRAM);
	b = svm_counters(fd);
	igt_assert_eq_u64(b.vram_pages - a.vram_pages, size / ps);
	assert_u64_lte(size, svm_vram_used(fd));

	/* The first allocation's VRAM goes with its mapping... */
	igt_assert_eq(munmap(p, half), 0);
	left = wait_vram_pages(fd, a.vram_pages + half / ps);
	igt_assert_eq_u64(left, a.vram_pages + half / ps);
	/* ...the second stays, in VRAM, intact. */
	assert_gpu_sum(fd, p + half, half, sum2);
	b = svm_counters(fd);
	igt_assert_eq_u64(b.vram_pages, a.vram_pages + half / ps);

	igt_assert_eq(munmap(p + half, half), 0);
	left = wait_vram_pages(fd, a.vram_pages);
	igt_assert_eq_u64(left, a.vram_pages);
	used = svm_vram_used_wait(fd, used0, VRAM_RELEASE_MS);
	igt_assert_f(used <= used0, "VRAM used %" PRIu64 " after munmap, %"
		     PRIu64 " before\n", used, used0);
}

static void exit_with_vram_pages(int fd)
{
	uint64_t used0, used;
	char *p;

	require_vram_size(fd, 4ull << 20);
	used0 = svm_vram_used(fd);
	igt_fork(child, 1) {
		size_t size = 4ull << 20;
		int cfd = __svm_open();
		char *q;

		igt_assert_fd(cfd);
		svm_init(cfd, 0, 0);
		q = map_anon(size, PROT_READ | PROT_WRITE);
		svm_pattern(q, size, 0x2b000000);
		migrate_all(cfd, q, size, SVM_VRAM);
		assert_u64_lte(size, svm_vram_used(cfd));
		igt_assert_eq_u64(svm_counters(cfd).vram_pages, size / ps);
		/* Leave with the memory mapped, in VRAM, and the file open. */
	}
	igt_waitchildren();

	used = svm_vram_used_wait(fd, used0, VRAM_RELEASE_MS);
	igt_assert_f(used <= used0, "VRAM used %" PRIu64 " after the exit, %"
		     PRIu64 " before\n", used, used0);

	/* The device goes on. */
	p = map_anon(16 * ps, PROT_READ | PROT_WRITE);
	svm_pattern(p, 16 * ps, 0x2b100000);
	migrate_all(fd, p, 16 * ps, SVM_VRAM);
	assert_gpu_reads(fd, p, 16 * ps);
	svm_assert_pattern(p, 16 * ps, 0x2b100000);
	munmap(p, 16 * ps);
}

/* 64 KiB, aligned: one piece of VRAM, one copy-engine launch. */
#define PIECE_64K	(64u << 10)

/*
 * MIGRATE [@p, @p + @size) to @target with the next @count failures of
 * @what armed: it must fail with @err and move nothing.  Returns what the
 * counters did meanwhile.
 */
static struct svm_counters migrate_injected(int fd, void *p, size_t size,
					    uint32_t target, uint32_t what,
					    uint32_t count, int err)
{
	struct svm_counters a, b, d;
	uint64_t result = ~0ull;
	int ret;

	inject_disarm(fd, what);
	svm_inject(fd, what, count);
	a = svm_counters(fd);
	ret = __svm_migrate(fd, p, size, target, &result);
	b = svm_counters(fd);
	inject_disarm(fd, what);
	igt_assert_eq(ret, err);
	igt_assert_eq_u64(result, 0);
	d = counters_delta(&a, &b);
	assert_nothing_moved(d);
	return d;
}

/*
 * After a migration to VRAM that failed: the data is intact in system
 * memory (reading it copies nothing back), and without the injection the
 * migration goes.
 */
static void assert_still_host_then_migrates(int fd, char *p, uint64_t sum,
					    uint64_t pattern)
{
	const size_t npages = PIECE_64K / ps;
	struct svm_counters a, b, c, d;

	a = svm_counters(fd);
	svm_assert_pattern(p, PIECE_64K, pattern);
	assert_gpu_sum(fd, p, PIECE_64K, sum);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&a, &b).pages_to_host, 0);

	migrate_all(fd, p, PIECE_64K, SVM_VRAM);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.pages_to_vram, npages);
	igt_assert_eq_u64(d.copy_failures, 0);
	assert_gpu_sum(fd, p, PIECE_64K, sum);
	svm_assert_pattern(p, PIECE_64K, pattern);
}

static void copy_failure_injected(int fd)
{
	char *p = map_anon_aligned(PIECE_64K, PIECE_64K);
	struct svm_counters d;
	uint64_t sum;

	svm_pattern(p, PIECE_64K, 0x2c000000);
	sum = svm_checksum(p, PIECE_64K);
	d = migrate_injected(fd, p, PIECE_64K, SVM_VRAM,
			     DRM_NVSIM_INJECT_COPY_FAIL, 1, -EIO);
	igt_assert_eq_u64(d.copy_failures, 1);
	igt_assert_eq_u64(d.copy_launches, 1);
	assert_still_host_then_migrates(fd, p, sum, 0x2c000000);
	munmap(p, PIECE_64K);
}

static void copy_failure_injected_host(int fd)
{
	const size_t npages = PIECE_64K / ps;
	char *p = map_anon_aligned(PIECE_64K, PIECE_64K);
	struct svm_counters b, c, d;
	uint64_t sum;

	svm_pattern(p, PIECE_64K, 0x2d000000);
	sum = svm_checksum(p, PIECE_64K);
	migrate_all(fd, p, PIECE_64K, SVM_VRAM);
	d = migrate_injected(fd, p, PIECE_64K, SVM_HOST,
			     DRM_NVSIM_INJECT_COPY_FAIL, 1, -EIO);
	igt_assert_eq_u64(d.copy_failures, 1);

	/* Still in VRAM, intact; a CPU access then brings it back. */
	b = svm_counters(fd);
	assert_gpu_sum(fd, p, PIECE_64K, sum);
	svm_assert_pattern(p, PIECE_64K, 0x2d000000);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.pages_to_host, npages);
	igt_assert_eq_u64(d.copy_failures, 0);
	igt_assert_eq_u64(c.vram_pages, b.vram_pages - npages);
	munmap(p, PIECE_64K);
}

static void alloc_failure_injected(int fd)
{
	char *p = map_anon_aligned(PIECE_64K, PIECE_64K);
	struct svm_counters d;
	uint64_t sum;

	svm_pattern(p, PIECE_64K, 0x2e000000);
	sum = svm_checksum(p, PIECE_64K);
	/* More failures than any retry could use up. */
	d = migrate_injected(fd, p, PIECE_64K, SVM_VRAM,
			     DRM_NVSIM_INJECT_ALLOC_FAIL, 64, -ENOMEM);
	igt_assert_eq_u64(d.copy_launches, 0);
	assert_still_host_then_migrates(fd, p, sum, 0x2e000000);
	munmap(p, PIECE_64K);
}

/*
 * MIGRATE (and PREFETCH, where the device has it) of [p, p + size) to both
 * targets fails with -@err, result 0, and moves nothing.
 */
static void assert_migrate_fails(int fd, const void *p, size_t size, int err)
{
	bool prefetch = svm_caps(fd) & NOUVEAU_SVM_CAP_PREFETCH;
	const uint32_t targets[] = { SVM_VRAM, SVM_HOST };
	struct svm_counters a, b, d;
	uint64_t result;

	a = svm_counters(fd);
	for (int i = 0; i < ARRAY_SIZE(targets); i++) {
		result = ~0ull;
		igt_assert_eq(__svm_migrate(fd, p, size, targets[i], &result), -err);
		igt_assert_eq_u64(result, 0);
		if (!prefetch)
			continue;
		result = ~0ull;
		igt_assert_eq(__svm_prefetch(fd, p, size, targets[i], &result), -err);
		igt_assert_eq_u64(result, 0);
	}
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	assert_nothing_moved(d);
	igt_assert_eq_u64(d.copy_launches, 0);
	igt_assert_eq_u64(d.gpu_pages, 0);
}

static void migrate_unmapped_efault(int fd)
{
	const size_t size = 8 * ps;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);

	igt_assert_eq(munmap(p, size), 0);
	assert_migrate_fails(fd, p, size, EFAULT);
	assert_fd_works(fd);
}

static void migrate_file_backed_eopnotsupp(int fd)
{
	const size_t npages = 16, size = npages * ps;
	struct svm_counters a, b;
	char *filep, *shm;
	uint64_t result;
	int file;

	file = file_with_pattern(size, 0x2f000000);
	filep = map_file(file, size, NULL);
	svm_assert_pattern(filep, size, 0x2f000000);
	shm = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(shm != MAP_FAILED);
	svm_pattern(shm, size, 0x2f100000);

	/* Neither a shared file mapping nor shared anonymous memory can go. */
	a = svm_counters(fd);
	result = ~0ull;
	igt_assert_eq(__svm_migrate(fd, filep, size, SVM_VRAM, &result), -EOPNOTSUPP);
	igt_assert_eq_u64(result, 0);
	result = ~0ull;
	igt_assert_eq(__svm_migrate(fd, shm, size, SVM_VRAM, &result), -EOPNOTSUPP);
	igt_assert_eq_u64(result, 0);
	if (svm_caps(fd) & NOUVEAU_SVM_CAP_PREFETCH) {
		result = ~0ull;
		igt_assert_eq(__svm_prefetch(fd, filep, size, SVM_VRAM, &result),
			      -EOPNOTSUPP);
		igt_assert_eq_u64(result, 0);
	}
	b = svm_counters(fd);
	assert_nothing_moved(counters_delta(&a, &b));
	igt_assert_eq_u64(counters_delta(&a, &b).copy_launches, 0);

	/* Their pages are in system memory: to host, they all count. */
	igt_assert_eq_u64(svm_migrate(fd, filep, size, SVM_HOST), npages);
	igt_assert_eq_u64(svm_migrate(fd, shm, size, SVM_HOST), npages);

	svm_assert_pattern(filep, size, 0x2f000000);
	assert_file_pattern(file, size, 0x2f000000);
	svm_assert_pattern(shm, size, 0x2f100000);
	assert_gpu_reads(fd, filep, size);
	assert_gpu_reads(fd, shm, size);
	munmap(filep, size);
	munmap(shm, size);
	close(file);
}

static void atomic_vram_no_exclusive(int fd)
{
	struct drm_nvsim_cmd *cmds;
	const size_t size = 16 * ps;
	const uint64_t base = 0x30000000000ull;
	struct svm_counters a, b, d;
	uint64_t *w, *v, old = 0;

	svm_require_atomics(fd);
	cmds = calloc(ATOMIC_N, sizeof(*cmds));
	igt_assert(cmds);
	w = (uint64_t *)map_anon_aligned(size, size);
	v = w + 3 * ps / 8;
	svm_pattern(w, size, base);
	migrate_all(fd, w, size, SVM_VRAM);

	/* N adds in one job on a word in VRAM, and a CAS on another page. */
	for (int i = 0; i < ATOMIC_N; i++)
		cmds[i] = gpu_cmd_atomic_add(w, 3);
	a = svm_counters(fd);
	igt_assert_eq(gpu_submit(fd, cmds, ATOMIC_N), 0);
	for (int i = 0; i < ATOMIC_N; i++)
		igt_assert_eq_u64(cmds[i].result, base + 3ull * i);
	igt_assert_eq(gpu_atomic_cas(fd, v, base + 3 * ps / 8, 0xca5, &old), 0);
	igt_assert_eq_u64(old, base + 3 * ps / 8);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	/* Served in VRAM: no device-exclusive entry, no trip back. */
	igt_assert_eq_u64(d.exclusive_grants, 0);
	igt_assert_eq_u64(d.revocations, 0);
	igt_assert_eq_u64(d.cancels, 0);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.vram_pages, 0);

	/* The CPU reads the exact results; every other word is intact. */
	igt_assert_eq_u64(cpu_read(w), base + 3ull * ATOMIC_N);
	igt_assert_eq_u64(cpu_read(v), 0xca5);
	svm_assert_pattern(w + 1, 3 * ps - 8, base + 1);
	svm_assert_pattern(v + 1, size - 3 * ps - 8, base + 3 * ps / 8 + 1);
	munmap(w, size);
	free(cmds);
}

static void atomic_policy_migrate(int fd)
{
	const size_t size = 16 * ps;
	const uint64_t base = 0x31000000000ull;
	struct svm_counters a, b, c, d;
	struct drm_nvsim_cmd *cmds;
	uint64_t *w;

	svm_require_atomics(fd);
	igt_require(svm_caps(fd) & NOUVEAU_SVM_CAP_ADVISE_ATOMIC);
	cmds = calloc(ATOMIC_N, sizeof(*cmds));
	igt_assert(cmds);
	w = map_anon(size, PROT_READ | PROT_WRITE);
	svm_pattern(w, size, base);
	igt_assert_eq(__svm_advise_atomic(fd, w, size, NOUVEAU_SVM_ATOMIC__MIGRATE), 0);

	/* The first atomic takes the page to VRAM; all run there. */
	for (int i = 0; i < ATOMIC_N; i++)
		cmds[i] = gpu_cmd_atomic_add(w, 5);
	a = svm_counters(fd);
	igt_assert_eq(gpu_submit(fd, cmds, ATOMIC_N), 0);
	b = svm_counters(fd);
	for (int i = 0; i < ATOMIC_N; i++)
		igt_assert_eq_u64(cmds[i].result, base + 5ull * i);
	d = counters_delta(&a, &b);
	assert_u64_lte(1, d.pages_to_vram);
	assert_u64_lte(1, d.vram_pages);
	igt_assert_eq_u64(d.exclusive_grants, 0);
	igt_assert_eq_u64(d.cancels, 0);

	/* The CPU takes it back, exact; the next atomic takes it again. */
	igt_assert_eq_u64(cpu_read(w), base + 5ull * ATOMIC_N);
	c = svm_counters(fd);
	assert_u64_lte(1, counters_delta(&b, &c).pages_to_host);
	igt_assert_eq(gpu_atomic_add(fd, w, 1, NULL), 0);
	b = svm_counters(fd);
	d = counters_delta(&c, &b);
	assert_u64_lte(1, d.pages_to_vram);
	igt_assert_eq_u64(d.exclusive_grants, 0);
	igt_assert_eq_u64(cpu_read(w), base + 5ull * ATOMIC_N + 1);
	svm_assert_pattern(w + 1, size - 8, base + 1);

	igt_assert_eq(__svm_advise_atomic(fd, w, size, NOUVEAU_SVM_ATOMIC__DEVICE_EXCLUSIVE), 0);
	munmap(w, size);
	free(cmds);
}

#define MIGRATE_SLICE_PARAM "/sys/module/nouveau_svm_core/parameters/migrate_timeslice_ms"

/* One page, a VMA of its own between two PROT_NONE guards. */
static uint64_t *map_lone_page(void)
{
	char *p = map_anon(3 * ps, PROT_READ | PROT_WRITE);

	igt_assert_eq(mprotect(p, ps, PROT_NONE), 0);
	igt_assert_eq(mprotect(p + 2 * ps, ps, PROT_NONE), 0);
	return (uint64_t *)(p + ps);
}

static void atomic_policy_migrate_bounded(int fd)
{
	/* Static: a failed assert must not leave the thread on a dead stack. */
	static struct hammer h;
	/* The longest slice: the bound is furthest from the unbounded rate. */
	const long slice_ms = 100;
	uint64_t *counter, jobs = 0, bounces, limit;
	struct svm_counters a, b, d;
	struct timespec start = {};
	double elapsed_ms;
	pthread_t thread;
	long old_slice;

	svm_require_atomics(fd);
	svm_require_vram(fd);
	igt_require(svm_caps(fd) & NOUVEAU_SVM_CAP_ADVISE_ATOMIC);
	old_slice = svm_set_param(MIGRATE_SLICE_PARAM, slice_ms);
	counter = map_lone_page();
	cpu_write(counter, 0);
	igt_assert_eq(__svm_advise_atomic(fd, counter, ps, NOUVEAU_SVM_ATOMIC__MIGRATE), 0);

	/* GPU jobs of one add for ten slices, against the CPU thread. */
	h = (struct hammer){ .counter = counter };
	a = svm_counters(fd);
	igt_nsec_elapsed(&start);
	igt_assert_eq(pthread_create(&thread, NULL, cpu_hammer, &h), 0);
	do {
		igt_assert_eq(gpu_atomic_add(fd, counter, 1, NULL), 0);
		jobs++;
	} while (igt_nsec_elapsed(&start) < 10 * slice_ms * 1000000ull);
	__atomic_store_n(&h.stop, true, __ATOMIC_RELEASE);
	igt_assert_eq(pthread_join(thread, NULL), 0);
	elapsed_ms = igt_nsec_elapsed(&start) / 1e6;
	b = svm_counters(fd);
	svm_set_param(MIGRATE_SLICE_PARAM, old_slice);

	igt_assert_eq_u64(cpu_read(counter), h.adds + jobs);
	d = counters_delta(&a, &b);
	/* The page is a piece of its own: one page to VRAM a bounce. */
	bounces = d.pages_to_vram;
	/*
	 * A slice is counted in ticks from the tick the migration falls in,
	 * so it may be short of its length by one tick (10 ms at HZ 100):
	 * it lasts half its length at least.
	 */
	limit = elapsed_ms / (slice_ms / 2) + 1;
	igt_info("%" PRIu64 " GPU jobs, %" PRIu64 " CPU adds in %.0f ms: %" PRIu64
		 " bounces (at most %" PRIu64 "), %" PRIu64 " pages back\n", jobs, h.adds,
		 elapsed_ms, bounces, limit, d.pages_to_host);
	assert_u64_lte(1, bounces);
	assert_u64_lte(bounces, limit);
	assert_u64_lte(1, h.adds);
	igt_assert_eq_u64(d.cancels, 0);
	igt_assert_eq(__svm_advise_atomic(fd, counter, ps, NOUVEAU_SVM_ATOMIC__DEVICE_EXCLUSIVE), 0);
	munmap(counter - ps / 8, 3 * ps);
}

/* ------------------------------------------------------------------ */
/* Negative tests: SVM_INIT, SVM_BIND, GETPARAM                        */
/* ------------------------------------------------------------------ */

static const struct {
	const char *name;
	const char *desc;
	uint64_t addr, size;
	int err;
} bad_init[] = {
	{ "addr-unaligned", "SVM_INIT with an unaligned unmanaged_addr: -EINVAL.",
	  0x100000001ull, 0x10000, EINVAL },
	{ "size-unaligned", "SVM_INIT with an unaligned unmanaged_size: -EINVAL.",
	  0x100000000ull, 0x10001, EINVAL },
	{ "overflow", "SVM_INIT with a window that wraps around: -EOVERFLOW.",
	  0xfffffffffffff000ull, 0x2000, EOVERFLOW },
	{ "above-user-limit",
	  "SVM_INIT with a window above the user address limit: -EFAULT.",
	  ABOVE_USER_LIMIT, 0x1000, EFAULT },
};

static void test_bad_init(uint64_t addr, uint64_t size, int err)
{
	int fd = svm_open();

	igt_assert_eq(__svm_init(fd, addr, size), -err);
	/* The failed call set nothing up. */
	svm_init(fd, 0, 0);
	assert_fd_works(fd);
	close(fd);
}

struct bind_ctx {
	char *buf;		/* 16 pages outside the window */
	char *win;		/* the unmanaged window, 16 pages */
};

#define BIND_PAGES	16

static void bind_reserved0(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->reserved0 = 1;
}

static void bind_reserved1(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->reserved1 = 1;
}

static void bind_header_high(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->header |= 1ull << NOUVEAU_SVM_BIND_VALID_BITS;
}

static void bind_command(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->header |= 0x7full << NOUVEAU_SVM_BIND_COMMAND_SHIFT;
}

static void bind_advise(struct drm_nouveau_svm_bind *b, uint64_t policy)
{
	b->header = (uint64_t)NOUVEAU_SVM_BIND_COMMAND__ADVISE_ATOMIC <<
			NOUVEAU_SVM_BIND_COMMAND_SHIFT |
		    policy << NOUVEAU_SVM_BIND_TARGET_SHIFT;
}

static void bind_advise_policy_0(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	bind_advise(b, 0);
}

static void bind_advise_policy_unknown(struct drm_nouveau_svm_bind *b,
				       const struct bind_ctx *c)
{
	bind_advise(b, NOUVEAU_SVM_ATOMIC__REFUSE + 1);
}

static void bind_target(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->header |= 1ull << NOUVEAU_SVM_BIND_TARGET_SHIFT;
}

static void bind_stride(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->stride = ps;
}

static void bind_empty(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->va_end = b->va_start;
	b->npages = 0;
}

static void bind_end_wraps(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->va_end = ~0ull;
}

static void bind_npages(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->npages = BIND_PAGES + 1;
}

static void bind_above_limit(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->va_start = ABOVE_USER_LIMIT;
	b->va_end = ABOVE_USER_LIMIT + ps;
	b->npages = 1;
}

static void bind_overlaps(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	/* The window's last page and the page after it. */
	b->va_start = to_user_pointer(c->win + (BIND_PAGES - 1) * ps);
	b->va_end = b->va_start + 2 * ps;
	b->npages = 2;
}

static const struct bind_case {
	const char *name;
	const char *desc;
	void (*mutate)(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c);
	int err;
} bad_bind[] = {
	{ "reserved0", "SVM_BIND with reserved0 set: -EINVAL.",
	  bind_reserved0, EINVAL },
	{ "reserved1", "SVM_BIND with reserved1 set: -EINVAL.",
	  bind_reserved1, EINVAL },
	{ "header-high-bits", "SVM_BIND with header bits above the valid mask: -EINVAL.",
	  bind_header_high, EINVAL },
	{ "command", "SVM_BIND with an unknown command: -EINVAL.",
	  bind_command, EINVAL },
	{ "target", "SVM_BIND with an unknown target: -EINVAL.",
	  bind_target, EINVAL },
	{ "stride", "SVM_BIND with stride set: -EINVAL.",
	  bind_stride, EINVAL },
	{ "empty-range", "SVM_BIND with va_start == va_end: -EINVAL.",
	  bind_empty, EINVAL },
	{ "end-wraps", "SVM_BIND with va_end past the top of the address space: -EOVERFLOW.",
	  bind_end_wraps, EOVERFLOW },
	{ "npages", "SVM_BIND with npages larger than the range: -EINVAL.",
	  bind_npages, EINVAL },
	{ "above-user-limit", "SVM_BIND above the user address limit: -EFAULT.",
	  bind_above_limit, EFAULT },
	{ "overlaps-unmanaged", "SVM_BIND overlapping the unmanaged window: -EINVAL.",
	  bind_overlaps, EINVAL },
	{ "advise-policy-0", "SVM_BIND ADVISE_ATOMIC with policy 0: -EINVAL.",
	  bind_advise_policy_0, EINVAL },
	{ "advise-policy-unknown", "SVM_BIND ADVISE_ATOMIC with an unknown policy: -EINVAL.",
	  bind_advise_policy_unknown, EINVAL },
};

static struct drm_nouveau_svm_bind bind_base(const struct bind_ctx *c)
{
	/* A valid migration of the buffer to system memory. */
	return (struct drm_nouveau_svm_bind) {
		.header = (uint64_t)NOUVEAU_SVM_BIND_COMMAND__MIGRATE <<
				NOUVEAU_SVM_BIND_COMMAND_SHIFT |
			  (uint64_t)NOUVEAU_SVM_BIND_TARGET__HOST <<
				NOUVEAU_SVM_BIND_TARGET_SHIFT,
		.va_start = to_user_pointer(c->buf),
		.va_end = to_user_pointer(c->buf + BIND_PAGES * ps),
		.npages = BIND_PAGES,
	};
}

static void test_bad_bind(int fd, const struct bind_ctx *c,
			  const struct bind_case *t)
{
	struct drm_nouveau_svm_bind b = bind_base(c);

	t->mutate(&b, c);
	igt_assert_eq(__svm_bind(fd, &b), -t->err);
	svm_assert_pattern(c->buf, BIND_PAGES * ps, 0x11000000);
	assert_fd_works(fd);
	if (svm_driver(fd) == SVM_DRIVER_SIM)
		assert_gpu_reads(fd, c->buf, BIND_PAGES * ps);
}

static void test_bad_bind_before_init(const struct bind_ctx *c)
{
	struct drm_nouveau_svm_bind b = bind_base(c);
	int fd = svm_open();

	igt_assert_eq(__svm_bind(fd, &b), -EINVAL);
	svm_init(fd, 0, 0);
	assert_fd_works(fd);
	close(fd);
}

/*
 * MIGRATE and PREFETCH get the same checks as any SVM_BIND: the cases of
 * bad_bind that concern every command, with a valid request to VRAM as
 * the base, and the command and target fields on their own.
 */
static void bind_set_command(struct drm_nouveau_svm_bind *b, uint64_t command)
{
	b->header &= ~((uint64_t)NOUVEAU_SVM_BIND_COMMAND_MASK <<
		       NOUVEAU_SVM_BIND_COMMAND_SHIFT);
	b->header |= command << NOUVEAU_SVM_BIND_COMMAND_SHIFT;
}

static void bind_set_target(struct drm_nouveau_svm_bind *b, uint64_t target)
{
	b->header &= ~((uint64_t)NOUVEAU_SVM_BIND_TARGET_MASK <<
		       NOUVEAU_SVM_BIND_TARGET_SHIFT);
	b->header |= target << NOUVEAU_SVM_BIND_TARGET_SHIFT;
}

static void bind_command_3(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	bind_set_command(b, NOUVEAU_SVM_BIND_COMMAND__PREFETCH + 1);
}

static void bind_command_255(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	bind_set_command(b, NOUVEAU_SVM_BIND_COMMAND_MASK);
}

static void bind_target_1(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	bind_set_target(b, 1);
}

static void bind_target_all(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	bind_set_target(b, NOUVEAU_SVM_BIND_TARGET_MASK);
}

static void bind_reversed(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->va_start = to_user_pointer(c->buf + 8 * ps);
	b->va_end = to_user_pointer(c->buf + 4 * ps);
	b->npages = 0;
}

static const struct bind_case bad_migrate[] = {
	{ "reserved0", "with reserved0 set: -EINVAL.", bind_reserved0, EINVAL },
	{ "reserved1", "with reserved1 set: -EINVAL.", bind_reserved1, EINVAL },
	{ "stride", "with stride set: -EINVAL.", bind_stride, EINVAL },
	{ "header-high-bits", "with header bits above bit 47: -EINVAL.",
	  bind_header_high, EINVAL },
	{ "command-3", "with command 3, the first unknown one: -EINVAL.",
	  bind_command_3, EINVAL },
	{ "command-255", "with command 255: -EINVAL.", bind_command_255, EINVAL },
	{ "target-1", "with target 1: -EINVAL.", bind_target_1, EINVAL },
	{ "target-vram-1", "with target GPU_VRAM + 1: -EINVAL.", bind_target, EINVAL },
	{ "target-all-ones", "with every target bit set: -EINVAL.",
	  bind_target_all, EINVAL },
	{ "empty-range", "with va_start == va_end: -EINVAL.", bind_empty, EINVAL },
	{ "reversed-range", "with va_end below va_start: -EINVAL.",
	  bind_reversed, EINVAL },
	{ "npages", "with npages larger than the range: -EINVAL.",
	  bind_npages, EINVAL },
	{ "end-wraps", "with va_end rounding past 2^64: -EOVERFLOW.",
	  bind_end_wraps, EOVERFLOW },
	{ "above-user-limit", "above the user address limit: -EFAULT.",
	  bind_above_limit, EFAULT },
	{ "overlaps-unmanaged", "overlapping the unmanaged window: -EINVAL.",
	  bind_overlaps, EINVAL },
};

/* A valid @command of the buffer to VRAM. */
static struct drm_nouveau_svm_bind bind_vram(const struct bind_ctx *c,
					     uint32_t command)
{
	struct drm_nouveau_svm_bind b = bind_base(c);

	b.header = svm_bind_header(command, SVM_VRAM);
	return b;
}

static const char *bind_command_name(uint32_t command)
{
	return command == NOUVEAU_SVM_BIND_COMMAND__PREFETCH ? "prefetch" : "migrate";
}

/*
 * After a refused @command: nothing moved since @before, the buffer is
 * intact, and the valid request goes through on @fd (to VRAM and back).
 */
static void assert_bind_refused(int fd, const struct bind_ctx *c,
				uint32_t command, const struct svm_counters *before)
{
	struct drm_nouveau_svm_bind b = bind_vram(c, command);
	struct svm_counters after = svm_counters(fd), d;

	d = counters_delta(before, &after);
	assert_nothing_moved(d);
	igt_assert_eq_u64(d.copy_launches, 0);
	svm_assert_pattern(c->buf, BIND_PAGES * ps, 0x11000000);

	igt_assert_eq(__svm_bind(fd, &b), 0);
	igt_assert_eq_u64(b.result, BIND_PAGES);
	igt_assert_eq_u64(svm_migrate(fd, c->buf, BIND_PAGES * ps, SVM_HOST),
			  BIND_PAGES);
	svm_assert_pattern(c->buf, BIND_PAGES * ps, 0x11000000);
}

static void test_bad_migrate(int fd, const struct bind_ctx *c,
			     const struct bind_case *t, uint32_t command)
{
	struct drm_nouveau_svm_bind b = bind_vram(c, command);
	struct svm_counters before = svm_counters(fd);

	t->mutate(&b, c);
	igt_assert_eq(__svm_bind(fd, &b), -t->err);
	assert_bind_refused(fd, c, command, &before);
}

static void test_bad_migrate_before_init(const struct bind_ctx *c,
					 uint32_t command)
{
	struct drm_nouveau_svm_bind b = bind_vram(c, command);
	struct svm_counters before;
	int fd = svm_open();

	igt_assert_eq(__svm_bind(fd, &b), -EINVAL);
	svm_init(fd, 0, 0);
	before = svm_counters(fd);
	assert_bind_refused(fd, c, command, &before);
	close(fd);
}

static void test_bad_migrate_inherited(int fd, const struct bind_ctx *c,
				       uint32_t command)
{
	struct svm_counters before = svm_counters(fd);

	igt_fork(child, 1) {
		struct drm_nouveau_svm_bind b = bind_vram(c, command);

		igt_assert_eq(__svm_bind(fd, &b), -EPERM);
		svm_assert_pattern(c->buf, BIND_PAGES * ps, 0x11000000);
	}
	igt_waitchildren();
	assert_bind_refused(fd, c, command, &before);
}

static void test_bad_getparam(int fd)
{
	struct drm_nouveau_getparam gp = { .param = 0x10000 };

	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_NOUVEAU_GETPARAM, &gp), -1);
	igt_assert_eq(errno, EINVAL);
	gp.param = ~0ull;
	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_NOUVEAU_GETPARAM, &gp), -1);
	igt_assert_eq(errno, EINVAL);
	igt_assert(svm_caps(fd) & NOUVEAU_SVM_CAP_MIRROR);
}

/* ------------------------------------------------------------------ */
/* Negative tests: the simulated GPU's private uAPI                    */
/* ------------------------------------------------------------------ */

struct exec_ctx {
	struct drm_nvsim_exec exec;
	struct drm_nvsim_cmd *cmds;	/* DRM_NVSIM_MAX_CMDS + 1 */
	char *buf;			/* EXEC_PAGES, the WRITEs' target */
	char *unreadable;
};

#define EXEC_PAGES	4

static void exec_op_0(struct exec_ctx *x)
{
	x->cmds[0].op = DRM_NVSIM_OP_INVALID;
}

static void exec_op_99(struct exec_ctx *x)
{
	x->cmds[0].op = 99;
}

static void exec_second_op(struct exec_ctx *x)
{
	x->exec.count = 2;
	x->cmds[1].op = 99;
}

static void exec_cmd_flags(struct exec_ctx *x)
{
	x->cmds[0].flags = 1;
}

static void exec_addr_unaligned(struct exec_ctx *x)
{
	x->cmds[0].addr += 4;
}

static void exec_addr_overflow(struct exec_ctx *x)
{
	x->cmds[0].addr = 0xfffffffffffff000ull;
	x->cmds[0].size = 0x2000;
}

static void exec_size_0(struct exec_ctx *x)
{
	x->cmds[0].size = 0;
}

static void exec_size_unaligned(struct exec_ctx *x)
{
	x->cmds[0].size = 12;
}

static void exec_size_too_big(struct exec_ctx *x)
{
	x->cmds[0].size = DRM_NVSIM_MAX_SIZE + 8;
}

static void exec_atomic_add_size(struct exec_ctx *x)
{
	x->cmds[0].op = DRM_NVSIM_OP_ATOMIC_ADD;
	x->cmds[0].size = 16;
}

static void exec_atomic_cas_size(struct exec_ctx *x)
{
	x->cmds[0].op = DRM_NVSIM_OP_ATOMIC_CAS;
	x->cmds[0].size = 16;
}

static void exec_atomic_add_addr_unaligned(struct exec_ctx *x)
{
	x->cmds[0] = gpu_cmd_atomic_add(x->buf + 4, 1);
}

static void exec_atomic_cas_addr_unaligned(struct exec_ctx *x)
{
	x->cmds[0] = gpu_cmd_atomic_cas(x->buf + 4, 0, 1);
}

static void exec_atomic_add_compare(struct exec_ctx *x)
{
	x->cmds[0] = gpu_cmd_atomic_add(x->buf, 1);
	x->cmds[0].compare = 1;
}

static void exec_src_nonzero(struct exec_ctx *x)
{
	x->cmds[0].src = to_user_pointer(x->buf + ps);
}

static void exec_src_unaligned(struct exec_ctx *x)
{
	x->cmds[0].op = DRM_NVSIM_OP_COPY;
	x->cmds[0].size = ps;
	x->cmds[0].src = to_user_pointer(x->buf + 2 * ps + 4);
}

static void exec_compare_nonzero(struct exec_ctx *x)
{
	x->cmds[0].compare = 1;
}

static void exec_count_0(struct exec_ctx *x)
{
	x->exec.count = 0;
}

static void exec_count_too_big(struct exec_ctx *x)
{
	x->exec.count = DRM_NVSIM_MAX_CMDS + 1;
}

static void exec_flags(struct exec_ctx *x)
{
	x->exec.flags = DRM_NVSIM_EXEC_ASYNC << 1;
}

static void exec_channel(struct exec_ctx *x)
{
	x->exec.channel = DRM_NVSIM_CHANNELS;
}

static void exec_cmds_invalid(struct exec_ctx *x)
{
	x->exec.cmds = to_user_pointer(x->unreadable);
}

static const struct exec_case {
	const char *name;
	const char *desc;
	void (*mutate)(struct exec_ctx *x);
	int err;
} bad_exec[] = {
	{ "cmd-op-0", "EXEC of a command with op 0: -EINVAL.", exec_op_0, EINVAL },
	{ "cmd-op-99", "EXEC of a command with an unknown op: -EINVAL.",
	  exec_op_99, EINVAL },
	{ "second-cmd-op", "EXEC of a valid command and one with an unknown op: "
	  "-EINVAL and nothing runs.", exec_second_op, EINVAL },
	{ "cmd-flags", "EXEC of a command with flags set: -EINVAL.",
	  exec_cmd_flags, EINVAL },
	{ "cmd-addr-unaligned", "EXEC of a command with an unaligned addr: -EINVAL.",
	  exec_addr_unaligned, EINVAL },
	{ "cmd-addr-overflow", "EXEC of a command whose addr + size wraps: -EINVAL.",
	  exec_addr_overflow, EINVAL },
	{ "cmd-size-0", "EXEC of a command with size 0: -EINVAL.",
	  exec_size_0, EINVAL },
	{ "cmd-size-unaligned", "EXEC of a command with a size not a multiple of 8: "
	  "-EINVAL.", exec_size_unaligned, EINVAL },
	{ "cmd-size-too-big", "EXEC of a command above DRM_NVSIM_MAX_SIZE: -EINVAL.",
	  exec_size_too_big, EINVAL },
	{ "cmd-atomic-add-size", "EXEC of an ATOMIC_ADD of 16 bytes: -EINVAL.",
	  exec_atomic_add_size, EINVAL },
	{ "cmd-atomic-cas-size", "EXEC of an ATOMIC_CAS of 16 bytes: -EINVAL.",
	  exec_atomic_cas_size, EINVAL },
	{ "cmd-atomic-add-addr-unaligned",
	  "EXEC of an ATOMIC_ADD at a 4-byte aligned addr: -EINVAL.",
	  exec_atomic_add_addr_unaligned, EINVAL },
	{ "cmd-atomic-cas-addr-unaligned",
	  "EXEC of an ATOMIC_CAS at a 4-byte aligned addr: -EINVAL.",
	  exec_atomic_cas_addr_unaligned, EINVAL },
	{ "cmd-atomic-add-compare-nonzero",
	  "EXEC of an ATOMIC_ADD with compare set: -EINVAL.",
	  exec_atomic_add_compare, EINVAL },
	{ "cmd-src-nonzero", "EXEC of a WRITE with src set: -EINVAL.",
	  exec_src_nonzero, EINVAL },
	{ "cmd-src-unaligned", "EXEC of a COPY with an unaligned src: -EINVAL.",
	  exec_src_unaligned, EINVAL },
	{ "cmd-compare-nonzero", "EXEC of a WRITE with compare set: -EINVAL.",
	  exec_compare_nonzero, EINVAL },
	{ "count-0", "EXEC of no command: -EINVAL.", exec_count_0, EINVAL },
	{ "count-too-big", "EXEC of more than DRM_NVSIM_MAX_CMDS commands: -EINVAL.",
	  exec_count_too_big, EINVAL },
	{ "flags", "EXEC with an unknown flag: -EINVAL.", exec_flags, EINVAL },
	{ "channel", "EXEC on a channel past DRM_NVSIM_CHANNELS: -EINVAL.", exec_channel, EINVAL },
	{ "cmds-invalid", "EXEC with an unreadable cmds pointer: -EFAULT.",
	  exec_cmds_invalid, EFAULT },
	{ "before-init", "EXEC before SVM_INIT: -ENOENT.", NULL, ENOENT },
};

static void exec_ctx_init(struct exec_ctx *x)
{
	x->cmds = calloc(DRM_NVSIM_MAX_CMDS + 1, sizeof(*x->cmds));
	igt_assert(x->cmds);
	x->buf = map_anon(EXEC_PAGES * ps, PROT_READ | PROT_WRITE);
	x->unreadable = map_anon(ps, PROT_NONE);
}

static void exec_ctx_fini(struct exec_ctx *x)
{
	free(x->cmds);
	munmap(x->buf, EXEC_PAGES * ps);
	munmap(x->unreadable, ps);
}

static void test_bad_exec(int fd, struct exec_ctx *x, const struct exec_case *t)
{
	size_t size = EXEC_PAGES * ps;
	int efd = fd;

	/* Every command a valid WRITE of the whole buffer. */
	svm_pattern(x->buf, size, 0x12000000);
	for (unsigned int i = 0; i <= DRM_NVSIM_MAX_CMDS; i++)
		x->cmds[i] = gpu_cmd_write(x->buf, size, 0x12100000);
	x->exec = (struct drm_nvsim_exec) {
		.cmds = to_user_pointer(x->cmds),
		.count = 1,
	};

	if (t->mutate) {
		t->mutate(x);
	} else {
		efd = svm_open();
		svm_require_gpu_ops(efd);
	}
	igt_assert_eq(__gpu_exec(efd, &x->exec), -t->err);

	/* Nothing ran. */
	svm_assert_pattern(x->buf, size, 0x12000000);
	if (efd != fd) {
		svm_init(efd, 0, 0);
		assert_gpu_reads(efd, x->buf, size);
		close(efd);
	}
	assert_gpu_reads(fd, x->buf, size);
}

enum wait_kind { WAIT_UNKNOWN, WAIT_COLLECTED, WAIT_PAD };

static const struct {
	const char *name;
	const char *desc;
	enum wait_kind kind;
	int err;
} bad_wait[] = {
	{ "seqno-unknown", "WAIT for a job number never handed out: -ENOENT.",
	  WAIT_UNKNOWN, ENOENT },
	{ "seqno-collected", "WAIT for a job already collected: -ENOENT.",
	  WAIT_COLLECTED, ENOENT },
	{ "pad", "WAIT with pad set: -EINVAL; the job is collected afterwards.",
	  WAIT_PAD, EINVAL },
};

static void test_bad_wait(int fd, enum wait_kind kind, int err)
{
	size_t size = 4 * ps;
	void *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct drm_nvsim_cmd cmd;
	struct drm_nvsim_wait w = { .timeout_ns = SVM_WAIT_TIMEOUT_NS };
	uint64_t seqno;

	svm_pattern(p, size, 0x13000000);
	cmd = gpu_cmd_read(p, size);
	seqno = gpu_submit_async(fd, &cmd, 1);

	switch (kind) {
	case WAIT_UNKNOWN:
		w.seqno = seqno + 1000000;
		break;
	case WAIT_COLLECTED:
		igt_assert_eq(gpu_wait(fd, seqno), 0);
		w.seqno = seqno;
		break;
	case WAIT_PAD:
		w.seqno = seqno;
		w.pad = 1;
		break;
	}
	do_ioctl_err(fd, DRM_IOCTL_NVSIM_WAIT, &w, err);

	if (kind != WAIT_COLLECTED)
		igt_assert_eq(gpu_wait(fd, seqno), 0);
	igt_assert_eq_u64(cmd.result, svm_checksum(p, size));
	munmap(p, size);
}

enum counters_kind { COUNTERS_FLAGS, COUNTERS_VALUES, COUNTERS_BEFORE_INIT };

static const struct {
	const char *name;
	const char *desc;
	enum counters_kind kind;
	int err;
} bad_counters[] = {
	{ "flags", "COUNTERS with flags set: -EINVAL.", COUNTERS_FLAGS, EINVAL },
	{ "values", "COUNTERS with an unwritable values pointer: -EFAULT.",
	  COUNTERS_VALUES, EFAULT },
	{ "before-init", "COUNTERS before SVM_INIT: -ENOENT.",
	  COUNTERS_BEFORE_INIT, ENOENT },
};

static void test_bad_counters(int fd, enum counters_kind kind, int err)
{
	uint64_t values[SVM_COUNTERS_NUM];
	void *ro = map_anon(ps, PROT_READ);
	uint32_t count = SVM_COUNTERS_NUM;
	int cfd = fd;

	memset(values, 0xa5, sizeof(values));
	switch (kind) {
	case COUNTERS_FLAGS:
		igt_assert_eq(__svm_counters_ioctl(fd, values, &count, 1), -err);
		break;
	case COUNTERS_VALUES:
		igt_assert_eq(__svm_counters_ioctl(fd, ro, &count, 0), -err);
		igt_assert_eq_u64(*(uint64_t *)ro, 0);
		break;
	case COUNTERS_BEFORE_INIT:
		cfd = svm_open();
		igt_assert_eq(__svm_counters_ioctl(cfd, values, &count, 0), -err);
		break;
	}
	for (unsigned int i = 0; i < SVM_COUNTERS_NUM; i++)
		igt_assert_eq_u64(values[i], 0xa5a5a5a5a5a5a5a5ull);

	if (cfd != fd) {
		svm_init(cfd, 0, 0);
		count = SVM_COUNTERS_NUM;
		igt_assert_eq(__svm_counters_ioctl(cfd, values, &count, 0), 0);
		for (unsigned int i = 0; i < SVM_COUNTERS_NUM; i++)
			igt_assert_eq_u64(values[i], 0);
		close(cfd);
	}
	count = SVM_COUNTERS_NUM;
	igt_assert_eq(__svm_counters_ioctl(fd, values, &count, 0), 0);
	igt_assert_eq_u64(values[DRM_NVSIM_COUNTER_FAULTS], svm_counters(fd).faults);
	munmap(ro, ps);
}

static const struct {
	const char *name;
	const char *desc;
	struct drm_nvsim_config config;
} bad_config[] = {
	{ "param-0", "CONFIG of parameter 0: -EINVAL.",
	  { .param = DRM_NVSIM_PARAM_INVALID, .value = 64 } },
	{ "param-unknown", "CONFIG of an unknown parameter: -EINVAL.",
	  { .param = 99, .value = 64 } },
	{ "wave-0", "CONFIG of WAVE_PAGES to 0: -EINVAL.",
	  { .param = DRM_NVSIM_PARAM_WAVE_PAGES, .value = 0 } },
	{ "wave-513", "CONFIG of WAVE_PAGES to 513: -EINVAL.",
	  { .param = DRM_NVSIM_PARAM_WAVE_PAGES, .value = 513 } },
	{ "pad", "CONFIG with pad set: -EINVAL.",
	  { .param = DRM_NVSIM_PARAM_WAVE_PAGES, .pad = 1, .value = 64 } },
};

/* Set WAVE_PAGES to @value: the old value. */
static uint64_t set_wave_pages(int fd, uint64_t value)
{
	struct drm_nvsim_config c = {
		.param = DRM_NVSIM_PARAM_WAVE_PAGES,
		.value = value,
	};

	do_ioctl(fd, DRM_IOCTL_NVSIM_CONFIG, &c);
	return c.value;
}

static void test_bad_config(int fd, const struct drm_nvsim_config *bad)
{
	struct drm_nvsim_config c = *bad;
	uint64_t old;
	int ret;

	old = set_wave_pages(fd, 32);
	igt_assert(old >= 1 && old <= 512);
	ret = igt_ioctl(fd, DRM_IOCTL_NVSIM_CONFIG, &c) ? -errno : 0;
	if (!ret)	/* do not leave a wrong setting behind */
		set_wave_pages(fd, old);
	igt_assert_eq(ret, -EINVAL);
	/* Unchanged, and the engine runs with it. */
	igt_assert_eq_u64(set_wave_pages(fd, 32), 32);
	assert_fd_works(fd);
	igt_assert_eq_u64(set_wave_pages(fd, old), 32);
}

static const struct {
	const char *name;
	const char *desc;
	struct drm_nvsim_inject inject;
} bad_inject[] = {
	{ "what-0", "INJECT of what 0: -EINVAL.",
	  { .what = DRM_NVSIM_INJECT_INVALID, .count = 1 } },
	{ "what-unknown", "INJECT of an unknown what: -EINVAL.",
	  { .what = 99, .count = 1 } },
	{ "count", "INJECT with count above 1 << 20: -EINVAL.",
	  { .what = DRM_NVSIM_INJECT_FAULT_OVERFLOW, .count = (1u << 20) + 1 } },
};

static void test_bad_inject(int fd, const struct drm_nvsim_inject *bad)
{
	struct drm_nvsim_inject inj = *bad;
	struct svm_counters a, b, d;
	size_t size = 32 * ps;
	void *p = map_anon(size, PROT_READ | PROT_WRITE);
	int ret;

	ret = igt_ioctl(fd, DRM_IOCTL_NVSIM_INJECT, &inj) ? -errno : 0;
	if (!ret) {
		/* Disarm what was armed: it is device-wide. */
		inj.count = 0;
		igt_ioctl(fd, DRM_IOCTL_NVSIM_INJECT, &inj);
	}
	igt_assert_eq(ret, -EINVAL);

	/* Nothing armed: faults are served without drops or retries. */
	svm_pattern(p, size, 0x14000000);
	a = svm_counters(fd);
	assert_gpu_reads(fd, p, size);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.cancels, 0);
	assert_u64_lte(size / ps, d.pages_mapped);
	munmap(p, size);
}

/*
 * igt_fixture, igt_subtest and igt_subtest_group arm sigsetjmp() in the
 * functions below; gcc then flags every local that lives across them (the loop
 * indices, the group counters of the macros, fd).  None is changed between
 * a sigsetjmp() and the siglongjmp() back to it, so the warning is noise:
 * upstream IGT builds with -Wno-clobbered for the same reason.
 */
#pragma GCC diagnostic ignored "-Wclobbered"

/* Every bad-migrate-* or bad-prefetch-* subtest of @command. */
static void bad_migrate_subtests(int fd, const struct bind_ctx *c,
				 uint32_t command)
{
	const char *name = bind_command_name(command);

	igt_describe_f("SVM_BIND %s to VRAM with each invalid field: its errno, nothing moves.",
		       name);
	igt_subtest_with_dynamic_f("bad-%s", name) {
		for (int i = 0; i < ARRAY_SIZE(bad_migrate); i++) {
			igt_debug("%s: SVM_BIND %s to VRAM %s\n", bad_migrate[i].name,
				  name, bad_migrate[i].desc);
			igt_dynamic(bad_migrate[i].name)
				test_bad_migrate(fd, c, &bad_migrate[i], command);
		}
	}

	igt_describe_f("SVM_BIND %s to VRAM before SVM_INIT: -EINVAL.", name);
	igt_subtest_f("bad-%s-before-init", name)
		test_bad_migrate_before_init(c, command);

	igt_describe_f("SVM_BIND %s to VRAM from a process that inherited the file: -EPERM.",
		       name);
	igt_subtest_f("bad-%s-inherited-fd", name)
		test_bad_migrate_inherited(fd, c, command);
}

igt_main
{
	int fd = -1;

	igt_fixture
		ps = sysconf(_SC_PAGESIZE);

	/* What needs an SVM device, but no GPU work. */
	igt_subtest_group {
		struct bind_ctx bc = {};

		igt_fixture {
			fd = svm_open();
			bc.buf = map_anon(BIND_PAGES * ps, PROT_READ | PROT_WRITE);
			svm_pattern(bc.buf, BIND_PAGES * ps, 0x11000000);
			bc.win = map_anon(BIND_PAGES * ps, PROT_NONE);
			svm_init(fd, to_user_pointer(bc.win), BIND_PAGES * ps);
		}

		igt_describe("SVM_INIT works on an SVM device, counters start at zero.");
		igt_subtest("basic-init")
			basic_init();

		igt_describe("SVM_INIT with each invalid window: its errno.");
		igt_subtest_with_dynamic("bad-svm-init") {
			for (int i = 0; i < ARRAY_SIZE(bad_init); i++) {
				igt_debug("%s: %s\n", bad_init[i].name, bad_init[i].desc);
				igt_dynamic(bad_init[i].name)
					test_bad_init(bad_init[i].addr, bad_init[i].size,
						      bad_init[i].err);
			}
		}

		igt_describe("SVM_BIND with each invalid field: its errno.");
		igt_subtest_with_dynamic("bad-svm-bind") {
			for (int i = 0; i < ARRAY_SIZE(bad_bind); i++) {
				igt_debug("%s: %s\n", bad_bind[i].name, bad_bind[i].desc);
				igt_dynamic(bad_bind[i].name)
					test_bad_bind(fd, &bc, &bad_bind[i]);
			}
		}

		igt_describe("SVM_BIND before SVM_INIT: -EINVAL.");
		igt_subtest("bad-svm-bind-before-init")
			test_bad_bind_before_init(&bc);

		/* The device memory commands get the same checks. */
		igt_subtest_group {
			igt_fixture
				svm_require_vram(fd);

			bad_migrate_subtests(fd, &bc,
					     NOUVEAU_SVM_BIND_COMMAND__MIGRATE);

			igt_subtest_group {
				igt_fixture
					svm_require_prefetch(fd);

				bad_migrate_subtests(fd, &bc,
						     NOUVEAU_SVM_BIND_COMMAND__PREFETCH);
			}
		}

		igt_describe("GETPARAM of an unknown parameter: -EINVAL.");
		igt_subtest("bad-getparam-param")
			test_bad_getparam(fd);

		igt_fixture {
			munmap(bc.buf, BIND_PAGES * ps);
			munmap(bc.win, BIND_PAGES * ps);
			close(fd);
		}
	}

	/* GPU work: the simulated GPU, or nouveau through the device layer. */
	igt_subtest_group {
		struct exec_ctx ec = {};

		igt_fixture {
			fd = svm_open();
			svm_require_gpu_ops(fd);
			svm_init(fd, 0, 0);
			exec_ctx_init(&ec);
		}

		igt_describe("A second SVM_INIT on a file: -EBUSY.");
		igt_subtest("init-twice")
			init_twice(fd);

		igt_describe("The GPU reads malloc'd memory.");
		igt_subtest("gpu-read-malloc")
			gpu_read_malloc(fd);

		igt_describe("The GPU writes malloc'd memory.");
		igt_subtest("gpu-write-malloc")
			gpu_write_malloc(fd);

		igt_describe("The GPU reads a shared file mapping.");
		igt_subtest("gpu-read-mmap-file")
			gpu_read_mmap_file(fd);

		igt_describe("The GPU writes the calling thread's stack.");
		igt_subtest("gpu-write-stack")
			gpu_write_stack(fd);

		igt_describe("The GPU copies between two buffers.");
		igt_subtest("gpu-copy-between-buffers")
			gpu_copy_between_buffers(fd);

		igt_describe("Faults on fresh pages are served in batches.");
		igt_subtest("fault-batching")
			fault_batching(fd);

		igt_describe("A GPU access to PROT_NONE memory is cancelled.");
		igt_subtest("prot-none-cancel")
			prot_none_cancel(fd);

		igt_describe("A GPU write to read-only memory is cancelled.");
		igt_subtest("write-readonly-cancel")
			write_readonly_cancel(fd);

		igt_describe("A GPU access to an address without a VMA is cancelled.");
		igt_subtest("unmapped-address-cancel")
			unmapped_address_cancel(fd);

		igt_describe("munmap() invalidates GPU mappings.");
		igt_subtest("munmap-invalidates")
			munmap_invalidates(fd);

		igt_describe("mprotect() invalidates writable GPU mappings.");
		igt_subtest("mprotect-invalidates")
			mprotect_invalidates(fd);

		igt_describe("fork() copy-on-write keeps parent and child apart.");
		igt_subtest("fork-child-cow")
			fork_child_cow(fd);

		igt_describe("A process exits with GPU mappings; the device survives.");
		igt_subtest("exit-with-gpu-mappings")
			exit_with_gpu_mappings(fd);

		igt_describe("The unmanaged window is not mirrored nor bindable.");
		igt_subtest("unmanaged-window-not-mirrored")
			unmanaged_window_not_mirrored();

		igt_describe("Threads fault their own buffers through one file.");
		igt_subtest("threads-many-faults")
			threads_many_faults(fd);

		igt_describe("fdinfo counters equal DRM_NVSIM_COUNTERS.");
		igt_subtest("counters-fdinfo-match")
			counters_fdinfo_match(fd);

		igt_describe("Asynchronous EXEC, collected by WAIT.");
		igt_subtest("async-exec-wait")
			async_exec_wait(fd);

		igt_describe("An inherited file cannot run GPU work: -EPERM.");
		igt_subtest("inherited-fd-eperm")
			inherited_fd_eperm(fd);

		igt_describe("An unprivileged second client cannot reach the first one.");
		igt_subtest("unprivileged-client-isolated")
			unprivileged_client_isolated(fd);

		/* GPU atomics on system memory. */
		igt_subtest_group {
			igt_fixture
				svm_require_atomics(fd);

			igt_describe("GPU atomic adds on malloc'd memory.");
			igt_subtest("atomic-add-malloc")
				atomic_add_malloc(fd);

			igt_describe("GPU compare-and-swap on malloc'd memory.");
			igt_subtest("atomic-cas-malloc")
				atomic_cas_malloc(fd);

			igt_describe("CPU threads and the GPU add to one counter.");
			igt_subtest("atomic-cpu-gpu-interleaved")
				atomic_cpu_gpu_interleaved(fd);

			igt_describe("A CPU read revokes the GPU's atomic access.");
			igt_subtest("atomic-revoked-on-cpu-read")
				atomic_revoked_on_cpu(fd, false);

			igt_describe("A CPU write revokes the GPU's atomic access.");
			igt_subtest("atomic-revoked-on-cpu-write")
				atomic_revoked_on_cpu(fd, true);

			igt_describe("fork() while the GPU holds a page for atomics.");
			igt_subtest("atomic-fork")
				atomic_fork(fd);

			igt_describe("mprotect() revokes atomic access; atomics then cancel.");
			igt_subtest("atomic-mprotect")
				atomic_mprotect(fd);

			igt_describe("munmap() revokes atomic access; atomics then cancel.");
			igt_subtest("atomic-munmap")
				atomic_munmap(fd);

			igt_describe("GPU atomics on a transparent huge page.");
			igt_subtest("atomic-thp")
				atomic_thp(fd);

			igt_describe("GPU atomics on shared anonymous memory are cancelled.");
			igt_subtest("atomic-shared-anon")
				atomic_shared_anon(fd);

			igt_describe("ADVISE_ATOMIC REFUSE cancels GPU atomics in its range, and only there.");
			igt_subtest("atomic-policy-refuse")
				atomic_policy_refuse(fd);

			igt_describe("A GPU atomic on a page that maps the zero page.");
			igt_subtest("atomic-zero-page")
				atomic_zero_page(fd);

			igt_describe("fork() while GPU atomics are granted: no fork fails.");
			igt_subtest("atomic-fork-while-granting")
				atomic_fork_while_granting(fd);

			igt_describe("A page the CPU keeps taking back: every GPU atomic finishes.");
			igt_subtest("atomic-pingpong-bounded")
				atomic_pingpong_bounded(fd);

			igt_describe("A CPU thread fighting the GPU over a page, with a slow replay.");
			igt_subtest("atomic-pingpong-slow-replay")
				atomic_pingpong_slow_replay(fd);

			igt_describe("A CPU and a GPU taking turns on a page never back off.");
			igt_subtest("atomic-turns-no-backoff")
				atomic_turns_no_backoff(fd);

			igt_describe("The atomic time slice starts at the replay, not at the grant.");
			igt_subtest("atomic-slice-starts-at-replay")
				atomic_slice_starts_at_replay(fd);

			igt_describe("GPU atomics: refused on shared file mappings, private copies on private ones.");
			igt_subtest("atomic-file-backed")
				atomic_file_backed(fd);

			igt_describe("GPU atomics on read-only memory are cancelled.");
			igt_subtest("atomic-readonly-cancel")
				atomic_readonly_cancel(fd);

			igt_describe("GPU atomics on a page KSM merged: unshared first, exact.");
			igt_subtest("atomic-ksm")
				atomic_ksm(fd);
		}

		/* Device memory: migration to VRAM and back. */
		igt_subtest_group {
			igt_fixture
				svm_require_vram(fd);

			igt_describe("MIGRATE to VRAM moves every page, once.");
			igt_subtest("migrate-vram-basic")
				migrate_vram_basic(fd);

			igt_describe("PREFETCH to VRAM: the GPU's first access does not fault.");
			igt_subtest("migrate-vram-then-gpu-access")
				migrate_vram_then_gpu_access(fd);

			igt_describe("PREFETCH to system memory: the GPU's first access does not fault.");
			igt_subtest("prefetch-host-then-gpu-access")
				prefetch_host_then_gpu_access(fd);

			igt_describe("MIGRATE to system memory brings back whole allocations.");
			igt_subtest("migrate-host-basic")
				migrate_host_basic(fd);

			igt_describe("Threads move pages both ways at once: each copy counted.");
			igt_subtest("migrate-threads-counted")
				migrate_threads_counted(fd);

			igt_describe("CPU data, to VRAM, GPU writes, back: the CPU sees both.");
			igt_subtest("migrate-roundtrip-data")
				migrate_roundtrip_data(fd);

			igt_describe("Transparent huge pages move as 2 MiB folios.");
			igt_subtest("migrate-thp")
				migrate_thp(fd);

			igt_describe("A THP in VRAM read from a range inside it: the right pages.");
			igt_subtest("migrate-thp-read-from-inside")
				migrate_thp_read_from_inside(fd);

			igt_describe("MIGRATE to VRAM as Mesa sends it maps what it moved: no GPU fault after.");
			igt_subtest("migrate-mesa-maps-vram")
				migrate_mesa_maps_vram(fd);

			igt_describe("MIGRATE to VRAM after fork() leaves shared VRAM where it is.");
			igt_subtest("migrate-after-fork-keeps-vram")
				migrate_after_fork_keeps_vram(fd);

			igt_describe("MIGRATE of the middle of a buffer moves exactly that.");
			igt_subtest("migrate-partial-range")
				migrate_partial_range(fd);

			igt_describe("MIGRATE across anon, file, a hole and shared memory: a partial success.");
			igt_subtest("migrate-mixed-vma")
				migrate_mixed_vma(fd);

			igt_describe("A CPU access brings back its page's allocation, only it.");
			igt_subtest("cpu-fault-migrates-back")
				cpu_fault_migrates_back(fd);

			igt_describe("A CPU access brings back a whole THP as one.");
			igt_subtest("cpu-fault-thp-whole-folio")
				cpu_fault_thp_whole_folio(fd);

			igt_describe("Four times VRAM migrated: eviction makes room, nothing lost.");
			igt_subtest("evict-when-vram-full")
				evict_when_vram_full(fd);

			igt_describe("Two processes evict each other, both keep their data.");
			igt_subtest("evict-two-processes")
				evict_two_processes(fd);

			igt_describe("fork() with pages in VRAM: copy-on-write keeps them apart.");
			igt_subtest("fork-after-migrate")
				fork_after_migrate(fd);

			igt_describe("fork() with VRAM, the sharing check failing once: never mapped writable.");
			igt_subtest("fork-after-migrate-snapshot-fails")
				fork_after_migrate_snapshot_fails(fd);

			igt_describe("MIGRATE back across a page table, with holes: each page to its place.");
			igt_subtest("migrate-back-across-page-tables")
				migrate_back_across_page_tables(fd);

			igt_describe("munmap() of memory in VRAM releases the VRAM.");
			igt_subtest("munmap-vram-range")
				munmap_vram_range(fd);

			igt_describe("A process exits with pages in VRAM: the VRAM is released.");
			igt_subtest("exit-with-vram-pages")
				exit_with_vram_pages(fd);

			igt_describe("A failed copy to VRAM: -EIO, the data stays in system memory.");
			igt_subtest("copy-failure-injected")
				copy_failure_injected(fd);

			igt_describe("A failed copy back: -EIO, the data stays in VRAM.");
			igt_subtest("copy-failure-injected-host")
				copy_failure_injected_host(fd);

			igt_describe("VRAM that cannot be had: -ENOMEM, nothing lost.");
			igt_subtest("alloc-failure-injected")
				alloc_failure_injected(fd);

			igt_describe("MIGRATE and PREFETCH of unmapped memory: -EFAULT.");
			igt_subtest("migrate-unmapped-efault")
				migrate_unmapped_efault(fd);

			igt_describe("MIGRATE of shared memory to VRAM: -EOPNOTSUPP.");
			igt_subtest("migrate-file-backed-eopnotsupp")
				migrate_file_backed_eopnotsupp(fd);

			igt_describe("GPU atomics on pages in VRAM: exact, no device-exclusive entry.");
			igt_subtest("atomic-vram-no-exclusive")
				atomic_vram_no_exclusive(fd);

			igt_describe("ADVISE_ATOMIC MIGRATE: GPU atomics move the pages to VRAM.");
			igt_subtest("atomic-policy-migrate")
				atomic_policy_migrate(fd);

			igt_describe("ADVISE_ATOMIC MIGRATE under a CPU thread: a bounce a slice at most.");
			igt_subtest("atomic-policy-migrate-bounded")
				atomic_policy_migrate_bounded(fd);
		}

		/* The simulated GPU's private uAPI. */
		igt_subtest_group {
			igt_fixture
				svm_require_sim(fd, "the simulated GPU's private uAPI");

			igt_describe("DRM_NVSIM_EXEC with each invalid field: its errno.");
			igt_subtest_with_dynamic("bad-exec") {
				for (int i = 0; i < ARRAY_SIZE(bad_exec); i++) {
					igt_debug("%s: %s\n", bad_exec[i].name, bad_exec[i].desc);
					igt_dynamic(bad_exec[i].name)
						test_bad_exec(fd, &ec, &bad_exec[i]);
				}
			}

			igt_describe("DRM_NVSIM_WAIT with each invalid field: its errno.");
			igt_subtest_with_dynamic("bad-wait") {
				for (int i = 0; i < ARRAY_SIZE(bad_wait); i++) {
					igt_debug("%s: %s\n", bad_wait[i].name, bad_wait[i].desc);
					igt_dynamic(bad_wait[i].name)
						test_bad_wait(fd, bad_wait[i].kind,
							      bad_wait[i].err);
				}
			}

			igt_describe("DRM_NVSIM_COUNTERS with each invalid field: its errno.");
			igt_subtest_with_dynamic("bad-counters") {
				for (int i = 0; i < ARRAY_SIZE(bad_counters); i++) {
					igt_debug("%s: %s\n", bad_counters[i].name,
						  bad_counters[i].desc);
					igt_dynamic(bad_counters[i].name)
						test_bad_counters(fd, bad_counters[i].kind,
								  bad_counters[i].err);
				}
			}

			igt_describe("DRM_NVSIM_CONFIG with each invalid field: its errno.");
			igt_subtest_with_dynamic("bad-config") {
				for (int i = 0; i < ARRAY_SIZE(bad_config); i++) {
					igt_debug("%s: %s\n", bad_config[i].name,
						  bad_config[i].desc);
					igt_dynamic(bad_config[i].name)
						test_bad_config(fd, &bad_config[i].config);
				}
			}

			igt_describe("DRM_NVSIM_INJECT with each invalid field: its errno.");
			igt_subtest_with_dynamic("bad-inject") {
				for (int i = 0; i < ARRAY_SIZE(bad_inject); i++) {
					igt_debug("%s: %s\n", bad_inject[i].name,
						  bad_inject[i].desc);
					igt_dynamic(bad_inject[i].name)
						test_bad_inject(fd, &bad_inject[i].inject);
				}
			}
		}

		igt_fixture {
			exec_ctx_fini(&ec);
			close(fd);
		}
	}
}
