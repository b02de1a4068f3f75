#!/usr/bin/env bash
# scripts/setup retries the Silero download with back-off when the npm registry does not answer, then ends
# with a summary naming what is degraded and the one command that fixes it (instead of going on silently).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A loopback port with nothing listening: the registry "fails once, and again".
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
status=0
LOCALVOICE_PATHS_MODELS_DIR="$work/models" npm_config_registry="http://127.0.0.1:$port/" \
  LOCALVOICE_SETUP_RETRY_DELAYS_S="0 0" "$root/scripts/setup" >"$work/out.txt" 2>&1 || status=$?
cat "$work/out.txt"

fail() { echo "FAIL: $*"; exit 1; }
[ "$status" -eq 0 ] || fail "setup exited $status; a missing optional model must not fail setup"
grep -q "attempt 1 of 3" "$work/out.txt" || fail "no first retry"
grep -q "attempt 2 of 3" "$work/out.txt" || fail "no second retry"
[ "$(grep -c 'installing the Silero VAD model' "$work/out.txt")" -eq 1 ] || fail "the download was not announced once"
grep -q "done, with less than the full set" "$work/out.txt" || fail "no closing summary of what is degraded"
grep -q "fix: localvoice models pull silero:v5" "$work/out.txt" || fail "the summary does not name the fix"
grep -q "all dependencies present" "$work/out.txt" && fail "setup claims everything is present"
[ ! -e "$work/models/silero/v5/silero_vad_v5.onnx" ] || fail "a model appeared without a registry"
echo "setup retry test passed"
