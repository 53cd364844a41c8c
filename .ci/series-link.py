#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""One step of make series-check: would nouveau's modules link?

  series-link.py OBJDIR MODULE_SYMVERS REQUIRED DIR...

For every module a directory build listed in DIR/modules.order, each
symbol the module needs must be exported by the kernel or another module
(MODULE_SYMVERS, the full build of the tree the series ends at, less what
nouveau's own modules export there) or by one of the modules built at
this step.  It is modpost's unresolved-symbol check, for a build that
links no vmlinux.  The kernel's exports are the last step's: the series
puts every patch outside nouveau before nouveau's.  REQUIRED is a
comma-separated list of modules that must be among them, so that a step
that built none of them cannot pass.
"""

import os
import subprocess
import sys

OURS = 'drivers/gpu/drm/nouveau'


def nm(path, *flags):
    res = subprocess.run(['nm', *flags, path], capture_output=True, text=True,
                         check=True)
    return [line.split() for line in res.stdout.splitlines() if line.strip()]


def main():
    objdir, symvers, required = sys.argv[1], sys.argv[2], sys.argv[3]
    dirs = sys.argv[4:]
    exported = set()
    with open(symvers, encoding='utf-8') as f:
        for line in f:
            cols = line.rstrip('\n').split('\t')
            if len(cols) >= 3 and not cols[2].startswith(OURS):
                exported.add(cols[1])
    modules = []
    for d in dirs:
        order = os.path.join(objdir, d, 'modules.order')
        if not os.path.exists(order):
            continue
        with open(order, encoding='utf-8') as f:
            modules += [m.strip() for m in f if m.strip()]
    missing = [m for m in required.split(',') if m and m not in modules]
    if missing:
        sys.exit('series-link: not built: %s' % ', '.join(missing))
    needs = {}
    for mod in modules:
        path = os.path.join(objdir, mod)
        if not os.path.exists(path):
            sys.exit('series-link: %s is in modules.order but was not built' % mod)
        for cols in nm(path):
            if len(cols) == 2 and cols[0] == 'U':
                needs.setdefault(mod, set()).add(cols[1])
            elif len(cols) == 3 and cols[2].startswith('__export_symbol_'):
                exported.add(cols[2][len('__export_symbol_'):])
    bad = []
    for mod in modules:
        for sym in sorted(needs.get(mod, ())):
            if sym not in exported and sym != '__this_module':
                bad.append('%s: "%s" undefined' % (mod, sym))
    if bad:
        print('\n'.join(bad))
        sys.exit(1)
    print('link: %d module(s), every symbol resolved' % len(modules))


if __name__ == '__main__':
    main()
