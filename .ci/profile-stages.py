#!/usr/bin/env python3
"""profile-stages.py TRACE [OUT]: where a GPU fault's time goes, stage by stage.

TRACE is the text of the guest's trace buffer (tracefs `trace`, global
clock) while svm-prof ran first-touch or atomic round trips on the
simulated GPU, one job at a time, with the events of the simulated GPU
(nvsim: a job's queue, start, stall, resume, retire, collect, each naming
the job by its token) and of the SVM core (nouveau_svm_fault_batch,
_fault_group, _replay, _invalidate) enabled.  Each job that stalled once
on its fault is cut into stages, one per pair of consecutive events:

  submit     queue -> start      EXEC queues the job; a runner takes it
  to-fault   start -> stall      the runner walks to the miss, posts it
  notify     stall -> batch      the fault worker wakes, fetches the batch
  service    batch -> group      the core serves the fault (range, HMM,
                                 DMA mapping, GPU map; an atomic grant)
  settle     group -> replay     cancels, bookkeeping
  replay     replay -> resume    the replay op; the runner wakes
  finish     resume -> retire    the runner does the access, ends the job
  complete   retire -> collect   the submitter wakes, collects the job
  return     collect -> next     back to user space and the next EXEC;
                                 an atomic round trip's CPU read in it is
                                 cut where the core's invalidation ends:
  cpu-read   collect -> inval    ... the read's fault, up to the end of
                                 the core's invalidation (GPU and DMA
                                 unmap)
  revoke     inval -> next       ... the rest of the fault, the return
                                 and the next EXEC
  job        queue -> collect    the whole job
  round trip queue -> next       the job and what follows it

For each stage: how many jobs, the median and mean in microseconds, and
how many of them crossed CPUs (the two events on different CPUs), with
the medians of the same-CPU and cross-CPU ones: a hand-over between
threads costs a wakeup, and under TCG the wakeup of another, idle vCPU
costs far more than a switch on the same one.  A job is left out, and
counted as such, when another job's events come between its own or it
did not stall exactly once.  The trace gives whole microseconds, so the
stages of a few microseconds are coarse.  Writes OUT (default: standard
output)."""
import re
import statistics
import sys

LINE = re.compile(r'^\s*(?P<comm>.*?)-(?P<pid>\d+)\s+(?:\(\s*\S+\)\s+)?'
                  r'\[(?P<cpu>\d+)\]\s+(?:\S+\s+)?(?P<ts>\d+\.\d+): '
                  r'(?P<ev>\w+): (?P<args>.*)$')
TOKEN = re.compile(r'\btoken=(\d+)')

# The events of one job, in the order they must come.
JOB = ['nvsim_job_queue', 'nvsim_job_start', 'nvsim_job_stall',
       'nouveau_svm_fault_batch', 'nouveau_svm_fault_group',
       'nouveau_svm_replay', 'nvsim_job_resume', 'nvsim_job_retire',
       'nvsim_job_collect']
STAGES = ['submit', 'to-fault', 'notify', 'service', 'settle', 'replay',
          'finish', 'complete']


def parse(path):
    """The trace's events: (time in us, cpu, event, token or None)."""
    events = []
    with open(path) as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            t = TOKEN.search(m['args'])
            events.append((float(m['ts']) * 1e6, int(m['cpu']), m['ev'],
                           int(t[1]) if t else None))
    events.sort(key=lambda e: e[0])
    return events


def split_jobs(events):
    """Each job's events from its queue to the next job's queue."""
    jobs, cur = [], None
    for e in events:
        if e[2] == 'nvsim_job_queue':
            if cur:
                jobs.append(cur)
            cur = [e]
        elif cur is not None:
            cur.append(e)
    if cur:
        jobs.append(cur)
    return jobs


def cut(job, nxt):
    """(stage, us, crossed) of one job, or a reason to leave it out."""
    token = job[0][3]
    if any(e[3] not in (None, token) for e in job):
        return 'interleaved with another job'
    seq = [e for e in job if e[2] in JOB]
    if [e[2] for e in seq] != JOB:
        return 'not exactly one stall, batch, group and replay'
    out = []
    for name, a, b in zip(STAGES, seq, seq[1:]):
        out.append((name, b[0] - a[0], a[1] != b[1]))
    out.append(('job', seq[-1][0] - seq[0][0], False))
    if nxt is None:
        return out
    collect = seq[-1]
    inval = [e for e in job if e[2] == 'nouveau_svm_invalidate' and e[0] > collect[0]]
    if inval:
        out.append(('cpu-read', inval[0][0] - collect[0], inval[0][1] != collect[1]))
        out.append(('revoke', nxt[0] - inval[0][0], nxt[1] != inval[0][1]))
    else:
        out.append(('return', nxt[0] - collect[0], nxt[1] != collect[1]))
    out.append(('round trip', nxt[0] - seq[0][0], False))
    return out


def us(v):
    """The median of @v in microseconds, or a dash when there is none."""
    return f'{statistics.median(v):.1f}' if v else '-'


def report(events):
    jobs = split_jobs(events)
    stages, left = {}, {}
    for i, job in enumerate(jobs):
        nxt = jobs[i + 1][0] if i + 1 < len(jobs) else None
        r = cut(job, nxt)
        if isinstance(r, str):
            left[r] = left.get(r, 0) + 1
            continue
        for name, t, crossed in r:
            stages.setdefault(name, []).append((t, crossed))
    lines = [f'{len(jobs)} jobs traced, {len(jobs) - sum(left.values())} cut into stages'
             + ''.join(f'; {n} left out: {r}' for r, n in sorted(left.items())),
             '',
             f'{"stage":<10} {"jobs":>6} {"median us":>10} {"mean us":>9} '
             f'{"share":>6} {"crossed":>8} {"same-CPU":>9} {"cross-CPU":>10}']
    base = stages.get('round trip') or stages.get('job')
    whole = statistics.mean(u for u, _ in base) if base else 0
    order = STAGES + ['cpu-read', 'revoke', 'return', 'job', 'round trip']
    for name in order:
        v = stages.get(name)
        if not v:
            continue
        times = [u for u, _ in v]
        same = [u for u, c in v if not c]
        cross = [u for u, c in v if c]
        mean = statistics.mean(times)
        whole_row = name in ('job', 'round trip')
        share = f'{100 * mean / whole:5.1f}%' if whole and not whole_row else ''
        crossed = f'{100 * len(cross) / len(v):7.1f}%' if not whole_row else ''
        split = (us(same), us(cross)) if not whole_row else ('', '')
        lines.append(f'{name:<10} {len(v):>6} {us(times):>10} {mean:>9.1f} '
                     f'{share:>6} {crossed:>8} {split[0]:>9} {split[1]:>10}')
    lines.append('')
    lines += ['job: queue to collect; round trip: queue to the next queue.',
              'share: of the mean round trip (of the mean job without one).',
              'crossed: the jobs whose two events ran on different CPUs;',
              'same-CPU, cross-CPU: the medians of each kind.']
    return '\n'.join(lines) + '\n'


def self_test():
    """Cut a made-up trace of five round trips: three whole (one of them on
    one CPU), one that stalls twice, one that another job's event lands in.
    Return: 0 when the report says what it must."""
    def job(tok, t0, cpus, stalls=1, intruder=None):
        evs = [('nvsim_job_queue', 0), ('nvsim_job_start', 1)]
        for _ in range(stalls):
            evs += [('nvsim_job_stall', 1), ('nouveau_svm_fault_batch', 0),
                    ('nouveau_svm_fault_group', 0), ('nouveau_svm_replay', 0),
                    ('nvsim_job_resume', 1)]
        evs += [('nvsim_job_retire', 1), ('nvsim_job_collect', 0),
                ('nouveau_svm_invalidate', 0)]
        out, t = [], t0
        for i, (ev, who) in enumerate(evs):
            t += 10 * (i + 1)
            token = intruder if intruder and ev == 'nvsim_job_retire' else tok
            out.append((t, cpus[who], ev, token if ev.startswith('nvsim') else None))
        return out
    events = job(1, 0, (0, 1)) + job(2, 1000, (0, 0)) + \
        job(3, 3000, (0, 1), stalls=2) + job(4, 5000, (0, 1), intruder=9) + \
        job(5, 7000, (0, 1))
    text = report(events)
    want = ['5 jobs traced, 3 cut into stages; 1 left out: interleaved with '
            'another job; 1 left out: not exactly one stall, batch, group and replay',
            'submit          3       20.0      20.0',
            'notify          3       40.0      40.0',
            'cpu-read        2      100.0     100.0',
            'job             3      440.0     440.0']
    missing = [w for w in want if w not in text]
    # Job 2 ran on one CPU: its submit is the same-CPU median, 1 and 5 cross.
    if not any(line.startswith('submit') and line.split()[-2:] == ['20.0', '20.0']
               for line in text.splitlines()):
        missing.append('submit split by CPU')
    if missing:
        print(text + 'missing: ' + '; '.join(missing), file=sys.stderr)
        return 1
    return 0


def main():
    if sys.argv[1:] == ['--self-test']:
        return self_test()
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    text = report(parse(sys.argv[1]))
    if len(sys.argv) == 3:
        with open(sys.argv[2], 'w') as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
