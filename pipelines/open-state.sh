#!/usr/bin/env bash
# Opens the shared Pulumi state for one pipeline job (or one person's session) without a stored secret.
#
# State lives in an Azure Blob container of the *home* (workforce) tenant: a CIAM tenant has no Azure subscription,
# and the automation identity that lives in the CIAM tenant has no rights in the home tenant. So the state is
# reached by a second, home-tenant identity, and only long enough to mint a user-delegation SAS for the container
# (valid STATE_SAS_HOURS, default 4): the Pulumi CLI then reads AZURE_STORAGE_SAS_TOKEN and never needs an Azure
# credential of its own. That keeps the CLI away from AZURE_CLIENT_ID/AZURE_TENANT_ID, which name the CIAM
# automation identity for the Graph layer (gocloud's azureblob driver prefers a SAS token over DefaultAzureCredential).
#
# Environment (inputs):
#   STATE_STORAGE_ACCOUNT   storage account of the state container (required)
#   STATE_CONTAINER         blob container holding the state (required)
#   STATE_CLIENT_ID         GitHub Actions: client id of the home-tenant state identity (federated credential
#   STATE_TENANT_ID           for this repository); the script signs in with the job's OIDC token. Unset: the
#                             Azure CLI session that is already signed in is used (Azure DevOps AzureCLI@2, a person).
#   PASSPHRASE_KEY_VAULT    optional: Key Vault holding the passphrase of the stacks' secrets provider; read with
#   PASSPHRASE_SECRET_NAME    the same identity (default name: pulumi-config-passphrase). Unset: PULUMI_CONFIG_PASSPHRASE
#                             comes from a pipeline secret, which is a stored secret (docs/pipelines.md); on GitHub
#                             Actions a PULUMI_CONFIG_PASSPHRASE given to this step is passed on to the next steps.
#   STATE_SAS_HOURS         lifetime of the SAS (default 4; a user-delegation SAS may not exceed 7 days).
#
# Output: AZURE_STORAGE_ACCOUNT, AZURE_STORAGE_SAS_TOKEN, PULUMI_BACKEND_URL (and PULUMI_CONFIG_PASSPHRASE when read
# from Key Vault) for the *next* steps: appended to $GITHUB_ENV on GitHub Actions (secrets masked first), set as
# (secret) pipeline variables on Azure Pipelines (TF_BUILD), else printed as `export` lines for `eval`.
#
# @see https://learn.microsoft.com/en-us/rest/api/storageservices/create-user-delegation-sas
# @see https://www.pulumi.com/docs/iac/concepts/state-and-backends/#azure-blob-storage
set -euo pipefail

fail() {
  echo "open-state: $*" >&2
  exit 1
}

: "${STATE_STORAGE_ACCOUNT:?open-state: set STATE_STORAGE_ACCOUNT to the storage account that holds the Pulumi state}"
: "${STATE_CONTAINER:?open-state: set STATE_CONTAINER to the blob container that holds the Pulumi state}"
hours="${STATE_SAS_HOURS:-4}"
case "$hours" in
  '' | *[!0-9]*) fail "STATE_SAS_HOURS is '$hours'; allowed: a whole number of hours from 1 to 168" ;;
esac
if [ "$hours" -lt 1 ] || [ "$hours" -gt 168 ]; then
  fail "STATE_SAS_HOURS is '$hours'; allowed: a whole number of hours from 1 to 168"
fi
command -v az >/dev/null 2>&1 || fail "the Azure CLI (az) is not on PATH"
# Azure Pipelines hands an optional variable that no group defines to a script as its macro text, `$(NAME)`: unset.
macro_prefix='$''('
for optional in STATE_CLIENT_ID STATE_TENANT_ID PASSPHRASE_KEY_VAULT PASSPHRASE_SECRET_NAME; do
  value="${!optional:-}"
  if [ "${value#"$macro_prefix"}" != "$value" ]; then unset "$optional"; fi
done

if [ -n "${STATE_CLIENT_ID:-}" ]; then
  : "${STATE_TENANT_ID:?open-state: STATE_CLIENT_ID is set, so set STATE_TENANT_ID (the home tenant) too}"
  if [ -z "${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ] || [ -z "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-}" ]; then
    fail "STATE_CLIENT_ID is set but the job has no OIDC token: give the job 'permissions: id-token: write'"
  fi
  # A private CLI profile: this login must not become the session later steps (or a person) see.
  AZURE_CONFIG_DIR="$(mktemp -d)"
  export AZURE_CONFIG_DIR
  trap 'rm -rf "$AZURE_CONFIG_DIR"' EXIT
  # GitHub's token for Entra's federated-credential exchange (audience api://AzureADTokenExchange).
  oidc_token="$(curl -fsS -H "Authorization: Bearer ${ACTIONS_ID_TOKEN_REQUEST_TOKEN}" \
    "${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=api://AzureADTokenExchange" | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s).value;if(!v)process.exit(1);process.stdout.write(v)})')" \
    || fail "could not get the job's OIDC token from GitHub"
  az login --service-principal --username "$STATE_CLIENT_ID" --tenant "$STATE_TENANT_ID" \
    --federated-token "$oidc_token" --allow-no-subscriptions --output none \
    || fail "the state identity $STATE_CLIENT_ID could not sign in to tenant $STATE_TENANT_ID (check its federated credential's subject)"
fi

expiry="$(date -u -d "+${hours} hours" '+%Y-%m-%dT%H:%MZ')"
# racwdl: the DIY backend reads, writes, lists and deletes its lock and checkpoint blobs.
sas="$(az storage container generate-sas --account-name "$STATE_STORAGE_ACCOUNT" --name "$STATE_CONTAINER" \
  --permissions racwdl --expiry "$expiry" --auth-mode login --as-user --https-only --output tsv)" \
  || fail "could not mint a user-delegation SAS for container '$STATE_CONTAINER' of '$STATE_STORAGE_ACCOUNT' (the identity needs Storage Blob Data Contributor on it)"
[ -n "$sas" ] || fail "the Azure CLI returned an empty SAS token"

passphrase=""
if [ -n "${PASSPHRASE_KEY_VAULT:-}" ]; then
  secret_name="${PASSPHRASE_SECRET_NAME:-pulumi-config-passphrase}"
  passphrase="$(az keyvault secret show --vault-name "$PASSPHRASE_KEY_VAULT" --name "$secret_name" --query value --output tsv)" \
    || fail "could not read secret '$secret_name' from Key Vault '$PASSPHRASE_KEY_VAULT' (the identity needs Key Vault Secrets User on it)"
  [ -n "$passphrase" ] || fail "secret '$secret_name' in Key Vault '$PASSPHRASE_KEY_VAULT' is empty"
elif [ -n "${GITHUB_ENV:-}" ] && [ -n "${PULUMI_CONFIG_PASSPHRASE:-}" ]; then
  # A repository secret handed to this step only: passed on to the job's later steps, masked.
  passphrase="$PULUMI_CONFIG_PASSPHRASE"
fi

backend="azblob://${STATE_CONTAINER}"
if [ -n "${GITHUB_ENV:-}" ]; then
  # Mask before anything could print the values.
  echo "::add-mask::$sas"
  [ -z "$passphrase" ] || echo "::add-mask::$passphrase"
  {
    echo "AZURE_STORAGE_ACCOUNT=$STATE_STORAGE_ACCOUNT"
    echo "AZURE_STORAGE_SAS_TOKEN=$sas"
    echo "PULUMI_BACKEND_URL=$backend"
    [ -z "$passphrase" ] || echo "PULUMI_CONFIG_PASSPHRASE=$passphrase"
  } >>"$GITHUB_ENV"
elif [ -n "${TF_BUILD:-}" ]; then
  # Secret variables are not passed to later steps' environments by Azure Pipelines: map them with `env:`.
  echo "##vso[task.setvariable variable=AZURE_STORAGE_ACCOUNT]$STATE_STORAGE_ACCOUNT"
  echo "##vso[task.setvariable variable=AZURE_STORAGE_SAS_TOKEN;issecret=true]$sas"
  echo "##vso[task.setvariable variable=PULUMI_BACKEND_URL]$backend"
  [ -z "$passphrase" ] || echo "##vso[task.setvariable variable=PULUMI_CONFIG_PASSPHRASE;issecret=true]$passphrase"
else
  printf 'export AZURE_STORAGE_ACCOUNT=%q\n' "$STATE_STORAGE_ACCOUNT"
  printf 'export AZURE_STORAGE_SAS_TOKEN=%q\n' "$sas"
  printf 'export PULUMI_BACKEND_URL=%q\n' "$backend"
  [ -z "$passphrase" ] || printf 'export PULUMI_CONFIG_PASSPHRASE=%q\n' "$passphrase"
fi
echo "open-state: state at $backend in storage account $STATE_STORAGE_ACCOUNT until $expiry" >&2
