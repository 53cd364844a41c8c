#!/usr/bin/env python3
"""Turn the raw samples of svm-bench into the benchmark table and plots.

    bench-report.py DIR

DIR holds bench-raw.json, written in the guest by igt-tests/bench/svm-bench.c.
Writes into DIR:
  bench.json            one row per metric and size/K/N: medians of ours and
                        of the peer (test_hmm), their spread, the ratio
  bench.md              the same as a Markdown table, plus the targets
  fault-throughput.png  first-touch read throughput against size: ours,
                        test_hmm and the guest's memcpy (gnuplot)
  atomic.png            atomic round trips per second against K
  procs.png             aggregate fault throughput against processes, and
                        against channels of one process
  migrate.png           migration throughput in GB/s against size, to
                        device memory and back, 4 KiB pages and THP: ours,
                        test_hmm and the guest's memcpy of the same bytes
and prints bench.md.  Speed is reported, never asserted: the targets below
the table say met or missed, and the exit status does not depend on them.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys

PAGE = 4096
MIB = 1 << 20
# Upstream nouveau's dmem migration launches the copy engine once per 4 KiB
# page: a reference for copy-launches-per-mib, not a measurement.
UPSTREAM_LAUNCHES_PER_MIB = MIB // PAGE


def human_size(n):
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return f"{n >> shift} {unit}"
    return f"{n} B"


def quantile(xs, q):
    xs = sorted(xs)
    if len(xs) == 1:
        return xs[0]
    pos = q * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def stats(xs):
    if not xs:
        return None
    return {
        "median": statistics.median(xs),
        "min": min(xs),
        "max": max(xs),
        "iqr": quantile(xs, 0.75) - quantile(xs, 0.25),
        "n": len(xs),
    }


def fmt(v):
    if v is None:
        return "–"
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 1e6:
        return f"{v / 1e6:.3g} M"
    if a >= 1e4:
        return f"{v / 1e3:.3g} k"
    if a >= 100:
        return f"{v:.0f}"
    if a >= 1:
        return f"{v:.3g}"
    return f"{v:.3g}"


def cell(s):
    if s is None:
        return "–"
    return f"{fmt(s['median'])} [{fmt(s['min'])}–{fmt(s['max'])}]"


class Report:
    def __init__(self, raw):
        self.meta = raw["meta"]
        self.samples = raw["samples"]
        self.total_s = raw.get("total_s")
        self.rows = []

    def get(self, metric, side, param=None):
        return [s for s in self.samples
                if s["metric"] == metric and s["side"] == side
                and (param is None or s["param"] == param)]

    def params(self, metric):
        return sorted({s["param"] for s in self.samples if s["metric"] == metric})

    def row(self, metric, param, param_kind, ours, peer, unit, better, note="",
            extra=None):
        so, sp = stats(ours), stats(peer)
        ratio = None
        if so and sp and sp["median"]:
            ratio = so["median"] / sp["median"]
        self.rows.append({
            "metric": metric,
            "param": param,
            "param_kind": param_kind,
            "param_label": human_size(param) if param_kind == "size" else str(param),
            "ours": so["median"] if so else None,
            "peer": sp["median"] if sp else None,
            "ratio": ratio,
            "unit": unit,
            "better": better,
            "reps": max(so["n"] if so else 0, sp["n"] if sp else 0),
            "median": {"ours": so and so["median"], "peer": sp and sp["median"]},
            "spread": {
                "kind": "min-max",
                "ours": so and [so["min"], so["max"]],
                "peer": sp and [sp["min"], sp["max"]],
                "iqr": {"ours": so and so["iqr"], "peer": sp and sp["iqr"]},
            },
            "note": note,
            **(extra or {}),
        })

    def build(self):
        # 1. fault service, 3a. cost per page, 4. memcpy floor.
        for size in self.params("fault"):
            ours = self.get("fault", "ours", size)
            peer = self.get("fault", "peer", size)
            floor = self.get("memcpy", "floor", size)
            batches = self.get("batch", "ours", size)
            o = [s["value"] for s in ours]
            p = [s["value"] for s in peer]
            faults = statistics.median([s["faults"] for s in ours]) if ours else 0
            nb = statistics.median([s["batches"] for s in ours]) if ours else 0
            nbuf = ours[0]["buffers"] if ours else 1
            each = f"{nbuf} buffers of it, " if nbuf > 1 else ""
            self.row("fault-read", size, "size", o, p, "pages/s", "higher",
                     f"first touch; {each}ours: {faults:.0f} faults in {nb:.0f} batches")
            self.row("warm-read", size, "size",
                     [v for v in (s["value"] for s in self.get("warm", "ours", size))],
                     [v for v in (s["value"] for s in self.get("warm", "peer", size))],
                     "pages/s", "higher", "the same buffers read again: no faults")

            def service(xs):
                return [(x["seconds"] - x["warm_seconds"]) * 1e6 /
                        (x["buffers"] * size / PAGE) for x in xs]
            self.row("fault-service-per-page", size, "size", service(ours), service(peer),
                     "us/page", "lower", "first touch minus warm read, per page")
            ppb = [s["pages_per_batch"] for s in batches]
            self.row("fault-batch-time", size, "size",
                     [s["value"] for s in batches], [], "us/batch", "lower",
                     f"{statistics.median(ppb):.3g} pages/batch" if ppb else "")
            self.row("fault-cost-per-page", size, "size",
                     [1e6 / v for v in o], [1e6 / v for v in p], "us/page", "lower")
            f = [s["value"] for s in floor]
            self.row("memcpy", size, "size", f, [], "GB/s", "higher",
                     "guest memcpy, warm buffers: the floor")
            self.row("fault-read-of-memcpy", size, "size",
                     [v * PAGE / 1e9 / m for v, m in zip(o, f)],
                     [v * PAGE / 1e9 / m for v, m in zip(p, f)],
                     "fraction of memcpy", "higher",
                     "read throughput in bytes/s over memcpy's")
        # 2. atomics; the peer is the same for both of ours.
        slice_us = self.get("atomic-slice-us", "ours")
        slice_us = int(slice_us[0]["value"]) if slice_us else None
        window = self.get("atomic-window-us", "ours")
        window = (f", simulated GPU's {int(window[0]['value'])} us atomic window off"
                  if window and window[0]["value"] > 0 else "")
        for metric, label in (("atomic", f"slice {slice_us} us"),
                              ("atomic-slice0", "slice 0")):
            for k in self.params(metric):
                ours = self.get(metric, "ours", k)
                peer = self.get("atomic", "peer", k)
                rts = sum(s["round_trips"] for s in ours) or 1
                bo = sum(s["backoffs"] for s in ours) / rts
                gr = sum(s["grants"] for s in ours) / rts
                name = "atomic-roundtrip" if metric == "atomic" else "atomic-roundtrip-slice0"
                self.row(name, k, "K", [s["value"] for s in ours],
                         [s["value"] for s in peer], "round trips/s", "higher",
                         f"{label}{window}; per round trip: {gr:.2f} grants, "
                         f"{bo:.2f} backoffs")
        # 2b. a CPU thread and the GPU fighting over one word.
        for k in self.params("atomic-fight"):
            ours = self.get("atomic-fight", "ours", k)
            revs = sum(s["revocations"] for s in ours) or 1
            bo = sum(s["backoffs"] for s in ours) / revs
            self.row("atomic-fight-gpu-adds-per-grant", k, "K", [s["value"] for s in ours],
                     [], "adds/grant", "higher",
                     f"GPU jobs of {k} adds against a CPU thread; {bo:.2f} backoffs "
                     "per revocation")
            self.row("atomic-fight-cpu-us-per-revocation", k, "K",
                     [s["cpu_us_per_revocation"] for s in ours], [], "us/revocation",
                     "lower", "the CPU thread's time over its adds' cost alone, "
                     "per revocation")
        self.build_migrate()
        # 3b. processes at once.
        for n in self.params("procs"):
            self.row("procs-aggregate", n, "N",
                     [s["value"] for s in self.get("procs", "ours", n)],
                     [s["value"] for s in self.get("procs", "peer", n)],
                     "pages/s", "higher",
                     f"{n} x {human_size(self.meta.get('procs_size', 16 << 20))}")
        for n in self.params("procs-one-server"):
            self.row("procs-aggregate-one-server", n, "N",
                     [s["value"] for s in self.get("procs-one-server", "ours", n)],
                     [s["value"] for s in self.get("procs", "peer", n)],
                     "pages/s", "higher",
                     "ours with fault_servers=1: the fault worker serves every VM itself")
        for metric, what in (("procs-cpus-busy", "processes"), ("chans-cpus-busy", "channels")):
            for n in self.params(metric):
                self.row(metric, n, "N",
                         [s["value"] for s in self.get(metric, "ours", n)],
                         [s["value"] for s in self.get(metric, "peer", n)],
                         "CPUs", "lower",
                         f"the guest's CPUs busy while {n} {what} read, of "
                         f"{self.meta.get('cpus', '?')}: what is left for more to gain")
        # 3c. channels of one process at once.
        for n in self.params("chans"):
            self.row("chans-aggregate", n, "N",
                     [s["value"] for s in self.get("chans", "ours", n)],
                     [s["value"] for s in self.get("chans", "peer", n)],
                     "pages/s", "higher",
                     f"one process: ours {n} channels of one client, test_hmm {n} threads "
                     f"on one fd; {n} x {human_size(self.meta.get('procs_size', 16 << 20))}")

    def cpu_bound(self, metric):
        """What the CPUs busy at 1 leave for 4 to gain, as text for a target."""
        one, four = self.find(metric, 1), self.find(metric, 4)
        cpus = self.meta.get("cpus")
        if not one or not one["ours"] or not cpus:
            return ""
        text = (f"; at 1 ours keeps {one['ours']:.2f} of {cpus} CPUs busy, "
                f"so 4 can gain at most {cpus / one['ours']:.2f}x")
        if one["peer"]:
            text += f" (test_hmm {one['peer']:.2f} CPUs, {cpus / one['peer']:.2f}x)"
        if four and four["ours"]:
            text += f"; at 4 ours keeps {four['ours']:.2f} busy"
        return text

    def build_migrate(self):
        """Migration to device memory and back: GB/s, ours and test_hmm."""
        def values(xs):
            return [x["value"] for x in xs]

        def pages_per_s(ours, peer):
            def med(xs):
                return statistics.median([x["pages_per_s"] for x in xs]) if xs else None
            return {"pages_per_s": {"ours": med(ours), "peer": med(peer)}}

        def per_buffer(xs, key):
            if not xs:
                return 0
            return statistics.median([x[key] / x["buffers"] for x in xs])

        def buffers(xs):
            if not xs:
                return ""
            n, b = xs[0]["buffers"], xs[0]["batches"]
            if n == 1:
                return ""
            return f"{n} buffers of it per sample in {b} batch{'es' if b > 1 else ''}; "

        def thp(ours, peer, size):
            huge = size // (2 * MIB) * (ours[0]["buffers"] if ours else 1)
            before_o = statistics.median([x["thp_kib_before"] for x in ours]) if ours else 0
            before_p = statistics.median([x["thp_kib_before"] for x in peer]) if peer else 0
            whole = statistics.median([x["thp_folios"] for x in ours]) if ours else 0
            return (f"THP before: ours {before_o / 2048:.0f}, test_hmm "
                    f"{before_p / 2048:.0f} of {huge}; ours moved {whole:.0f} whole")

        # (row, raw metric, what ours and the peer do); 4 KiB pages, then THP.
        kinds = (
            ("migrate-to-vram", "migrate-vram",
             "ours: SVM_BIND MIGRATE to VRAM; test_hmm: MIGRATE_TO_DEV (which also "
             "copies the data out to its caller)"),
            ("migrate-thp-to-vram", "migrate-thp-vram",
             "MADV_HUGEPAGE; ours: SVM_BIND MIGRATE to VRAM; test_hmm: MIGRATE_TO_DEV"),
            ("migrate-to-host", "migrate-host",
             "ours: SVM_BIND MIGRATE target 0; test_hmm: MIGRATE_TO_SYS"),
            ("migrate-thp-to-host", "migrate-thp-host",
             "MADV_HUGEPAGE; ours: SVM_BIND MIGRATE target 0; test_hmm: MIGRATE_TO_SYS"),
            ("migrate-cpu-fault-back", "migrate-cpu-fault",
             "one CPU read per page after a migration to device memory"),
        )
        for name, metric, what in kinds:
            for size in self.params(metric):
                ours = self.get(metric, "ours", size)
                peer = self.get(metric, "peer", size)
                note = f"{buffers(ours)}{what}; ours: " \
                       f"{per_buffer(ours, 'launches'):.3g} copy launches/buffer"
                if "thp" in metric:
                    note += "; " + thp(ours, peer, size)
                self.row(name, size, "size", values(ours), values(peer), "GB/s",
                         "higher", note, extra=pages_per_s(ours, peer))
        for size in self.params("migrate-memcpy"):
            self.row("migrate-memcpy", size, "size",
                     values(self.get("migrate-memcpy", "floor", size)), [], "GB/s",
                     "higher", "guest memcpy of the size, warm buffers, in the same "
                     "repetitions: the floor (the fastest of 3 placements of the "
                     "destination: adjacent, 8 KiB and 68 KiB further)")
        # Each repetition's migration over the same repetition's memcpy.
        for name, metric, _ in kinds[:4]:
            for size in self.params(metric):
                floor = values(self.get("migrate-memcpy", "floor", size))
                if not floor:
                    continue

                def frac(side):
                    return [v / f for v, f in
                            zip(values(self.get(metric, side, size)), floor)]
                self.row(f"{name}-of-memcpy", size, "size", frac("ours"), frac("peer"),
                         "fraction of memcpy", "higher",
                         f"{name} in GB/s over migrate-memcpy's")
        for size in self.params("migrate-host"):
            back = self.get("migrate-host", "ours", size)
            if not back:
                continue
            mib = size * back[0]["buffers"] / MIB
            both = [(x["to_launches"] + x["launches"]) / (2 * mib) for x in back]
            to = statistics.median([x["to_launches"] / mib for x in back])
            fro = statistics.median([x["launches"] / mib for x in back])
            self.row("copy-launches-per-mib", size, "size", both, [], "launches/MiB",
                     "lower", f"ours, both directions; to VRAM {to:.3g}, back {fro:.3g} "
                     f"(upstream nouveau: {UPSTREAM_LAUNCHES_PER_MIB}, one per 4 KiB page)")

    def find(self, metric, param):
        for r in self.rows:
            if r["metric"] == metric and r["param"] == param:
                return r
        return None

    def targets(self):
        lines = []
        big = [r for r in self.rows if r["metric"] == "fault-read" and r["param"] >= 2 << 20]
        met = [r for r in big if r["ratio"] is not None and r["ratio"] >= 1.5]
        detail = ", ".join(f"{r['param_label']} {r['ratio']:.2f}x" for r in big if r["ratio"])
        lines.append(f"- fault service, ours >= 1.5x test_hmm at 2 MiB and above: "
                     f"**{'met' if big and len(met) == len(big) else 'missed'}** "
                     f"({len(met)} of {len(big)} sizes; {detail})")
        cost = [r for r in self.rows if r["metric"] == "fault-cost-per-page"
                and 2 << 20 <= r["param"] <= 256 << 20 and r["ours"]]
        if cost:
            lo, hi = min(r["ours"] for r in cost), max(r["ours"] for r in cost)
            lines.append(f"- per-page cost flat within 25% from 2 MiB to "
                         f"{cost[-1]['param_label']}: "
                         f"**{'met' if hi <= 1.25 * lo else 'missed'}** "
                         f"(ours {lo:.3g}–{hi:.3g} us/page, max/min {hi / lo:.2f}; "
                         + "; ".join(f"{r['param_label']} {r['ours']:.3g}" for r in cost) + ")")
        lines.extend(self.migrate_targets())
        lines.extend(self.perf_targets())
        return lines

    def perf_targets(self):
        """The targets of the performance issue: atomics, latency, scaling."""
        lines = []

        def verdict(ok):
            return "met" if ok else "missed"
        r = self.find("atomic-roundtrip", 1)
        if r and r["ratio"] is not None:
            lines.append(f"- atomic round trips at K=1, default settings, ours >= 1x "
                         f"test_hmm: **{verdict(r['ratio'] >= 1)}** ({r['ratio']:.2f}x)")
        g = self.find("atomic-fight-gpu-adds-per-grant", 64)
        c = self.find("atomic-fight-cpu-us-per-revocation", 64)
        slice_us = self.get("atomic-slice-us", "ours")
        if g and c and g["ours"] is not None and slice_us:
            bound = 2 * slice_us[0]["value"]
            ok = g["ours"] >= 1 and c["ours"] <= bound
            lines.append(f"- fighting CPU and GPU: the GPU progresses with every grant "
                         f"(>= 1 add per grant) and the CPU waits under two slices "
                         f"({bound:.0f} us) per revocation: **{verdict(ok)}** "
                         f"({g['ours']:.2f} adds/grant, {c['ours']:.0f} us/revocation)")
        r = self.find("fault-cost-per-page", 4096)
        if r and r["ratio"] is not None:
            lines.append(f"- single-page first touch, fault-cost-per-page at 4 KiB <= "
                         f"test_hmm's: **{verdict(r['ratio'] <= 1)}** ({r['ratio']:.2f}x)")
        one, four = self.find("procs-aggregate", 1), self.find("procs-aggregate", 4)
        if one and four and one["ours"] and four["ours"]:
            scale = four["ours"] / one["ours"]
            serial = ""
            o1 = self.find("procs-aggregate-one-server", 1)
            o4 = self.find("procs-aggregate-one-server", 4)
            if o1 and o4 and o1["ours"] and o4["ours"]:
                serial = f"; with one fault server {o4['ours'] / o1['ours']:.2f}x"
            p1, p4 = one["peer"], four["peer"]
            peer = f"; test_hmm {p4 / p1:.2f}x" if p1 and p4 else ""
            lines.append(f"- fault service over CPUs, procs-aggregate at 4 >= 1.6x of 1: "
                         f"**{verdict(scale >= 1.6)}** ({scale:.2f}x{serial}{peer}"
                         f"{self.cpu_bound('procs-cpus-busy')})")
        one, four = self.find("chans-aggregate", 1), self.find("chans-aggregate", 4)
        if one and four and one["ours"] and four["ours"]:
            scale = four["ours"] / one["ours"]
            p1, p4 = one["peer"], four["peer"]
            peer = f"; test_hmm threads {p4 / p1:.2f}x" if p1 and p4 else ""
            lines.append(f"- fault service over CPUs, chans-aggregate (channels of one "
                         f"process) at 4 >= 1.6x of 1: **{verdict(scale >= 1.6)}** "
                         f"({scale:.2f}x{peer}{self.cpu_bound('chans-cpus-busy')})")
        for metric, side, goal, what in (
                ("migrate-to-host", "ratio", 1.5, "4 KiB pages >= 1.5x test_hmm"),
                ("migrate-to-host-of-memcpy", "ours", 0.4, "4 KiB pages >= 0.4 of memcpy"),
                ("migrate-thp-to-host", "ratio", 1.2, "THP >= 1.2x test_hmm")):
            rows = [r for r in self.rows if r["metric"] == metric
                    and r["param"] >= 2 * MIB and r[side] is not None]
            if rows:
                ok = all(r[side] >= goal for r in rows)
                lines.append(f"- migration back, {what} at 2 MiB and above: "
                             f"**{verdict(ok)}** ("
                             + ", ".join(f"{r['param_label']} {r[side]:.2f}" for r in rows)
                             + ")")
        return lines

    def migrate_targets(self):
        """Migration from 2 MiB up: ours against test_hmm and against memcpy."""
        names = ("migrate-to-vram", "migrate-thp-to-vram", "migrate-to-host",
                 "migrate-thp-to-host")
        lines = []
        for suffix, side, goal, what in (
                ("", "ratio", 1.5, "ours >= 1.5x test_hmm"),
                ("-of-memcpy", "ours", 0.5, "ours >= 0.5x the guest's memcpy")):
            rows = [r for r in self.rows if r["metric"] in {n + suffix for n in names}
                    and r["param"] >= 2 * MIB and r[side] is not None]
            if not rows:
                continue
            met = [r for r in rows if r[side] >= goal]
            detail = "; ".join(
                n[len("migrate-"):] + ": " + ", ".join(
                    f"{r['param_label']} {r[side]:.2f}x" for r in rows
                    if r["metric"] == n + suffix)
                for n in names)
            lines.append(f"- migration, {what} at 2 MiB and above: "
                         f"**{'met' if len(met) == len(rows) else 'missed'}** "
                         f"({len(met)} of {len(rows)}; {detail})")
        return lines

    def markdown(self):
        m = self.meta
        out = [
            "## nouveau SVM benchmark",
            "",
            f"Guest kernel {m.get('kernel')}, {m.get('cpus')} vCPUs; each figure is the "
            f"median of {m.get('reps')} repetitions, [min–max] after it; the guest's "
            f"CLOCK_MONOTONIC ticks in {m.get('clock_res_ns', 0) / 1e6:g} ms steps, so every "
            "sample lasts well over that (small sizes read many fresh buffers per sample).  "
            "ours = nouveau SVM on the simulated GPU, peer = test_hmm "
            "(/dev/hmm_dmirror0).  ratio = ours / peer: for rows whose "
            "'better' is *higher* (throughput) a ratio > 1 means ours is faster; "
            "for *lower* rows (time) a ratio < 1 means ours is faster.",
            "",
            "| metric | size/K/N | ours | peer | ratio | unit | better | reps | note |",
            "| --- | ---: | ---: | ---: | ---: | --- | --- | ---: | --- |",
        ]
        for r in self.rows:
            so = {"median": r["ours"], "min": r["spread"]["ours"][0],
                  "max": r["spread"]["ours"][1]} if r["ours"] is not None else None
            sp = {"median": r["peer"], "min": r["spread"]["peer"][0],
                  "max": r["spread"]["peer"][1]} if r["peer"] is not None else None
            ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "–"
            out.append(f"| {r['metric']} | {r['param_label']} | {cell(so)} | {cell(sp)} "
                       f"| {ratio} | {r['unit']} | {r['better']} | {r['reps']} | {r['note']} |")
        out.append("")
        skipped = [s for s in self.samples if s["metric"] == "skipped"]
        for s in skipped:
            out.append(f"Skipped: fault service at {human_size(s['param'])} (about "
                       f"{s['value']:.0f} s more, over the {s['budget_s']:.0f} s budget "
                       "of the fault sizes under TCG).")
        for s in self.get("migrate-skipped", "none"):
            what = f"of {human_size(s['param'])} buffers " if s["param"] else ""
            out.append(f"Not measured: migration {what}to device memory ({s['reason']}).")
        vram = self.get("migrate-vram-bytes", "ours")
        if self.params("migrate-vram"):
            least = human_size(self.meta.get("migrate_sample_bytes", 32 << 20))
            out.append(f"Migration: each sample moves at least {least} of fresh, "
                       "CPU-written anonymous memory each way (several buffers of the "
                       "smaller sizes, one of the larger), in batches that are in device "
                       "memory at once"
                       + (f" (VRAM: {human_size(int(vram[0]['value']))})" if vram else "")
                       + "; a sample's time is the sum of its batches'; every round "
                       "trip is checked word by word, and ours against the fdinfo "
                       "counters (pages moved, no copy failures, no evictions).  "
                       "GB/s = 10^9 bytes moved per second.  Reference, not measured: "
                       "upstream nouveau launches the copy engine once per 4 KiB page, "
                       f"{UPSTREAM_LAUNCHES_PER_MIB} launches/MiB.")
        out.append("")
        out.append("Targets (reported, not asserted):")
        out.extend(self.targets())
        if self.total_s:
            out.append("")
            out.append(f"Benchmark program time in the guest: {self.total_s:.0f} s.")
        return "\n".join(out) + "\n"


def gnuplot(script, where):
    if not shutil.which("gnuplot"):
        print("bench-report: gnuplot not found, no plots", file=sys.stderr)
        return
    subprocess.run(["gnuplot"], input=script, text=True, check=True, cwd=where)


def plots(rep, d):
    def data(name, rows):
        with open(os.path.join(d, name), "w") as f:
            for r in rows:
                f.write(" ".join("NaN" if x is None else str(x) for x in r) + "\n")

    # Fault throughput in GB/s against size, with min/max bars.
    fr, mc = [], []
    for r in rep.rows:
        if r["metric"] == "fault-read":
            g = PAGE / 1e9
            w = rep.find("warm-read", r["param"])
            fr.append((r["param"] / 1024, r["ours"] * g, r["spread"]["ours"][0] * g,
                       r["spread"]["ours"][1] * g, r["peer"] * g,
                       r["spread"]["peer"][0] * g, r["spread"]["peer"][1] * g,
                       w["ours"] * g if w else None, w["peer"] * g if w else None))
        if r["metric"] == "memcpy":
            mc.append((r["param"] / 1024, r["ours"], r["spread"]["ours"][0],
                       r["spread"]["ours"][1]))
    data("fault.dat", fr)
    data("memcpy.dat", mc)
    at = {}
    for r in rep.rows:
        if r["metric"].startswith("atomic-roundtrip"):
            at.setdefault(r["param"], {})[r["metric"]] = r
    with open(os.path.join(d, "atomic.dat"), "w") as f:
        for k in sorted(at):
            a = at[k].get("atomic-roundtrip")
            z = at[k].get("atomic-roundtrip-slice0")
            f.write(f"{k} {a['ours'] if a else 'NaN'} {a['peer'] if a else 'NaN'} "
                    f"{z['ours'] if z else 'NaN'}\n")
    pr = [(r["param"], r["ours"], r["spread"]["ours"][0], r["spread"]["ours"][1],
           r["peer"], r["spread"]["peer"][0], r["spread"]["peer"][1])
          for r in rep.rows if r["metric"] == "procs-aggregate"]
    data("procs.dat", pr)
    ch = [(r["param"], r["ours"], r["spread"]["ours"][0], r["spread"]["ours"][1],
           r["peer"], r["spread"]["peer"][0], r["spread"]["peer"][1])
          for r in rep.rows if r["metric"] == "chans-aggregate"]
    data("chans.dat", ch)
    # Migration throughput in GB/s against size: a median, min, max column
    # triple per series, NaN where a series has no such size.
    series = [(m, side) for m in ("migrate-to-vram", "migrate-thp-to-vram",
                                  "migrate-to-host", "migrate-thp-to-host",
                                  "migrate-cpu-fault-back")
              for side in ("ours", "peer")] + [("migrate-memcpy", "ours")]
    col = {sr: 2 + 3 * i for i, sr in enumerate(series)}
    mg = {}
    for r in rep.rows:
        for side in ("ours", "peer"):
            if (r["metric"], side) in col and r[side] is not None:
                mg.setdefault(r["param"], {})[(r["metric"], side)] = (
                    r[side], r["spread"][side][0], r["spread"][side][1])
    data("migrate.dat", [[size / 1024] + [x for sr in series
                                          for x in mg[size].get(sr, (None,) * 3)]
                         for size in sorted(mg)])

    def mplot(lines):
        return ", \\\n     ".join(
            f'"migrate.dat" u 1:{col[sr]}:{col[sr] + 1}:{col[sr] + 2} w yerrorlines '
            f'{style} t "{title}" noenhanced' for sr, style, title in lines)
    memcpy = (("migrate-memcpy", "ours"), "lw 2 dt 3 pt 1 lc rgb 'black'",
              "guest memcpy of the size (floor)")
    to_dev = mplot((
        (("migrate-to-vram", "ours"), "lw 2 pt 7 lc 1", "ours, 4 KiB pages"),
        (("migrate-thp-to-vram", "ours"), "lw 2 dt 2 pt 9 lc 1", "ours, THP"),
        (("migrate-to-vram", "peer"), "lw 2 pt 5 lc 2", "test_hmm, 4 KiB pages"),
        (("migrate-thp-to-vram", "peer"), "lw 2 dt 2 pt 8 lc 2", "test_hmm, THP"),
        memcpy))
    to_host = mplot((
        (("migrate-to-host", "ours"), "lw 2 pt 7 lc 1", "ours, 4 KiB pages"),
        (("migrate-thp-to-host", "ours"), "lw 2 dt 2 pt 9 lc 1", "ours, THP"),
        (("migrate-to-host", "peer"), "lw 2 pt 5 lc 2", "test_hmm, 4 KiB pages"),
        (("migrate-thp-to-host", "peer"), "lw 2 dt 2 pt 8 lc 2", "test_hmm, THP"),
        (("migrate-cpu-fault-back", "ours"), "lw 1 dt 4 pt 6 lc 3",
         "ours, by CPU reads (4 KiB pages)"),
        (("migrate-cpu-fault-back", "peer"), "lw 1 dt 4 pt 4 lc 4",
         "test_hmm, by CPU reads (4 KiB pages)"),
        memcpy))
    sub = f"{rep.meta.get('reps')} reps, median and min/max; guest {rep.meta.get('kernel')} under QEMU"
    gnuplot(f"""
set terminal pngcairo size 960,600 font ",11"
set output "fault-throughput.png"
set title "First-touch GPU read of a fresh buffer: throughput against size\\n{{/*0.8 {sub}}}"
set logscale xy
set xlabel "buffer size (KiB)"
set ylabel "GB/s (bytes read per second)"
set key bottom right box opaque width 1
set grid
set format y "%g"
set xrange [2:524288]
set xtics ("4K" 4, "64K" 64, "2M" 2048, "16M" 16384, "64M" 65536, "256M" 262144, "1G" 1048576)
plot "fault.dat" u 1:2:3:4 w yerrorlines lw 2 pt 7 t "ours (nouveau SVM, simulated GPU)", \\
     "fault.dat" u 1:5:6:7 w yerrorlines lw 2 pt 5 t "test_hmm (HMM_DMIRROR_READ)" noenhanced, \\
     "memcpy.dat" u 1:2:3:4 w yerrorlines lw 2 dt 2 pt 9 t "guest memcpy (floor)", \\
     "fault.dat" u 1:8 w lp lw 1 dt 3 pt 6 lc 1 t "ours, warm re-read (no faults)", \\
     "fault.dat" u 1:9 w lp lw 1 dt 3 pt 4 lc 2 t "test_hmm, warm re-read (no faults)" noenhanced

set output "atomic.png"
set title "GPU atomics with a CPU read every K increments: round trips per second\\n{{/*0.8 {sub}}}"
set logscale xy
set xlabel "K (GPU atomic increments between CPU reads)"
set ylabel "grant/revoke round trips per second"
set xrange [0.7:6000]
set xtics (1, 4, 16, 64, 256, 1024, 4096)
plot "atomic.dat" u 1:2 w lp lw 2 pt 7 t "ours (default atomic time slice)", \\
     "atomic.dat" u 1:4 w lp lw 2 pt 6 t "ours (atomic time slice 0)", \\
     "atomic.dat" u 1:3 w lp lw 2 pt 5 t "test_hmm (EXCLUSIVE + CPU read)" noenhanced

set terminal pngcairo size 1400,640 font ",11"
set output "procs.png"
set multiplot layout 1,2 title "First-touch reads of 16 MiB each, N at once: aggregate pages per second\\n{{/*0.8 {sub}}}"
set logscale x 2
unset logscale y
set xrange [0.8:10]
set yrange [0:*]
set ylabel "pages/s, all together"
set xtics (1, 2, 4, 8)
set title "N processes"
set xlabel "processes"
plot "procs.dat" u 1:2:3:4 w yerrorlines lw 2 pt 7 t "ours", \\
     "procs.dat" u 1:5:6:7 w yerrorlines lw 2 pt 5 t "test_hmm" noenhanced
set title "one process: N channels (test_hmm: N threads)" noenhanced
set xlabel "channels / threads"
plot "chans.dat" u 1:2:3:4 w yerrorlines lw 2 pt 7 t "ours", \\
     "chans.dat" u 1:5:6:7 w yerrorlines lw 2 pt 5 t "test_hmm" noenhanced
unset multiplot

set terminal pngcairo size 1400,640 font ",11"
set output "migrate.png"
set multiplot layout 1,2 title "Migration of fresh, CPU-written anonymous memory between system memory and device memory\\n{{/*0.8 {sub}}}"
unset logscale
set logscale x
set xlabel "buffer size (KiB)"
set ylabel "GB/s (bytes migrated per second)"
set key top left box opaque width 1 samplen 3
set offsets 0, 0, graph 0.55, 0
set xrange [40:420000]
set yrange [0:*]
set xtics ("64K" 64, "256K" 256, "2M" 2048, "8M" 8192, "32M" 32768, "128M" 131072, "256M" 262144)
set datafile missing "NaN"
set title "to device memory: SVM_BIND MIGRATE to VRAM, test_hmm MIGRATE_TO_DEV" noenhanced
plot {to_dev}
set title "back to system memory: SVM_BIND MIGRATE target 0, test_hmm MIGRATE_TO_SYS" noenhanced
plot {to_host}
unset multiplot
""", d)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench-report.py DIR")
    d = sys.argv[1]
    with open(os.path.join(d, "bench-raw.json")) as f:
        raw = json.load(f)
    rep = Report(raw)
    rep.build()
    md = rep.markdown()
    with open(os.path.join(d, "bench.json"), "w") as f:
        json.dump({"meta": rep.meta, "total_s": rep.total_s, "rows": rep.rows,
                   "targets": rep.targets()}, f, indent=1)
    with open(os.path.join(d, "bench.md"), "w") as f:
        f.write(md)
    plots(rep, d)
    print(md)
    print(f"Table: {d}/bench.md, rows: {d}/bench.json, plots: "
          f"{d}/fault-throughput.png, {d}/atomic.png, {d}/procs.png, {d}/migrate.png")


if __name__ == "__main__":
    main()
