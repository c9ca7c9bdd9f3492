#!/usr/bin/env bash
# Makes sure ShellCheck is on PATH and prints its path. actionlint runs it on every `run:` script of the GitHub
# workflows, and tests/pipelines runs it on the Azure DevOps scripts; without it those checks would silently not
# happen, so the tests require it.
#
#   bash scripts/install-shellcheck.sh
#
# Installs Debian's `shellcheck` package when it is missing and this runs as root with apt-get (CI does);
# elsewhere it says how to install it and fails.
set -euo pipefail

if path="$(command -v shellcheck)"; then
  echo "$path"
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "install-shellcheck: installing Debian's shellcheck package (once)" >&2
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine has no package lists yet; update only when the package is unknown.
  # Two test files may ask at once: apt-get waits for the other's lock instead of failing.
  lock=(-o DPkg::Lock::Timeout=300)
  if ! apt-cache show shellcheck >/dev/null 2>&1; then
    apt-get "${lock[@]}" update -qq >&2
  fi
  apt-get "${lock[@]}" install -y -qq --no-install-recommends shellcheck >&2
  command -v shellcheck
  exit 0
fi

echo "install-shellcheck: shellcheck is not on PATH. Install it (apt-get install shellcheck, brew install shellcheck," >&2
echo "or https://github.com/koalaman/shellcheck#installing) and run the tests again." >&2
exit 1
