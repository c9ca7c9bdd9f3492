#!/usr/bin/env bash
# Builds actionlint, the linter of the GitHub Actions workflows, into bin/ (git-ignored) and prints its path.
#
#   bash scripts/install-actionlint.sh        # builds once; later runs only check the pin (well under a second)
#
# The version and the hash of every module it is built from are pinned by scripts/actionlint/go.mod and go.sum
# (`-mod=readonly`: a module whose hash is not in go.sum stops the build instead of being trusted). Needs Go 1.25
# or later, or a Go that may fetch that toolchain (GOTOOLCHAIN=auto, the default), and the Go module proxy.
# No prebuilt binary is downloaded: the module proxy serves source, and this machine's CI reaches nothing else.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
module_dir="$root/scripts/actionlint"
bin_dir="$root/bin"
target="$bin_dir/actionlint"
stamp="$bin_dir/.actionlint.pin"

if ! command -v go >/dev/null 2>&1; then
  echo "install-actionlint: Go is not on PATH; install Go 1.25 or later (https://go.dev/doc/install) and run this again." >&2
  exit 1
fi

version="$(awk '$1 == "github.com/rhysd/actionlint" { print $2 }' "$module_dir/go.mod")"
if [ -z "$version" ]; then
  echo "install-actionlint: scripts/actionlint/go.mod does not require github.com/rhysd/actionlint." >&2
  exit 1
fi
# The pin is the content of go.mod and go.sum: a changed pin rebuilds, an unchanged one does not.
pin="$(cat "$module_dir/go.mod" "$module_dir/go.sum" | sha256sum | cut -d' ' -f1)"

if [ -x "$target" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pin" ] \
  && [ "$("$target" -version 2>/dev/null | head -n 1)" = "$version" ]; then
  echo "$target"
  exit 0
fi

mkdir -p "$bin_dir"
tmp="$(mktemp "$bin_dir/.actionlint.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
echo "install-actionlint: building actionlint $version from the Go module proxy (once)" >&2
(cd "$module_dir" && GOFLAGS=-mod=readonly go build -trimpath -o "$tmp" github.com/rhysd/actionlint/cmd/actionlint)
built="$("$tmp" -version | head -n 1)"
if [ "$built" != "$version" ]; then
  echo "install-actionlint: built actionlint reports version '$built', expected '$version'." >&2
  exit 1
fi
mv -f "$tmp" "$target"
trap - EXIT
echo "$pin" >"$stamp"
echo "$target"
