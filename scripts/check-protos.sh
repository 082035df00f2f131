#!/usr/bin/env bash
# The proto contracts: buf lint over atrium/ must pass (proto/buf.yaml says
# which STANDARD rules are off and why), and what changed on the wire or in
# JSON since the previous commit is reported (buf breaking, WIRE_JSON), so
# that a contract never changes by accident: an intended change is named in
# its commit message.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd scripts/proto-lint && npm ci --no-audit --no-fund --silent)
buf="$PWD/scripts/proto-lint/node_modules/.bin/buf"
cd proto
echo "buf lint: atrium/"
"$buf" lint
if git rev-parse -q --verify HEAD~1 >/dev/null; then
  echo "buf breaking (WIRE_JSON) against the previous commit, $(git rev-parse --short HEAD~1) (reported, not enforced):"
  if "$buf" breaking --against "$(git rev-parse --show-toplevel)/.git#ref=HEAD~1,subdir=proto"; then
    echo "  no change a client would notice"
  fi
else
  echo "buf breaking: this clone has no previous commit; nothing to compare"
fi
