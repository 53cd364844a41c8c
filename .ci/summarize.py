#!/usr/bin/env python3
"""Summarize a guest test run.

Reads RESULTS/<suite>.log and <suite>.rc written by guest-suites.sh, parses
each suite's native output (kselftest TAP, KUnit KTAP through the kernel
tree's own tools/testing/kunit/kunit.py, IGT subtest lines, the fuzz
programs' final lines), prints a per-suite table and one closing line
'N passed, N failed, N skipped', and writes RESULTS/junit.xml with each
test's time and, for a test that failed, its output.  Exit status: 0 only
if every suite ran, nothing failed and (unless --allow-skips) nothing
skipped.  The nouveau suite (the IGT binaries on nouveau's path, where
there is no NVIDIA GPU) is the one place a skip is expected: in a binary
that said there is no nouveau render node.  Such skips are counted apart
and do not fail the run; any other skip there does.

Times: IGT prints each subtest's; for hmm-tests and the fuzz programs the
guest puts "# NVSVM-UPTIME SECONDS" marks around each test
(guest-suites.sh); for KUnit they come from the printk timestamps of the
same results on RESULTS/console.log.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

TAP = re.compile(r'^(\s*)(not ok|ok)\s+\d+\s+(?:- )?([^#]*?)\s*(?:#\s*(SKIP|TODO|XFAIL)\b\s*(.*))?$')


STAMP = re.compile(r'^# NVSVM-UPTIME (\d+(?:\.\d+)?)$')

# A failed test's output in junit.xml: its last lines, enough to show the
# failure, few enough for a dashboard.
OUTPUT_LINES = 200


class Case:
    def __init__(self, suite, group, name, status, detail='', time=None, output=''):
        self.suite, self.group, self.name = suite, group, name
        self.status, self.detail = status, detail
        self.time, self.output = time, output


def span(t0, t1):
    """Seconds from one mark to the next, or None when one is missing."""
    return None if t0 is None or t1 is None else max(0.0, t1 - t0)


def tap_status(ok, directive):
    if directive == 'SKIP':
        return 'skip'
    if directive == 'XFAIL':
        return 'pass'
    return 'pass' if ok == 'ok' else 'fail'


def parse_hmm(text, ctx):
    """kselftest harness: top-level 'ok N fixture.variant.test' lines; the
    output of a test is what it printed from its '#  RUN' line on.  A test
    that started and has no result (the harness was killed in it) failed,
    and so did the run when fewer results came than its plan ('1..N')
    promised."""
    cases, stamp, start, out, running, plan = [], None, None, [], None, None
    for line in text.splitlines():
        m = STAMP.match(line)
        if m:
            stamp = float(m.group(1))
            continue
        m = re.match(r'1\.\.(\d+)$', line)
        if m and plan is None:
            plan = int(m.group(1))
            continue
        if line.startswith('#  RUN '):
            start, out = stamp, [line]
            running = line[len('#  RUN '):].strip().removesuffix(' ...').strip()
            continue
        m = TAP.match(line)
        if m and not m.group(1):
            cases.append(Case('hmm', 'hmm-tests', m.group(3),
                              tap_status(m.group(2), m.group(4)), m.group(5) or '',
                              span(start, stamp), '\n'.join(out + [line])))
            start, out, running = None, [], None
            continue
        out.append(line)
    if running:
        cases.append(Case('hmm', 'hmm-tests', running, 'fail',
                          'no result: the harness stopped in it', span(start, stamp),
                          '\n'.join(out)))
    if plan is not None and len(cases) < plan:
        cases.append(Case('hmm', 'hmm-tests', '(plan)', 'fail',
                          f'{plan - len(cases)} of {plan} planned tests have no result'))
    return cases


def kunit_documents(text):
    """The KTAP documents of kunit.log (one per module, each opening with
    'KTAP version' at the left margin), and the lines outside them."""
    docs, outside = [], []
    for line in text.splitlines():
        if re.match(r'(K?TAP version \d+)$', line):
            docs.append([line])
        elif docs and not re.match(r'not ok - cannot load ', line):
            docs[-1].append(line)
        else:
            outside.append(line)
    return docs, outside


def kunit_py_junit(kunit_py, lines):
    """Parses one KTAP document with `kunit.py parse --junit`; returns the
    root element, or raises RuntimeError with what kunit.py said."""
    with tempfile.TemporaryDirectory() as tmp:
        ktap, xml = os.path.join(tmp, 'ktap'), os.path.join(tmp, 'junit.xml')
        with open(ktap, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE='1')
        r = subprocess.run([sys.executable, kunit_py, 'parse', '--junit=' + xml, ktap],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, env=env, timeout=120)
        if not os.path.exists(xml):
            raise RuntimeError(f'kunit.py parse exited {r.returncode}: '
                               + r.stdout.strip()[-2000:])
        return ET.parse(xml).getroot()


def junit_leaves(suite_el, path):
    """(suite path, <testcase>) for every case under a kunit.py <testsuite>,
    in document order; the root's name ('main') is left out."""
    for child in suite_el:
        if child.tag == 'testsuite':
            yield from junit_leaves(child, path + [child.get('name')])
        elif child.tag == 'testcase':
            yield path, child


def kunit_case(path, el):
    """A Case from one of kunit.py's <testcase> elements."""
    status, detail = 'pass', ''
    fail = el.find('failure')
    err = el.find('error')
    skip = el.find('skipped')
    if fail is not None or err is not None:
        status, detail = 'fail', ((fail if fail is not None else err).text or 'failed')
    elif skip is not None:
        status, detail = 'skip', (skip.text or '')
    out = el.find('system-out')
    return Case('kunit', '.'.join(path) or 'kunit', el.get('name') or '(unnamed case)',
                status, detail,
                None, out.text if out is not None and out.text else '')


CONSOLE_KTAP = re.compile(r'^\[\s*(?P<ts>\d+\.\d+)\] *(?:K?TAP version \d+|1\.\.\d+'
                          r'|# Subtest: (?P<suite>\S+)'
                          r'|(?:not )?ok \d+ (?:- )?(?P<name>\S.*?)(?:\s+#.*)?)\s*$')


def console_ktap(console):
    """The KTAP lines of the console: (timestamp, suite started or None,
    result's name or None), in order."""
    events = []
    if os.path.exists(console):
        for line in open(console, errors='replace'):
            m = CONSOLE_KTAP.match(line.rstrip('\n'))
            if m:
                events.append((float(m.group('ts')), m.group('suite'), m.group('name')))
    return events


def kunit_times(cases, events):
    """Gives the cases of one KTAP document the time from the KTAP line the
    kernel printed before each result to the result, from the console's
    printk timestamps.  The search starts at the console's "# Subtest:"
    line of the document's first suite (modules do not load in the order
    kunit.log lists them) and follows the cases in order.  A case whose
    result is not found keeps no time."""
    if not cases:
        return
    suite = cases[0].group.split('.')[0]
    i = next((k for k, e in enumerate(events) if e[1] == suite), None)
    if i is None:
        return
    for c in cases:
        j = next((k for k in range(i + 1, len(events)) if events[k][2] == c.name), None)
        if j is None:
            continue
        c.time = span(events[j - 1][0], events[j][0])
        i = j


def parse_kunit(text, ctx):
    """Each module's KTAP document through the tree's kunit.py; a module
    that did not load ('not ok - cannot load M', from guest-suites.sh) is a
    failed case of its own."""
    docs, outside = kunit_documents(text)
    cases = []
    for line in outside:
        m = re.match(r'not ok - cannot load (\S+)', line)
        if m:
            cases.append(Case('kunit', 'modprobe', m.group(1), 'fail', 'cannot load the module'))
    if docs and not os.path.exists(ctx.kunit_py):
        return cases + [Case('kunit', 'kunit', '(parse)', 'fail',
                             f'no kunit.py at {ctx.kunit_py}: run make kernel')]
    parsed, events = [], console_ktap(os.path.join(ctx.results, 'console.log'))
    for n, doc in enumerate(docs):
        try:
            root = kunit_py_junit(ctx.kunit_py, doc)
        except (RuntimeError, ET.ParseError, subprocess.TimeoutExpired) as e:
            cases.append(Case('kunit', 'kunit', f'(document {n + 1})', 'fail', str(e),
                              None, '\n'.join(doc)))
            continue
        doc_cases = [kunit_case(p, el) for p, el in junit_leaves(root, [])]
        kunit_times(doc_cases, events)
        parsed += doc_cases
    return cases + parsed


IGT_START = re.compile(r'^Starting (dynamic )?subtest: (\S+)')
IGT_RESULT = re.compile(r'^(Dynamic subtest|Subtest) (\S+): (SUCCESS|SKIP|FAIL|CRASH|TIMEOUT)'
                        r'(?: \((\d+(?:\.\d+)?)s\))?')


def igt_status(word):
    return {'SUCCESS': 'pass', 'SKIP': 'skip'}.get(word, 'fail')


class IgtJob:
    """One run of one IGT binary (between IGT-Binary and IGT-Exit), as
    parse_igt reads it."""

    def __init__(self, name, start):
        self.name, self.start = name, start
        self.listed = None      # the subtests the test list gave it
        self.subtest, self.dynamic = None, None
        self.out, self.dyn_out, self.children = [], [], []
        self.all = []           # the last lines it printed
        self.cases = []         # what it reported, in order
        self.reported = set()   # the subtests it printed a result for


def igt_dynamic_result(b, m):
    """A dynamic subtest's result: a case named SUBTEST@DYNAMIC, as
    igt_runner names it."""
    c = Case('igt', b.name, f'{b.subtest}@{m.group(2)}', igt_status(m.group(3)), '',
             float(m.group(4)) if m.group(4) else None, '\n'.join(b.dyn_out))
    b.cases.append(c)
    b.children.append(c)
    b.dynamic, b.dyn_out = None, []


def igt_subtest_result(b, m):
    """A subtest's result.  One with dynamic subtests is counted through
    them, and only a failure of its own that none of them shows counts it
    as well (IGT fails the subtest when any dynamic one failed)."""
    st = igt_status(m.group(3))
    kids = b.children
    if not kids or (st == 'fail' and not any(k.status == 'fail' for k in kids)):
        b.cases.append(Case('igt', b.name, m.group(2), st, '',
                            float(m.group(4)) if m.group(4) else None, '\n'.join(b.out)))
    b.reported.add(m.group(2))
    b.subtest, b.out, b.children = None, [], []


def igt_job_end(b, rc, t):
    """What a job's exit says beyond its result lines: a subtest it was in
    when it died (killed, aborted: IGT prints no result then), each listed
    subtest it never reached (igt_runner's "notrun"), and a bad exit or no
    subtest at all, as a case "(binary)"."""
    cases = b.cases
    if b.subtest is not None:
        name = f'{b.subtest}@{b.dynamic}' if b.dynamic else b.subtest
        cases.append(Case('igt', b.name, name, 'fail',
                          f'no result: the binary exited {rc} in it', t,
                          '\n'.join(b.out + b.dyn_out)))
        b.reported.add(b.subtest)
    for sub in b.listed or []:
        if sub not in b.reported:
            cases.append(Case('igt', b.name, sub, 'fail',
                              f'not run: the binary exited {rc} before it'))
    if rc not in (0, 77) and not any(c.status == 'fail' for c in cases):
        cases.append(Case('igt', b.name, '(binary)', 'fail', f'exit status {rc}', t,
                          '\n'.join(b.all)))
    elif not cases:
        cases.append(Case('igt', b.name, '(binary)', 'fail', 'ran no subtest', t,
                          '\n'.join(b.all)))
    return cases


def igt_line(b, line):
    """One line a job printed: a start, a result or output."""
    m = IGT_START.match(line)
    if m:
        if m.group(1):
            b.dynamic, b.dyn_out = m.group(2), [line]
        else:
            b.subtest, b.out, b.children = m.group(2), [line], []
        return
    m = IGT_RESULT.match(line)
    if m and m.group(1) == 'Dynamic subtest':
        b.dyn_out.append(line)
        igt_dynamic_result(b, m)
    elif m:
        b.out.append(line)
        igt_subtest_result(b, m)
    else:
        (b.dyn_out if b.dynamic else b.out).append(line)


def parse_igt(text, ctx):
    """IGT's own lines: 'Starting subtest: X', 'Subtest X: RESULT (Ts)',
    and the same for dynamic subtests; a subtest's output is what was
    printed between its start and its result.  Around each job,
    guest-suites.sh writes IGT-Binary, IGT-Job (the subtests the test list
    gave it) and IGT-Exit lines, and uptime marks."""
    cases, b, stamp = [], None, None
    for line in text.splitlines():
        m = STAMP.match(line)
        if m:
            stamp = float(m.group(1))
            continue
        if line.startswith('IGT-Binary: '):
            b = IgtJob(line.split(None, 1)[1].strip(), stamp)
            continue
        if b is None:
            continue
        if line.startswith('IGT-Job: '):
            subs = line.split(None, 1)[1].strip() if len(line.split(None, 1)) > 1 else ''
            if not subs.startswith('(IGT_ARGS)'):
                b.listed = [x for x in subs.split(',') if x]
            continue
        if line.startswith('IGT-Exit: '):
            cases += igt_job_end(b, int(line.split()[2]), span(b.start, stamp))
            b = None
            continue
        b.all = (b.all + [line])[-OUTPUT_LINES:]
        igt_line(b, line)
    if b is not None:
        cases += igt_job_end(b, -1, None)
    return cases


# The nouveau suite runs the IGT binaries with IGT_FORCE_DRIVER=nouveau on
# a machine without an NVIDIA GPU: a subtest may skip only in a binary
# that said why, in svm_open()'s words.
NO_NOUVEAU = re.compile(r'no SVM device: no render node of IGT_FORCE_DRIVER=nouveau\b')


def igt_binaries_saying(text, pattern):
    """The IGT binaries whose job printed a line matching pattern."""
    said, name = set(), None
    for line in text.splitlines():
        if line.startswith('IGT-Binary: '):
            name = line.split(None, 1)[1].strip()
        elif line.startswith('IGT-Exit: '):
            name = None
        elif name and pattern.search(line):
            said.add(name)
    return said


def parse_nouveau(text, ctx):
    """The IGT suite's lines, from the run on nouveau's path.  A skip is
    expected ('no-device') in a binary that said there is no nouveau render
    node; any other skip stays a skip, and fails the run."""
    cases = parse_igt(text, ctx)
    said = igt_binaries_saying(text, NO_NOUVEAU)
    for c in cases:
        c.suite = 'nouveau'
        if c.status == 'skip' and c.group in said:
            c.status, c.detail = 'no-device', 'no NVIDIA GPU: no nouveau render node'
    return cases


FUZZ_FINAL = re.compile(r'^(fuzz|stress|inject|pressure): (?!FAIL)(.*?)[:,] (ok|FAIL\b.*)$')


def parse_fuzz(text, ctx):
    """svm-fuzz, svm-stress, svm-inject and svm-pressure: one test each,
    passed when the program's last 'fuzz: ...: ok' / 'stress: ..., ok' /
    'inject: ...: ok' / 'pressure: ..., ok'
    line says ok and it exited 0;
    a program that printed no such line (it crashed or was stopped by
    timeout) failed."""
    cases, binary, order, final, exits, stamp = [], None, [], {}, {}, None
    starts, outs = {}, {}
    for line in text.splitlines():
        m = STAMP.match(line)
        if m:
            stamp = float(m.group(1))
            continue
        if line.startswith('FUZZ-Binary: '):
            binary = line.split(None, 1)[1].strip()
            order.append(binary)
            starts[binary], outs[binary] = stamp, []
            continue
        if line.startswith('FUZZ-Exit: '):
            _, b, rc = line.split()
            exits[b] = (int(rc), span(starts.get(b), stamp))
            continue
        if binary:
            outs[binary].append(line)
        m = FUZZ_FINAL.match(line)
        if m and binary:
            final[binary] = (m.group(3) == 'ok', line.strip())
    for b in order:
        rc, t = exits.get(b, (None, None))
        ok, line = final.get(b, (False, ''))
        out = '\n'.join(outs[b])
        if ok and rc == 0:
            cases.append(Case('fuzz', 'fuzz', b, 'pass', line, t))
        elif line:
            cases.append(Case('fuzz', 'fuzz', b, 'fail',
                              line if not ok else f'{line} but exit status {rc}', t, out))
        else:
            why = 'did not finish' if rc is None else f'exit status {rc}'
            if rc in (124, 137):
                why += ' (stopped by timeout)'
            cases.append(Case('fuzz', 'fuzz', b, 'fail', f'no final line; {why}', t, out))
    return cases


def parse_demo(text, ctx):
    return []


PARSERS = {'hmm': parse_hmm, 'kunit': parse_kunit, 'igt': parse_igt, 'fuzz': parse_fuzz,
           'nouveau': parse_nouveau}


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


def tail(text, n=OUTPUT_LINES):
    lines = text.splitlines()
    if len(lines) <= n:
        return text
    return f'[{len(lines) - n} earlier lines left out]\n' + '\n'.join(lines[-n:])


def xml_clean(text):
    """Text without the characters XML 1.0 cannot carry (a crashing test
    can print anything)."""
    return re.sub('[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]', '?', text)


def xml_text(text):
    return escape(xml_clean(text))


def xml_attr(text):
    return quoteattr(xml_clean(text))


def junit_case(f, c, classname):
    t = f' time="{c.time:.3f}"' if c.time is not None else ''
    f.write(f'    <testcase classname={xml_attr(classname)} name={xml_attr(c.name)}{t}>')
    if c.status == 'fail':
        f.write(f'<failure message={xml_attr(c.detail or "failed")}>'
                f'{xml_text(tail(c.output))}</failure>')
        if c.output:
            f.write(f'<system-out>{xml_text(tail(c.output))}</system-out>')
    elif c.status == 'skip':
        f.write(f'<skipped message={xml_attr(c.detail or "skipped")}/>')
    elif c.status == 'xfail':
        f.write(f'<skipped message={xml_attr("known upstream failure: " + c.detail)}/>')
    elif c.status == 'no-device':
        f.write(f'<skipped message={xml_attr(c.detail)}/>')
    f.write('</testcase>\n')


def junit(path, cases):
    with open(path, 'w', encoding='utf-8') as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n')
        groups = {}
        for c in cases:
            groups.setdefault((c.suite, c.group), []).append(c)
        for (suite, group), cs in groups.items():
            fails = sum(c.status == 'fail' for c in cs)
            skips = sum(c.status in ('skip', 'xfail', 'no-device') for c in cs)
            secs = sum(c.time or 0.0 for c in cs)
            f.write(f'  <testsuite name={xml_attr(suite + "." + group)} tests="{len(cs)}" '
                    f'failures="{fails}" skipped="{skips}" time="{secs:.3f}">\n')
            for c in cs:
                junit_case(f, c, suite + '.' + group)
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
    ap.add_argument('--kunit-py', default=os.path.join(
        os.environ.get('BUILD') or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                '..', 'build'),
        'src', 'linux', 'tools', 'testing', 'kunit', 'kunit.py'),
                    help="the kernel tree's kunit.py (default: build/src/linux's)")
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
        cases = PARSERS.get(s, parse_demo)(text, a)
        apply_known(cases, known)
        note = ''
        if not cases:
            cases = [Case(s, s, '(suite)', 'fail', 'ran no test')]
            note = 'ran no test'
        elif rc != 0 and not any(c.status == 'fail' for c in cases) and \
                not (rc == 1 and any(c.status == 'xfail' for c in cases)):
            # a known failure explains exit status 1 (a test failed), never
            # a timeout or a signal
            cases.append(Case(s, s, '(suite)', 'fail', f'exit status {rc}'))
            note = f'exit status {rc}'
        p = sum(c.status == 'pass' for c in cases)
        fl = [c for c in cases if c.status == 'fail']
        sk = [c for c in cases if c.status == 'skip']
        xf = [c for c in cases if c.status == 'xfail']
        nd = sum(c.status == 'no-device' for c in cases)
        if xf:
            note = (note + '; ' if note else '') + f'{len(xf)} known upstream failure(s)'
        if nd:
            note = (note + '; ' if note else '') + f'{nd} without a device, as expected'
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
    nnodev = sum(c.status == 'no-device' for c in allcases)
    if nnodev:
        print(f'{nnodev} nouveau-path subtest(s) skipped, each saying there is no NVIDIA GPU: '
              'expected here, not counted below')
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
