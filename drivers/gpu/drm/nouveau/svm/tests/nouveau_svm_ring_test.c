// SPDX-License-Identifier: MIT
/*
 * KUnit tests for the fault ring protocol of the nouveau SVM hardware
 * backend (nvsvm_hw_ring_drain() and nvsvm_hw_ring_take()), run against
 * a model of the GPU that misbehaves as the hardware may: PUT ahead of
 * the data, entries written word by word in any order, overflow with
 * faults lost, GETPTR_CORRUPTED, a fault in the cycle of a GET write, an
 * entry written very late, and a ring handed over between owners; and
 * against RM's circular queue, which GSP-RM fills with non-replayable
 * faults.  The register layout is gv100 dev_fb.h's, the queue's RM's
 * containers/queue.h; nothing here ran on a GPU.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include <kunit/test.h>

#include "../hw/nvsvm_hw.h"

#define RING_MAX	16
#define RING_WORDS	NVSVM_HW_FAULT_ENTRY_WORDS
#define RING_VALID	BIT(31)
#define RING_GOT_MAX	64

/* The order in which the model's GPU writes an entry's words: VALID last. */
static const u8 ring_order[RING_WORDS] = { 3, 0, 6, 1, 5, 2, 4, 7 };

/* A claimed slot the GPU is still writing, ring_order[done] next. */
struct ring_write {
	u32 slot;
	u32 seq;
	unsigned int done;
};

/*
 * A fault ring as the GPU runs it: GET and PUT with their flags as gv100
 * dev_fb.h has them, and the buffer.  A fault that finds the ring full
 * is dropped and sets OVERFLOW, after which the GPU posts nothing until
 * software clears it (UVM's uvm_hal_volta_fault_buffer_write_get()).
 * Each posted fault gets the next sequence number, and every word of its
 * entry carries it, so a reader that mixes two entries is caught.  With
 * @lazy, a fault claims its slot (PUT moves) and its words come later:
 * @words_per_read of them after each read of the buffer by software, or
 * all at once with ring_complete().
 */
struct ring_model {
	u32 oclass, entries;
	u32 get, put;
	bool overflow, corrupted;
	unsigned int posted, dropped;
	unsigned int arrive_on_write;
	bool lazy;
	unsigned int words_per_read;
	u32 seq;
	u32 buf[RING_MAX][RING_WORDS];
	struct ring_write writing[RING_MAX];
	unsigned int nwriting;
};

/* Word @i of the entry of fault @seq. */
static u32 ring_word(u32 seq, unsigned int i)
{
	return (seq << 8 | i) | (i == RING_WORDS - 1 ? RING_VALID : 0);
}

static u32 ring_flags(const struct ring_model *m)
{
	if (m->oclass == MAXWELL_FAULT_BUFFER_A)
		return 0;
	return (m->overflow ? NVSVM_HW_FAULT_OVERFLOW : 0) |
	       (m->corrupted ? NVSVM_HW_FAULT_GETPTR_CORRUPTED : 0);
}

/* Write up to @words more words of each entry being written. */
static void ring_gpu_step(struct ring_model *m, unsigned int words)
{
	unsigned int i = 0, k;

	while (i < m->nwriting) {
		struct ring_write *w = &m->writing[i];

		for (k = 0; k < words && w->done < RING_WORDS; k++, w->done++)
			m->buf[w->slot][ring_order[w->done]] =
				ring_word(w->seq, ring_order[w->done]);
		if (w->done < RING_WORDS) {
			i++;
			continue;
		}
		*w = m->writing[--m->nwriting];
	}
}

/* Finish the entry of claimed slot @slot at once. */
static void ring_complete(struct ring_model *m, u32 slot)
{
	unsigned int i;

	for (i = 0; i < m->nwriting; i++) {
		struct ring_write *w = &m->writing[i];

		if (w->slot != slot)
			continue;
		for (; w->done < RING_WORDS; w->done++)
			m->buf[slot][ring_order[w->done]] =
				ring_word(w->seq, ring_order[w->done]);
		*w = m->writing[--m->nwriting];
		return;
	}
}

/* A fault arrives, and finds the ring full or not by GET @get. */
static void ring_arrive(struct ring_model *m, u32 get)
{
	u32 slot = m->put;
	unsigned int i;

	if (m->overflow || nvsvm_hw_fault_next(m->put, m->entries) == get) {
		m->overflow = m->oclass != MAXWELL_FAULT_BUFFER_A;
		m->dropped++;
		return;
	}
	m->put = nvsvm_hw_fault_next(m->put, m->entries);
	m->posted++;
	m->seq++;
	if (m->lazy) {
		m->writing[m->nwriting++] = (struct ring_write) {
			.slot = slot, .seq = m->seq,
		};
		return;
	}
	for (i = 0; i < RING_WORDS; i++)
		m->buf[slot][i] = ring_word(m->seq, i);
}

static void ring_post(struct ring_model *m, unsigned int n)
{
	while (n--)
		ring_arrive(m, m->get);
}

static u32 ring_rd_entry(void *priv, u32 off)
{
	struct ring_model *m = priv;
	u32 v = m->buf[off / NVB069_FAULT_BUF_SIZE][off % NVB069_FAULT_BUF_SIZE / 4];

	ring_gpu_step(m, m->words_per_read);
	return v;
}

static void ring_wr_entry(void *priv, u32 off, u32 val)
{
	struct ring_model *m = priv;

	m->buf[off / NVB069_FAULT_BUF_SIZE][off % NVB069_FAULT_BUF_SIZE / 4] = val;
}

static u32 ring_rd_get(void *priv)
{
	struct ring_model *m = priv;

	return m->get | ring_flags(m);
}

static u32 ring_rd_put(void *priv)
{
	struct ring_model *m = priv;

	return m->put | ring_flags(m);
}

/*
 * Software writes GET: the index moves, a 1 in a flag clears it.  With
 * @arrive_on_write, a fault arrives in the same cycle and is judged by
 * the GET before the write (UVM's comment in
 * uvm_hal_volta_fault_buffer_write_get()).
 */
static void ring_wr_get(void *priv, u32 val)
{
	struct ring_model *m = priv;
	u32 old = m->get;

	if (m->oclass == MAXWELL_FAULT_BUFFER_A) {
		m->get = val;
		return;
	}
	m->get = val & NVSVM_HW_FAULT_PTR;
	if (val & NVSVM_HW_FAULT_OVERFLOW)
		m->overflow = false;
	if (val & NVSVM_HW_FAULT_GETPTR_CORRUPTED)
		m->corrupted = false;
	if (m->arrive_on_write) {
		m->arrive_on_write--;
		ring_arrive(m, old);
	}
}

static const struct nvsvm_hw_ring_ops ring_model_ops = {
	.rd_entry = ring_rd_entry,
	.wr_entry = ring_wr_entry,
	.rd_get = ring_rd_get,
	.rd_put = ring_rd_put,
	.wr_get = ring_wr_get,
};

/* Software's side of the model's ring, taken as the backend takes it. */
static void ring_take(struct ring_model *m, struct nvsvm_hw_ring *r)
{
	*r = (struct nvsvm_hw_ring) {
		.ops = &ring_model_ops,
		.priv = m,
		.oclass = m->oclass,
		.entries = m->entries,
		.replayable = true,
	};
	nvsvm_hw_ring_take(r);
}

/* The entries a drain handed out, in order. */
struct ring_got {
	u32 e[RING_GOT_MAX][RING_WORDS];
	unsigned int n;
};

static bool ring_got_take(void *arg, const u32 *entry)
{
	struct ring_got *got = arg;

	if (got->n < RING_GOT_MAX)
		memcpy(got->e[got->n++], entry, sizeof(got->e[0]));
	return true;
}

static unsigned int ring_drain(struct nvsvm_hw_ring *r, struct ring_got *got,
			       struct nvsvm_hw_ring_stat *st)
{
	got->n = 0;
	return nvsvm_hw_ring_drain(r, ring_got_take, got, RING_GOT_MAX, st);
}

/*
 * The drain handed out @n entries, of faults @seq, @seq + 1, ..., each
 * whole: every word of one fault, VALID set.
 */
static void ring_expect_got(struct kunit *test, const struct ring_got *got,
			    unsigned int n, u32 seq)
{
	unsigned int i, k;

	KUNIT_ASSERT_EQ(test, got->n, n);
	for (i = 0; i < n; i++)
		for (k = 0; k < RING_WORDS; k++)
			KUNIT_EXPECT_EQ_MSG(test, got->e[i][k], ring_word(seq + i, k),
					    "entry %u word %u", i, k);
}

/* What each case works on: too big for the stack. */
struct ring_test {
	struct ring_model m;
	struct nvsvm_hw_ring r;
	struct ring_got got;
	struct nvsvm_hw_ring_stat st;
};

/* A Volta ring of @entries entries, nothing posted. */
static struct ring_test *ring_test_new(struct kunit *test, u32 entries)
{
	struct ring_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->m.oclass = VOLTA_FAULT_BUFFER_A;
	t->m.entries = entries;
	return t;
}

/* An overflow loses the faults that found the ring full, and no more. */
static void fault_ring_overflow_recovers(struct kunit *test)
{
	struct ring_test *t = ring_test_new(test, 8);

	ring_take(&t->m, &t->r);
	ring_post(&t->m, 10);
	KUNIT_ASSERT_TRUE(test, t->m.overflow);
	KUNIT_EXPECT_EQ(test, t->m.dropped, 3);
	KUNIT_EXPECT_EQ(test, ring_drain(&t->r, &t->got, &t->st), 7);
	ring_expect_got(test, &t->got, 7, 1);
	KUNIT_EXPECT_TRUE(test, t->st.put_flags & NVSVM_HW_FAULT_OVERFLOW);
	KUNIT_EXPECT_FALSE(test, t->m.overflow);
	KUNIT_EXPECT_EQ(test, t->m.get, t->r.get);

	/* The GPU delivers again, across the wrap. */
	ring_post(&t->m, 5);
	KUNIT_EXPECT_EQ(test, t->m.dropped, 3);
	KUNIT_EXPECT_EQ(test, ring_drain(&t->r, &t->got, &t->st), 5);
	ring_expect_got(test, &t->got, 5, 8);
	KUNIT_EXPECT_EQ(test, t->m.posted, 12);
	KUNIT_EXPECT_EQ(test, ring_drain(&t->r, &t->got, &t->st), 0);
}

/*
 * A fault arrives in the cycle of each GET write: had GET moved and
 * OVERFLOW been cleared in one write, the first would set it again.
 */
static void fault_ring_overflow_cleared_under_traffic(struct kunit *test)
{
	struct ring_test *t = ring_test_new(test, 8);

	ring_take(&t->m, &t->r);
	ring_post(&t->m, 10);
	t->m.arrive_on_write = NVSVM_HW_FAULT_GET_WRITES;
	KUNIT_EXPECT_EQ(test, ring_drain(&t->r, &t->got, &t->st), 7);
	KUNIT_EXPECT_FALSE(test, t->m.overflow);
	KUNIT_EXPECT_EQ(test, t->m.posted, 8);
	KUNIT_EXPECT_EQ(test, ring_drain(&t->r, &t->got, &t->st), 1);
	ring_expect_got(test, &t->got, 1, 8);
}

/* GETPTR_CORRUPTED in PUT: the index still reads, the flag gets cleared. */
static void fault_ring_getptr_corrupted_cleared(struct kunit *test)
{
	struct ring_test *t = ring_test_new(test, 16);

	t->m.corrupted = true;
	ring_take(&t->m, &t->r);
	ring_post(&t->m, 3);
	KUNIT_EXPECT_EQ(test, ring_drain(&t->r, &t->got, &t->st), 3);
	KUNIT_EXPECT_FALSE(test, t->m.corrupted);
	KUNIT_EXPECT_EQ(test, ring_rd_get(&t->m), 3);
}

/* PUT out of the ring: start again at the GPU's GET, read nothing. */
static void fault_ring_put_out_of_ring_resets(struct kunit *test)
{
	struct ring_test *t = ring_test_new(test, 8);

	ring_take(&t->m, &t->r);
	ring_post(&t->m, 2);
	t->m.get = 1;
	t->m.put = 12;
	KUNIT_EXPECT_EQ(test, ring_drain(&t->r, &t->got, &t->st), 0);
	KUNIT_EXPECT_TRUE(test, t->st.reset);
	KUNIT_EXPECT_EQ(test, t->r.get, 1);
	t->m.put = 2;
	KUNIT_EXPECT_EQ(test, ring_drain(&t->r, &t->got, &t->st), 1);
	ring_expect_got(test, &t->got, 1, 2);
}

/* Pascal: plain indices, one GET write; the index bits are not masked. */
static void fault_ring_pascal_plain(struct kunit *test)
{
	u32 w[NVSVM_HW_FAULT_GET_WRITES];

	KUNIT_EXPECT_EQ(test, nvsvm_hw_fault_get_writes(MAXWELL_FAULT_BUFFER_A,
							true, 5, w), 1);
	KUNIT_EXPECT_EQ(test, w[0], 5);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_fault_index(MAXWELL_FAULT_BUFFER_A,
						   BIT(20) | 5), BIT(20) | 5);
}

/*
 * Volta on: the replayable buffer's GET is written twice, index first;
 * the non-replayable one's once, flags 0 (RM's
 * kgmmuWriteFaultBufferGetPtr_TU102()).
 */
static void fault_ring_volta_get_writes(struct kunit *test)
{
	u32 w[NVSVM_HW_FAULT_GET_WRITES];

	KUNIT_EXPECT_EQ(test, nvsvm_hw_fault_get_writes(VOLTA_FAULT_BUFFER_A,
							true, 5, w), 2);
	KUNIT_EXPECT_EQ(test, w[0], 5);
	KUNIT_EXPECT_EQ(test, w[1], 5 | NVSVM_HW_FAULT_OVERFLOW |
			NVSVM_HW_FAULT_GETPTR_CORRUPTED);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_fault_get_writes(VOLTA_FAULT_BUFFER_A,
							false, 5, w), 1);
	KUNIT_EXPECT_EQ(test, w[0], 5);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_fault_index(VOLTA_FAULT_BUFFER_A,
						   NVSVM_HW_FAULT_OVERFLOW | 5), 5);
}

/*
 * The GPU writes the entry while software reads it, three words per
 * read, VALID last.  Reading the payload before VALID would pair the
 * payload of the consumed fault that held the slot before (fault 0x55,
 * VALID cleared) with the new fault's VALID word; VALID first, then the
 * payload, reads the new fault whole.
 */
static void fault_ring_valid_first(struct kunit *test)
{
	struct ring_test *t = ring_test_new(test, 8);
	unsigned int i;

	t->m.lazy = true;
	t->m.words_per_read = 3;
	for (i = 0; i < RING_WORDS; i++)
		t->m.buf[0][i] = ring_word(0x55, i) & ~RING_VALID;
	ring_take(&t->m, &t->r);
	ring_post(&t->m, 1);
	KUNIT_EXPECT_EQ(test, ring_drain(&t->r, &t->got, &t->st), 1);
	ring_expect_got(test, &t->got, 1, 1);
	KUNIT_EXPECT_FALSE(test, t->st.again);
	/* Consumed: VALID cleared, so the slot reads incomplete again. */
	KUNIT_EXPECT_FALSE(test, t->m.buf[0][RING_WORDS - 1] & RING_VALID);
}

/*
 * PUT moves before the entries are written, and they are written out of
 * order: a drain takes the complete entries up to the first incomplete
 * one, in ring order, and says to come back for the rest.
 */
static void fault_ring_put_ahead_of_data(struct kunit *test)
{
	struct ring_test *t = ring_test_new(test, 8);

	t->m.lazy = true;
	ring_take(&t->m, &t->r);
	ring_post(&t->m, 3);
	KUNIT_EXPECT_EQ(test, ring_drain(&t->r, &t->got, &t->st), 0);
	KUNIT_EXPECT_TRUE(test, t->st.again);
	KUNIT_EXPECT_EQ(test, t->m.get, 0);

	ring_complete(&t->m, 2);
	ring_complete(&t->m, 0);
	KUNIT_EXPECT_EQ(test, ring_drain(&t->r, &t->got, &t->st), 1);
	ring_expect_got(test, &t->got, 1, 1);
	KUNIT_EXPECT_TRUE(test, t->st.again);
	KUNIT_EXPECT_EQ(test, t->m.get, 1);

	ring_complete(&t->m, 1);
	KUNIT_EXPECT_EQ(test, ring_drain(&t->r, &t->got, &t->st), 2);
	ring_expect_got(test, &t->got, 2, 2);
	KUNIT_EXPECT_FALSE(test, t->st.again);
	KUNIT_EXPECT_EQ(test, t->m.get, 3);
}

/*
 * The ring changes owner (nvkm, then the backend; or the backend across
 * a suspend) and the GPU claims the slots the first owner consumed again,
 * PUT ahead of the data.  The second owner starts at the GPU's GET and
 * must not take what the first consumed for new faults: it waits for
 * the new entries.  This holds because every owner clears VALID in what
 * it consumes, as the backend's drain does (this case tests that drain
 * as the first owner; nvkm's loop, gv100_fault_buffer_process(), which
 * clears VALID too, is not in KUnit's reach): an owner that does not
 * leaves stale entries the second owner reads.
 */
static void fault_ring_handover_no_stale(struct kunit *test)
{
	struct ring_test *t = ring_test_new(test, 8);
	struct nvsvm_hw_ring a, b;

	ring_take(&t->m, &a);
	ring_post(&t->m, 6);
	KUNIT_EXPECT_EQ(test, ring_drain(&a, &t->got, &t->st), 6);

	ring_take(&t->m, &b);
	KUNIT_EXPECT_EQ(test, b.get, 6);
	t->m.lazy = true;
	ring_post(&t->m, 4);		/* slots 6, 7, 0 and 1 */
	ring_complete(&t->m, 6);
	ring_complete(&t->m, 7);
	KUNIT_EXPECT_EQ(test, ring_drain(&b, &t->got, &t->st), 2);
	ring_expect_got(test, &t->got, 2, 7);
	KUNIT_EXPECT_TRUE(test, t->st.again);

	ring_complete(&t->m, 0);
	ring_complete(&t->m, 1);
	KUNIT_EXPECT_EQ(test, ring_drain(&b, &t->got, &t->st), 2);
	ring_expect_got(test, &t->got, 2, 9);
}

/*
 * An entry whose write is very late is waited for, never skipped: a
 * skipped slot whose VALID landed later would be a stale entry the next
 * time PUT passes it.  After NVSVM_HW_RING_STALLS drains it is reported
 * stuck, once; when it is written at last, it and the entry behind it
 * are read, in order.
 */
static void fault_ring_stuck_entry_waited_for(struct kunit *test)
{
	struct ring_test *t = ring_test_new(test, 8);
	unsigned int i;

	t->m.lazy = true;
	ring_take(&t->m, &t->r);
	ring_post(&t->m, 2);
	ring_complete(&t->m, 1);
	for (i = 1; i < NVSVM_HW_RING_STALLS; i++) {
		KUNIT_ASSERT_EQ(test, ring_drain(&t->r, &t->got, &t->st), 0);
		KUNIT_ASSERT_TRUE(test, t->st.again);
		KUNIT_ASSERT_FALSE(test, t->st.stuck);
	}
	KUNIT_EXPECT_EQ(test, ring_drain(&t->r, &t->got, &t->st), 0);
	KUNIT_EXPECT_TRUE(test, t->st.stuck);
	KUNIT_EXPECT_EQ(test, ring_drain(&t->r, &t->got, &t->st), 0);
	KUNIT_EXPECT_FALSE(test, t->st.stuck);
	KUNIT_EXPECT_EQ(test, t->m.get, 0);

	ring_complete(&t->m, 0);
	KUNIT_EXPECT_EQ(test, ring_drain(&t->r, &t->got, &t->st), 2);
	ring_expect_got(test, &t->got, 2, 1);
	KUNIT_EXPECT_FALSE(test, t->st.again);
	KUNIT_EXPECT_EQ(test, t->m.get, 2);
}

/* A drain stops at @max counted entries and goes on from there. */
static void fault_ring_max(struct kunit *test)
{
	struct ring_test *t = ring_test_new(test, 8);

	ring_take(&t->m, &t->r);
	ring_post(&t->m, 5);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_ring_drain(&t->r, ring_got_take, &t->got, 2,
						  &t->st), 2);
	ring_expect_got(test, &t->got, 2, 1);
	KUNIT_EXPECT_EQ(test, t->m.get, 2);
	KUNIT_EXPECT_EQ(test, ring_drain(&t->r, &t->got, &t->st), 3);
	ring_expect_got(test, &t->got, 3, 3);
}

/*
 * The non-replayable queue GSP-RM fills (nvkm's r535_fault_queue_*()), in
 * one mapping as the backend sees it: the data, then a page with RM's
 * struct Queue header (containers/queue.h), whose 64-bit GET and PUT
 * indices are at 64 and 128 of it.  The producer is RM's
 * circularQueuePushNonManaged_IMPL(): whole entries, at most capacity - 1
 * of them pending, then PUT.  The backend reads the indices' low words
 * and writes GET's, through the same accessors as the GPU's registers.
 */
#define QUEUE_CAP	8
#define QUEUE_HDR	4096
#define QUEUE_GET	(QUEUE_HDR + 64)
#define QUEUE_PUT	(QUEUE_HDR + 128)

struct queue_model {
	u8 mem[QUEUE_HDR + 4096];
	u32 seq;
	unsigned int gets;
	bool get_flags;
};

static u64 queue_rd64(const struct queue_model *q, u32 off)
{
	u64 v;

	memcpy(&v, q->mem + off, sizeof(v));
	return v;
}

static void queue_wr64(struct queue_model *q, u32 off, u64 v)
{
	memcpy(q->mem + off, &v, sizeof(v));
}

/* RM pushes @n faults, or as many as fit; returns how many. */
static unsigned int queue_push(struct queue_model *q, unsigned int n)
{
	u64 get = queue_rd64(q, QUEUE_GET), put = queue_rd64(q, QUEUE_PUT);
	u64 count = (put + QUEUE_CAP - get) % QUEUE_CAP;
	unsigned int i, k;

	n = min_t(u64, n, QUEUE_CAP - count - 1);
	for (i = 0; i < n; i++) {
		u32 e[RING_WORDS];

		q->seq++;
		for (k = 0; k < RING_WORDS; k++)
			e[k] = ring_word(q->seq, k);
		memcpy(q->mem + ((put + i) % QUEUE_CAP) * NVB069_FAULT_BUF_SIZE, e, sizeof(e));
	}
	queue_wr64(q, QUEUE_PUT, (put + n) % QUEUE_CAP);
	return n;
}

static u32 queue_rd(void *priv, u32 off)
{
	struct queue_model *q = priv;
	u32 v;

	memcpy(&v, q->mem + off, sizeof(v));
	return v;
}

static void queue_wr(void *priv, u32 off, u32 val)
{
	memcpy(((struct queue_model *)priv)->mem + off, &val, sizeof(val));
}

static u32 queue_rd_get(void *priv)
{
	return queue_rd(priv, QUEUE_GET);
}

static u32 queue_rd_put(void *priv)
{
	return queue_rd(priv, QUEUE_PUT);
}

/* GET's low word; a flag bit there would be an index RM cannot take. */
static void queue_wr_get(void *priv, u32 val)
{
	struct queue_model *q = priv;

	q->gets++;
	q->get_flags |= val >= QUEUE_CAP;
	queue_wr(priv, QUEUE_GET, val);
}

static const struct nvsvm_hw_ring_ops queue_model_ops = {
	.rd_entry = queue_rd,
	.wr_entry = queue_wr,
	.rd_get = queue_rd_get,
	.rd_put = queue_rd_put,
	.wr_get = queue_wr_get,
};

/*
 * The ring protocol reads the queue as RM's consumer does: every entry
 * RM pushed, in order and whole, across the wrap, with GET written once
 * per drain as a plain index below the capacity and its high word left 0.
 */
static void fault_ring_rm_queue(struct kunit *test)
{
	struct queue_model *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	struct ring_got *got = kunit_kzalloc(test, sizeof(*got), GFP_KERNEL);
	struct nvsvm_hw_ring_stat st;
	struct nvsvm_hw_ring r = {
		.ops = &queue_model_ops,
		.oclass = VOLTA_FAULT_BUFFER_A,
		.entries = QUEUE_CAP,
		.replayable = false,
	};

	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_ASSERT_NOT_NULL(test, got);
	r.priv = q;
	nvsvm_hw_ring_take(&r);

	/* A full queue holds one entry less than its capacity. */
	KUNIT_EXPECT_EQ(test, queue_push(q, QUEUE_CAP), QUEUE_CAP - 1);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_ring_drain(&r, ring_got_take, got, 3, &st), 3);
	ring_expect_got(test, got, 3, 1);
	KUNIT_EXPECT_EQ(test, queue_rd64(q, QUEUE_GET), 3);
	KUNIT_EXPECT_EQ(test, st.put_flags, 0);

	/* RM fills the room freed, wrapping; the drain follows it. */
	KUNIT_EXPECT_EQ(test, queue_push(q, QUEUE_CAP), 3);
	KUNIT_EXPECT_EQ(test, ring_drain(&r, got, &st), QUEUE_CAP - 1);
	ring_expect_got(test, got, QUEUE_CAP - 1, 4);
	KUNIT_EXPECT_EQ(test, queue_rd64(q, QUEUE_GET), queue_rd64(q, QUEUE_PUT));
	KUNIT_EXPECT_FALSE(test, st.again);

	/* An empty queue: nothing read, GET where it was. */
	KUNIT_EXPECT_EQ(test, ring_drain(&r, got, &st), 0);
	KUNIT_EXPECT_EQ(test, queue_rd64(q, QUEUE_GET), 2);
	KUNIT_EXPECT_FALSE(test, q->get_flags);
	KUNIT_EXPECT_EQ(test, q->gets, 3);
}

static struct kunit_case nouveau_svm_ring_cases[] = {
	KUNIT_CASE(fault_ring_overflow_recovers),
	KUNIT_CASE(fault_ring_overflow_cleared_under_traffic),
	KUNIT_CASE(fault_ring_getptr_corrupted_cleared),
	KUNIT_CASE(fault_ring_put_out_of_ring_resets),
	KUNIT_CASE(fault_ring_pascal_plain),
	KUNIT_CASE(fault_ring_volta_get_writes),
	KUNIT_CASE(fault_ring_valid_first),
	KUNIT_CASE(fault_ring_put_ahead_of_data),
	KUNIT_CASE(fault_ring_handover_no_stale),
	KUNIT_CASE(fault_ring_stuck_entry_waited_for),
	KUNIT_CASE(fault_ring_max),
	KUNIT_CASE(fault_ring_rm_queue),
	{}
};

static struct kunit_suite nouveau_svm_ring_suite = {
	.name = "nouveau_svm_ring",
	.test_cases = nouveau_svm_ring_cases,
};

kunit_test_suite(nouveau_svm_ring_suite);
