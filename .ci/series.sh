#!/usr/bin/env bash
# make series: the patch series, from the pinned base, in build/series/patches
# (.ci/make-series.py; patches/series.plan says what goes where).
. "$(dirname "$0")/common.sh"

"$TOP/.ci/prepare-tree.sh"
tarball=$("$TOP/.ci/fetch-kernel.sh")
# fetch-kernel.sh keeps each version under dl/<version>/: the one it gave.
kver=$(basename "$(dirname "$(dirname "$(dirname "$tarball")")")")
log "writing the patch series (patches/series.plan)"
python3 "$TOP/.ci/make-series.py" "$tarball" "$kver" "$SRC" "$BUILD/series/patches"
