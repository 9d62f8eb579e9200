#!/usr/bin/env bash
# The browser for the case UI's tests (tests/ui): Debian's chromium, driven by the
# `playwright` Python package. Playwright's own browser download does not work here and is
# never used. Idempotent: does nothing when /usr/bin/chromium is there already.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is missing; install it with: sudo apt-get install -y chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version 2>/dev/null || true
