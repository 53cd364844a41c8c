// SPDX-License-Identifier: MIT
/*
 * nouveau SVM simulated GPU: the exec engine, which runs the command lists
 * of several channels at the same time through the GPU page tables, faults
 * on misses and stalls until the core replays or cancels.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "nvsim.h"

#define CREATE_TRACE_POINTS
#include "nvsim_trace.h"

/**
 * DOC: Exec engine
 *
 * A device has several runners (the runners module parameter, default 4),
 * kernel threads that each run one channel's job at a time, as a GPU runs
 * the channels of several clients at once.  A file has DRM_NVSIM_CHANNELS
 * channels: the jobs of one channel run in submission order, one after the
 * other; an idle runner takes the oldest queued job whose channel no other
 * runner is running.
 *
 * A runner walks each command's pages in waves of &nvsim_job.wave_pages
 * pages: it first translates every page of the wave and gathers a fault
 * for each one that misses the access it needs, then posts them to the
 * fault ring in shuffled order, as the threads of a wave fault in no
 * particular order.  If none missed, it accesses the pages one by one,
 * each under the VM's TLB lock.  An access that misses at that point (an
 * invalidation came in between) faults too; the pages already done stay
 * done, as on a GPU where each access is replayed on its own.  An entry
 * whose DMA address the IOMMU does not map ends the job with -ENXIO (see
 * DOC: IOMMU).
 *
 * A GPU atomic on system memory is a read-modify-write through the
 * runner's own mapping of the page.  The first one of each job has a
 * window between the read and the write in which the runner drops the
 * TLB lock and sleeps (module parameter atomic_window_us, 20 us by
 * default, a scheduler tick on a kernel without high-resolution timers;
 * `make bench` turns it off for its round trips), so that any CPU thread, on
 * this CPU or another, may run meanwhile; the job's later ones read and
 * write at once under the TLB lock, so that a job of thousands of
 * atomics runs at a GPU's pace.  Only the page being device-exclusive
 * keeps a CPU write out of the window: the CPU's access faults, and the
 * revocation's unmap waits for the atomic to end (&nvsim_vm.atomic_va);
 * a core that maps atomics without it loses CPU writes.  A busy-wait
 * window would not show that under TCG, where a vCPU that spins rarely
 * overlaps another vCPU's accesses.  The GPU's own atomics are atomic to
 * each other, in every VM, through &nvsim_engine.atomic_unit, as a GPU's
 * L2 makes them.  An atomic on VRAM is atomic inside the device.
 *
 * While a wave faults, the accesses of the commands after it are in
 * flight too, as the threads of a real GPU run side by side: the first
 * pages of the following commands, up to the wave's size in all, are
 * translated and their misses fault in the same batch (see
 * nvsim_wave_probe_ahead()).
 *
 * After faulting, the engine tells the core and stalls until the next
 * replay, then retries.  A cancelled fault, or the VM going away, ends the
 * job at once.  The engine never waits without bound: a stall times out
 * (the watchdog of a real channel), a wave whose faults were all dropped
 * is retried after a short timer (the replay a GPU's overflow interrupt
 * leads to), and 256 retries without progress end the job with -EIO.
 *
 * Tracepoints (nvsim_trace.h) follow a job by its token, which its faults
 * carry too: nvsim_job_queue, _start (a runner takes it), _stall (it
 * posts its faults and waits), _resume, _retire (the runner is done with
 * it) and _collect (its submitter has it).  Between a stall and its
 * resume the core's nouveau_svm_fault_batch, _fault_group and _replay
 * come; `make profile` cuts each fault into those stages
 * (.ci/profile-stages.py).
 */

/* How long a stall with faults in the ring may last: the channel watchdog. */
#define NVSIM_STALL_TIMEOUT	(10 * HZ)
/* How soon a wave whose faults were all dropped retries. */
#define NVSIM_REPLAY_TIMER	msecs_to_jiffies(1)
/* Retries of a command without progress before the job fails. */
#define NVSIM_MAX_RETRIES	256

static unsigned int replay_delay_us;
module_param(replay_delay_us, uint, 0644);
MODULE_PARM_DESC(replay_delay_us,
		 "Time each replay takes before the stalled accesses retry, at most 1 s (default 0): a slow replay, for tests");

static unsigned int atomic_window_us = 20;
module_param(atomic_window_us, uint, 0644);
MODULE_PARM_DESC(atomic_window_us,
		 "Sleep between the read and the write of a job's first GPU atomic on system memory, at most 1 s (0: none, the atomic is done at once under the TLB lock; default 20)");

/**
 * struct nvsim_tally - the faults one attempt at a wave raised
 * @missed: accesses that missed in the page table
 * @posted: faults that went into the ring
 * @dropped: faults the ring dropped
 * @dma_error: an entry's DMA address was not mapped (the job fails)
 */
struct nvsim_tally {
	unsigned int missed;
	unsigned int posted;
	unsigned int dropped;
	bool dma_error;
};

static struct nvsim_device *engine_to_ndev(struct nvsim_engine *engine)
{
	return container_of(engine, struct nvsim_device, engine);
}

static void nvsim_job_release(struct kref *ref)
{
	struct nvsim_job *job = container_of(ref, struct nvsim_job, ref);

	kvfree(job->cmds);
	kfree(job);
}

static void nvsim_job_put(struct nvsim_job *job)
{
	kref_put(&job->ref, nvsim_job_release);
}

/* End @job with @status and wake whoever waits for it. */
static void nvsim_job_end(struct nvsim_job *job, int status)
{
	job->status = status;
	complete_all(&job->done);
}

static int nvsim_job_aborted(struct nvsim_engine *engine, struct nvsim_job *job)
{
	int abort;

	spin_lock(&engine->lock);
	abort = job->abort;
	spin_unlock(&engine->lock);
	return abort;
}

/* What an access to the command's destination needs from the entry. */
static u64 nvsim_cmd_need(const struct drm_nvsim_cmd *cmd)
{
	switch (cmd->op) {
	case DRM_NVSIM_OP_READ:
		return NVSIM_PTE_VALID;
	case DRM_NVSIM_OP_ATOMIC_ADD:
	case DRM_NVSIM_OP_ATOMIC_CAS:
		return NVSIM_PTE_VALID | NVSIM_PTE_WRITE | NVSIM_PTE_ATOMIC;
	default:
		return NVSIM_PTE_VALID | NVSIM_PTE_WRITE;
	}
}

static u8 nvsim_need_access(u64 need)
{
	if (need & NVSIM_PTE_ATOMIC)
		return NOUVEAU_SVM_ACCESS_ATOMIC;
	if (need & NVSIM_PTE_WRITE)
		return NOUVEAU_SVM_ACCESS_WRITE;
	return NOUVEAU_SVM_ACCESS_READ;
}

/*
 * Post the faults @job gathered, in shuffled order: the accesses of a wave
 * fault in no particular order.
 */
static void nvsim_job_post_faults(struct nvsim_job *job,
				  struct nvsim_tally *tally)
{
	struct nvsim_runner *runner = job->runner;
	struct nouveau_svm_fault *f = runner->misses;
	unsigned int i, n = runner->nmisses;

	for (i = n; i > 1; i--)
		swap(f[i - 1], f[get_random_u32_below(i)]);
	for (i = 0; i < n; i++) {
		if (nvsim_fault_post(&job->nvm->ndev->ring, &f[i], job->nvm,
				     job->chan))
			tally->posted++;
		else
			tally->dropped++;
	}
	runner->nmisses = 0;
}

/* Gather the fault of an access by @job at @va that lacked @need. */
static void nvsim_job_fault(struct nvsim_job *job, u64 va, u64 need,
			    struct nvsim_tally *tally)
{
	struct nvsim_runner *runner = job->runner;

	if (runner->nmisses == NVSIM_MISSES_MAX)
		nvsim_job_post_faults(job, tally);
	runner->misses[runner->nmisses++] = (struct nouveau_svm_fault){
		.addr = va & PAGE_MASK,
		.inst = nouveau_svm_vm_inst(job->nvm->vm),
		.token = job->token,
		.access = nvsim_need_access(need),
	};
	tally->missed++;
}

static int nvsim_probe_page(struct nvsim_vm *nvm, u64 va, u64 need)
{
	struct page *page;
	bool vram;
	int ret;

	spin_lock(&nvm->tlb_lock);
	ret = nvsim_pt_translate(nvm, va, need, &page, &vram);
	spin_unlock(&nvm->tlb_lock);
	return ret;
}

static void nvsim_probe_range(struct nvsim_job *job, u64 start, u64 end,
			      u64 need, struct nvsim_tally *tally)
{
	u64 va;
	int ret;

	for (va = start & PAGE_MASK; va < end; va += PAGE_SIZE) {
		ret = nvsim_probe_page(job->nvm, va, need);
		if (ret == -EFAULT)
			nvsim_job_fault(job, va, need, tally);
		else if (ret)
			tally->dma_error = true;
	}
}

/* Translate the pages of bytes [@pos, @end) of @cmd; fault the misses. */
static void nvsim_wave_probe(struct nvsim_job *job,
			     const struct drm_nvsim_cmd *cmd, u64 pos, u64 end,
			     struct nvsim_tally *tally)
{
	nvsim_probe_range(job, cmd->addr + pos, cmd->addr + end,
			  nvsim_cmd_need(cmd), tally);
	if (cmd->op == DRM_NVSIM_OP_COPY)
		nvsim_probe_range(job, cmd->src + pos, cmd->src + end,
				  NVSIM_PTE_VALID, tally);
}

static void nvsim_access_read(struct drm_nvsim_cmd *cmd, u64 pos,
			      const __le64 *w, unsigned int n)
{
	u64 i = pos / sizeof(u64);
	unsigned int k;

	for (k = 0; k < n; k++)
		cmd->result += le64_to_cpu(w[k]) * (2 * (i + k) + 1);
}

static void nvsim_access_write(const struct drm_nvsim_cmd *cmd, u64 pos,
			       __le64 *w, unsigned int n)
{
	u64 i = pos / sizeof(u64);
	unsigned int k;

	for (k = 0; k < n; k++)
		w[k] = cpu_to_le64(cmd->value + i + k);
}

static void nvsim_access_fill(const struct drm_nvsim_cmd *cmd, __le64 *w,
			      unsigned int n)
{
	unsigned int k;

	for (k = 0; k < n; k++)
		w[k] = cpu_to_le64(cmd->value);
}

/* Word by word and ascending, so that overlapping copies are defined. */
static void nvsim_access_copy(struct page *src, u64 va, __le64 *w,
			      unsigned int n)
{
	__le64 *s = kmap_local_page(src) + offset_in_page(va);
	unsigned int k;

	for (k = 0; k < n; k++)
		w[k] = s[k];
	kunmap_local(s);
}

/*
 * A GPU atomic on system memory at @va, in @page: read, with @window a
 * window with the TLB lock dropped, compute and write back through the
 * GPU's own mapping, which only device-exclusive access keeps atomic
 * against the CPU (see DOC: Exec engine).  An unmap of @va in the window
 * waits for the write: the page stays the one the entry mapped.
 */
static void nvsim_atomic_sys(struct nvsim_vm *nvm, struct drm_nvsim_cmd *cmd,
			     u64 va, struct page *page, bool window)
	__must_hold(&nvm->tlb_lock)
{
	unsigned int window_us = min_t(unsigned int, READ_ONCE(atomic_window_us),
				       USEC_PER_SEC);
	u64 *p = kmap_local_page(page) + offset_in_page(va);
	u64 old = READ_ONCE(*p);

	lockdep_assert_held(&nvm->ndev->engine.atomic_unit);
	window &= window_us > 0;
	if (window) {
		kunmap_local(p);
		nvm->atomic_va = va & PAGE_MASK;
		spin_unlock(&nvm->tlb_lock);
		fsleep(window_us);
		spin_lock(&nvm->tlb_lock);
		p = kmap_local_page(page) + offset_in_page(va);
	}
	if (cmd->op == DRM_NVSIM_OP_ATOMIC_ADD)
		WRITE_ONCE(*p, old + cmd->value);
	else if (old == cmd->compare)
		WRITE_ONCE(*p, cmd->value);
	kunmap_local(p);
	if (window) {
		nvm->atomic_va = NVSIM_NO_ATOMIC;
		wake_up_all(&nvm->atomic_wq);
	}
	cmd->result = old;
}

static bool nvsim_cmd_is_atomic(const struct drm_nvsim_cmd *cmd)
{
	return cmd->op == DRM_NVSIM_OP_ATOMIC_ADD ||
	       cmd->op == DRM_NVSIM_OP_ATOMIC_CAS;
}

/* An atomic inside the device: VRAM. */
static u64 nvsim_atomic_vram(const struct drm_nvsim_cmd *cmd, u64 *p)
{
	if (cmd->op == DRM_NVSIM_OP_ATOMIC_ADD)
		return atomic64_fetch_add(cmd->value, (atomic64_t *)p);
	return atomic64_cmpxchg((atomic64_t *)p, cmd->compare, cmd->value);
}

/*
 * Do bytes [@pos, @pos + @len) of @cmd, which lie in @dst (and @src); an
 * atomic here is one on VRAM.
 */
static void nvsim_chunk_access(struct drm_nvsim_cmd *cmd, u64 pos, u64 len,
			       struct page *dst, struct page *src)
{
	void *p = kmap_local_page(dst) + offset_in_page(cmd->addr + pos);
	unsigned int n = len / sizeof(u64);

	switch (cmd->op) {
	case DRM_NVSIM_OP_READ:
		nvsim_access_read(cmd, pos, p, n);
		break;
	case DRM_NVSIM_OP_WRITE:
		nvsim_access_write(cmd, pos, p, n);
		break;
	case DRM_NVSIM_OP_FILL:
		nvsim_access_fill(cmd, p, n);
		break;
	case DRM_NVSIM_OP_COPY:
		nvsim_access_copy(src, cmd->src + pos, p, n);
		break;
	case DRM_NVSIM_OP_ATOMIC_ADD:
	case DRM_NVSIM_OP_ATOMIC_CAS:
		cmd->result = nvsim_atomic_vram(cmd, p);
		break;
	}
	kunmap_local(p);
}

/*
 * Translate and access one chunk, all under the TLB lock so that no unmap
 * can take the pages away meanwhile.  Return: false if a page missed (its
 * fault is gathered) or had no DMA mapping.
 */
static bool nvsim_chunk_exec(struct nvsim_job *job, struct drm_nvsim_cmd *cmd,
			     u64 pos, u64 len, struct nvsim_tally *tally)
{
	struct nvsim_vm *nvm = job->nvm;
	struct mutex *unit = &nvm->ndev->engine.atomic_unit;
	bool atomic = nvsim_cmd_is_atomic(cmd);
	struct page *dst, *src = NULL;
	u64 need = nvsim_cmd_need(cmd);
	u64 va = cmd->addr + pos;
	bool vram, src_vram;
	int ret;

	if (atomic)
		mutex_lock(unit);
	spin_lock(&nvm->tlb_lock);
	ret = nvsim_pt_translate(nvm, va, need, &dst, &vram);
	if (!ret && cmd->op == DRM_NVSIM_OP_COPY) {
		va = cmd->src + pos;
		need = NVSIM_PTE_VALID;
		ret = nvsim_pt_translate(nvm, va, need, &src, &src_vram);
	}
	if (!ret && atomic && !vram) {
		nvsim_atomic_sys(nvm, cmd, va, dst, !job->atomic_slept);
		job->atomic_slept = true;
	} else if (!ret) {
		nvsim_chunk_access(cmd, pos, len, dst, src);
	}
	spin_unlock(&nvm->tlb_lock);
	if (atomic)
		mutex_unlock(unit);

	if (ret == -EFAULT)
		nvsim_job_fault(job, va, need, tally);
	else if (ret)
		tally->dma_error = true;
	return !ret;
}

/* The longest run from @pos on that stays in one page of each operand. */
static u64 nvsim_chunk_len(const struct drm_nvsim_cmd *cmd, u64 pos, u64 end)
{
	u64 len = min(end - pos, PAGE_SIZE - offset_in_page(cmd->addr + pos));

	if (cmd->op == DRM_NVSIM_OP_COPY)
		len = min(len, PAGE_SIZE - offset_in_page(cmd->src + pos));
	return len;
}

/* Access bytes [@pos, @end) of @cmd.  Return: where it stopped. */
static u64 nvsim_wave_exec(struct nvsim_job *job, struct drm_nvsim_cmd *cmd,
			   u64 pos, u64 end, struct nvsim_tally *tally)
{
	u64 len;

	while (pos < end) {
		len = nvsim_chunk_len(cmd, pos, end);
		if (!nvsim_chunk_exec(job, cmd, pos, len, tally))
			break;
		pos += len;
	}
	return pos;
}

/* The end of the wave that starts at byte @pos of @cmd. */
static u64 nvsim_wave_end(const struct drm_nvsim_cmd *cmd, u64 pos,
			  u32 wave_pages)
{
	u64 va = (cmd->addr + pos) & PAGE_MASK;

	return min(cmd->size, va + ((u64)wave_pages << PAGE_SHIFT) - cmd->addr);
}

static u64 nvsim_replay_seq(struct nvsim_engine *engine)
{
	u64 seq;

	spin_lock(&engine->lock);
	seq = engine->replay_seq;
	spin_unlock(&engine->lock);
	return seq;
}

static bool nvsim_job_may_go(struct nvsim_engine *engine,
			     struct nvsim_job *job, u64 seq)
{
	bool go;

	spin_lock(&engine->lock);
	go = engine->replay_seq != seq || job->abort;
	spin_unlock(&engine->lock);
	return go || kthread_should_stop();
}

/*
 * Tell the core about the faults and wait for a replay after @seq.
 * Return: 0 to retry, or the status that ends the job.
 */
static int nvsim_job_stall(struct nvsim_engine *engine, struct nvsim_job *job,
			   u64 seq, const struct nvsim_tally *tally)
{
	long timeout = tally->posted ? NVSIM_STALL_TIMEOUT : NVSIM_REPLAY_TIMER;
	long left;
	int abort;

	nouveau_svm_fault_notify(&engine_to_ndev(engine)->sdev);
	left = wait_event_idle_timeout(engine->stall_wq,
				       nvsim_job_may_go(engine, job, seq),
				       timeout);
	abort = nvsim_job_aborted(engine, job);
	if (!abort && kthread_should_stop())
		abort = -ENODEV;
	if (!abort && !left && tally->posted)
		abort = -EIO;
	trace_nvsim_job_resume(job->token, abort);
	return abort;
}

/* Pages that bytes [@pos, @end) of an operand at @va span. */
static u64 nvsim_span_pages(u64 va, u64 pos, u64 end)
{
	return (PAGE_ALIGN(va + end) - ((va + pos) & PAGE_MASK)) >> PAGE_SHIFT;
}

/* Pages that bytes [@pos, @end) of @cmd touch: its destination, a COPY its source too. */
static u64 nvsim_wave_pages(const struct drm_nvsim_cmd *cmd, u64 pos, u64 end)
{
	u64 n = nvsim_span_pages(cmd->addr, pos, end);

	if (cmd->op == DRM_NVSIM_OP_COPY)
		n += nvsim_span_pages(cmd->src, pos, end);
	return n;
}

/*
 * While command @i faults, the threads running the commands after it have
 * their first accesses in flight too: translate the first pages of those
 * commands, @budget pages in all, and fault their misses into the same
 * batch.  A batch then holds faults of several commands: atomics on
 * neighbouring pages of one folio, duplicates of one page, reads, writes
 * and atomics mixed.
 */
static void nvsim_wave_probe_ahead(struct nvsim_job *job, unsigned int i,
				   u64 budget, struct nvsim_tally *tally)
{
	const struct drm_nvsim_cmd *cmd;
	u64 end;

	for (i++; i < job->count && budget; i++) {
		cmd = &job->cmds[i];
		end = nvsim_wave_end(cmd, 0, budget);
		nvsim_wave_probe(job, cmd, 0, end, tally);
		budget -= min(budget, nvsim_wave_pages(cmd, 0, end));
	}
}

/* Run command @i.  Return: 0, or the status that ends the job. */
static int nvsim_cmd_run(struct nvsim_engine *engine, struct nvsim_job *job,
			 unsigned int i)
{
	struct drm_nvsim_cmd *cmd = &job->cmds[i];
	struct nvsim_tally tally;
	u64 pos = 0, end, done, seq, used;
	unsigned int retries = 0;
	int ret;

	while (pos < cmd->size) {
		ret = nvsim_job_aborted(engine, job);
		if (ret)
			return ret;
		cond_resched();

		end = nvsim_wave_end(cmd, pos, job->wave_pages);
		seq = nvsim_replay_seq(engine);
		tally = (struct nvsim_tally){};
		nvsim_wave_probe(job, cmd, pos, end, &tally);
		if (tally.missed) {
			used = nvsim_wave_pages(cmd, pos, end);
			if (used < job->wave_pages)
				nvsim_wave_probe_ahead(job, i, job->wave_pages - used,
						       &tally);
		} else if (!tally.dma_error) {
			done = nvsim_wave_exec(job, cmd, pos, end, &tally);
			if (done > pos)
				retries = 0;
			pos = done;
			if (pos == end)
				continue;
		}
		if (tally.dma_error)
			return -ENXIO;

		/* Before the faults are in the ring, where the core may take them. */
		trace_nvsim_job_stall(job->token, tally.missed);
		nvsim_job_post_faults(job, &tally);
		if (++retries > NVSIM_MAX_RETRIES)
			return -EIO;
		ret = nvsim_job_stall(engine, job, seq, &tally);
		if (ret)
			return ret;
	}
	return 0;
}

static int nvsim_job_run(struct nvsim_engine *engine, struct nvsim_job *job)
{
	unsigned int i;
	int ret;

	for (i = 0; i < job->count; i++) {
		ret = nvsim_cmd_run(engine, job, i);
		if (ret)
			return ret;
	}
	return 0;
}

/* Whether a runner runs a job of @job's channel. */
static bool nvsim_engine_chan_busy(struct nvsim_engine *engine,
				   const struct nvsim_job *job)
{
	const struct nvsim_job *other;
	unsigned int i;

	lockdep_assert_held(&engine->lock);
	for (i = 0; i < engine->nr_runners; i++) {
		other = engine->runners[i].job;
		if (other && other->nfile == job->nfile &&
		    other->chan == job->chan)
			return true;
	}
	return false;
}

/*
 * The oldest queued job whose channel is idle.  An older job of the same
 * channel is either running or ahead in the queue, so a channel's jobs
 * run in order.  Return: the job, or NULL.
 */
static struct nvsim_job *nvsim_engine_runnable(struct nvsim_engine *engine)
{
	struct nvsim_job *job;

	lockdep_assert_held(&engine->lock);
	list_for_each_entry(job, &engine->queue, link)
		if (!nvsim_engine_chan_busy(engine, job))
			return job;
	return NULL;
}

/* Make the oldest runnable job @runner's.  Return: the job, or NULL. */
static struct nvsim_job *nvsim_runner_pick(struct nvsim_runner *runner)
{
	struct nvsim_engine *engine = runner->engine;
	struct nvsim_job *found;

	spin_lock(&engine->lock);
	found = nvsim_engine_runnable(engine);
	if (found) {
		list_del_init(&found->link);
		found->runner = runner;
		runner->job = found;
		/* What a job that failed left gathered is not posted. */
		runner->nmisses = 0;
	}
	spin_unlock(&engine->lock);
	return found;
}

/*
 * Wait for a job @runner may run and make it its own; NULL to stop.  The
 * wait is exclusive: a new job wakes one idle runner, not all of them
 * (each wakeup of a runner that finds nothing is a context switch for
 * nothing, and every job paid three).  A job becomes runnable when it is
 * queued (nvsim_engine_queue() wakes a runner), when a runner finishes
 * its channel's job (that runner looks for work itself before it sleeps),
 * or when a wakeup went to a runner that had a job already (see below),
 * so no runnable job waits while a runner sleeps.
 */
static struct nvsim_job *nvsim_runner_next(struct nvsim_runner *runner)
{
	struct nvsim_engine *engine = runner->engine;
	struct nvsim_job *job = NULL;
	bool more;

	wait_event_idle_exclusive(engine->work_wq,
				  (job = nvsim_runner_pick(runner)) ||
				  kthread_should_stop());
	/*
	 * While this runner took its job it was still on the wait queue, and
	 * a wakeup for another job may have gone to it for nothing.  Off the
	 * queue now, it passes the wakeup on if another job can run.
	 */
	spin_lock(&engine->lock);
	more = nvsim_engine_runnable(engine);
	spin_unlock(&engine->lock);
	if (more)
		wake_up(&engine->work_wq);
	if (job)
		trace_nvsim_job_start(job->token, runner - engine->runners);
	return job;
}

static void nvsim_runner_retire(struct nvsim_runner *runner,
				struct nvsim_job *job, int status)
{
	struct nvsim_engine *engine = runner->engine;

	spin_lock(&engine->lock);
	runner->job = NULL;
	spin_unlock(&engine->lock);
	wake_up_all(&engine->idle_wq);
	/* This runner looks for the channel's next job itself. */

	trace_nvsim_job_retire(job->token, status);
	nvsim_job_end(job, status);
	nvsim_job_put(job);
}

/* Fail the jobs still queued when the engine stops. */
static void nvsim_engine_drain(struct nvsim_engine *engine)
{
	struct nvsim_job *job, *next;
	LIST_HEAD(jobs);

	spin_lock(&engine->lock);
	list_splice_init(&engine->queue, &jobs);
	spin_unlock(&engine->lock);

	list_for_each_entry_safe(job, next, &jobs, link) {
		list_del_init(&job->link);
		nvsim_job_end(job, -ENODEV);
		nvsim_job_put(job);
	}
}

static int nvsim_runner_thread(void *data)
{
	struct nvsim_runner *runner = data;
	struct nvsim_job *job;

	while ((job = nvsim_runner_next(runner)))
		nvsim_runner_retire(runner, job,
				    nvsim_job_run(runner->engine, job));
	return 0;
}

static void nvsim_engine_stop(struct nvsim_engine *engine, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		kthread_stop(engine->runners[i].thread);
	nvsim_engine_drain(engine);
	for (i = 0; i < engine->nr_runners; i++)
		kvfree(engine->runners[i].misses);
	kfree(engine->runners);
	engine->runners = NULL;
}

static int nvsim_runner_start(struct nvsim_engine *engine, unsigned int i,
			      const char *name)
{
	struct nvsim_runner *runner = &engine->runners[i];

	runner->engine = engine;
	runner->misses = kvmalloc_objs(*runner->misses, NVSIM_MISSES_MAX);
	if (!runner->misses)
		return -ENOMEM;
	runner->thread = kthread_run(nvsim_runner_thread, runner, "%s/%u",
				     name, i);
	return PTR_ERR_OR_ZERO(runner->thread);
}

/**
 * nvsim_engine_init() - start an idle exec engine
 * @engine: the engine, embedded in its &struct nvsim_device
 * @nr_runners: how many channels run at the same time, 1 to
 *	NVSIM_RUNNERS_MAX
 * @name: name of the runner threads, which get their number appended
 *
 * Context: process context, may sleep.
 * Return: 0, or a negative errno if memory or a thread cannot be had.
 */
int nvsim_engine_init(struct nvsim_engine *engine, unsigned int nr_runners,
		      const char *name)
{
	unsigned int i;
	int ret;

	spin_lock_init(&engine->lock);
	INIT_LIST_HEAD(&engine->queue);
	engine->replay_seq = 0;
	engine->next_token = 0;
	init_waitqueue_head(&engine->work_wq);
	init_waitqueue_head(&engine->stall_wq);
	init_waitqueue_head(&engine->idle_wq);
	mutex_init(&engine->atomic_unit);

	engine->runners = kzalloc_objs(*engine->runners, nr_runners);
	if (!engine->runners)
		return -ENOMEM;
	engine->nr_runners = nr_runners;
	for (i = 0; i < nr_runners; i++) {
		ret = nvsim_runner_start(engine, i, name);
		if (ret) {
			nvsim_engine_stop(engine, i);
			return ret;
		}
	}
	return 0;
}

/**
 * nvsim_engine_fini() - stop an exec engine
 * @engine: the engine
 *
 * Jobs still queued fail with -ENODEV; there are none when every file is
 * closed.
 *
 * Context: process context; sleeps until the runner threads have ended.
 */
void nvsim_engine_fini(struct nvsim_engine *engine)
{
	nvsim_engine_stop(engine, engine->nr_runners);
	mutex_destroy(&engine->atomic_unit);
}

static bool nvsim_engine_runs_vm(struct nvsim_engine *engine,
				 struct nvsim_vm *nvm)
{
	struct nvsim_job *job;
	bool runs = false;
	unsigned int i;

	spin_lock(&engine->lock);
	for (i = 0; i < engine->nr_runners; i++) {
		job = engine->runners[i].job;
		if (job && job->nvm == nvm)
			runs = true;
	}
	spin_unlock(&engine->lock);
	return runs;
}

/**
 * nvsim_engine_flush_vm() - make the engine leave a VM for good
 * @engine: the engine
 * @nvm: the VM, which goes away
 *
 * Marks @nvm dying so that no job is queued on it any more, fails its
 * queued jobs with -ENODEV, stops its running jobs with -ENODEV, and waits
 * until no runner runs it.
 *
 * Context: process context, no lock of the simulated GPU held; sleeps.
 */
void nvsim_engine_flush_vm(struct nvsim_engine *engine, struct nvsim_vm *nvm)
{
	struct nvsim_job *job, *next;
	LIST_HEAD(failed);
	unsigned int i;

	spin_lock(&engine->lock);
	nvm->dying = true;
	list_for_each_entry_safe(job, next, &engine->queue, link)
		if (job->nvm == nvm)
			list_move_tail(&job->link, &failed);
	for (i = 0; i < engine->nr_runners; i++) {
		job = engine->runners[i].job;
		if (job && job->nvm == nvm && !job->abort)
			job->abort = -ENODEV;
	}
	spin_unlock(&engine->lock);
	wake_up_all(&engine->stall_wq);

	list_for_each_entry_safe(job, next, &failed, link) {
		list_del_init(&job->link);
		nvsim_job_end(job, -ENODEV);
		nvsim_job_put(job);
	}
	wait_event(engine->idle_wq, !nvsim_engine_runs_vm(engine, nvm));
}

/**
 * nvsim_fault_replay() - let stalled accesses retry
 * @sdev: the device
 *
 * Implements &nouveau_svm_backend_ops.fault_replay: the jobs with a
 * cancelled fault end, the others retry.  Module parameter
 * replay_delay_us makes each replay take that long first, as a slow
 * replay (or a slow batch) would.
 *
 * Context: the core's fault worker; takes the engine lock; may sleep.
 */
void nvsim_fault_replay(struct nouveau_svm_dev *sdev)
{
	struct nvsim_engine *engine = &to_nvsim_device(sdev)->engine;
	unsigned int delay = min_t(unsigned int, READ_ONCE(replay_delay_us),
				   USEC_PER_SEC);
	struct nvsim_job *job;
	unsigned int i;

	if (delay)
		fsleep(delay);

	spin_lock(&engine->lock);
	for (i = 0; i < engine->nr_runners; i++) {
		job = engine->runners[i].job;
		if (job && job->cancel && !job->abort)
			job->abort = job->cancel;
	}
	engine->replay_seq++;
	spin_unlock(&engine->lock);
	wake_up_all(&engine->stall_wq);
}

/**
 * nvsim_fault_cancel() - fail the job that raised a fault
 * @sdev: the device
 * @fault: the fault; its token names the job
 *
 * Implements &nouveau_svm_backend_ops.fault_cancel: if the job is still
 * running it ends with -EFAULT, as a channel error would end it, when the
 * core replays the batch (so the job's submitter sees the batch settled).
 * A job that has ended already is not affected, nor are the other jobs.
 *
 * Context: the core's fault worker; takes the engine lock.
 */
void nvsim_fault_cancel(struct nouveau_svm_dev *sdev,
			const struct nouveau_svm_fault *fault)
{
	struct nvsim_engine *engine = &to_nvsim_device(sdev)->engine;
	struct nvsim_job *job;
	unsigned int i;

	/*
	 * As hardware does, the cancel takes effect with the batch's replay,
	 * once the core has settled every fault of the batch.
	 */
	spin_lock(&engine->lock);
	for (i = 0; i < engine->nr_runners; i++) {
		job = engine->runners[i].job;
		if (job && job->token == fault->token)
			job->cancel = -EFAULT;
	}
	spin_unlock(&engine->lock);
}

static bool nvsim_range_ok(u64 addr, u64 size)
{
	return size <= TASK_SIZE && addr <= TASK_SIZE - size;
}

static int nvsim_cmd_check(const struct drm_nvsim_cmd *cmd)
{
	bool atomic = cmd->op == DRM_NVSIM_OP_ATOMIC_ADD ||
		      cmd->op == DRM_NVSIM_OP_ATOMIC_CAS;

	if (cmd->op < DRM_NVSIM_OP_READ || cmd->op > DRM_NVSIM_OP_ATOMIC_CAS)
		return -EINVAL;
	if (cmd->flags || !IS_ALIGNED(cmd->addr, 8) || !IS_ALIGNED(cmd->src, 8))
		return -EINVAL;
	if (cmd->size < 8 || cmd->size > DRM_NVSIM_MAX_SIZE ||
	    !IS_ALIGNED(cmd->size, 8) || (atomic && cmd->size != 8))
		return -EINVAL;
	if (cmd->op != DRM_NVSIM_OP_COPY && cmd->src)
		return -EINVAL;
	if (cmd->op != DRM_NVSIM_OP_ATOMIC_CAS && cmd->compare)
		return -EINVAL;
	if (!nvsim_range_ok(cmd->addr, cmd->size) ||
	    !nvsim_range_ok(cmd->src, cmd->size))
		return -EINVAL;
	return 0;
}

/* @count commands copied in from @ucmds, charged to the submitter. */
static struct drm_nvsim_cmd *nvsim_cmds_copy(const struct drm_nvsim_cmd __user *ucmds,
					     u32 count)
{
	struct drm_nvsim_cmd *cmds;

	cmds = kvmalloc_array(count, sizeof(*cmds), GFP_KERNEL_ACCOUNT);
	if (!cmds)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(cmds, ucmds, array_size(count, sizeof(*cmds)))) {
		kvfree(cmds);
		return ERR_PTR(-EFAULT);
	}
	return cmds;
}

/* Copy in and check the commands of @args into a new job. */
static struct nvsim_job *nvsim_job_create(struct nvsim_file *nfile,
					  struct nvsim_vm *nvm,
					  const struct drm_nvsim_exec *args)
{
	struct nvsim_job *job;
	unsigned int i;
	int ret;

	job = kzalloc_obj(*job, GFP_KERNEL_ACCOUNT);
	if (!job)
		return ERR_PTR(-ENOMEM);

	job->ucmds = u64_to_user_ptr(args->cmds);
	job->cmds = nvsim_cmds_copy(job->ucmds, args->count);
	if (IS_ERR(job->cmds)) {
		ret = PTR_ERR(job->cmds);
		goto err_free_job;
	}
	for (i = 0; i < args->count; i++) {
		ret = nvsim_cmd_check(&job->cmds[i]);
		if (ret)
			goto err_free_cmds;
		job->cmds[i].result = 0;
	}

	kref_init(&job->ref);
	INIT_LIST_HEAD(&job->link);
	init_completion(&job->done);
	job->nvm = nvm;
	job->nfile = nfile;
	job->count = args->count;
	job->chan = args->channel;
	job->wave_pages = READ_ONCE(nfile->wave_pages);
	return job;

err_free_cmds:
	kvfree(job->cmds);
err_free_job:
	kfree(job);
	return ERR_PTR(ret);
}

/* Queue @job on the engine, which takes a reference. */
static int nvsim_engine_queue(struct nvsim_engine *engine,
			      struct nvsim_job *job)
{
	int ret = 0;

	spin_lock(&engine->lock);
	if (job->nvm->dying) {
		ret = -ENODEV;
	} else {
		/* Token 0 is never used, so a zeroed fault names no job. */
		if (!++engine->next_token)
			++engine->next_token;
		job->token = engine->next_token;
		/* Before a runner can take it, so that its events come in order. */
		trace_nvsim_job_queue(job->token, job->chan, job->count);
		kref_get(&job->ref);
		list_add_tail(&job->link, &engine->queue);
	}
	spin_unlock(&engine->lock);
	if (!ret)
		wake_up(&engine->work_wq);
	return ret;
}

/**
 * nvsim_job_submit() - check a command list and queue it on the engine
 * @nfile: the submitting file
 * @nvm: the file's VM
 * @args: the EXEC arguments, whose own fields are already checked
 * @seqno: out, the job's number in @nfile, when this returns 0
 *
 * Context: process context of EXEC, in the mm of @nvm; may sleep.
 * Return: 0; -EFAULT if the commands cannot be read; -EINVAL for a bad
 * command; -ENOMEM; -EBUSY when the file has 2^32 jobs uncollected;
 * -ENODEV if the VM is going away.
 */
int nvsim_job_submit(struct nvsim_file *nfile, struct nvsim_vm *nvm,
		     const struct drm_nvsim_exec *args, u32 *seqno)
{
	struct nvsim_job *job;
	int ret;

	job = nvsim_job_create(nfile, nvm, args);
	if (IS_ERR(job))
		return PTR_ERR(job);
	job->exec_owned = !(args->flags & DRM_NVSIM_EXEC_ASYNC);

	ret = xa_alloc_cyclic(&nfile->jobs, &job->seqno, job, xa_limit_32b,
			      &nfile->next_seqno, GFP_KERNEL_ACCOUNT);
	if (ret < 0)
		goto err_put_job;

	/* Once queued, an asynchronous job may be collected, and freed, by a WAIT. */
	*seqno = job->seqno;
	ret = nvsim_engine_queue(&nfile->ndev->engine, job);
	if (ret)
		goto err_erase_job;
	return 0;

err_erase_job:
	/*
	 * A WAIT may have found the job already; it cannot collect it before
	 * it has ended, so the file's reference is still ours: take the job
	 * out of the file first, then end it for that waiter.
	 */
	xa_erase(&nfile->jobs, job->seqno);
	nvsim_job_end(job, ret);
err_put_job:
	nvsim_job_put(job);
	return ret;
}

/* Job @seqno of @nfile, referenced; one a synchronous EXEC owns only for @exec. */
static struct nvsim_job *nvsim_file_get_job(struct nvsim_file *nfile, u32 seqno,
					    bool exec)
{
	struct nvsim_job *job;

	xa_lock(&nfile->jobs);
	job = xa_load(&nfile->jobs, seqno);
	if (job && job->exec_owned && !exec)
		job = NULL;
	if (job)
		kref_get(&job->ref);
	xa_unlock(&nfile->jobs);
	return job;
}

/* Take @job out of @nfile.  Return: false if someone else did. */
static bool nvsim_file_take_job(struct nvsim_file *nfile, struct nvsim_job *job)
{
	bool taken;

	xa_lock(&nfile->jobs);
	taken = xa_load(&nfile->jobs, job->seqno) == job;
	if (taken)
		__xa_erase(&nfile->jobs, job->seqno);
	xa_unlock(&nfile->jobs);
	return taken;
}

static int nvsim_job_wait(struct nvsim_job *job, long timeout)
{
	long left;

	if (!timeout)
		return completion_done(&job->done) ? 0 : -ETIME;

	left = wait_for_completion_interruptible_timeout(&job->done, timeout);
	if (left < 0)
		return -EINTR;
	return left ? 0 : -ETIME;
}

static int nvsim_job_copy_results(struct nvsim_job *job)
{
	unsigned int i;

	for (i = 0; i < job->count; i++)
		if (put_user(job->cmds[i].result, &job->ucmds[i].result))
			return -EFAULT;
	return 0;
}

/**
 * nvsim_job_collect() - wait for a job, write its results back and forget it
 * @nfile: the file
 * @seqno: the job's number
 * @timeout: how long to wait, in jiffies; 0 to poll
 * @exec: the synchronous EXEC that submitted the job asks; a job such an
 *	EXEC waits for is unknown to anyone else, until a signal ends its wait
 * @status: out, the job's status, once it has ended
 *
 * Context: process context of EXEC or WAIT, in the submitter's mm; sleeps
 * interruptibly.
 * Return: 0 once the job has ended and is collected; -ENOENT for an
 * unknown or already collected job; -ETIME if @timeout passed first;
 * -EINTR on a signal; -EFAULT if the results cannot be written (the job
 * is collected all the same).
 */
int nvsim_job_collect(struct nvsim_file *nfile, u32 seqno, long timeout,
		      bool exec, int *status)
{
	struct nvsim_job *job;
	int ret;

	job = nvsim_file_get_job(nfile, seqno, exec);
	if (!job)
		return -ENOENT;

	ret = nvsim_job_wait(job, timeout);
	if (ret) {
		/* The job goes on: a WAIT for @seqno may collect it now. */
		xa_lock(&nfile->jobs);
		job->exec_owned = false;
		xa_unlock(&nfile->jobs);
		goto out_put_job;
	}

	if (!nvsim_file_take_job(nfile, job)) {
		ret = -ENOENT;
		goto out_put_job;
	}
	*status = job->status;
	trace_nvsim_job_collect(job->token, job->status);
	ret = nvsim_job_copy_results(job);
	nvsim_job_put(job);

out_put_job:
	nvsim_job_put(job);
	return ret;
}

/**
 * nvsim_file_jobs_fini() - forget the jobs of a file that closes
 * @nfile: the file
 *
 * The file's VM is gone, so its jobs have ended (vm_fini saw to that);
 * their results are not written back.
 *
 * Context: process context (file release).
 */
void nvsim_file_jobs_fini(struct nvsim_file *nfile)
{
	struct nvsim_job *job;
	unsigned long seqno;

	xa_for_each(&nfile->jobs, seqno, job) {
		xa_erase(&nfile->jobs, seqno);
		nvsim_job_put(job);
	}
	xa_destroy(&nfile->jobs);
}
