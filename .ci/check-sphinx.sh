#!/usr/bin/env bash
# make check: Sphinx builds Documentation/gpu/nouveau-svm.rst as the
# kernel's `make htmldocs` would (the tree's Documentation/conf.py, its
# kernel-doc and other extensions, the patched tree as srctree), on its
# own page so that warnings of other pages cannot hide ours or fail us.
# Debian's python3-sphinx (.ci/deps.sh).  HTML in build/docs/html; exit 1
# on any warning.
. "$(dirname "$0")/common.sh"

[ -d "$SRC" ] || die "no kernel tree: run make kernel first"
command -v sphinx-build >/dev/null || die "no sphinx-build: run .ci/deps.sh"
out=$TOP/build/docs
rm -rf "$out" "$SRC"/Documentation/nvsvm-docs-check.*
mkdir -p "$out"
# A source directory inside the tree's Documentation/, as SPHINXDIRS
# gives one (the extensions find the tree from it).
srcdir=$(mktemp -d "$SRC/Documentation/nvsvm-docs-check.XXXXXX")
trap 'rm -rf "$srcdir"' EXIT
mkdir -p "$srcdir/gpu"
cp "$TOP/Documentation/gpu/nouveau-svm.rst" "$srcdir/gpu/"
cat > "$srcdir/index.rst" <<'EOF'
nouveau SVM documentation
=========================

.. toctree::

   gpu/nouveau-svm
EOF
# The kernel-doc directives read our files where the tree has them.
srctree=$SRC timeout -k 10 600 sphinx-build -q -b html -c "$SRC/Documentation" \
	-D kerneldoc_srctree="$SRC" -w "$out/warnings.log" \
	"$srcdir" "$out/html" > "$out/sphinx.log" 2>&1 < /dev/null || {
	cat "$out/sphinx.log"
	die "sphinx-build failed"
}
if [ -s "$out/warnings.log" ]; then
	cat "$out/warnings.log"
	exit 1
fi
[ -s "$out/html/gpu/nouveau-svm.html" ] || die "sphinx-build wrote no page"
