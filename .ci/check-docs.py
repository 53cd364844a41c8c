#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make check: the documentation renders what it says.

Usage: check-docs.py KERNEL_TREE RST

For the page RST of the repo (a path relative to it), with the kernel
tree's scripts/kernel-doc and Documentation (patches applied, our files
in place, as `make check` leaves it):
  - every `.. kernel-doc::` directive, run through the tree's
    scripts/kernel-doc as Sphinx's kernel-doc extension runs it (-rst with
    the directive's :doc:, :internal:, :export:, :functions: or
    :identifiers:), prints something and warns about nothing (-Wall);
  - every `DOC:` block of our files (drivers/, include/ of the repo) is
    pulled in by a `:doc:` directive of the page, so none is written and
    never read;
  - the page is in a toctree of the tree's Documentation.
Prints each problem; exits 1 if there was any.
"""
import glob
import os
import re
import subprocess
import sys


def directives(rst):
    """(file, {option: value}, line) of each kernel-doc directive of @rst,
    indented or not; an option's value may go on over more indented lines."""
    lines = open(rst, encoding='utf-8').read().split('\n')
    out = []
    for i, line in enumerate(lines):
        m = re.match(r'(\s*)\.\. kernel-doc::\s*(\S+)\s*$', line)
        if not m:
            continue
        opts, key, ind = {}, None, None
        for opt in lines[i + 1:]:
            mm = re.match(r'(\s+):([\w-]+):\s*(.*)$', opt)
            if mm and len(mm.group(1)) > len(m.group(1)):
                key, ind = mm.group(2), len(mm.group(1))
                opts[key] = mm.group(3).strip()
            elif key and opt.strip() and len(opt) - len(opt.lstrip()) > ind:
                opts[key] += ' ' + opt.strip()
            else:
                break
        out.append((m.group(2), opts, i + 1))
    return out


def kerneldoc_args(src, opts):
    """kernel-doc's arguments for a directive's options, chosen as the
    tree's Documentation/sphinx/kerneldoc.py chooses them."""
    names = lambda v: [n.rstrip('\\').strip() for n in v.split() if n.rstrip('\\').strip()]
    if 'functions' in opts:
        opts = dict(opts, identifiers=opts['functions'])
    args, patterns = [], []
    if 'export' in opts:
        args, patterns = ['-export'], names(opts['export'])
    elif 'internal' in opts:
        args, patterns = ['-internal'], names(opts['internal'])
    elif 'doc' in opts:
        args = ['-function', opts['doc']]
    elif 'identifiers' in opts:
        ids = names(opts['identifiers'])
        args = [a for n in ids for a in ('-function', n)] or ['-no-doc-sections']
    for n in names(opts.get('no-identifiers', '')):
        args += ['-nosymbol', n]
    for pattern in patterns:
        for f in sorted(glob.glob(os.path.join(src, pattern))):
            args += ['-export-file', f]
    return args


def kerneldoc(src, args, f):
    return subprocess.run([os.path.join(src, 'scripts/kernel-doc'), '-rst', '-Wall'] +
                          args + [f], cwd=src, capture_output=True, text=True)


def check_directives(src, rst):
    """Each directive, run as Sphinx runs it (on the tree's copy of the file),
    prints something and warns about nothing; so does each of its
    :identifiers: alone."""
    bad = []
    for f, opts, line in directives(rst):
        what = f'{rst}:{line}: {f} ' + ' '.join(f':{k}: {v}'.strip() for k, v in opts.items())
        if not os.path.isfile(os.path.join(src, f)):
            bad.append(f'{what}: no such file in the tree')
            continue
        args = kerneldoc_args(src, opts)
        ids = [args[k + 1] for k in range(len(args) - 1) if args[k] == '-function']
        runs = [args] + ([['-function', n] for n in ids] if len(ids) > 1 else [])
        for r in runs:
            p = kerneldoc(src, r, f)
            label = what if r is args else f'{what} (-function {r[1]})'
            if p.returncode or p.stderr.strip():
                bad.append(f'{label}: kernel-doc warns:\n  ' +
                           p.stderr.strip().replace('\n', '\n  '))
            elif not p.stdout.strip():
                bad.append(f'{label}: renders nothing')
    return bad


def doc_blocks(top):
    """(file, title) of every DOC: block of our kernel files, found as
    kernel-doc finds them: a line that is only "/**", then " * DOC: title"
    on the next (no title: "Introduction")."""
    out = []
    for d in ('drivers', 'include'):
        for root, _, files in os.walk(os.path.join(top, d)):
            for n in sorted(files):
                if not n.endswith(('.c', '.h')):
                    continue
                path = os.path.join(root, n)
                lines = open(path, encoding='utf-8').read().split('\n')
                for i in range(len(lines) - 1):
                    if not re.match(r'/\*\*\s*$', lines[i]):
                        continue
                    m = re.match(r'\s*\*\s*DOC:\s*(.*?)\s*$', lines[i + 1])
                    if m:
                        out.append((os.path.relpath(path, top), m.group(1) or 'Introduction'))
    return sorted(out)


def check_included(top, rst):
    pulled = {(f, o['doc']) for f, o, _ in directives(rst) if 'doc' in o}
    return [f'{f}: DOC: {t}: in no :doc: directive of {rst}'
            for f, t in doc_blocks(top) if (f, t) not in pulled]


def check_toctree(src, rst):
    """The page is an entry ("name", "name.rst" or "Title <name>") of a
    toctree directive of another page of its directory."""
    name = os.path.splitext(os.path.basename(rst))[0]
    docdir = os.path.join(src, os.path.dirname(rst))
    entry = re.compile(r'(?:.*<)?' + re.escape(name) + r'(?:\.rst)?>?$')
    for n in sorted(os.listdir(docdir)):
        if not n.endswith('.rst') or n == os.path.basename(rst):
            continue
        lines = open(os.path.join(docdir, n), encoding='utf-8').read().split('\n')
        for i, line in enumerate(lines):
            m = re.match(r'([ \t]*)\.\. toctree::[ \t]*$', line)
            if not m:
                continue
            for body in lines[i + 1:]:
                if body.strip() and len(body) - len(body.lstrip()) <= len(m.group(1)):
                    break
                text = body.strip()
                if text and not text.startswith(':') and entry.match(text):
                    return []
    return [f'{rst}: in no toctree of {os.path.dirname(rst)}/']


def main():
    src, rst = os.path.abspath(sys.argv[1]), sys.argv[2]
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(top)
    bad = (check_directives(src, rst) + check_included(top, rst) +
           check_toctree(src, rst))
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
