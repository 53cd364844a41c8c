#!/usr/bin/env bash
# make check: the static checks upstream reviewers run, on what we write.
#  - checkpatch.pl --strict on our kernel files (-f) and on patches/;
#  - kernel-doc -Wall on our kernel files, and what nouveau-svm.rst pulls
#    in from them rendering, all of it (.ci/check-docs.py), and Sphinx
#    building the page without a warning (.ci/check-sphinx.sh);
#  - sparse (C=2) and W=1 on the objects built from our .c files, keeping
#    every warning about our files;
#  - summarize.py's junit.xml on a made-up run (.ci/test-summarize.py),
#    make-series.py's trimming of a step's Kbuild files on a made-up one,
#    profile-stages.py's cutting of a made-up trace;
#  - with IGT_SRC=<igt-gpu-tools tree>, the IGT tests against IGT's own
#    headers (.ci/check-igt-api.py);
#  - with NV_CLASS_DOC=<open-gpu-doc>/classes/compute, the IGT compute
#    path's QMD fields and methods against NVIDIA's published headers
#    (.ci/check-nv-classes.c);
#  - with NV_HOST_CLASSES=<open-gpu-kernel-modules 570.144 or later>/
#    kernel-open/nvidia-uvm, the backend's MEM_OP replay and cancel fields
#    and Turing's CLEAR_FAULTED against NVIDIA's host class headers, and
#    its copy-engine methods against the copy class headers
#    (.ci/check-nv-host-classes.c).
# Exit 1 if any of them said anything.
. "$(dirname "$0")/common.sh"

[ -d "$SRC" ] || die "no kernel tree: run make kernel first"
cd "$TOP"
mapfile -t kfiles < <(find drivers include -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort)
mapfile -t cfiles < <(printf '%s\n' "${kfiles[@]}" | grep '^drivers/.*\.c$' || true)
mapfile -t patches < <(find patches -name '*.patch' | sort)
bad=0
report() { # NAME OUTPUT
	if [ -n "$2" ]; then
		printf '%s\n' "$2"
		echo "check: $1 found problems (above)"
		bad=1
	else
		echo "check: $1 clean"
	fi
}

cp=(perl "$SRC/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types)
out=""
for f in "${kfiles[@]}"; do
	o=$("${cp[@]}" -f "$f" 2>&1) || out+="$o"$'\n'
done
report "checkpatch --strict on ${#kfiles[@]} file(s)" "$out"

# A patch edits upstream code in its own names: nvkm's GSP-RM code reads
# NVIDIA's RM ABI structures, whose members keep NVIDIA's spelling
# (ctrl->entries[i].engineData), so CamelCase is not ours to avoid there.
# checkpatch cannot tell such a name from a new one (here it reads no
# declaration at all), so the check is off for patches; names a patch
# declares are reviewed by hand.  Our own files (-f above) keep it.
out=""
for p in "${patches[@]}"; do
	# stdin: checkpatch reads a git-tracked .patch path differently
	o=$("${cp[@]}" --ignore CAMELCASE - < "$p" 2>&1) || out+="$p:"$'\n'"$o"$'\n'
done
report "checkpatch --strict on ${#patches[@]} patch(es)" "$out"

out=""
if [ ${#kfiles[@]} -gt 0 ]; then
	out=$("$SRC/scripts/kernel-doc" -none -Wall "${kfiles[@]}" 2>&1) || true
fi
report "kernel-doc -Wall on ${#kfiles[@]} file(s)" "$out"

# The page renders what it says: each kernel-doc directive prints
# something without a warning, every DOC: block is on the page, the page
# is in a toctree (.ci/check-docs.py).
out=$(python3 "$TOP/.ci/check-docs.py" "$SRC" Documentation/gpu/nouveau-svm.rst 2>&1) ||
	out=${out:-"check-docs.py failed"}
report "Documentation/gpu/nouveau-svm.rst directives, DOC blocks, toctree" "$out"

out=$("$TOP/.ci/check-sphinx.sh" 2>&1) || out=${out:-"check-sphinx.sh failed"}
report "Sphinx build of nouveau-svm.rst (build/docs/html)" "$out"

# The pipeline's own results: junit.xml as summarize.py writes it from a
# made-up guest run (.ci/test-summarize.py).
out=""
o=$(python3 "$TOP/.ci/test-summarize.py" --kunit-py "$SRC/tools/testing/kunit/kunit.py" 2>&1) ||
	out=${o:-"test-summarize.py failed"}
report "summarize.py's junit.xml on a made-up run" "$out"

# make series' trimming of svm/Makefile and svm/Kconfig to a step's files.
out=""
o=$(python3 "$TOP/.ci/make-series.py" --self-test 2>&1) ||
	out=${o:-"make-series.py --self-test failed"}
report "make-series.py's Makefile and Kconfig trimming on a made-up directory" "$out"

# make profile's stage breakdown on a made-up trace.
out=""
o=$(python3 "$TOP/.ci/profile-stages.py" --self-test 2>&1) ||
	out=${o:-"profile-stages.py --self-test failed"}
report "profile-stages.py's stages of a made-up trace" "$out"

# The IGT tests against IGT's own headers, where an IGT source tree is
# given: Debian ships none (.ci/check-igt-api.py).
if [ -n "${IGT_SRC:-}" ]; then
	out=""
	o=$(python3 "$TOP/.ci/check-igt-api.py" "$IGT_SRC" "$SRC" "$KOBJ/usr/include" 2>&1) ||
		out=${o:-"check-igt-api.py failed"}
	[ -n "$out" ] || printf '%s\n' "$o"
	report "IGT tests against the headers of $IGT_SRC" "$out"
else
	echo "check: IGT tests against IGT's own headers: NOT RUN, no IGT source tree" \
		"(make check IGT_SRC=<igt-gpu-tools checkout>; Debian ships no IGT headers)"
fi

# Build .ci/$1.c, a check of our fields against NVIDIA's class headers,
# with the gcc arguments that follow, and run it: it prints each
# difference, and "every ..." when there is none.  NVIDIA's headers
# include an nvtypes.h they do not come with; what they use of it
# stands in for it.
nv_header_check() {
	local prog=$1 tmp out
	shift
	tmp=$(mktemp -d)
	printf 'typedef unsigned int NvU32;\ntypedef unsigned int NvV32;\n' > "$tmp/nvtypes.h"
	out=$(gcc -O0 -Wall -Wextra -Wno-unused-parameter -Werror -D_GNU_SOURCE \
		-I "$TOP/.ci" -I "$tmp" "$TOP/.ci/$prog.c" "$@" -o "$tmp/$prog" 2>&1) &&
		out=$("$tmp/$prog" 2>&1 | grep -v '^every ') || true
	rm -rf "$tmp"
	printf '%s' "$out"
}

# The IGT compute path's QMD fields and methods against NVIDIA's published
# class headers, where a copy is given: Debian ships none
# (.ci/check-nv-classes.c).
if [ -n "${NV_CLASS_DOC:-}" ]; then
	out=$(nv_header_check check-nv-classes -I "$TOP/igt-tests/lib" \
		-I "$NV_CLASS_DOC" -isystem "$KOBJ/usr/include" -idirafter "$SRC" -ligt)
	report "the compute path's QMDs and methods against $NV_CLASS_DOC" "$out"
else
	echo "check: the compute path against NVIDIA's class headers: NOT RUN" \
		"(make check NV_CLASS_DOC=<open-gpu-doc checkout>/classes/compute)"
fi

# The backend's MEM_OP fields (svm/hw/nvsvm_hw_memop.c, with Linux's
# clc36f.h) against NVIDIA's clc46f.h to clc96f.h, and its copy stream
# (nvsvm_hw_copy.c, with Linux's cla0b5.h) against clc0b5.h to clc9b5.h,
# where a copy is given;
# the fields the encoder defines itself are passed in: Hopper's and
# Blackwell's engine id from its GENMASK(hi, lo), and Turing's
# CLEAR_FAULTED from the encoder's #define lines, made a header.
if [ -n "${NV_HOST_CLASSES:-}" ]; then
	memop=drivers/gpu/drm/nouveau/svm/hw/nvsvm_hw_memop.c
	eng=$(sed -n 's/^#define NVSVM_HW_C86F_MEM_OP_A_CANCEL_MMU_ENGINE_ID[[:space:]]*GENMASK(\([0-9]*\), \([0-9]*\))$/\1 \2/p' "$memop")
	# GENMASK(hi, lo) becomes NVIDIA's hi:lo, for check-nv-fields.h.
	c46f=$(mktemp)
	sed -n 's/^\(#define NVSVM_HW_C46F_CLEAR_FAULTED[A-Z_]*\)[[:space:]]*GENMASK(\([0-9]*\), \([0-9]*\))$/\1 \2:\3/p
		s/^\(#define NVSVM_HW_C46F_CLEAR_FAULTED[A-Z_]*[[:space:]]*0x[0-9a-f]*\)$/\1/p' \
		"$memop" > "$c46f"
	# The copy stream's semaphore methods and upper address field, from
	# the backend's header, the same way.
	hwh=drivers/gpu/drm/nouveau/svm/hw/nvsvm_hw.h
	c0b5=$(mktemp)
	sed -n 's/^\(#define NVSVM_HW_C0B5_[A-Z_]*\)[[:space:]]*GENMASK(\([0-9]*\), \([0-9]*\))$/\1 \2:\3/p
		s/^\(#define NVSVM_HW_C0B5_[A-Z_]*[[:space:]]*0x[0-9a-f]*\)$/\1/p' \
		"$hwh" > "$c0b5"
	if [ -z "$eng" ]; then
		out="no NVSVM_HW_C86F_MEM_OP_A_CANCEL_MMU_ENGINE_ID in $memop"
	elif [ "$(wc -l < "$c46f")" -ne 5 ]; then
		out="not the five NVSVM_HW_C46F_CLEAR_FAULTED* lines in $memop"
	elif [ "$(wc -l < "$c0b5")" -ne 4 ]; then
		out="not the four NVSVM_HW_C0B5_* lines in $hwh"
	else
		set -- $eng
		out=$(nv_header_check check-nv-host-classes -I "$NV_HOST_CLASSES" \
			-DLINUX_CLC36F="\"$SRC/drivers/gpu/drm/nouveau/include/nvhw/class/clc36f.h\"" \
			-DLINUX_CLA0B5="\"$SRC/drivers/gpu/drm/nouveau/include/nvhw/class/cla0b5.h\"" \
			-DOURS_C46F="\"$c46f\"" -DOURS_C0B5="\"$c0b5\"" \
			-DOURS_ENGINE_HI="$1" -DOURS_ENGINE_LO="$2")
	fi
	rm -f "$c46f" "$c0b5"
	report "the backend's MEM_OP, CLEAR_FAULTED and copy fields against $NV_HOST_CLASSES" "$out"
else
	echo "check: the backend's MEM_OP, CLEAR_FAULTED and copy fields against NVIDIA's classes: NOT RUN" \
		"(make check NV_HOST_CLASSES=<open-gpu-kernel-modules 570.144+>/kernel-open/nvidia-uvm)"
fi

out=""
if [ ${#cfiles[@]} -gt 0 ]; then
	objs=("${cfiles[@]/%.c/.o}")
	log "sparse + W=1 on ${#objs[@]} object(s)"
	# Linux 7.3 wants a sparse that knows __typeof_unqual__ (sparse's git
	# after 0.6.4); Debian has only 0.6.4, and the kernel then skips
	# sparse without a word.  Map it to __typeof__ for sparse, which only
	# loses the qualifier stripping of READ_ONCE() and friends.
	# -k: sparse exits non-zero on what it reports, and every object
	# must still be checked; the messages decide, not make's status.
	# drivers/gpu/drm/Makefile descends into both nouveau/ and
	# nouveau/svm/, so each object is built twice, once with each
	# directory's flags.  The build with the wrong ones would fail on
	# includes the other directory adds (nouveau's for the nvif backend,
	# svm/ for the trace header): KCFLAGS gives both builds both sets.
	nv=$SRC/drivers/gpu/drm/nouveau
	raw=$("${KMAKE[@]}" -k W=1 C=2 CHECK=sparse \
		CHECKFLAGS="-D__typeof_unqual__=__typeof__" \
		KCFLAGS="-I$nv/include -I$nv/include/nvkm -I$nv/nvkm -I$nv/nvkm/subdev/gsp -I$nv -I$nv/svm -I$nv/svm/sim" \
		"${objs[@]}" 2>&1) || true
	pat=$(printf '%s\n' "${cfiles[@]%.c}" "${kfiles[@]}" | sed 's/[.[\*^$]/\\&/g' |
	      paste -sd'|')
	ours=$(printf '%s\n' "$raw" |
	       grep -E "(^|/)($pat)[^ ]*:[0-9]+(:[0-9]+)?: (warning|error|fatal error)" ||
	       true)
	# sparse 0.6.4 cannot parse 7.3's modinfo macros: it reports "bad
	# constant expression" on every MODULE_*() and module_param() line.
	# Drop those (counted), keep everything else.
	out=""
	dropped=0
	while IFS= read -r msg; do
		[ -n "$msg" ] || continue
		file=${msg%%:*}
		line=$(echo "$msg" | cut -d: -f2)
		# make prints paths relative to the object tree: a file that
		# cannot be read here is a message to keep, not an exit.
		src=$(sed -n "${line}p" "$file" 2>/dev/null || true)
		if [[ $msg == *"error: bad constant expression"* &&
		      $src =~ ^(MODULE_|module_param) ]]; then
			dropped=$((dropped + 1))
			continue
		fi
		out+="$msg"$'\n'
	done <<< "$ours"
	[ $dropped -eq 0 ] ||
		echo "check: sparse: dropped $dropped 'bad constant expression' on MODULE_*()/module_param() lines (sparse 0.6.4 vs 7.3's modinfo macros)"
	# make's own error for one of our objects (a failed build whose
	# message names no file of ours, e.g. a missing header)
	failed=$(printf '%s\n' "$raw" | grep -E '\*\*\* \[.*(svm/).*\.o\] Error' || true)
	[ -z "$failed" ] || out+="$failed"$'\n'
	if [ "$(printf '%s\n' "$raw" | grep '^  CHECK ' | sort -u | wc -l)" -lt ${#objs[@]} ]; then
		out+="sparse checked fewer than ${#objs[@]} file(s):"$'\n'
		out+=$(printf '%s\n' "$raw" | tail -n 20)$'\n'
	fi
fi
report "sparse and W=1 on ${#cfiles[@]} file(s)" "$out"

exit $bad
