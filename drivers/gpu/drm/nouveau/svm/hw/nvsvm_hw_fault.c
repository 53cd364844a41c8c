// SPDX-License-Identifier: MIT
/*
 * nouveau SVM hardware backend: decoding of replayable fault buffer
 * entries (MAXWELL_FAULT_BUFFER_A, as Pascal has it, and
 * VOLTA_FAULT_BUFFER_A) and the ring arithmetic of the buffer's GET and
 * PUT indices.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: Fault buffer decoding
 *
 * The GPU writes one 32-byte entry per replayable fault into a ring in
 * memory, advances PUT, and sets the entry's VALID bit last.  The backend
 * reads entries from GET to PUT, decodes each with
 * nvsvm_hw_fault_decode(), clears VALID, and writes GET back.  The decoder
 * turns an entry into a &struct nouveau_svm_fault for the core and, for
 * the backend, every other field (&struct nvsvm_hw_fault_info): the
 * instance aperture, the fault type, and the unit that faulted, which a
 * targeted cancel needs and which &nouveau_svm_fault.token carries.
 *
 * Everything here is pure: the entry is a copy the caller made of the
 * buffer, and nothing is read from or written to the GPU.
 */

/**
 * DOC: Locking
 *
 * None: the functions only read their arguments and write the structures
 * the caller passes.
 */

#include <kunit/visibility.h>
#include <linux/bitfield.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/limits.h>

#include "nvsvm_hw.h"

/*
 * Both classes share every field but the address, the access type (3 bits
 * on Pascal, 4 on Volta) and the fields Pascal lacks, so one decoder reads
 * the Pascal names for the common fields; the static asserts pin that
 * assumption.
 */
#define NVSVM_HW_SAME_FIELD(f) \
	static_assert(DRF_LO(DRF_MW(NVB069_FAULT_BUF_ENTRY_##f)) == \
		      DRF_LO(DRF_MW(NVC369_BUF_ENTRY_##f)) && \
		      DRF_HI(DRF_MW(NVB069_FAULT_BUF_ENTRY_##f)) == \
		      DRF_HI(DRF_MW(NVC369_BUF_ENTRY_##f)))
NVSVM_HW_SAME_FIELD(INST_APERTURE);
NVSVM_HW_SAME_FIELD(INST);
NVSVM_HW_SAME_FIELD(TIMESTAMP);
NVSVM_HW_SAME_FIELD(FAULT_TYPE);
NVSVM_HW_SAME_FIELD(CLIENT);
NVSVM_HW_SAME_FIELD(MMU_CLIENT_TYPE);
NVSVM_HW_SAME_FIELD(GPC_ID);
NVSVM_HW_SAME_FIELD(VALID);

/* The access of a Pascal entry, 0 where the core has no such access. */
static u8 nvsvm_hw_fault_access_b069(u8 type)
{
	switch (type) {
	case NVB069_FAULT_BUF_ENTRY_ACCESS_TYPE_READ:
		return NOUVEAU_SVM_ACCESS_READ;
	case NVB069_FAULT_BUF_ENTRY_ACCESS_TYPE_WRITE:
		return NOUVEAU_SVM_ACCESS_WRITE;
	case NVB069_FAULT_BUF_ENTRY_ACCESS_TYPE_ATOMIC:
		return NOUVEAU_SVM_ACCESS_ATOMIC;
	case NVB069_FAULT_BUF_ENTRY_ACCESS_TYPE_PREFETCH:
		return NOUVEAU_SVM_ACCESS_PREFETCH;
	default:
		return 0;
	}
}

/*
 * The access of a Volta entry.  Weak and strong atomics both need atomic
 * access to the page.  Physical accesses (the MMU itself, not a virtual
 * access of a channel) are nothing SVM can serve: 0.
 */
static u8 nvsvm_hw_fault_access_c369(u8 type)
{
	switch (type) {
	case NVC369_BUF_ENTRY_ACCESS_TYPE_VIRT_READ:
		return NOUVEAU_SVM_ACCESS_READ;
	case NVC369_BUF_ENTRY_ACCESS_TYPE_VIRT_WRITE:
		return NOUVEAU_SVM_ACCESS_WRITE;
	case NVC369_BUF_ENTRY_ACCESS_TYPE_VIRT_ATOMIC_STRONG:
	case NVC369_BUF_ENTRY_ACCESS_TYPE_VIRT_ATOMIC_WEAK:
		return NOUVEAU_SVM_ACCESS_ATOMIC;
	case NVC369_BUF_ENTRY_ACCESS_TYPE_VIRT_PREFETCH:
		return NOUVEAU_SVM_ACCESS_PREFETCH;
	default:
		return 0;
	}
}

/* The fields of @e both classes have at the same place. */
static void nvsvm_hw_fault_fields(const u32 *e, struct nvsvm_hw_fault_info *info)
{
	info->inst = (u64)NVVAL_MW_GET(e, NVB069, FAULT_BUF_ENTRY, INST) << 12;
	info->inst_aperture = NVVAL_MW_GET(e, NVB069, FAULT_BUF_ENTRY, INST_APERTURE);
	info->timestamp = NVVAL_MW_GET(e, NVB069, FAULT_BUF_ENTRY, TIMESTAMP);
	info->fault_type = NVVAL_MW_GET(e, NVB069, FAULT_BUF_ENTRY, FAULT_TYPE);
	info->client = NVVAL_MW_GET(e, NVB069, FAULT_BUF_ENTRY, CLIENT);
	info->hub = NVVAL_MW_GET(e, NVB069, FAULT_BUF_ENTRY, MMU_CLIENT_TYPE) ==
		    NVB069_FAULT_BUF_ENTRY_MMU_CLIENT_TYPE_HUB;
	info->gpc = NVVAL_MW_GET(e, NVB069, FAULT_BUF_ENTRY, GPC_ID);
	info->valid = NVVAL_MW_GET(e, NVB069, FAULT_BUF_ENTRY, VALID);
}

/**
 * nvsvm_hw_fault_decode() - decode one replayable fault buffer entry
 * @oclass: the fault buffer's class, MAXWELL_FAULT_BUFFER_A or
 *	VOLTA_FAULT_BUFFER_A
 * @entry: the entry, NVSVM_HW_FAULT_ENTRY_WORDS words as the GPU wrote them
 * @info: every field of the entry, decoded
 * @fault: the fault as the core wants it: address, instance, access, and
 *	a token naming the faulting unit (nvsvm_hw_fault_token())
 *
 * @info and @fault are filled whatever the result, as far as the entry
 * could be read, so that a backend can cancel a fault the core cannot
 * serve.  &nouveau_svm_fault.access is 0 where the entry's access type is
 * none of the core's.
 *
 * Context: Any context.
 * Return: 0 for a valid entry the core can serve; -EAGAIN when VALID is
 * clear (the GPU has not finished writing the entry: read it again);
 * -EOPNOTSUPP for a valid entry whose access type is not a virtual read,
 * write, atomic or prefetch (cancel it); -EINVAL for an unknown @oclass.
 */
int nvsvm_hw_fault_decode(u32 oclass, const u32 *entry,
			  struct nvsvm_hw_fault_info *info,
			  struct nouveau_svm_fault *fault)
{
	*info = (struct nvsvm_hw_fault_info) {};
	*fault = (struct nouveau_svm_fault) {};

	switch (oclass) {
	case MAXWELL_FAULT_BUFFER_A:
		nvsvm_hw_fault_fields(entry, info);
		info->addr = NVVAL_MW_GET(entry, NVB069, FAULT_BUF_ENTRY, ADDR) &
			     ~0xfffULL;
		info->replayable = true;
		info->access_type = NVVAL_MW_GET(entry, NVB069, FAULT_BUF_ENTRY,
						 ACCESS_TYPE);
		fault->access = nvsvm_hw_fault_access_b069(info->access_type);
		break;
	case VOLTA_FAULT_BUFFER_A:
		nvsvm_hw_fault_fields(entry, info);
		info->addr = (u64)NVVAL_MW_GET(entry, NVC369, BUF_ENTRY, ADDR) << 12;
		info->engine = NVVAL_MW_GET(entry, NVC369, BUF_ENTRY, ENGINE_ID);
		info->replayable = NVVAL_MW_GET(entry, NVC369, BUF_ENTRY,
						REPLAYABLE_FAULT);
		info->access_type = NVVAL_MW_GET(entry, NVC369, BUF_ENTRY,
						 ACCESS_TYPE);
		fault->access = nvsvm_hw_fault_access_c369(info->access_type);
		break;
	default:
		return -EINVAL;
	}

	fault->addr = info->addr;
	fault->inst = info->inst;
	fault->token = nvsvm_hw_fault_token(info->hub, info->gpc, info->client);
	if (!info->valid)
		return -EAGAIN;
	return fault->access ? 0 : -EOPNOTSUPP;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_fault_decode);

/**
 * nvsvm_hw_fault_token() - pack the faulting unit into a fault token
 * @hub: the client is a hub client
 * @gpc: the GPC of a GPC client
 * @client: the MMU client
 *
 * Context: Any context.
 * Return: the &nouveau_svm_fault.token naming the unit.
 */
u32 nvsvm_hw_fault_token(u8 hub, u8 gpc, u8 client)
{
	return FIELD_PREP(NVSVM_HW_FAULT_TOKEN_HUB, !!hub) |
	       FIELD_PREP(NVSVM_HW_FAULT_TOKEN_GPC, gpc) |
	       FIELD_PREP(NVSVM_HW_FAULT_TOKEN_CLIENT, client);
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_fault_token);

/**
 * nvsvm_hw_fault_token_unpack() - the faulting unit a fault token names
 * @token: a &nouveau_svm_fault.token from nvsvm_hw_fault_decode()
 * @hub: set to 1 for a hub client, 0 for a GPC one
 * @gpc: set to the GPC
 * @client: set to the MMU client
 *
 * The three are what GP100_VMM_VN_FAULT_CANCEL takes besides the instance.
 *
 * Context: Any context.
 */
void nvsvm_hw_fault_token_unpack(u32 token, u8 *hub, u8 *gpc, u8 *client)
{
	*hub = FIELD_GET(NVSVM_HW_FAULT_TOKEN_HUB, token);
	*gpc = FIELD_GET(NVSVM_HW_FAULT_TOKEN_GPC, token);
	*client = FIELD_GET(NVSVM_HW_FAULT_TOKEN_CLIENT, token);
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_fault_token_unpack);

/**
 * nvsvm_hw_fault_pending() - entries between GET and PUT of a fault ring
 * @get: the next entry software reads
 * @put: the next entry the GPU writes
 * @entries: size of the ring, in entries
 *
 * The ring is empty when @get equals @put; the GPU never fills it to the
 * last entry, so at most @entries - 1 are pending.
 *
 * Context: Any context.
 * Return: the number of entries to read, or -EINVAL when @entries is 0 or
 * @get or @put is out of the ring (a corrupted index: reset the buffer).
 */
int nvsvm_hw_fault_pending(u32 get, u32 put, u32 entries)
{
	if (!entries || entries > INT_MAX || get >= entries || put >= entries)
		return -EINVAL;
	return put >= get ? put - get : entries - get + put;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_fault_pending);

/**
 * nvsvm_hw_fault_next() - the ring index after @get
 * @get: an index of the ring, below @entries
 * @entries: size of the ring, in entries
 *
 * Context: Any context.
 * Return: @get + 1, or 0 past the ring's last entry.
 */
u32 nvsvm_hw_fault_next(u32 get, u32 entries)
{
	return get + 1 >= entries ? 0 : get + 1;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_fault_next);

/**
 * nvsvm_hw_fault_index() - the ring index in a GET or PUT register value
 * @oclass: the fault buffer's class
 * @reg: the value read from GET or PUT
 *
 * From Volta on, GET and PUT carry the OVERFLOW and GETPTR_CORRUPTED
 * flags above the index; the index is bits 19:0, as UVM reads it
 * (uvm_hal_volta_fault_buffer_read_put() and _read_get()).  Pascal's are
 * plain indices.
 *
 * Context: Any context.
 * Return: the index @reg holds.
 */
u32 nvsvm_hw_fault_index(u32 oclass, u32 reg)
{
	return oclass == MAXWELL_FAULT_BUFFER_A ? reg : reg & NVSVM_HW_FAULT_PTR;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_fault_index);

/**
 * nvsvm_hw_fault_get_writes() - the GET writes that hand entries back
 * @oclass: the fault buffer's class
 * @replayable: the buffer is the replayable one (not the non-replayable)
 * @get: the new GET index
 * @writes: filled in with the values to write to GET, in order
 *
 * From Volta on, a GPU whose replayable ring overflowed delivers no more
 * faults until software clears OVERFLOW, by writing 1 to it in GET; it
 * must not be cleared in the write that moves GET, since a fault that
 * arrives in the same cycle would set it again at once.  So that GET is
 * written twice, as uvm_hal_volta_fault_buffer_write_get() and RM's
 * kgmmuWriteFaultBufferGetPtr_TU102() do: the index, then the index with
 * OVERFLOW and GETPTR_CORRUPTED set to clear them.  The non-replayable
 * buffer's GET is written once, with both flags 0, as RM writes it: its
 * overflow lost faults that no replay brings back, and is not cleared
 * here.  Pascal's GET is written once.
 *
 * Context: Any context.
 * Return: the number of writes in @writes, 1 or 2.
 */
unsigned int nvsvm_hw_fault_get_writes(u32 oclass, bool replayable, u32 get,
				       u32 writes[NVSVM_HW_FAULT_GET_WRITES])
{
	writes[0] = nvsvm_hw_fault_index(oclass, get);
	if (oclass == MAXWELL_FAULT_BUFFER_A || !replayable)
		return 1;
	writes[1] = writes[0] | NVSVM_HW_FAULT_OVERFLOW |
		    NVSVM_HW_FAULT_GETPTR_CORRUPTED;
	return 2;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_fault_get_writes);
