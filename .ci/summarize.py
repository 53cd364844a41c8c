#!/usr/bin/env python3
"""Summarize a guest test run.

Reads RESULTS/<suite>.log and <suite>.rc written by guest-suites.sh, parses
each suite's native output (kselftest TAP, KUnit KTAP, IGT subtest lines,
the fuzz programs' final lines),
prints a per-suite table and one closing line 'N passed, N failed, N skipped',
and writes RESULTS/junit.xml.  Exit status: 0 only if every suite ran, nothing
failed and (unless --allow-skips) nothing skipped.
"""

import argparse
import os
import re
import sys
from xml.sax.saxutils import escape, quoteattr

TAP = re.compile(r'^(\s*)(not ok|ok)\s+\d+\s+(?:- )?([^#]*?)\s*(?:#\s*(SKIP|TODO|XFAIL)\b\s*(.*))?$')


class Case:
    def __init__(self, suite, group, name, status, detail=''):
        self.suite, self.group, self.name = suite, group, name
        self.status, self.detail = status, detail


def tap_status(ok, directive):
    if directive == 'SKIP':
        return 'skip'
    if directive == 'XFAIL':
        return 'pass'
    return 'pass' if ok == 'ok' else 'fail'


def parse_hmm(text):
    """kselftest harness: top-level 'ok N fixture.variant.test' lines."""
    cases = []
    for line in text.splitlines():
        m = TAP.match(line)
        if m and not m.group(1):
            cases.append(Case('hmm', 'hmm-tests', m.group(3),
                              tap_status(m.group(2), m.group(4)), m.group(5) or ''))
    return cases


def parse_kunit(text):
    """KTAP: a result line is a leaf test case unless the line just before
    it (its last child) is indented deeper.  Group = enclosing suite."""
    entries = []
    for line in text.splitlines():
        m = TAP.match(line.expandtabs())
        if m:
            entries.append((len(m.group(1)), m.group(2), m.group(3),
                            m.group(4), m.group(5) or ''))
    cases = []
    for i, (ind, ok, name, directive, detail) in enumerate(entries):
        if i > 0 and entries[i - 1][0] > ind:
            continue  # a suite (or parameterised test) result, not a case
        # the nearest following shallower entry is the enclosing suite
        group = next((e[2] for e in entries[i + 1:] if e[0] < ind), 'kunit')
        cases.append(Case('kunit', group, name, tap_status(ok, directive), detail))
    return cases


IGT_RESULT = re.compile(r'^(Dynamic subtest|Subtest) (\S+): (SUCCESS|SKIP|FAIL|CRASH|TIMEOUT)')


def parse_igt(text):
    cases, binary, seen, exits = [], 'igt', set(), {}
    for line in text.splitlines():
        if line.startswith('IGT-Binary: '):
            binary = line.split(None, 1)[1].strip()
            continue
        if line.startswith('IGT-Exit: '):
            _, b, rc = line.split()
            exits[b] = int(rc)
            continue
        m = IGT_RESULT.match(line)
        if m:
            st = {'SUCCESS': 'pass', 'SKIP': 'skip'}.get(m.group(3), 'fail')
            cases.append(Case('igt', binary, m.group(2), st))
            seen.add(binary)
    for b, rc in exits.items():
        if rc not in (0, 77) and not any(c.group == b and c.status == 'fail' for c in cases):
            cases.append(Case('igt', b, '(binary)', 'fail', f'exit status {rc}'))
        elif b not in seen:
            cases.append(Case('igt', b, '(binary)', 'fail', 'ran no subtest'))
    return cases


FUZZ_FINAL = re.compile(r'^(fuzz|stress|inject|pressure): (?!FAIL)(.*?)[:,] (ok|FAIL\b.*)$')


def parse_fuzz(text):
    """svm-fuzz, svm-stress, svm-inject and svm-pressure: one test each,
    passed when the program's last 'fuzz: ...: ok' / 'stress: ..., ok' /
    'inject: ...: ok' / 'pressure: ..., ok'
    line says ok and it exited 0;
    a program that printed no such line (it crashed or was stopped by
    timeout) failed."""
    cases, binary, order, final, exits = [], None, [], {}, {}
    for line in text.splitlines():
        if line.startswith('FUZZ-Binary: '):
            binary = line.split(None, 1)[1].strip()
            order.append(binary)
            continue
        if line.startswith('FUZZ-Exit: '):
            _, b, rc = line.split()
            exits[b] = int(rc)
            continue
        m = FUZZ_FINAL.match(line)
        if m and binary:
            final[binary] = (m.group(3) == 'ok', line.strip())
    for b in order:
        rc = exits.get(b)
        ok, line = final.get(b, (False, ''))
        if ok and rc == 0:
            cases.append(Case('fuzz', 'fuzz', b, 'pass', line))
        elif line:
            cases.append(Case('fuzz', 'fuzz', b, 'fail',
                              line if not ok else f'{line} but exit status {rc}'))
        else:
            why = 'did not finish' if rc is None else f'exit status {rc}'
            if rc in (124, 137):
                why += ' (stopped by timeout)'
            cases.append(Case('fuzz', 'fuzz', b, 'fail', f'no final line; {why}'))
    return cases


def parse_demo(text):
    return []


PARSERS = {'hmm': parse_hmm, 'kunit': parse_kunit, 'igt': parse_igt, 'fuzz': parse_fuzz}


def load_known(path):
    """{(suite, test): reason} from .ci/known-failures."""
    known = {}
    if not os.path.exists(path):
        return known
    for line in open(path):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        head, _, reason = line.partition(' -- ')
        suite, test = head.split()
        known[(suite, test)] = reason
    return known


def apply_known(cases, known):
    """Known failures become xfail; a known failure that passed is a failure."""
    for c in cases:
        reason = known.get((c.suite, c.name))
        if reason is None:
            continue
        if c.status == 'fail':
            c.status, c.detail = 'xfail', reason
        elif c.status == 'pass':
            c.status, c.detail = 'fail', 'passed, but is listed in .ci/known-failures: remove it'


def junit(path, cases):
    with open(path, 'w') as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n')
        groups = {}
        for c in cases:
            groups.setdefault((c.suite, c.group), []).append(c)
        for (suite, group), cs in groups.items():
            fails = sum(c.status == 'fail' for c in cs)
            skips = sum(c.status == 'skip' for c in cs)
            f.write(f'  <testsuite name={quoteattr(suite + "." + group)} tests="{len(cs)}" '
                    f'failures="{fails}" skipped="{skips}">\n')
            for c in cs:
                f.write(f'    <testcase classname={quoteattr(suite + "." + group)} '
                        f'name={quoteattr(c.name)}>')
                if c.status == 'fail':
                    f.write(f'<failure message={quoteattr(c.detail or "failed")}/>')
                elif c.status == 'skip':
                    f.write(f'<skipped message={quoteattr(c.detail or "skipped")}/>')
                elif c.status == 'xfail':
                    f.write(f'<skipped message={quoteattr("known upstream failure: " + c.detail)}/>')
                f.write('</testcase>\n')
            f.write('  </testsuite>\n')
        f.write('</testsuites>\n')


def print_ring_stats(results, suites):
    """Repeat the simulated GPU's fault-ring totals the guest logged."""
    for s in suites:
        log = os.path.join(results, s + '.log')
        if not os.path.exists(log):
            continue
        for line in open(log, errors='replace'):
            if line.startswith('NVSIM-RING '):
                print('sim fault ring after ' + line[len('NVSIM-RING '):].strip())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('results')
    ap.add_argument('suites', nargs='+')
    ap.add_argument('--allow-skips', action='store_true')
    ap.add_argument('--guest-failed', action='store_true',
                    help='the guest runner reported a failure (hang, panic, kernel report)')
    a = ap.parse_args()

    known = load_known(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    'known-failures'))
    allcases, bad = [], []
    print(f'\n{"suite":<8} {"passed":>7} {"failed":>7} {"skipped":>8}  notes')
    print('-' * 60)
    for s in a.suites:
        log = os.path.join(a.results, s + '.log')
        rcf = os.path.join(a.results, s + '.rc')
        if not os.path.exists(rcf):
            print(f'{s:<8} {"-":>7} {"-":>7} {"-":>8}  DID NOT RUN')
            allcases.append(Case(s, s, '(suite)', 'fail', 'suite did not run'))
            bad.append(f'{s}: did not run')
            continue
        rc = int(open(rcf).read().strip() or 1)
        text = open(log, errors='replace').read() if os.path.exists(log) else ''
        cases = PARSERS.get(s, parse_demo)(text)
        apply_known(cases, known)
        note = ''
        if not cases:
            cases = [Case(s, s, '(suite)', 'fail', 'ran no test')]
            note = 'ran no test'
        elif rc != 0 and not any(c.status in ('fail', 'xfail') for c in cases):
            cases.append(Case(s, s, '(suite)', 'fail', f'exit status {rc}'))
            note = f'exit status {rc}'
        p = sum(c.status == 'pass' for c in cases)
        fl = [c for c in cases if c.status == 'fail']
        sk = [c for c in cases if c.status == 'skip']
        xf = [c for c in cases if c.status == 'xfail']
        if xf:
            note = (note + '; ' if note else '') + f'{len(xf)} known upstream failure(s)'
        print(f'{s:<8} {p:>7} {len(fl):>7} {len(sk):>8}  {note}')
        for c in fl:
            print(f'         FAIL {c.group}: {c.name} {c.detail}')
        for c in sk:
            print(f'         SKIP {c.group}: {c.name} {c.detail}')
        for c in xf:
            print(f'         XFAIL {c.group}: {c.name} -- {c.detail}')
        allcases += cases
    print('-' * 60)
    print_ring_stats(a.results, a.suites)
    junit(os.path.join(a.results, 'junit.xml'), allcases)
    npass = sum(c.status == 'pass' for c in allcases)
    nfail = sum(c.status == 'fail' for c in allcases)
    nskip = sum(c.status == 'skip' for c in allcases)
    nxfail = sum(c.status == 'xfail' for c in allcases)
    if nxfail:
        print(f'{nxfail} known upstream failure(s), listed in .ci/known-failures, not counted below')
    if a.guest_failed:
        print('the guest run itself failed (see above): the run fails')
    if nskip and not a.allow_skips:
        print('skipped tests make the run fail (a skip is not a pass)')
    print(f'JUnit XML: {os.path.join(a.results, "junit.xml")}')
    print(f'{npass} passed, {nfail} failed, {nskip} skipped')
    ok = nfail == 0 and not a.guest_failed and (a.allow_skips or nskip == 0)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
