#!/usr/bin/env bash
# Runs the whole test suite. Tests that start a real agent CLI need a network namespace with only loopback:
# this script builds first (restore may need the package registry), then runs the tests inside one
# (unshare -n as root, unshare -rn otherwise, then `ip link set lo up`), then `bench/run --quick` (ZWARM_TEST_NO_BENCH=1 skips it),
# then `./zwarm demo` (ZWARM_TEST_NO_DEMO=1 skips it).
# Prints a closing "N passed, N failed, N skipped". With CI set to anything, a test whose tool is missing fails;
# locally it is a skip, counted in that line.
# The process-level specs run the binary users get: what ./zwarm builds (NativeAOT when clang and zlib1g-dev are there,
# built once and cached by ./zwarm's source stamp). ZWARM_TEST_NO_NATIVE=1 runs them against the framework-dependent
# build instead (a machine without clang); the output says which binary was tested.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$repo"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export ZWARM_AGENTS_DIR="$repo"
[ -d node_modules/@openai/codex ] || npm ci --no-audit --no-fund >/dev/null
dotnet build Zwarm.slnx --nologo -v quiet -clp:ErrorsOnly
if [ "${ZWARM_TEST_NO_NATIVE:-}" = 1 ]; then
  unset ZWARM_TEST_BINARY
  tested="the framework-dependent zwarm (src/Zwarm.Cli/bin/Debug, ZWARM_TEST_NO_NATIVE=1)"
else
  ./zwarm --version >/dev/null
  export ZWARM_TEST_BINARY="$repo/.build/cli/zwarm"
  if [ -f "$repo/.build/cli/zwarm.dll" ]; then tested="the framework-dependent zwarm ./zwarm built (.build/cli: no NativeAOT toolchain)"
  else tested="the NativeAOT zwarm ./zwarm built (.build/cli/zwarm)"; fi
fi
echo "process-level specs run $tested"
log="$(mktemp)"
inner='mount -t sysfs none /sys 2>/dev/null || true; ip link set lo up; exec dotnet test --solution Zwarm.slnx --no-build "$@"'
if [ "${ZWARM_TEST_NO_NETNS:-}" = 1 ]; then
  runner=(bash -c "${inner}" zwarm-tests)
elif [ "$(id -u)" = 0 ]; then
  runner=(unshare -nm bash -c "${inner}" zwarm-tests)
else
  runner=(unshare -rnm bash -c "${inner}" zwarm-tests)
fi
set +e
"${runner[@]}" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# The runner's closing summary has lines "  succeeded: N", "  failed: N" and "  skipped: N".
passed=$(grep -E '^ +succeeded: *[0-9]+ *$' "$log" | tail -n 1 | grep -Eo '[0-9]+' || echo 0)
failed=$(grep -E '^ +failed: *[0-9]+ *$' "$log" | tail -n 1 | grep -Eo '[0-9]+' || echo 0)
skipped=$(grep -E '^ +skipped: *[0-9]+ *$' "$log" | tail -n 1 | grep -Eo '[0-9]+' || echo 0)
if [ "$rc" -ne 0 ] && [ "${failed:-0}" = 0 ]; then failed=1; fi
# The benchmark harness in quick mode (small sizes, < 1 min), so it never rots; counts as one test.
if [ "${ZWARM_TEST_NO_BENCH:-}" != 1 ]; then
  if ./bench/run --quick >"$log" 2>&1; then
    passed=$((passed + 1)); echo "bench/run --quick: ok"
  else
    cat "$log"; echo "bench/run --quick: FAILED"; failed=$((failed + 1)); [ "$rc" -ne 0 ] || rc=1
  fi
fi
# The README's other command, the offline demo (real codex, scripted model, loopback only), so it never rots; one test.
if [ "${ZWARM_TEST_NO_DEMO:-}" != 1 ]; then
  if ./zwarm demo >"$log" 2>&1; then
    passed=$((passed + 1)); echo "zwarm demo: ok"
  else
    cat "$log"; echo "zwarm demo: FAILED"; failed=$((failed + 1)); [ "$rc" -ne 0 ] || rc=1
  fi
fi
rm -f "$log"
echo "tested $tested"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$rc"
