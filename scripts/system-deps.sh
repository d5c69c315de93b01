#!/usr/bin/env bash
# Debian packages the tests use: PostgreSQL (several replicas on one database), the real
# Prometheus (with promtool) and Alertmanager for the SLO and alert integration tests, and
# Chromium with its driver for the test of the local Slack in a browser.
# Installs what is missing when run as root with apt-get; otherwise says what the tests
# will skip. Safe to run again: it does nothing when everything is there.
set -euo pipefail

have_postgres() {
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null
}

missing=()
have_postgres || missing+=(postgresql)
command -v promtool >/dev/null || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null || missing+=(prometheus-alertmanager)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)

if ((${#missing[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} (Debian packages used by the tests)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The tests start their own throw-away servers; the packaged services are not needed.
  for service in prometheus prometheus-alertmanager prometheus-node-exporter; do
    if command -v service >/dev/null; then service "$service" stop >/dev/null 2>&1 || true; fi
  done
  if command -v pg_ctlcluster >/dev/null; then
    pg_lsclusters -h 2>/dev/null | while read -r version name _; do
      pg_ctlcluster "$version" "$name" stop 2>/dev/null || true
    done
  fi
else
  echo "note: ${missing[*]} not installed (needs root and apt-get); the tests that need it will be skipped"
fi
