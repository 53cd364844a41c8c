#!/usr/bin/env python3
"""Checks .ci/summarize.py on a made-up guest run: the counts it prints,
and the junit.xml a CI dashboard reads (times, failures with their output,
dynamic subtests, KUnit through the kernel tree's kunit.py).

    test-summarize.py [--kunit-py PATH]

Run by check.sh; exit status 0 when every check holds.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
KUNIT_PY = None

HMM = """TAP version 13
1..3
# Starting 3 tests from 1 test cases.
# NVSVM-UPTIME 10.00
#  RUN           hmm.dev.first ...
#            OK  hmm.dev.first
# NVSVM-UPTIME 10.25
ok 1 hmm.dev.first
# NVSVM-UPTIME 10.25
#  RUN           hmm.dev.second ...
# hmm-tests.c:99:second:Expected ret (-14) == 0 (0)
# second: Test terminated by assertion
#          FAIL  hmm.dev.second
# NVSVM-UPTIME 11.75
not ok 2 hmm.dev.second
# NVSVM-UPTIME 11.75
#  RUN           hmm.dev.third ...
# NVSVM-UPTIME 11.80
ok 3 hmm.dev.third # SKIP no device
# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0
"""

IGT = """# NVSVM-UPTIME 20.0
IGT-Binary: nouveau_svm
IGT-Version: 1.27.1-NO-GIT (x86_64) (Linux: 7.3.4 x86_64)
Starting subtest: basic
Subtest basic: SUCCESS (0.125s)
Starting subtest: bad-bind
Starting dynamic subtest: reserved0
Dynamic subtest reserved0: SUCCESS (0.002s)
Starting dynamic subtest: stride
(nouveau_svm:77) CRITICAL: Test assertion failure function bad, file x.c:5:
(nouveau_svm:77) CRITICAL: Failed assertion: err == -22
Dynamic subtest stride: FAIL (0.004s)
Subtest bad-bind: FAIL (0.010s)
Starting subtest: needs-vram
Test requirement not met in function f, file x.c:9:
Subtest needs-vram: SKIP (0.000s)
# NVSVM-UPTIME 21.5
IGT-Exit: nouveau_svm 98
# NVSVM-UPTIME 21.5
IGT-Binary: crasher
IGT-Version: 1.27.1-NO-GIT (x86_64) (Linux: 7.3.4 x86_64)
Segmentation fault
# NVSVM-UPTIME 22.0
IGT-Exit: crasher 139
"""

FUZZ = """# NVSVM-UPTIME 30.0
FUZZ-Binary: svm-fuzz
fuzz: seed 7
fuzz: 20 s, 100 ioctls: ok
# NVSVM-UPTIME 50.5
FUZZ-Exit: svm-fuzz 0
# NVSVM-UPTIME 50.5
FUZZ-Binary: svm-stress
stress: seed 7
stress: worker 2 saw stale data at 0x1000
# NVSVM-UPTIME 51.0
FUZZ-Exit: svm-stress 1
"""

KUNIT_A = """KTAP version 1
1..1
    KTAP version 1
    # Subtest: suite_a
    1..3
    ok 1 a_first
        KTAP version 1
        # Subtest: a_param
        ok 1 p0
        ok 2 p1
    # a_param: pass:2 fail:0 skip:0 total:2
    ok 2 a_param
    # a_last: EXPECTATION FAILED at x.c:3
    Expected 1 == 2
    not ok 3 a_last
# suite_a: pass:2 fail:1 skip:0 total:3
not ok 1 suite_a
"""

KUNIT_B = """KTAP version 1
1..1
    KTAP version 1
    # Subtest: suite_b
    1..1
    ok 1 b_only # SKIP not on this machine
ok 1 suite_b
"""

CONSOLE = """[    1.000000] Linux version 7.3.4
[    5.000000] KTAP version 1
[    5.000000] 1..1
[    5.000001]     KTAP version 1
[    5.000002]     # Subtest: suite_a
[    5.000003]     1..3
[    5.500003]     ok 1 a_first
[    5.500010]         KTAP version 1
[    5.500011]         # Subtest: a_param
[    5.600011]         ok 1 p0
[    5.800011]         ok 2 p1
[    5.800012]     # a_param: pass:2 fail:0 skip:0 total:2
[    5.800013]     ok 2 a_param
[    5.800020] some driver: unrelated message
[    5.800021]     # a_last: EXPECTATION FAILED at x.c:3
[    5.800022]     Expected 1 == 2
[    7.800022]     not ok 3 a_last
[    7.800023] # suite_a: pass:2 fail:1 skip:0 total:3
[    7.800024] not ok 1 suite_a
"""

# suite_b's module loads first: the console holds its document before
# suite_a's, while kunit.log (debugfs, by suite name) has suite_a first.
CONSOLE_B_FIRST = """[    4.000000] KTAP version 1
[    4.000000] 1..1
[    4.000001]     KTAP version 1
[    4.000002]     # Subtest: suite_b
[    4.000003]     1..1
[    4.250003]     ok 1 b_only # SKIP not on this machine
[    4.250004] ok 1 suite_b
""" + CONSOLE


def write(d, name, text):
    with open(os.path.join(d, name), 'w') as f:
        f.write(text)


def summarize(cls, *suites):
    """Runs summarize.py on the made-up run in cls.tmp: its status, output
    and junit.xml's root become cls.rc, cls.out and cls.root."""
    d = cls.tmp.name
    r = subprocess.run([sys.executable, os.path.join(HERE, 'summarize.py'), d, *suites,
                        '--kunit-py', KUNIT_PY],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    cls.rc, cls.out = r.returncode, r.stdout
    cls.root = ET.parse(os.path.join(d, 'junit.xml')).getroot()


class MadeUpRun(unittest.TestCase):
    """A made-up run summarized once (setUpClass); its junit.xml cases."""

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def case(self, classname, name):
        for c in self.root.iter('testcase'):
            if c.get('classname') == classname and c.get('name') == name:
                return c
        self.fail(f'no testcase {classname} {name} in junit.xml')


class SummarizeTest(MadeUpRun):
    """One made-up run, summarized once; each test checks one property."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        write(d, 'hmm.log', HMM)
        write(d, 'igt.log', IGT)
        write(d, 'fuzz.log', FUZZ)
        write(d, 'kunit.log', KUNIT_A + 'not ok - cannot load missing_test\n' + KUNIT_B)
        write(d, 'console.log', CONSOLE_B_FIRST)
        for s, rc in (('hmm', 1), ('igt', 1), ('fuzz', 1), ('kunit', 1)):
            write(d, s + '.rc', f'{rc}\n')
        summarize(cls, 'hmm', 'kunit', 'igt', 'fuzz')

    def test_totals(self):
        self.assertEqual(self.rc, 1)
        # passed: hmm 1, kunit a_first p0 p1, igt basic reserved0, fuzz 1
        self.assertIn('7 passed, 6 failed, 3 skipped', self.out)

    def test_hmm_time_and_output(self):
        c = self.case('hmm.hmm-tests', 'hmm.dev.second')
        self.assertAlmostEqual(float(c.get('time')), 1.5)
        self.assertIn('Expected ret (-14) == 0', c.find('failure').text)
        self.assertNotIn('hmm.dev.first', c.find('system-out').text)
        self.assertAlmostEqual(float(self.case('hmm.hmm-tests', 'hmm.dev.first').get('time')),
                               0.25)
        self.assertEqual(self.case('hmm.hmm-tests', 'hmm.dev.third')
                         .find('skipped').get('message'), 'no device')

    def test_igt_dynamic(self):
        c = self.case('igt.nouveau_svm', 'bad-bind@stride')
        self.assertAlmostEqual(float(c.get('time')), 0.004)
        self.assertIn('Failed assertion: err == -22', c.find('failure').text)
        self.assertIsNone(self.case('igt.nouveau_svm', 'bad-bind@reserved0').find('failure'))
        names = [c.get('name') for c in self.root.iter('testcase')
                 if c.get('classname') == 'igt.nouveau_svm']
        # the parent is counted through its dynamic subtests
        self.assertNotIn('bad-bind', names)
        self.assertEqual(float(self.case('igt.nouveau_svm', 'basic').get('time')), 0.125)
        self.assertIsNotNone(self.case('igt.nouveau_svm', 'needs-vram').find('skipped'))

    def test_igt_binary_crash(self):
        c = self.case('igt.crasher', '(binary)')
        self.assertEqual(c.find('failure').get('message'), 'exit status 139')
        self.assertIn('Segmentation fault', c.find('failure').text)
        self.assertAlmostEqual(float(c.get('time')), 0.5)

    def test_fuzz(self):
        c = self.case('fuzz.fuzz', 'svm-stress')
        self.assertIn('stale data', c.find('failure').text)
        self.assertAlmostEqual(float(c.get('time')), 0.5)
        self.assertAlmostEqual(float(self.case('fuzz.fuzz', 'svm-fuzz').get('time')), 20.5)

    def test_kunit_through_kunit_py(self):
        c = self.case('kunit.suite_a', 'a_last')
        self.assertIsNotNone(c.find('failure'))
        self.assertIn('EXPECTATION FAILED at x.c:3', c.find('system-out').text)
        self.assertAlmostEqual(float(c.get('time')), 2.0, places=3)
        self.assertAlmostEqual(float(self.case('kunit.suite_a', 'a_first').get('time')), 0.5,
                               places=3)
        p1 = self.case('kunit.suite_a.a_param', 'p1')
        self.assertAlmostEqual(float(p1.get('time')), 0.2, places=3)
        b = self.case('kunit.suite_b', 'b_only')
        self.assertEqual(b.find('skipped').get('message'), 'not on this machine')
        # its module loaded first, its document comes second
        self.assertAlmostEqual(float(b.get('time')), 0.25, places=3)

    def test_kunit_module_not_loaded(self):
        c = self.case('kunit.modprobe', 'missing_test')
        self.assertEqual(c.find('failure').get('message'), 'cannot load the module')


HMM_KILLED = """TAP version 13
1..4
# NVSVM-UPTIME 1.0
#  RUN           hmm.hmm_device_coherent.migrate_anon_huge_err ...
# NVSVM-UPTIME 1.5
not ok 1 hmm.hmm_device_coherent.migrate_anon_huge_err
# NVSVM-UPTIME 1.5
#  RUN           hmm.dev.bad\x02name ...
# NVSVM-UPTIME 1.6
ok 2 hmm.dev.bad\x02name
# NVSVM-UPTIME 1.6
#  RUN           hmm.dev.hangs ...
# hangs: still going \ufffe
"""

IGT_KILLED = """# NVSVM-UPTIME 1.0
IGT-Binary: bin_a
IGT-Job: first,fam,last
Starting subtest: first
Subtest first: FAIL (0.100s)
Starting subtest: fam
Starting dynamic subtest: d0
Dynamic subtest d0: SUCCESS (0.001s)
Starting dynamic subtest: d1
d1 is stuck here
# NVSVM-UPTIME 9.0
IGT-Exit: bin_a 124
# NVSVM-UPTIME 9.0
IGT-Binary: bin_c
IGT-Job: a,b
Starting subtest: a
Subtest a: SUCCESS (0.001s)
Starting subtest: b
# NVSVM-UPTIME 9.5
IGT-Exit: bin_c 139
# NVSVM-UPTIME 9.5
IGT-Binary: bin_c
IGT-Job: c
Starting subtest: c
Subtest c: SUCCESS (0.001s)
# NVSVM-UPTIME 9.6
IGT-Exit: bin_c 0
"""


class SummarizeKilledTest(MadeUpRun):
    """Runs cut short: a test that never printed its result, subtests a
    killed binary never reached, a known failure next to a timeout."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        with open(os.path.join(d, 'hmm.log'), 'w', encoding='utf-8') as f:
            f.write(HMM_KILLED)
        write(d, 'igt.log', IGT_KILLED)
        write(d, 'hmm.rc', '124\n')
        write(d, 'igt.rc', '1\n')
        summarize(cls, 'hmm', 'igt')

    def test_hmm_stopped_in_a_test(self):
        self.assertEqual(self.rc, 1)
        c = self.case('hmm.hmm-tests', 'hmm.dev.hangs')
        self.assertIn('no result', c.find('failure').get('message'))
        self.assertIn('still going', c.find('failure').text)
        p = self.case('hmm.hmm-tests', '(plan)')
        self.assertIn('1 of 4', p.find('failure').get('message'))

    def test_names_stay_xml(self):
        # a control character in a name: ET.parse above would have failed
        self.case('hmm.hmm-tests', 'hmm.dev.bad?name')

    def test_igt_killed_in_dynamic_subtest(self):
        c = self.case('igt.bin_a', 'fam@d1')
        self.assertIn('exited 124', c.find('failure').get('message'))
        self.assertIn('d1 is stuck here', c.find('failure').text)
        n = self.case('igt.bin_a', 'last')
        self.assertIn('not run', n.find('failure').get('message'))

    def test_igt_same_binary_twice(self):
        b = self.case('igt.bin_c', 'b')
        self.assertIn('exited 139', b.find('failure').get('message'))
        self.assertIsNone(self.case('igt.bin_c', 'c').find('failure'))


# The nouveau suite: bin_dev skipped its subtests and said there is no
# nouveau render node; bin_host ran its checks; bin_mute skipped one
# subtest without that reason.
NOUVEAU = """IGT-Binary: bin_dev
IGT-Job: a,b
Test requirement not met in function svm_open, file lib.c:100:
Test requirement: fd >= 0
no SVM device: no render node of IGT_FORCE_DRIVER=nouveau, or it is neither ...
Subtest a: SKIP (0.000s)
Subtest b: SKIP (0.000s)
IGT-Exit: bin_dev 77
IGT-Binary: bin_host
IGT-Job: c
Starting subtest: c
Subtest c: SUCCESS (0.001s)
IGT-Exit: bin_host 0
IGT-Binary: bin_mute
IGT-Job: d
Starting subtest: d
Test requirement: something else
Subtest d: SKIP (0.000s)
IGT-Exit: bin_mute 77
"""


class SummarizeNouveauTest(MadeUpRun):
    """The nouveau suite: skips that say there is no NVIDIA GPU are
    expected and counted apart; another skip still fails the run."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        write(cls.tmp.name, 'nouveau.log', NOUVEAU)
        write(cls.tmp.name, 'nouveau.rc', '0\n')
        summarize(cls, 'nouveau')

    def test_counts(self):
        self.assertIn('2 nouveau-path subtest(s) skipped', self.out)
        self.assertIn('1 passed, 0 failed, 1 skipped', self.out)

    def test_unexplained_skip_fails_the_run(self):
        self.assertEqual(self.rc, 1)
        self.assertIn('SKIP bin_mute: d', self.out)

    def test_junit(self):
        a = self.case('nouveau.bin_dev', 'a').find('skipped')
        self.assertIn('no NVIDIA GPU', a.get('message'))
        self.assertIsNone(self.case('nouveau.bin_host', 'c').find('skipped'))


def main():
    global KUNIT_PY
    ap = argparse.ArgumentParser()
    ap.add_argument('--kunit-py', default=os.path.join(
        HERE, '..', 'build', 'src', 'linux', 'tools', 'testing', 'kunit', 'kunit.py'))
    a, rest = ap.parse_known_args()
    KUNIT_PY = os.path.abspath(a.kunit_py)
    if not os.path.exists(KUNIT_PY):
        sys.exit(f'test-summarize: no kunit.py at {KUNIT_PY}: run make kernel first')
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=1)


if __name__ == '__main__':
    main()
