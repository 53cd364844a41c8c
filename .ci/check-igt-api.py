#!/usr/bin/env python3
"""Checks that our IGT tests are source-compatible with upstream IGT.

    check-igt-api.py IGT_SRC KERNEL_SRC KERNEL_HEADERS

Debian ships IGT's library without its headers, so the tests build
against igt-tests/lib/igt.h, our declarations of the part of IGT's API
they use.  Given an IGT source tree (IGT_SRC: a checkout of
igt-gpu-tools, any version), this checks the claim that the tests would
build against IGT's own headers:

1. when IGT_SRC is the version of the library the tests link (Debian's
   libigt.so.0, 1.27), every function and variable igt-tests/lib/igt.h
   declares is declared again after IGT's lib/igt.h in one translation
   unit, so that the compiler rejects any declaration of ours that
   conflicts with IGT's (other versions differ in ABI: newer IGT makes
   igt_ioctl thread-local, for one);
2. whatever the version, every test source (igt-tests/*.c, igt-tests/nouveau/*.c and the
   device layer, igt-tests/lib/*.c) compiles against IGT's headers in
   place of ours, with implicit declarations as errors.

IGT's headers need libdrm's and cairo's (libdrm-dev, libcairo2-dev) and
a config.h, which IGT's meson generates; an empty one stands for it (no
header our tests reach depends on its settings).  Exit 0 when both
hold; the compilers' messages otherwise.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OURS = os.path.join(TOP, 'igt-tests', 'lib', 'igt.h')


def igt_version(igt):
    """major.minor of the IGT tree (its meson.build), or None."""
    try:
        text = open(os.path.join(igt, 'meson.build')).read()
    except OSError:
        return None
    m = re.search(r"version\s*:\s*'(\d+\.\d+)", text)
    return m.group(1) if m else None


def libigt_version():
    """major.minor of the libigt.so.0 the tests link (Debian's package)."""
    r = subprocess.run(['dpkg-query', '-W', '-f', '${Version}', 'intel-gpu-tools'],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    m = re.match(r'(?:\d+:)?(\d+\.\d+)', r.stdout)
    return m.group(1) if m else None


def pkg_cflags(pkgs):
    r = subprocess.run(['pkg-config', '--cflags'] + pkgs, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if r.returncode:
        sys.exit('check-igt-api: ' + r.stdout.strip() +
                 ' (IGT needs libdrm-dev and libcairo2-dev)')
    return r.stdout.split()


def our_declarations():
    """Top-level function and extern variable declarations of our igt.h,
    from its preprocessed text (the lines the line markers attribute to
    it): what IGT's headers must declare alike."""
    r = subprocess.run(['gcc', '-E', '-D_GNU_SOURCE', '-x', 'c', OURS],
                       stdout=subprocess.PIPE, text=True, check=True)
    mine, keep = [], False
    for line in r.stdout.splitlines():
        m = re.match(r'# \d+ "([^"]+)"', line)
        if m:
            keep = os.path.abspath(m.group(1)) == OURS
            continue
        if keep:
            mine.append(line)
    text = ' '.join(mine)
    decls, depth, cur = [], 0, ''
    for ch in text:
        cur += ch
        if ch == '{':
            depth += 1
        elif ch == '}':
            depth -= 1
            if depth == 0:
                cur = ''        # a definition (static inline, struct): not ours to check
        elif ch == ';' and depth == 0:
            d = ' '.join(cur.split())
            cur = ''
            if re.match(r'(typedef|enum|struct|union|static)\b', d) or '(' not in d and \
                    not d.startswith('extern'):
                continue
            decls.append(d)
    return decls


def check_declarations(tmp, flags, version):
    """Step 1: our declarations after IGT's; 1 when they conflict."""
    decls = our_declarations()
    unit = os.path.join(tmp, 'decls.c')
    with open(unit, 'w') as f:
        f.write('#include "igt.h"\n\n' + '\n'.join(decls) + '\n')
    r = subprocess.run(['gcc', '-fsyntax-only', '-Werror'] + flags + [unit],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode:
        print(r.stdout)
        print(f'check-igt-api: declarations of igt-tests/lib/igt.h conflict with IGT {version}\'s')
        return 1
    print(f'check-igt-api: the {len(decls)} declarations of igt-tests/lib/igt.h '
          f'agree with IGT {version}\'s headers')
    return 0


def stage(tmp):
    """The test sources in a tree of their own without our igt.h, so that
    "igt.h" finds IGT's: a quoted include looks in the including file's
    directory first."""
    src = os.path.join(TOP, 'igt-tests')
    dst = os.path.join(tmp, 'igt-tests')
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns('igt.h', 'bench', 'demo', 'fuzz'))
    units = []
    for d in ('', 'nouveau', 'lib'):
        for f in sorted(os.listdir(os.path.join(dst, d))):
            if f.endswith('.c'):
                units.append(os.path.join(dst, d, f))
    return dst, units


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    igt, ksrc, khdr = (os.path.abspath(a) for a in sys.argv[1:])
    if not os.path.exists(os.path.join(igt, 'lib', 'igt.h')):
        sys.exit(f'check-igt-api: no lib/igt.h under {igt}')
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, 'config.h'), 'w') as f:
            f.write('/* IGT meson generates config.h; none of its settings is needed here. */\n')
        flags = ['-D_GNU_SOURCE', '-I', os.path.join(igt, 'lib'),
                 '-I', os.path.join(igt, 'include', 'drm-uapi'),
                 '-I', os.path.join(igt, 'include'), '-I', igt, '-I', tmp] + \
            pkg_cflags(['libdrm', 'cairo'])

        have, linked = igt_version(igt), libigt_version()
        if have is None or have != linked:
            print(f'check-igt-api: declarations not compared: IGT_SRC is IGT {have or "?"}, '
                  f'the tests link libigt {linked or "?"}')
        else:
            bad |= check_declarations(tmp, flags, have)

        dst, units = stage(tmp)
        tflags = flags + ['-I', os.path.join(dst, 'lib'), '-I', os.path.join(dst, 'nouveau'),
                          '-isystem', khdr, '-idirafter', ksrc,
                          '-Werror=implicit-function-declaration', '-Wno-clobbered']
        failed = []
        for u in units:
            r = subprocess.run(['gcc', '-fsyntax-only', '-Wall'] + tflags + [u],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if r.returncode or r.stdout.strip():
                print(r.stdout.replace(dst, 'igt-tests'))
                failed.append(os.path.relpath(u, dst))
        if failed:
            print(f'check-igt-api: {len(failed)} of {len(units)} test source(s) do not build '
                  f'against IGT\'s headers: {" ".join(failed)}')
            bad = 1
        else:
            print(f'check-igt-api: all {len(units)} test sources build against IGT\'s headers')
    return bad


if __name__ == '__main__':
    sys.exit(main())
