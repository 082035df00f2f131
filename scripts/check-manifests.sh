#!/usr/bin/env bash
# Renders every Kubernetes overlay with `kubectl kustomize` and validates the
# result against the Kubernetes API schemas (deploy/validate, kubernetes-models).
set -euo pipefail
cd "$(dirname "$0")/.."
(cd deploy/validate && npm ci --no-audit --no-fund --silent)
status=0
for overlay in deploy/overlays/*/; do
  echo "== $overlay"
  if ! kubectl kustomize "$overlay" | node deploy/validate/validate.mjs; then
    echo "invalid: $overlay" >&2
    status=1
  fi
done
exit $status
