#!/usr/bin/env bash
# Installs the real peers the test suite runs against, from Debian's packages: Prometheus 2.42 and promtool,
# Alertmanager 0.25, Chromium and VictoriaMetrics. As root it installs what is missing; otherwise it prints the command and fails.
set -euo pipefail
missing=()
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# VictoriaMetrics single node, vmagent and vmalert: the remote-source tests (test/source).
command -v victoria-metrics >/dev/null 2>&1 || missing+=(victoria-metrics)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need: ${packages}. Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${packages}" >&2
  exit 1
fi
echo "installing ${packages}from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends ${packages} >/dev/null
