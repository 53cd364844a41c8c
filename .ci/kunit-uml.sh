#!/usr/bin/env bash
# Upstream's KUnit suites of the subsystems our patches change outside
# nouveau, run the way upstream runs them: tools/testing/kunit/kunit.py on
# a UML kernel built from the patched tree.  Today that is TTM
# (drivers/gpu/drm/ttm/tests: its Kconfig allows it only on UML or with
# COMPILE_TEST, so the guest kernel cannot carry it), with the dmem cgroup
# controller on, since patch 0030 changes what TTM charges there and adds
# its test to ttm_bo_validate_test.c.
#
# The UML objects live under ~/.cache (a cold build takes about 10 minutes
# on two cores, a rebuild from ccache a few).  Exit 1 when a test fails
# or none ran.
. "$(dirname "$0")/common.sh"

[ -d "$SRC" ] || die "no kernel tree: run make kernel first"
UML=$CACHE/uml-kunit
mkdir -p "$UML"
cfg=$UML/ttm.kunitconfig
cat > "$cfg" <<'CFG'
CONFIG_KUNIT=y
CONFIG_DRM=y
CONFIG_DRM_TTM_KUNIT_TEST=y
CONFIG_CGROUPS=y
CONFIG_CGROUP_DMEM=y
CFG

log "upstream KUnit on UML: TTM, with the dmem cgroup controller"
out=$BUILD/kunit-uml.log
rm -f "$BUILD/kunit-uml.xml"
rc=0
# The UML objects are shared by every clone of this machine: one run at a
# time.  UML maps its memory from TMPDIR, which must allow exec (a CI
# container's /dev/shm may not); kunit.py must not leave bytecode in the
# kernel tree.
mkdir -p "$UML/tmp"
(cd "$SRC" && PYTHONDONTWRITEBYTECODE=1 TMPDIR=$UML/tmp \
	flock "$UML/.lock" python3 tools/testing/kunit/kunit.py run \
	--kunitconfig "$cfg" --build_dir "$UML/build" --jobs "$(nproc)" \
	--timeout 600 --junit="$BUILD/kunit-uml.xml" --make_options CC="ccache gcc" \
	--make_options HOSTCC="ccache gcc") > "$out" 2>&1 || rc=$?
summary=$(grep -E 'Testing complete\.' "$out" | tail -n 1 || true)
if [ $rc -ne 0 ] || [ -z "$summary" ] || ! [[ $summary =~ Ran\ [1-9] ]]; then
	grep -E '\[FAILED\]|EXPECTATION FAILED|Expected|error:' "$out" | head -n 40 >&2 || true
	tail -n 20 "$out" >&2
	echo "kunit-uml: failed (exit $rc), log in $out" >&2
	exit 1
fi
echo "kunit-uml: ${summary#*] } (JUnit: build/kunit-uml.xml)"
