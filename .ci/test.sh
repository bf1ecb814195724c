#!/usr/bin/env bash
# `npm test`: typecheck, build, then every test layer (server in Node, element in Chromium,
# demo end to end). Runs all layers even when one fails, and ends with one plain line
# "test: N passed, N failed, N skipped" that CI can read.
set -uo pipefail
cd "$(dirname "$0")/.."
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
LOG=.ci-logs; rm -rf "$LOG"; mkdir -p "$LOG"
status=0

step() { # name, command...
  local name=$1; shift
  echo "── $name"
  "$@" 2>&1 | tee "$LOG/$name.log"
  [ "${PIPESTATUS[0]}" = 0 ] || { echo "✗ $name failed"; status=1; }
}

step typecheck npm run --silent typecheck
step build npm run --silent build
step server npm run --silent test:server
step web npm run --silent test:web
step e2e npm run --silent test:e2e

num() { { grep -Eo "$1" "$2" 2>/dev/null || true; } | tail -1 | grep -Eo '[0-9]+' || echo 0; }
passed=0; failed=0; skipped=0
for f in server e2e; do
  passed=$((passed + $(num '^# pass [0-9]+' "$LOG/$f.log")))
  failed=$((failed + $(num '^# fail [0-9]+' "$LOG/$f.log")))
  skipped=$((skipped + $(num '^# skipped [0-9]+' "$LOG/$f.log")))
done
passed=$((passed + $(num '^wtr: [0-9]+ passed' "$LOG/web.log")))
failed=$((failed + $(num '^wtr: [0-9]+ passed, [0-9]+ failed' "$LOG/web.log" | tail -1)))
skipped=$((skipped + $(num 'failed, [0-9]+ skipped' "$LOG/web.log")))
# A failed step with no failed test counted (type error, crash, load error) is still a failure.
if [ "$status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi
if [ "$passed" = 0 ]; then echo "no tests ran"; status=1; fi
# Say which runtimes were not tried (they are counted as skipped above).
{ grep -ho '# SKIP [a-z]* is not installed' "$LOG/server.log" 2>/dev/null || true; } | sed -E 's|^# SKIP ([a-z]+) is not installed|skipped: the runtime suite on \1 (not installed here; .ci/run installs it)|'
echo
echo "test: $passed passed, $failed failed, $skipped skipped"
exit $status
