/* SPDX-License-Identifier: MIT */
/*
 * nouveau SVM hardware backend on nvif: the state it keeps per GPU, per
 * client and per SVM VM, and the functions its files share.  Only the
 * backend's files include this; nouveau itself calls the backend through
 * nouveau_svm.h.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef __NVSVM_NVIF_H__
#define __NVSVM_NVIF_H__

#include <linux/bits.h>
#include <linux/idr.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/xarray.h>
#include <nvif/event.h>
#include <nvif/object.h>
#include <nvif/vmm.h>

#include "../nouveau_svm.h"
#include "nvsvm_hw.h"

struct dmem_cgroup_region;
struct nouveau_bo;
struct nouveau_channel;
struct nouveau_drm;

/*
 * &nouveau_svm_fault.token of a fetched fault: the faulting unit
 * (NVSVM_HW_FAULT_TOKEN_*) and, above it, the fault's slot in the batch,
 * where the backend keeps what a cancel or a resume needs.
 */
#define NVSVM_NVIF_TOKEN_SLOT	GENMASK(31, 17)
#define NVSVM_NVIF_FAULT_MAX	(NVSVM_NVIF_TOKEN_SLOT >> 17)

/**
 * struct nvsvm_nvif_fault_ring - a fault buffer
 * @object: the fault buffer object (MAXWELL_ or VOLTA_FAULT_BUFFER_A),
 *	mapped: the entries are read through it
 * @notify: its event, which wakes the core's fault worker
 * @oclass: the buffer's class
 * @nr: the non-replayable buffer (Volta and later), not the replayable one
 * @entries: size of the ring, in entries; 0 for a buffer not set up
 * @getaddr: register of the GET index, or its byte offset in @object's
 *	mapping for a queue GSP-RM fills (NVIF_CLB069_V0_QUEUE)
 * @putaddr: register of the PUT index, or its offset in a queue's mapping
 * @device: the object whose mapping holds @getaddr and @putaddr: the
 *	device's registers, or a queue's own buffer
 * @clear_mthd: the non-replayable buffer's channels are resumed by a
 *	CLEAR_FAULTED method the backend pushes (NVIF_CLB069_V0_CLEAR_MTHD),
 *	not by nvkm
 * @ring: the ring protocol's state (fault worker, or suspend/resume)
 * @max: the most faults of this buffer one batch takes
 */
struct nvsvm_nvif_fault_ring {
	struct nvif_object object;
	struct nvif_event notify;
	s32 oclass;
	bool nr;
	u32 entries;
	u32 getaddr;
	u32 putaddr;
	struct nvif_object *device;
	bool clear_mthd;
	struct nvsvm_hw_ring ring;
	unsigned int max;
};

/**
 * struct nvsvm_nvif_copy - the copy engine and the VRAM the core borrows
 * @chan: nouveau's copy channel (drm->ttm.chan), NULL without one
 * @oclass: class of its copy object
 * @size: bytes of VRAM chunks may come from (all of it), 0 without
 *	device memory
 * @max_chunks: how many chunks SVM may hold at once (svm_vram_mb)
 * @chunks: how many it holds
 */
struct nvsvm_nvif_copy {
	struct nouveau_channel *chan;
	u32 oclass;
	u64 size;
	unsigned int max_chunks;
	atomic_t chunks;
};

/*
 * Push buffer room a fence takes at most: 13 dwords on Volta and later
 * (gv100_fence_emit32()), fewer on Pascal (nv84_fence_emit32()).
 */
#define NVSVM_NVIF_FENCE_DWORDS	16

/**
 * struct nvsvm_nvif_memop - where replay, cancel and resume are pushed under GSP-RM
 * @chan: SVM's own privileged channel, which runs the MEM_OP streams (and
 *	on Turing the CLEAR_FAULTED ones) and nothing else; NULL without
 *	GSP-RM, where nvkm replays and cancels through the VMM's methods
 * @oclass: its host class
 * @lock: protects @chan's push buffer
 */
struct nvsvm_nvif_memop {
	struct nouveau_channel *chan;
	u32 oclass;
	struct mutex lock; /* protects chan's push buffer */
};

/**
 * struct nouveau_svm - the SVM state of one nouveau device (drm->svm)
 * @drm: the device
 * @sdev: the core's device state
 * @unavailable: NOUVEAU_SVM_UNAVAILABLE__* when SVM is off on this device
 * @suspended: nouveau_svm_suspend() ran and nouveau_svm_resume() not yet
 *	(PM callbacks, which nouveau serialises)
 * @attach_lock: serialises SVM_INIT; protects @attach
 * @attach: the nvif VMM the SVM_INIT in progress made, for vm_init
 * @chan_lock: protects @chans, @chan_gen and @recover
 * @chans: every channel of an SVM VMM, &struct nvsvm_nvif_chan
 * @chan_gen: the join generation of the last channel joined
 * @recover: channel-recovery bookkeeping
 * @idle: the SVM state of files before SVM_INIT (never gets a VM)
 * @fault: the replayable fault buffer
 * @nrfault: the non-replayable fault buffer, where copy engines and host
 *	semaphores fault (Volta and later, between resume and suspend;
 *	@nrfault.entries is 0 without it)
 * @slots: the backend's side of each fault of the batch being served, by
 *	slot (fault worker)
 * @nslots: faults in that batch, the slots in use (fault worker)
 * @batches: batches fetched so far (fault worker)
 * @replay: that batch holds replayable faults (fault worker)
 * @copy: the copy engine and VRAM
 * @memop: the channel of the replay and cancel streams, under GSP-RM
 * @copy_faults: the backend serves non-replayable faults: it holds the
 *	non-replayable buffer (set at resume, cleared at suspend; read
 *	without a lock by GETPARAM)
 * @devmem: the core has device memory, for nouveau_svm_dmem_reclaim()
 *	(set with release semantics once it has, cleared before it goes)
 */
struct nouveau_svm {
	struct nouveau_drm *drm;
	struct nouveau_svm_dev sdev;
	u32 unavailable;
	bool suspended;

	struct mutex attach_lock; /* serialises SVM_INIT, protects attach */
	struct nvif_vmm *attach;

	struct mutex chan_lock; /* protects chans, chan_gen and recover */
	struct list_head chans;
	u64 chan_gen;
	struct nvsvm_hw_recover recover;

	struct nouveau_svm_file idle;
	struct nvsvm_nvif_fault_ring fault;
	struct nvsvm_nvif_fault_ring nrfault;
	struct nvsvm_hw_slot *slots;
	unsigned int nslots;
	u64 batches;
	bool replay;
	struct nvsvm_nvif_copy copy;
	struct nvsvm_nvif_memop memop;
	bool copy_faults;
	bool devmem;
};

/**
 * struct nouveau_svmm - the SVM state of one client (nouveau_vmm.svmm)
 * @svm: the device's
 * @sfile: the core's file state, which holds the client's SVM VM
 * @pdb: the page directory of the client's SVM VMM, under GSP-RM (set
 *	by SVM_INIT, before any channel joins)
 */
struct nouveau_svmm {
	struct nouveau_svm *svm;
	struct nouveau_svm_file sfile;
	struct nvsvm_hw_pdb pdb;
};

/**
 * struct nvsvm_nvif_vm - the backend's side of one SVM VM (nouveau_svm_vm_priv())
 * @svm: the device's
 * @vmm: the client's SVM VMM (the VM is detached by clearing
 *	its nouveau_svm_vm_priv(), under the VM's lock and the notifier lock)
 * @args: PFNMAP arguments, allocated once (the VM's lock)
 * @pts: the page size each 2 MiB block's page tables are held at, by
 *	block index, as xa_mk_value() (written under the VM's lock, erased
 *	under the notifier lock too)
 */
struct nvsvm_nvif_vm {
	struct nouveau_svm *svm;
	struct nvif_vmm *vmm;
	struct nvif_vmm_pfnmap_v0 *args;
	struct xarray pts;
};

/**
 * struct nvsvm_nvif_chan - a channel of an SVM VMM
 * @head: entry in &nouveau_svm.chans
 * @chan: the channel
 * @inst: its instance block address, as fault entries carry it
 * @ctx: nouveau_svm_vm_inst() of its VM
 * @gen: its join generation, from 1: a new channel may reuse @inst, never
 *	@gen
 * @pdb: the page directory of its VMM (&nouveau_svmm.pdb), which a cancel
 *	of its faults names under GSP-RM
 */
struct nvsvm_nvif_chan {
	struct list_head head;
	struct nouveau_channel *chan;
	u64 inst;
	u64 ctx;
	u64 gen;
	struct nvsvm_hw_pdb pdb;
};

static inline struct nouveau_svm *nvsvm_nvif(struct nouveau_svm_dev *sdev)
{
	return container_of(sdev, struct nouveau_svm, sdev);
}

int nvsvm_nvif_memop_init(struct nouveau_svm *svm);
void nvsvm_nvif_memop_fini(struct nouveau_svm *svm);
int nvsvm_nvif_vmm_pdb(struct nvif_vmm *vmm, struct nvsvm_hw_pdb *pdb);
int nvsvm_nvif_fault_init(struct nouveau_svm *svm);
void nvsvm_nvif_fault_fini(struct nouveau_svm *svm);
void nvsvm_nvif_fault_suspend(struct nouveau_svm *svm);
void nvsvm_nvif_fault_resume(struct nouveau_svm *svm);
unsigned int nvsvm_nvif_fault_fetch(struct nouveau_svm_dev *sdev,
				    struct nouveau_svm_fault *faults,
				    unsigned int max);
void nvsvm_nvif_fault_replay(struct nouveau_svm_dev *sdev);
void nvsvm_nvif_fault_cancel(struct nouveau_svm_dev *sdev,
			     const struct nouveau_svm_fault *fault);

int nvsvm_nvif_vm_init(struct nouveau_svm_vm *vm);
void nvsvm_nvif_vm_fini(struct nouveau_svm_vm *vm);
int nvsvm_nvif_map_prepare(struct nouveau_svm_vm *vm, const struct nouveau_svm_map *map);
void nvsvm_nvif_map_release(struct nouveau_svm_vm *vm, u64 start, u64 end);
int nvsvm_nvif_map(struct nouveau_svm_vm *vm, const struct nouveau_svm_map *map);
void nvsvm_nvif_unmap(struct nouveau_svm_vm *vm, u64 start, u64 end);

int nvsvm_nvif_copy_init(struct nouveau_svm *svm);
struct dmem_cgroup_region *nvsvm_nvif_copy_region(struct nouveau_svm *svm);
void nvsvm_nvif_copy_fini(struct nouveau_svm *svm);
int nvsvm_nvif_chunk_alloc(struct nouveau_svm_dev *sdev, struct nouveau_svm_chunk *chunk);
void nvsvm_nvif_chunk_free(struct nouveau_svm_dev *sdev, struct nouveau_svm_chunk *chunk);
void nvsvm_nvif_chunk_touch(struct nouveau_svm_dev *sdev, struct nouveau_svm_chunk *chunk);
int nvsvm_nvif_copy(struct nouveau_svm_dev *sdev, enum nouveau_svm_copy_dir dir,
		    u64 vram, const struct drm_pagemap_addr *sys,
		    unsigned long npages);

#endif
