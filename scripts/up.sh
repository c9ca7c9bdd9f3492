#!/usr/bin/env bash
# The main job: `pulumi up` of a stack of this project against Azure.
#
#   npm run deploy                 # stack "dev", interactive preview then confirm
#   npm run deploy -- prod --yes   # another stack, no prompt (pipelines)
#
# State goes to a local file backend in ./.pulumi unless PULUMI_BACKEND_URL (or a `pulumi login`) says otherwise.
# Dependencies are installed from the lock file on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

stack="dev"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  stack="$1"
  shift
fi

if ! command -v pulumi >/dev/null 2>&1; then
  echo "The Pulumi CLI is not on PATH. Install it (README, Prerequisites), then run this again." >&2
  exit 1
fi
if [ ! -d node_modules/@pulumi/pulumi ]; then
  npm ci --no-audit --no-fund
fi

if [ -z "${PULUMI_BACKEND_URL:-}" ] && ! pulumi whoami >/dev/null 2>&1; then
  mkdir -p .pulumi
  export PULUMI_BACKEND_URL="file://$PWD/.pulumi"
  echo "Using local state in $PWD/.pulumi (set PULUMI_BACKEND_URL or run 'pulumi login' to keep it elsewhere)."
fi

if [ ! -f "Pulumi.$stack.yaml" ]; then
  echo "No Pulumi.$stack.yaml: copy Pulumi.dev.yaml to Pulumi.$stack.yaml and edit it first." >&2
  exit 2
fi

# Validate the stack file first: a file still holding placeholders stops here, listing the keys to fill in,
# before a stack is created or a token requested.
node_modules/.bin/ts-node --transpile-only scripts/check-config.ts "$stack"

pulumi stack select --create "$stack"
pulumi up --stack "$stack" "$@"
