#!/usr/bin/env bash
# Makes a Pulumi CLI that can run this project available, and prints the directory holding it (one line, stdout).
#
#   bash scripts/install-pulumi-cli.sh          # progress on stderr, the bin directory on stdout
#   export PATH="$(bash scripts/install-pulumi-cli.sh):$PATH"
#
# 1. A `pulumi` already on PATH is used when its version is at least the project's @pulumi/pulumi version and the
#    Node.js language host and dynamic-provider launcher sit beside it (an official install bundles both).
# 2. Otherwise the CLI is built from Go modules into .pulumi-cli/bin (git-ignored), because the CLI cannot be
#    downloaded where this project is tested, but the Go module proxy serves it:
#    - `pulumi` from github.com/pulumi/pulumi/pkg/v3 at the project's version. The wrapper module in
#      scripts/pulumi-cli-build/cli pins every module and hash (pkg/go.mod has replace directives, so
#      `go install pkg@version` is refused; a wrapper module is the documented way round, see pulumi/pulumictl#87).
#    - `pulumi-language-nodejs`, the Node.js language host. Its module has no tags; releases build it from the
#      release commit. That commit's pseudo-version is tried first. Where the module proxy refuses it, the host
#      is built from the newest sdk release that still carried it as a package (sdk/v3 v3.68.0, wrapper module in
#      scripts/pulumi-cli-build/nodejs-host-v3.68.0): an older host driving a newer engine. The README says what
#      that risks; the end-to-end tests are what shows it works.
#    - `pulumi-resource-pulumi-nodejs`, the dynamic-provider launcher, copied from node_modules/@pulumi/pulumi.
# Idempotent: a stamp records what was built from which pinned files; a second run checks it and exits in
# seconds. Go's module and build caches are reused. Fails loudly (non-zero, with the reason) when it cannot
# provide a working CLI; it never skips.
#
# Environment: PULUMI_CLI_INSTALL_DIR (default .pulumi-cli), PULUMI_CLI_FORCE_BUILD=1 (ignore PATH and the stamp).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$root/scripts/pulumi-cli-build"
install_dir="${PULUMI_CLI_INSTALL_DIR:-$root/.pulumi-cli}"
bin="$install_dir/bin"

log() { echo "install-pulumi-cli: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Release commit of pulumi/pulumi (tag vX = sdk/vX) from which a release builds the language host.
# (A case, not an associative array: macOS ships bash 3.2.)
release_commit() {
  case "$1" in
    3.248.0) echo a88168d865b7 ;;
  esac
}
fallback_host_version=3.68.0

command -v node >/dev/null || die "node is not on PATH (Node.js 20 or later is required)."
want=$(cd "$root" && node -p 'require("@pulumi/pulumi/package.json").version' 2>/dev/null) ||
  die "@pulumi/pulumi is not installed: run 'npm ci' first; the CLI is built at the same version."
launcher_src="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
[ -f "$launcher_src" ] || die "the dynamic-provider launcher is missing from @pulumi/pulumi ($launcher_src)."

sha256() { if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi; }
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# 1. A CLI on PATH.
if [ -z "${PULUMI_CLI_FORCE_BUILD:-}" ] && on_path=$(command -v pulumi 2>/dev/null); then
  dir=$(dirname "$(readlink -f "$on_path")")
  have=$("$on_path" version 2>/dev/null | sed 's/^v//') || have=""
  if [ -n "$have" ] && version_ge "$have" "$want" && [ -x "$dir/pulumi-language-nodejs" ] && [ -x "$dir/pulumi-resource-pulumi-nodejs" ]; then
    log "using pulumi $have from PATH ($dir)"
    echo "$dir"
    exit 0
  fi
  log "pulumi on PATH ($on_path, version '${have:-unknown}') is older than $want or lacks the Node.js language host beside it; using .pulumi-cli"
fi

# 2. Built from Go modules, unless the stamp says the pinned build is already there.
cli_mod="$build_dir/cli"
host_mod="$build_dir/nodejs-host-v${fallback_host_version}"
grep -q "github.com/pulumi/pulumi/pkg/v3 v$want\b" "$cli_mod/go.mod" ||
  die "scripts/pulumi-cli-build/cli/go.mod does not pin github.com/pulumi/pulumi/pkg/v3 v$want (the project's @pulumi/pulumi).
  Update it with: (cd scripts/pulumi-cli-build/cli && go get -tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$want github.com/pulumi/pulumi/sdk/v3@v$want)
  and add the release commit of v$want to release_commit() in this script."
key=$( (echo "$want $(release_commit "$want") $fallback_host_version"; cat "$cli_mod/go.mod" "$cli_mod/go.sum" "$host_mod/go.mod" "$host_mod/go.sum") | sha256 | cut -d' ' -f1)
stamp="$bin/.stamp"
if [ -z "${PULUMI_CLI_FORCE_BUILD:-}" ] && [ -f "$stamp" ] && grep -qx "key=$key" "$stamp" &&
  [ -x "$bin/pulumi" ] && [ -x "$bin/pulumi-language-nodejs" ] && [ "$("$bin/pulumi" version 2>/dev/null)" = "v$want" ]; then
  cmp -s "$launcher_src" "$bin/pulumi-resource-pulumi-nodejs" || install -m 0755 "$launcher_src" "$bin/pulumi-resource-pulumi-nodejs"
  log "pulumi v$want already built in $bin ($(grep '^host=' "$stamp" | cut -d= -f2-))"
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || die "pulumi $want is not on PATH and Go is not installed to build it.
  Install Go 1.25.11 or later (https://go.dev/dl/), or put a Pulumi CLI >= $want on PATH (https://www.pulumi.com/docs/install/)."
log "building pulumi v$want from Go modules with $(go version | cut -d' ' -f3) (a cold build takes about 10 minutes on 2 cores; Go's caches make later builds fast)"

export CGO_ENABLED=0
# Release build flags (.goreleaser.yml); the version stamp makes the CLI check requiredPulumiVersion.
ldflags() { echo "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$1"; }
gobuild() { go build -mod=readonly -trimpath -tags osusergo,grpcnotrace "$@"; }

mkdir -p "$install_dir"
staging=$(mktemp -d "$install_dir/.build.XXXXXX")
chmod 0755 "$staging"
trap 'rm -rf "$staging"' EXIT

(cd "$cli_mod" && gobuild -ldflags "$(ldflags "$want")" -o "$staging/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) ||
  die "go build of github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$want failed (see above)."
log "built pulumi $("$staging/pulumi" version)"

host=""
commit="$(release_commit "$want")"
if [ -n "$commit" ]; then
  # Not pinned in a committed go.sum: these hashes are checked against the checksum database instead.
  probe="$staging/host-release"
  mkdir -p "$probe"
  if (cd "$probe" && go mod init local/pulumi-language-nodejs-build >/dev/null 2>&1 &&
      GOFLAGS=-mod=mod go get "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@$commit" \
        "github.com/pulumi/pulumi/pkg/v3@v$want" "github.com/pulumi/pulumi/sdk/v3@v$want") >"$probe.log" 2>&1; then
    (cd "$probe" && GOFLAGS=-mod=mod gobuild -ldflags "$(ldflags "$want")" -o "$staging/pulumi-language-nodejs" \
      github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) ||
      die "go build of the Node.js language host at release commit $commit failed (see above)."
    host="release commit $commit of v$want"
  else
    reason=$(grep -v '^\s*$' "$probe.log" | tail -n 2 | tr '\n' ' ')
    log "the language host at the release commit ($commit) cannot be fetched: $reason"
  fi
else
  log "no release commit recorded for v$want in this script; skipping the release-commit language host"
fi
if [ -z "$host" ]; then
  log "FALLBACK: building the Node.js language host from github.com/pulumi/pulumi/sdk/v3@v$fallback_host_version (the newest sdk release that still contains it)"
  (cd "$host_mod" && gobuild -ldflags "$(ldflags "$fallback_host_version")" -o "$staging/pulumi-language-nodejs" \
    github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs) ||
    die "go build of the fallback Node.js language host (sdk v$fallback_host_version) failed (see above)."
  host="fallback sdk/v3 v$fallback_host_version (release commit not served by the module proxy)"
fi
install -m 0755 "$launcher_src" "$staging/pulumi-resource-pulumi-nodejs"
printf 'key=%s\ncli=v%s\nhost=%s\n' "$key" "$want" "$host" >"$staging/.stamp"

# Swap the finished set in whole, so an interrupted build never leaves a half-updated bin directory.
rm -rf "$staging/host-release" "$staging/host-release.log" "$bin.old"
[ -d "$bin" ] && mv "$bin" "$bin.old"
mv "$staging" "$bin"
trap - EXIT
rm -rf "$bin.old"
log "installed pulumi v$want, Node.js language host: $host, in $bin"
echo "$bin"
