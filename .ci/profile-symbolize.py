#!/usr/bin/env python3
"""profile-symbolize.py DIR: name the module addresses in DIR's perf reports.

perf in the guest finds no symbol tables for the modules (they are not
under /lib/modules), so their frames read as bare addresses.  The profile
suite saves the guest's /proc/kallsyms entries of modules as
DIR/module-syms.txt; this rewrites every 0xffffffff... address in
DIR/profile-*.txt as symbol+offset, in place."""
import bisect
import glob
import os
import re
import sys


def load(path):
    syms = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[1].lower() in 'tw':
                syms.append((int(parts[0], 16), parts[2]))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def main():
    d = sys.argv[1]
    path = os.path.join(d, 'module-syms.txt')
    if not os.path.exists(path):
        return 0
    addrs, names = load(path)

    def name(m):
        v = int(m.group(0), 16)
        i = bisect.bisect_right(addrs, v) - 1
        return f'{names[i]}+{v - addrs[i]:#x}' if i >= 0 else m.group(0)

    for report in glob.glob(os.path.join(d, 'profile-*.txt')):
        with open(report) as f:
            text = f.read()
        with open(report, 'w') as f:
            f.write(re.sub(r'0xffffffff[0-9a-f]{8}', name, text))
    return 0


if __name__ == '__main__':
    sys.exit(main())
