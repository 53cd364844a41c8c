#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make series: turn the pinned base, patches/ and our files into a git
branch and a `git format-patch` series, as patches/series.plan orders them.

  make-series.py TARBALL KVER PREPARED_TREE OUT_DIR

The base is the pinned linux-source tarball, imported as one commit;
every commit's date and identity are fixed, so the same inputs give the
same commit ids (and the same base-commit) on every machine.  The series
goes to OUT_DIR as 0000-cover-letter.patch and 00NN-*.patch, the branch to
OUT_DIR/../repo ("base" and "series").  The last commit's tree must be the
tree `make test` builds (PREPARED_TREE), file for file, or this fails.
"""

import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATCHES = os.path.join(TOP, 'patches')
PLAN = os.path.join(PATCHES, 'series.plan')
COVER = os.path.join(PATCHES, 'series.cover')
OVERLAY_DIRS = ('drivers', 'include', 'Documentation')
IDENT = ('Seed 52ee6953 maintainers',
         'maintainers@users.noreply.h-seed-52ee6953.example')
BASE_DATE = 1796083200          # 2026-12-01 00:00:00 UTC
STEP = 60


class PlanError(Exception):
    pass


def run(args, cwd=None, env=None, stdin=None):
    res = subprocess.run(args, cwd=cwd, env=env, input=stdin, text=True,
                         capture_output=True)
    if res.returncode:
        raise PlanError('%s failed (exit %d):\n%s%s' % (
            ' '.join(args[:4]), res.returncode, res.stdout[-3000:],
            res.stderr[-3000:]))
    return res.stdout


def patch_file(num):
    hits = sorted(glob.glob(os.path.join(PATCHES, num + '-*.patch')))
    if len(hits) != 1:
        raise PlanError('patch %s: %d files match' % (num, len(hits)))
    return hits[0]


def parse_patch(path):
    """From, subject and body of a patch file (mbox or plain)."""
    text = open(path, encoding='utf-8').read()
    head, sep, rest = text.partition('\n\n')
    if not sep:
        raise PlanError('%s: no header' % path)
    headers = {}
    key = None
    for line in head.split('\n'):
        if line[:1] in (' ', '\t') and key:
            headers[key] += ' ' + line.strip()
        elif ':' in line and not line.startswith('From '):
            key, _, val = line.partition(':')
            key = key.strip().lower()
            headers[key] = val.strip()
    subject = re.sub(r'^\[PATCH[^\]]*\]\s*', '', headers.get('subject', ''))
    match = re.match(r'(.*?)\s*<([^>]+)>$', headers.get('from', ''))
    if not subject or not match:
        raise PlanError('%s: no Subject or From' % path)
    body = rest.split('\n---\n', 1)[0].rstrip('\n')
    return (match.group(1), match.group(2)), subject, body


def parse_plan():
    """The plan's commits: dicts with subject, body, author, and actions."""
    commits = []
    cur = None
    for num, line in enumerate(open(PLAN, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        where = 'series.plan:%d' % num
        if not line.strip() or line.startswith('#'):
            continue
        if not line[0].isspace():
            word, _, arg = line.partition(' ')
            if word == 'patch':
                author, subject, body = parse_patch(patch_file(arg))
                cur = None
                commits.append({'subject': subject, 'body': body,
                                'author': author,
                                'actions': [('from', arg)], 'where': where})
            elif word == 'commit':
                cur = {'subject': arg, 'body': [], 'author': IDENT,
                       'actions': [], 'where': where}
                commits.append(cur)
            else:
                raise PlanError('%s: unknown "%s"' % (where, word))
            continue
        if cur is None:
            raise PlanError('%s: indented line outside a commit' % where)
        line = line.strip()
        if line == '|' or line.startswith('| '):
            cur['body'].append(line[2:])
            continue
        word, _, arg = line.partition(' ')
        if word not in ('from', 'add', 'grow', 'remove') or not arg:
            raise PlanError('%s: unknown "%s"' % (where, line))
        cur['actions'].append((word, arg))
    for c in commits:
        if isinstance(c['body'], list):
            c['body'] = '\n'.join(c['body']).strip('\n') + \
                '\n\nSigned-off-by: %s <%s>' % IDENT
    return commits


def overlay_files():
    out = []
    for d in OVERLAY_DIRS:
        for root, _, files in os.walk(os.path.join(TOP, d)):
            out += [os.path.relpath(os.path.join(root, f), TOP) for f in files]
    return sorted(out)


def check_plan(commits):
    """Every patch and every overlay file is used exactly once."""
    used_patches, used_files = [], []
    for c in commits:
        for word, arg in c['actions']:
            if word == 'from':
                used_patches.append(os.path.basename(patch_file(arg)))
            elif word in ('add', 'grow'):
                hits = sorted(glob.glob(os.path.join(TOP, arg), recursive=True))
                hits = [os.path.relpath(h, TOP) for h in hits
                        if os.path.isfile(h)]
                if not hits:
                    raise PlanError('%s: "%s" matches no file' % (c['where'], arg))
                used_files += hits
    problems = []
    all_patches = sorted(os.path.basename(p)
                         for p in glob.glob(os.path.join(PATCHES, '*.patch')))
    for name in sorted(set(all_patches) | set(used_patches)):
        n = used_patches.count(name)
        if n != 1 or name not in all_patches:
            problems.append('patch %s is used %d time(s)' % (name, n))
    files = overlay_files()
    for name in sorted(set(files) | set(used_files)):
        n = used_files.count(name)
        if n != 1:
            problems.append('%s is added %d time(s)' % (name, n))
    if problems:
        raise PlanError('series.plan:\n  ' + '\n  '.join(problems))


# --- Kbuild and Kconfig files that grow with the series -------------------

def obj_present(tree, base, obj):
    stem = os.path.join(tree, base, obj[:-2])
    return os.path.exists(stem + '.c') or os.path.exists(stem + '.S')


def grow_makefile(tree, rel, text):
    """The Makefile with only the objects whose source is in the tree.

    Blocks are separated by blank lines.  In each, a "comp-y += x.o" or
    "CFLAGS_x.o" line goes when x's source is not in the tree, an
    "obj-$(CONFIG_X) += comp.o" line when no line of comp is left, and a
    block that had obj- lines goes whole (comments too) when none is left.
    """
    base = os.path.dirname(rel)
    known = (r'^$', r'^#', r'^\w+-y \+= \S+\.o$', r'^CFLAGS_\S+\.o [:+]?= ',
             r'^obj-\$\(CONFIG_\w+\) \+= \w+\.o$')
    for line in text.split('\n'):
        if not any(re.match(k, line) for k in known):
            raise PlanError('%s: cannot trim a line like "%s"' % (rel, line))
    out = []
    for block in text.rstrip('\n').split('\n\n'):
        lines = block.split('\n')
        kept = []
        for line in lines:
            m = re.match(r'^\w+-y \+= (\S+\.o)$', line) or \
                re.match(r'^CFLAGS_(\S+\.o) [:+]?=', line)
            if m and not obj_present(tree, base, m.group(1)):
                continue
            kept.append(line)
        comps = set(re.findall(r'^(\w+)-y \+=', '\n'.join(kept), re.M))
        kept = [line for line in kept
                if not (re.match(r'^obj-\$\(CONFIG_\w+\) \+= (\w+)\.o$', line) and
                        re.match(r'^obj-.* \+= (\w+)\.o$', line).group(1) not in comps and
                        not obj_present(tree, base,
                                        re.match(r'^obj-.* \+= (\w+)\.o$', line).group(1) + '.o'))]
        had_obj = any(line.startswith('obj-') for line in lines)
        if had_obj and not any(line.startswith('obj-') for line in kept):
            continue
        out.append('\n'.join(kept))
    return '\n\n'.join(out) + '\n'


def grow_kconfig(text, makefile):
    """The Kconfig with only the entries whose obj- line is in makefile."""
    for line in text.split('\n'):
        if re.match(r'^(menuconfig|menu|endmenu|if|endif|source|choice|'
                    r'endchoice|comment)\b', line):
            raise PlanError('Kconfig: cannot trim a line like "%s"' % line)
    parts = re.split(r'(?m)^(?=config )', text)
    out = [parts[0]]
    for part in parts[1:]:
        sym = part.split()[1]
        if re.search(r'\$\(CONFIG_%s\)' % re.escape(sym), makefile):
            out.append(part)
    return ''.join(out).rstrip('\n') + '\n'


def regrow(tree, grown):
    makefile = ''
    for rel in sorted(grown, key=lambda r: not r.endswith('Makefile')):
        src = open(os.path.join(TOP, rel), encoding='utf-8').read()
        if rel.endswith('Makefile'):
            makefile = grow_makefile(tree, rel, src)
            new = makefile
        else:
            new = grow_kconfig(src, makefile)
        if not new.endswith('\n'):
            new += '\n'
        with open(os.path.join(tree, rel), 'w', encoding='utf-8') as f:
            f.write(new)


# --- building the branch -------------------------------------------------

def git_env(when, author):
    env = dict(os.environ)
    stamp = '@%d +0000' % when
    env.update(GIT_AUTHOR_NAME=author[0], GIT_AUTHOR_EMAIL=author[1],
               GIT_COMMITTER_NAME=IDENT[0], GIT_COMMITTER_EMAIL=IDENT[1],
               GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp,
               GIT_CONFIG_NOSYSTEM='1', GIT_CONFIG_GLOBAL='/dev/null')
    return env


def import_base(repo, tarball, kver):
    """The base commit, reused while the tarball is the same."""
    sha = hashlib.sha256()
    with open(tarball, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            sha.update(chunk)
    digest = sha.hexdigest()
    try:
        old = run(['git', 'log', '-1', '--format=%b', 'base'], cwd=repo)
        if 'tarball-sha256: ' + digest in old:
            return
    except (PlanError, FileNotFoundError, NotADirectoryError):
        pass
    shutil.rmtree(repo, ignore_errors=True)
    os.makedirs(repo)
    env = git_env(BASE_DATE, ('Debian kernel team', 'debian-kernel@lists.debian.org'))
    run(['git', 'init', '-q', '-b', 'base'], cwd=repo, env=env)
    run(['tar', '-C', repo, '--strip-components=1', '-xf', tarball])
    run(['git', 'add', '-A', '-f', '.'], cwd=repo, env=env)
    msg = ('Linux %s from Debian\'s linux-source-7.3\n\n'
           'The pinned base of nouveau SVM: the source tree of Debian\'s\n'
           'linux-source-7.3 package, version %s, imported as one commit.\n\n'
           'tarball: %s\ntarball-sha256: %s\n') % (
               kver.split('-')[0], kver, os.path.basename(tarball), digest)
    run(['git', 'commit', '-q', '--no-verify', '-F', '-'], cwd=repo,
        env=env, stdin=msg)


def apply_patch(repo, path):
    with open(path, 'rb') as f:
        res = subprocess.run(['patch', '-p1', '--batch', '--forward',
                              '--no-backup-if-mismatch'], cwd=repo,
                             stdin=f, capture_output=True, text=True)
    if res.returncode:
        raise PlanError('%s does not apply here:\n%s' % (
            os.path.basename(path), res.stdout + res.stderr))


def make_commit(repo, commit, index, grown):
    for word, arg in commit['actions']:
        if word == 'from':
            apply_patch(repo, patch_file(arg))
        elif word in ('add', 'grow'):
            for src in sorted(glob.glob(os.path.join(TOP, arg), recursive=True)):
                if not os.path.isfile(src):
                    continue
                rel = os.path.relpath(src, TOP)
                dst = os.path.join(repo, rel)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copyfile(src, dst)
                shutil.copymode(src, dst)
                if word == 'grow':
                    grown.append(rel)
        elif word == 'remove':
            if not os.path.exists(os.path.join(repo, arg)):
                raise PlanError('%s: no %s to remove' % (commit['where'], arg))
            run(['git', 'rm', '-q', arg], cwd=repo, env=git_env(BASE_DATE, IDENT))
    regrow(repo, grown)
    env = git_env(BASE_DATE + STEP * index, commit['author'])
    run(['git', 'add', '-A', '-f', '.'], cwd=repo, env=env)
    msg = commit['subject'] + '\n\n' + commit['body'] + '\n'
    run(['git', 'commit', '-q', '--no-verify', '-F', '-'],
        cwd=repo, env=env, stdin=msg)


def compare(repo, prepared):
    """The series' last tree is the tree make test builds."""
    env = dict(os.environ, GIT_INDEX_FILE=os.path.join(repo, '.git', 'cmp-index'),
               GIT_WORK_TREE=prepared, GIT_DIR=os.path.join(repo, '.git'))
    run(['git', 'read-tree', 'series'], env=env)
    out = run(['git', '-c', 'core.untrackedCache=false', 'status', '--porcelain',
               '--untracked-files=all', '--ignored=matching'], cwd=prepared, env=env)
    os.unlink(env['GIT_INDEX_FILE'])
    if out.strip():
        raise PlanError('the series does not end at the tree make test builds (%s):\n%s'
                        % (prepared, out[:4000]))


def cover_letter(out_dir, repo, ncommits, kver):
    path = os.path.join(out_dir, '0000-cover-letter.patch')
    text = open(path, encoding='utf-8').read()
    cover = open(COVER, encoding='utf-8').read()
    subject, _, blurb = cover.partition('\n\n')
    base = run(['git', 'rev-parse', 'base'], cwd=repo).strip()
    tree = run(['git', 'rev-parse', 'base^{tree}'], cwd=repo).strip()
    blurb = blurb.replace('@NCOMMITS@', str(ncommits)).replace('@KVER@', kver).replace(
        '@BASE@', base).replace('@BASETREE@', tree)
    if '*** SUBJECT HERE ***' not in text or '*** BLURB HERE ***' not in text:
        raise PlanError('git format-patch wrote no cover letter template')
    text = text.replace('*** SUBJECT HERE ***', subject.strip())
    text = text.replace('*** BLURB HERE ***', blurb.rstrip('\n'))
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


SELF_TEST_MAKEFILE = """# SPDX-License-Identifier: MIT
# header

core-y += a.o
core-y += b.o
obj-$(CONFIG_CORE) += core.o
CFLAGS_b.o := -I$(src)

# the tests of c
test-y += tests/c.o
obj-$(CONFIG_TEST) += test.o
"""

SELF_TEST_KCONFIG = """# SPDX-License-Identifier: MIT
config CORE
\ttristate

config TEST
\ttristate "t"
\thelp
\t  Tests.

\t  If unsure, say N.
"""


def self_test():
    """grow_makefile() and grow_kconfig() on a made-up directory."""
    import tempfile
    with tempfile.TemporaryDirectory() as tree:
        os.makedirs(os.path.join(tree, 'd', 'tests'))

        def grown(*present):
            for name in ('a.c', 'b.c', 'tests/c.c'):
                path = os.path.join(tree, 'd', name)
                if name in present:
                    open(path, 'w').close()
                elif os.path.exists(path):
                    os.unlink(path)
            mk = grow_makefile(tree, 'd/Makefile', SELF_TEST_MAKEFILE)
            return mk, grow_kconfig(SELF_TEST_KCONFIG, mk)

        mk, kc = grown('a.c', 'b.c', 'tests/c.c')
        assert mk == SELF_TEST_MAKEFILE and kc == SELF_TEST_KCONFIG, mk + kc
        mk, kc = grown('a.c')
        assert mk == ('# SPDX-License-Identifier: MIT\n# header\n\n'
                      'core-y += a.o\nobj-$(CONFIG_CORE) += core.o\n'), mk
        assert kc == '# SPDX-License-Identifier: MIT\nconfig CORE\n\ttristate\n', kc
        mk, kc = grown('tests/c.c')
        assert 'core' not in mk and 'CFLAGS' not in mk and \
            mk.endswith('\n\n# the tests of c\ntest-y += tests/c.o\n'
                        'obj-$(CONFIG_TEST) += test.o\n'), mk
        assert 'config CORE' not in kc and 'If unsure' in kc, kc
    print('make-series: self-test passed')


def main():
    if sys.argv[1:] == ['--self-test']:
        self_test()
        return
    tarball, kver, prepared, out_dir = sys.argv[1:5]
    prepared, out_dir = os.path.abspath(prepared), os.path.abspath(out_dir)
    commits = parse_plan()
    check_plan(commits)
    repo = os.path.join(os.path.dirname(os.path.abspath(out_dir)), 'repo')
    import_base(repo, tarball, kver)
    env = git_env(BASE_DATE, IDENT)
    run(['git', 'checkout', '-q', '-f', '-B', 'series', 'base'], cwd=repo, env=env)
    run(['git', 'clean', '-q', '-f', '-d', '-x'], cwd=repo, env=env)
    grown = []
    for index, commit in enumerate(commits, 1):
        make_commit(repo, commit, index, grown)
    compare(repo, prepared)
    shutil.rmtree(out_dir, ignore_errors=True)
    run(['git', 'format-patch', '-q', '--cover-letter', '--base=base',
         '-o', out_dir, 'base..series'], cwd=repo, env=env)
    cover_letter(out_dir, repo, len(commits), kver)
    print('series: %d patches in %s (base %s)' % (
        len(commits), os.path.relpath(out_dir, TOP),
        run(['git', 'rev-parse', '--short', 'base'], cwd=repo).strip()))


if __name__ == '__main__':
    try:
        main()
    except PlanError as e:
        sys.exit('make-series: %s' % e)
