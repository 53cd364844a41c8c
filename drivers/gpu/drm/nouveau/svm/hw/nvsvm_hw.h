/* SPDX-License-Identifier: MIT */
/*
 * nouveau SVM hardware backend: pure encoders and decoders of the formats
 * the GPU and nvkm use (replayable fault buffer entries, PFNMAP arguments,
 * copy-engine method streams).  Nothing here touches hardware, nvif or
 * nvkm, so that KUnit can check it on any machine.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef __NVSVM_HW_H__
#define __NVSVM_HW_H__

#include <linux/bits.h>
#include <linux/types.h>
#include <drm/drm_pagemap.h>

#include "../../include/nvhw/drf.h"
#include "../../include/nvhw/class/cl906f.h"
#include "../../include/nvif/if000c.h"
#include "../nouveau_svm.h"

/*
 * Replayable fault buffer entries.  Linux 7.3 has no nvhw/class header for
 * the fault buffer classes, so their fields are spelled here in the same
 * DRF-MW form (bit hi:lo over the entry as an array of u32), with the
 * names and positions of NVIDIA's published clb069.h
 * (MAXWELL_FAULT_BUFFER_A) and clc369.h (MMU_FAULT_BUFFER, which nouveau
 * calls VOLTA_FAULT_BUFFER_A); the access types are NV_PFAULT_ACCESS_TYPE_*
 * of the published gp100 and gv100 dev_fault.h.  The layout agrees with
 * what nvkm's gv100_fault_buffer_process() and nouveau_svm_fault_cache()
 * read.
 */
#define MAXWELL_FAULT_BUFFER_A				0x0000b069
#define VOLTA_FAULT_BUFFER_A				0x0000c369

/*
 * Pascal's entry has no engine and no replayable bit: clb069.h leaves word
 * 6 reserved, and every entry of this buffer is a replayable fault.  Its
 * address is the whole of words 2 and 3.
 */
#define NVB069_FAULT_BUF_SIZE				32
#define NVB069_FAULT_BUF_ENTRY_INST_APERTURE		MW(9 : 8)
#define NVB069_FAULT_BUF_ENTRY_INST_APERTURE_VID_MEM	0x00000000
#define NVB069_FAULT_BUF_ENTRY_INST_APERTURE_SYS_MEM_COHERENT	0x00000002
#define NVB069_FAULT_BUF_ENTRY_INST_APERTURE_SYS_MEM_NONCOHERENT	0x00000003
#define NVB069_FAULT_BUF_ENTRY_INST			MW(63 : 12)
#define NVB069_FAULT_BUF_ENTRY_ADDR			MW(127 : 64)
#define NVB069_FAULT_BUF_ENTRY_TIMESTAMP		MW(191 : 128)
#define NVB069_FAULT_BUF_ENTRY_FAULT_TYPE		MW(228 : 224)
#define NVB069_FAULT_BUF_ENTRY_CLIENT			MW(238 : 232)
#define NVB069_FAULT_BUF_ENTRY_ACCESS_TYPE		MW(242 : 240)
#define NVB069_FAULT_BUF_ENTRY_ACCESS_TYPE_READ		0x00000000
#define NVB069_FAULT_BUF_ENTRY_ACCESS_TYPE_WRITE	0x00000001
#define NVB069_FAULT_BUF_ENTRY_ACCESS_TYPE_ATOMIC	0x00000002
#define NVB069_FAULT_BUF_ENTRY_ACCESS_TYPE_PREFETCH	0x00000003
#define NVB069_FAULT_BUF_ENTRY_MMU_CLIENT_TYPE		MW(244 : 244)
#define NVB069_FAULT_BUF_ENTRY_MMU_CLIENT_TYPE_GPC	0x00000000
#define NVB069_FAULT_BUF_ENTRY_MMU_CLIENT_TYPE_HUB	0x00000001
#define NVB069_FAULT_BUF_ENTRY_GPC_ID			MW(252 : 248)
#define NVB069_FAULT_BUF_ENTRY_VALID			MW(255 : 255)

/*
 * Volta keeps the Pascal layout but for the address (its page number only,
 * with the physical aperture below it), widens the access type, and adds
 * the engine and more bits.
 */
#define NVC369_BUF_SIZE					32
#define NVC369_BUF_ENTRY_INST_APERTURE			MW(9 : 8)
#define NVC369_BUF_ENTRY_INST				MW(63 : 12)
#define NVC369_BUF_ENTRY_ADDR_PHYS_APERTURE		MW(65 : 64)
#define NVC369_BUF_ENTRY_ADDR				MW(127 : 76)
#define NVC369_BUF_ENTRY_TIMESTAMP			MW(191 : 128)
#define NVC369_BUF_ENTRY_ENGINE_ID			MW(200 : 192)
#define NVC369_BUF_ENTRY_FAULT_TYPE			MW(228 : 224)
#define NVC369_BUF_ENTRY_REPLAYABLE_FAULT		MW(231 : 231)
#define NVC369_BUF_ENTRY_CLIENT				MW(238 : 232)
#define NVC369_BUF_ENTRY_ACCESS_TYPE			MW(243 : 240)
#define NVC369_BUF_ENTRY_ACCESS_TYPE_VIRT_READ		0x00000000
#define NVC369_BUF_ENTRY_ACCESS_TYPE_VIRT_WRITE		0x00000001
#define NVC369_BUF_ENTRY_ACCESS_TYPE_VIRT_ATOMIC_STRONG	0x00000002
#define NVC369_BUF_ENTRY_ACCESS_TYPE_VIRT_PREFETCH	0x00000003
#define NVC369_BUF_ENTRY_ACCESS_TYPE_VIRT_ATOMIC_WEAK	0x00000004
#define NVC369_BUF_ENTRY_ACCESS_TYPE_PHYS_READ		0x00000008
#define NVC369_BUF_ENTRY_ACCESS_TYPE_PHYS_WRITE		0x00000009
#define NVC369_BUF_ENTRY_ACCESS_TYPE_PHYS_ATOMIC	0x0000000a
#define NVC369_BUF_ENTRY_ACCESS_TYPE_PHYS_PREFETCH	0x0000000b
#define NVC369_BUF_ENTRY_MMU_CLIENT_TYPE		MW(244 : 244)
#define NVC369_BUF_ENTRY_GPC_ID				MW(252 : 248)
#define NVC369_BUF_ENTRY_PROTECTED_MODE			MW(253 : 253)
#define NVC369_BUF_ENTRY_REPLAYABLE_FAULT_EN		MW(254 : 254)
#define NVC369_BUF_ENTRY_VALID				MW(255 : 255)

/* u32 words in one fault buffer entry, for both classes. */
#define NVSVM_HW_FAULT_ENTRY_WORDS	(NVB069_FAULT_BUF_SIZE / 4)

/*
 * &nouveau_svm_fault.token of a hardware fault: what GP100_VMM_VN_FAULT_CANCEL
 * needs, besides the instance, to name the faulting unit.
 */
#define NVSVM_HW_FAULT_TOKEN_CLIENT	GENMASK(6, 0)
#define NVSVM_HW_FAULT_TOKEN_GPC	GENMASK(12, 8)
#define NVSVM_HW_FAULT_TOKEN_HUB	BIT(16)

/**
 * struct nvsvm_hw_fault_info - a fault buffer entry, every field decoded
 * @inst: instance block address of the faulting channel (4 KiB aligned)
 * @inst_aperture: NVB069_FAULT_BUF_ENTRY_INST_APERTURE_* of @inst
 * @addr: faulting virtual address, 4 KiB aligned (Volta's entry has no
 *	more; the low 12 bits of Pascal's are dropped)
 * @timestamp: GPU time of the fault
 * @engine: engine that faulted (Volta's ENGINE_ID; 0 on Pascal, whose
 *	entry has none)
 * @fault_type: FAULT_TYPE (PDE, PTE, RO violation, ...)
 * @access_type: ACCESS_TYPE as the class encodes it
 * @client: MMU client (unit within the GPC or hub)
 * @gpc: GPC of a GPC client
 * @hub: the client is a hub client, not a GPC one
 * @replayable: the access stalls and can be replayed (Volta's
 *	REPLAYABLE_FAULT; always on Pascal, whose buffer has only such faults)
 * @valid: VALID: the GPU has finished writing the entry
 */
struct nvsvm_hw_fault_info {
	u64 inst;
	u8 inst_aperture;
	u64 addr;
	u64 timestamp;
	u16 engine;
	u8 fault_type;
	u8 access_type;
	u8 client;
	u8 gpc;
	bool hub;
	bool replayable;
	bool valid;
};

int nvsvm_hw_fault_decode(u32 oclass, const u32 *entry,
			  struct nvsvm_hw_fault_info *info,
			  struct nouveau_svm_fault *fault);
u32 nvsvm_hw_fault_token(u8 hub, u8 gpc, u8 client);
void nvsvm_hw_fault_token_unpack(u32 token, u8 *hub, u8 *gpc, u8 *client);

/*
 * GET and PUT of MMU_FAULT_BUFFER (Volta on), as NVIDIA's gv100 dev_fb.h
 * lays them out (NV_PFB_PRI_MMU_FAULT_BUFFER_GET/PUT; from Turing on the
 * NV_VIRTUAL_FUNCTION_PRIV_MMU_FAULT_BUFFER_* registers RM's
 * kern_gmmu_tu102.c uses): the index in 19:0, GETPTR_CORRUPTED in 30 and
 * OVERFLOW in 31 of both; in GET, writing 1 to either clears it.
 * Pascal's GET and PUT (MAXWELL_FAULT_BUFFER_A) are plain indices (UVM's
 * uvm_pascal_fault_buffer.c).
 */
#define NVSVM_HW_FAULT_PTR			GENMASK(19, 0)
#define NVSVM_HW_FAULT_GETPTR_CORRUPTED		BIT(30)
#define NVSVM_HW_FAULT_OVERFLOW			BIT(31)
/* The most GET writes that hand entries back: see nvsvm_hw_fault_get_writes(). */
#define NVSVM_HW_FAULT_GET_WRITES		2

int nvsvm_hw_fault_pending(u32 get, u32 put, u32 entries);
u32 nvsvm_hw_fault_next(u32 get, u32 entries);
u32 nvsvm_hw_fault_index(u32 oclass, u32 reg);
unsigned int nvsvm_hw_fault_get_writes(u32 oclass, bool replayable, u32 get,
				       u32 writes[NVSVM_HW_FAULT_GET_WRITES]);

/*
 * Reads of an incomplete entry in one drain, 1 us apart; drains that find
 * the same entry incomplete before it is reported stuck; and the sleep of
 * each drain after that.
 */
#define NVSVM_HW_RING_VALID_TRIES		100
#define NVSVM_HW_RING_STALLS			100
#define NVSVM_HW_RING_STUCK_SLEEP_US		1000

/**
 * struct nvsvm_hw_ring_ops - how the ring protocol reaches a fault buffer
 *
 * The backend implements these over nvif; KUnit over a model of the GPU.
 */
struct nvsvm_hw_ring_ops {
	/**
	 * @rd_entry: read the u32 at byte offset @off of the buffer.
	 *
	 * Context: as the caller of the ring function.
	 * Return: the word.
	 */
	u32 (*rd_entry)(void *priv, u32 off);
	/**
	 * @wr_entry: write @val to the u32 at byte offset @off of the buffer.
	 *
	 * Context: as the caller of the ring function.
	 */
	void (*wr_entry)(void *priv, u32 off, u32 val);
	/**
	 * @rd_get: read the GET register, flags and all.
	 *
	 * Context: as the caller of the ring function.
	 * Return: the register's value.
	 */
	u32 (*rd_get)(void *priv);
	/**
	 * @rd_put: read the PUT register, flags and all.
	 *
	 * Context: as the caller of the ring function.
	 * Return: the register's value.
	 */
	u32 (*rd_put)(void *priv);
	/**
	 * @wr_get: write @val to the GET register.
	 *
	 * Context: as the caller of the ring function.
	 */
	void (*wr_get)(void *priv, u32 val);
};

/**
 * struct nvsvm_hw_ring - software's side of one fault ring
 * @ops: how to reach the buffer and its registers
 * @priv: passed to @ops
 * @oclass: the buffer's class, MAXWELL_FAULT_BUFFER_A or VOLTA_FAULT_BUFFER_A
 * @entries: size of the ring, in entries
 * @replayable: the replayable buffer, not the non-replayable one
 * @get: the next entry software reads
 * @stall_get: the entry drains last found incomplete
 * @stalls: drains in a row that found @stall_get incomplete
 */
struct nvsvm_hw_ring {
	const struct nvsvm_hw_ring_ops *ops;
	void *priv;
	u32 oclass;
	u32 entries;
	bool replayable;
	u32 get;
	u32 stall_get;
	unsigned int stalls;
};

/**
 * struct nvsvm_hw_ring_stat - what one drain of a ring found
 * @read: complete entries read
 * @put_flags: the flags PUT carried (NVSVM_HW_FAULT_OVERFLOW, ...)
 * @again: the drain stopped at an incomplete entry: drain again later
 * @stuck: that entry has now been incomplete for NVSVM_HW_RING_STALLS
 *	drains (set once per entry)
 * @reset: GET or PUT was out of the ring; reading starts again at the
 *	GPU's GET
 */
struct nvsvm_hw_ring_stat {
	unsigned int read;
	u32 put_flags;
	bool again;
	bool stuck;
	bool reset;
};

typedef bool (*nvsvm_hw_ring_take_t)(void *arg, const u32 *entry);

unsigned int nvsvm_hw_ring_drain(struct nvsvm_hw_ring *ring,
				 nvsvm_hw_ring_take_t take, void *arg,
				 unsigned int max, struct nvsvm_hw_ring_stat *st);
void nvsvm_hw_ring_take(struct nvsvm_hw_ring *ring);

/**
 * struct nvsvm_hw_pfn_cursor - where nvsvm_hw_pfnmap_next() is in a map
 * @page: 4 KiB pages of the map already encoded
 * @entry: index in &nouveau_svm_map.dma of the entry holding @page
 * @sub: 4 KiB pages of that entry already encoded
 *
 * Zero it before the first call.
 */
struct nvsvm_hw_pfn_cursor {
	unsigned long page;
	unsigned long entry;
	unsigned long sub;
};

/* Page shifts nvkm's PFNMAP takes on Pascal and later: PTE and PDE0. */
#define NVSVM_HW_PFN_SHIFT_4K	12
#define NVSVM_HW_PFN_SHIFT_2M	21

u64 nvsvm_hw_pfn_encode(u64 addr, u32 proto, u32 flags, u64 vram_base);
int nvsvm_hw_pfnmap_next(const struct nouveau_svm_map *map, u64 vram_base,
			 struct nvsvm_hw_pfn_cursor *cur,
			 struct nvif_vmm_pfnmap_v0 *args, unsigned int max);

/* The backend holds page tables per 2 MiB block of the address space. */
#define NVSVM_HW_PT_BLOCK_SHIFT	NVSVM_HW_PFN_SHIFT_2M

unsigned int nvsvm_hw_pt_spans(u64 block, u8 shift, const struct nouveau_svm_window *um,
			       struct nouveau_svm_window span[2]);
bool nvsvm_hw_span_clip(struct nouveau_svm_window *span, u64 start, u64 end);

/*
 * Copy engine.  Every class from PASCAL_DMA_COPY_A to BLACKWELL_DMA_COPY_A
 * keeps the KEPLER_DMA_COPY_A (cla0b5.h) methods used here at the same
 * offsets; nouveau's TTM moves rely on that too (make check
 * NV_HOST_CLASSES=... compares them with NVIDIA's clc0b5.h to clc9b5.h).
 * The semaphore methods are not in Linux 7.3's cla0b5.h: their offsets
 * are those of NVIDIA's published cla0b5.h to clc9b5.h.  From
 * PASCAL_DMA_COPY_A (clc0b5.h) on, the upper address fields of
 * OFFSET_IN_UPPER, OFFSET_OUT_UPPER and SET_SEMAPHORE_A hold 17 bits
 * (16:0), where cla0b5.h has 8, and from HOPPER_DMA_COPY_A on 25 (24:0):
 * the stream writes 17, and addresses have 49 bits.
 */
#define NVSVM_HW_C0B5_SET_SEMAPHORE_A		0x00000240
#define NVSVM_HW_C0B5_SET_SEMAPHORE_B		0x00000244
#define NVSVM_HW_C0B5_SET_SEMAPHORE_PAYLOAD	0x00000248
#define NVSVM_HW_C0B5_UPPER			GENMASK(16, 0)

/*
 * Subchannel nouveau binds its copy object to (PUSH906F_SUBC_NVA0B5), the
 * NVA06F_SUBCHANNEL_COPY_ENGINE of NVIDIA's published cla06fsubch.h.
 */
#define NVSVM_HW_COPY_SUBC	4
/*
 * Subchannel the host methods (MEM_OP_*) name: the host runs them on any,
 * and UVM's pushes name 0 (UVM_SUBCHANNEL_HOST in uvm_push_macros.h).
 */
#define NVSVM_HW_HOST_SUBC	0

/**
 * struct nvsvm_hw_push - one pushbuffer being written
 * @buf: the dwords
 * @n: dwords written
 * @subc: the subchannel the method headers name
 */
struct nvsvm_hw_push {
	u32 *buf;
	unsigned int n;
	u8 subc;
};

/* The header of @count incrementing methods from @mthd, and no data. */
static inline void nvsvm_hw_push_incr(struct nvsvm_hw_push *p, u32 mthd,
				      u32 count)
{
	p->buf[p->n++] = NVVAL(NV906F, DMA, METHOD_ADDRESS, mthd >> 2) |
			 NVVAL(NV906F, DMA, METHOD_SUBCHANNEL, p->subc) |
			 NVVAL(NV906F, DMA, METHOD_COUNT, count) |
			 NVDEF(NV906F, DMA, SEC_OP, INC_METHOD);
}

/* One dword of data for the methods of the last header. */
static inline void nvsvm_hw_push_data(struct nvsvm_hw_push *p, u32 data)
{
	p->buf[p->n++] = data;
}

/**
 * struct nvsvm_hw_copy_sem - semaphore the last launch releases
 * @addr: GPU virtual address of the semaphore (4-byte aligned)
 * @payload: value written there when every copy of the stream is done
 */
struct nvsvm_hw_copy_sem {
	u64 addr;
	u32 payload;
};

struct iommu_domain;
bool nvsvm_hw_dma_direct(bool iommu_mapped, const struct iommu_domain *domain,
			 bool bounce);

bool nvsvm_hw_copy_class_supported(u32 oclass);
int nvsvm_hw_copy_size(const struct drm_pagemap_addr *sys,
		       unsigned long npages, bool sem);
int nvsvm_hw_copy_encode(u32 oclass, enum nouveau_svm_copy_dir dir, u64 vram,
			 const struct drm_pagemap_addr *sys,
			 unsigned long npages,
			 const struct nvsvm_hw_copy_sem *sem,
			 u32 *buf, unsigned int max);

/*
 * Host MEM_OP streams of replay and cancel, for channels of GPUs whose MMU
 * registers GSP-RM owns (nvsvm_hw_memop.c).  Each stream is one burst of
 * MEM_OP_A..D: a header and four dwords.
 */
#define NVSVM_HW_MEMOP_DW	5

/**
 * struct nvsvm_hw_pdb - a page directory base, as MEM_OP_C and _D take it
 * @addr: physical address of the page directory (4 KiB aligned)
 * @aperture: where it is: NVC36F_MEM_OP_C_TLB_INVALIDATE_PDB_APERTURE_*
 *	(0 VRAM, 2 coherent and 3 non-coherent system memory)
 */
struct nvsvm_hw_pdb {
	u64 addr;
	u8 aperture;
};

/**
 * enum nvsvm_hw_cancel_va_mode - which accesses a VA-global cancel cancels
 * @NVSVM_HW_CANCEL_VA_ALL: every access to the page (the address is bad)
 * @NVSVM_HW_CANCEL_VA_WRITE_AND_ATOMIC: writes and atomics only (the page
 *	is mapped read-only)
 */
enum nvsvm_hw_cancel_va_mode {
	NVSVM_HW_CANCEL_VA_ALL,
	NVSVM_HW_CANCEL_VA_WRITE_AND_ATOMIC,
};

bool nvsvm_hw_memop_class_supported(u32 oclass);
unsigned int nvsvm_hw_memop_engine_bits(u32 oclass);
int nvsvm_hw_memop_replay(u32 oclass, bool ack_all, u32 *buf, unsigned int max);
int nvsvm_hw_memop_cancel_targeted(u32 oclass, u8 gpc, u8 client, u32 *buf,
				   unsigned int max);
int nvsvm_hw_memop_cancel_va(u32 oclass, const struct nvsvm_hw_pdb *pdb,
			     u64 addr, u16 engine,
			     enum nvsvm_hw_cancel_va_mode mode, u32 *buf,
			     unsigned int max);
int nvsvm_hw_memop_cancel(u32 oclass, const struct nvsvm_hw_pdb *pdb,
			  u64 addr, u16 engine, u32 token, u8 access, u32 *buf,
			  unsigned int max);

/* The CLEAR_FAULTED stream: a header and one dword. */
#define NVSVM_HW_CLEAR_FAULTED_DW	2

bool nvsvm_hw_memop_clear_supported(u32 oclass);
int nvsvm_hw_memop_clear_faulted(u32 oclass, u32 handle, bool eng, u32 *buf,
				 unsigned int max);

/**
 * enum nvsvm_hw_recover_action - what the backend does with a fault when
 *	channel recovery is taken into account
 * @NVSVM_HW_RECOVER_SERVE: hand the fault to the core
 * @NVSVM_HW_RECOVER_CANCEL: cancel it (targeted); the channel is left to
 *	nvkm's own recovery
 * @NVSVM_HW_RECOVER_KILL: kill the faulting channel, then cancel the fault
 * @NVSVM_HW_RECOVER_DRAIN: the channel was killed already: cancel the
 *	fault without the core seeing it, so the stalled unit moves on
 *
 * A non-replayable fault has nothing to cancel: for it, CANCEL, KILL and
 * DRAIN all mean that nvkm recovers the channel, KILL after killing it.
 */
enum nvsvm_hw_recover_action {
	NVSVM_HW_RECOVER_SERVE,
	NVSVM_HW_RECOVER_CANCEL,
	NVSVM_HW_RECOVER_KILL,
	NVSVM_HW_RECOVER_DRAIN,
};

/* Channels killed and not yet destroyed that recovery remembers. */
#define NVSVM_HW_RECOVER_MAX	32
/* Channel resumes that recovery remembers, the oldest forgotten first. */
#define NVSVM_HW_RESUMED_MAX	16

/*
 * MMU engine ids the backend tells apart: Volta's ENGINE_ID has 9 bits,
 * but nvkm keeps 8 (its fault data has a u8), and no id of Volta to
 * Ampere reaches 256 (BAR2, at 0xc0 from Turing on, is the highest).
 */
#define NVSVM_HW_FAULT_ENGINES		256

/**
 * struct nvsvm_hw_recover - channel-recovery bookkeeping of one fault buffer
 * @per_channel: kill a faulting channel in software before cancelling
 *	(Volta and later, where a cancel alone would leave recovery to an
 *	engine reset)
 * @resumable: bitmap of the MMU engine ids whose non-replayable faults
 *	leave a channel that can be resumed (copy engines and PBDMAs, as
 *	nvkm names them: NVIF_CLB069_V0_ENGINES, from
 *	nvkm_fifo_fault_resumable())
 * @nr: entries used in @killed
 * @killed: instances of channels killed and not yet destroyed
 * @drained: faults dropped because their channel was killed
 * @overflows: kills @killed had no room to remember (their later faults
 *	are cancelled again, which is harmless)
 * @resumed: the last channel resumes: instance, engine, and the batch
 *	they were made after (nvsvm_hw_recover_resume_end())
 * @resumed_next: the entry of @resumed the next resume takes
 */
struct nvsvm_hw_recover {
	bool per_channel;
	u64 resumable[NVSVM_HW_FAULT_ENGINES / 64];
	unsigned int nr;
	u64 killed[NVSVM_HW_RECOVER_MAX];
	u64 drained;
	u64 overflows;
	struct {
		u64 inst;
		u64 batch;
		u16 engine;
		bool used;
	} resumed[NVSVM_HW_RESUMED_MAX];
	unsigned int resumed_next;
};

/**
 * enum nvsvm_hw_slot_state - what becomes of a fault of the batch
 * @NVSVM_HW_SLOT_REPLAYABLE: a replayable fault: the batch's replay
 *	retries it, a cancel is a targeted cancel
 * @NVSVM_HW_SLOT_RESUME: a non-replayable fault not cancelled: its
 *	channel is resumed after the batch
 * @NVSVM_HW_SLOT_CANCELLED: a non-replayable fault the core cancelled:
 *	its channel goes to nvkm's recovery
 * @NVSVM_HW_SLOT_MERGED: a non-replayable fault whose channel another
 *	slot resumes, or one of a channel being recovered
 */
enum nvsvm_hw_slot_state {
	NVSVM_HW_SLOT_REPLAYABLE,
	NVSVM_HW_SLOT_RESUME,
	NVSVM_HW_SLOT_CANCELLED,
	NVSVM_HW_SLOT_MERGED,
};

/**
 * struct nvsvm_hw_slot - the backend's side of one fault of the batch
 * @hwinst: hardware instance (with aperture bits) of the faulting channel
 * @engine: the engine that faulted (&nvsvm_hw_fault_info.engine)
 * @state: what becomes of the fault
 * @gen: the join generation of the channel of @hwinst when the fault was
 *	fetched (the backend's &nvsvm_nvif_chan.gen), or U64_MAX for no
 *	channel: a later lookup by instance must find that same channel
 * @entry: the entry as read, which nvkm takes to resume or recover the
 *	channel of a non-replayable fault
 */
struct nvsvm_hw_slot {
	u64 hwinst;
	u16 engine;
	enum nvsvm_hw_slot_state state;
	u64 gen;
	u32 entry[NVSVM_HW_FAULT_ENTRY_WORDS];
};

void nvsvm_hw_recover_init(struct nvsvm_hw_recover *rec, bool per_channel);
enum nvsvm_hw_recover_action nvsvm_hw_recover_fetch(struct nvsvm_hw_recover *rec,
						    u64 inst);
void nvsvm_hw_recover_set_resumable(struct nvsvm_hw_recover *rec,
				    const u64 resumable[NVSVM_HW_FAULT_ENGINES / 64]);
enum nvsvm_hw_recover_action nvsvm_hw_recover_fetch_nr(struct nvsvm_hw_recover *rec,
						       u64 inst, u16 engine,
						       bool known, bool servable);
enum nvsvm_hw_recover_action nvsvm_hw_recover_cancel(struct nvsvm_hw_recover *rec,
						     u64 inst, bool known);
void nvsvm_hw_recover_forget(struct nvsvm_hw_recover *rec, u64 inst);

/*
 * What a cancel does, in this order (nvsvm_hw_recover_cancel_steps()):
 * kill the channel in software (its fences fail), cancel the faulting
 * unit (a replayable fault's targeted cancel; for a non-replayable one,
 * nvkm's recovery of the channel), stop the channel in hardware.
 */
#define NVSVM_HW_CANCEL_KILL		BIT(0)
#define NVSVM_HW_CANCEL_UNIT		BIT(1)
#define NVSVM_HW_CANCEL_STOP		BIT(2)

unsigned int nvsvm_hw_recover_cancel_steps(struct nvsvm_hw_recover *rec,
					   u64 inst, bool known, bool gone);
unsigned int nvsvm_hw_slots_resume(struct nvsvm_hw_slot *slots, unsigned int n);

/* Tries to resume a channel not yet marked FAULTED, and the wait between. */
#define NVSVM_HW_RESUME_TRIES		100
#define NVSVM_HW_RESUME_WAIT_US		10

typedef int (*nvsvm_hw_resume_try_t)(void *arg);

int nvsvm_hw_resume(nvsvm_hw_resume_try_t try, void *arg);
bool nvsvm_hw_recover_resume_end(struct nvsvm_hw_recover *rec, u64 inst,
				 u16 engine, u64 batch, int ret);

#endif
