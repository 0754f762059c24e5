#!/usr/bin/env bash
# Creates the storage account that stores the Terraform state, once per subscription, before the first deploy.
# The account accepts Entra ID (Azure AD) requests only: shared keys are off, so the state is reachable only
# through role assignments.
#
#   scripts/bootstrap-state.sh [--location REGION] [--assignee PRINCIPAL_OBJECT_ID]
#   scripts/bootstrap-state.sh --print-env
#
# --print-env prints the TFSTATE_* names as NAME=value lines, for `>> "$GITHUB_ENV"`, and calls no Azure API.
# The names default to values derived from the subscription id; TFSTATE_RESOURCE_GROUP, TFSTATE_STORAGE_ACCOUNT and
# TFSTATE_CONTAINER in the environment replace them.
set -euo pipefail

usage() {
  sed -n '2,11s/^# \{0,1\}//p' "$0"
}

location="swedencentral"
assignee=""
print_env=false

while [ $# -gt 0 ]; do
  case "$1" in
    --location)
      location="${2:?--location needs a region name, such as swedencentral}"
      shift 2
      ;;
    --assignee)
      assignee="${2:?--assignee needs the object id of the deploy identity}"
      shift 2
      ;;
    --print-env)
      print_env=true
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "bootstrap-state: unknown argument '$1'" >&2
      usage >&2
      exit 2
      ;;
  esac
done

subscription_id="${AZURE_SUBSCRIPTION_ID:-${ARM_SUBSCRIPTION_ID:-}}"
if [ -z "${subscription_id}" ] && [ "${print_env}" = false ]; then
  subscription_id="$(az account show --query id --output tsv)"
fi

# Storage account names are global across Azure, so the default carries a hash of the subscription id: each
# subscription gets its own name, and the same one on every run. 'tfstate' + 15 hex digits = 22 of the 24 allowed.
default_account=""
if [ -n "${subscription_id}" ]; then
  default_account="tfstate$(printf '%s' "${subscription_id}" | sha256sum | cut -c1-15)"
fi

resource_group="${TFSTATE_RESOURCE_GROUP:-rg-fanout-tfstate}"
account="${TFSTATE_STORAGE_ACCOUNT:-${default_account}}"
container="${TFSTATE_CONTAINER:-tfstate}"

if [ -z "${account}" ]; then
  echo "bootstrap-state: no subscription id: set AZURE_SUBSCRIPTION_ID, ARM_SUBSCRIPTION_ID or TFSTATE_STORAGE_ACCOUNT" >&2
  exit 2
fi
if ! [[ "${account}" =~ ^[a-z0-9]{3,24}$ ]]; then
  echo "bootstrap-state: invalid storage account name '${account}': use 3 to 24 lowercase letters and digits" >&2
  exit 2
fi

if [ "${print_env}" = true ]; then
  echo "TFSTATE_RESOURCE_GROUP=${resource_group}"
  echo "TFSTATE_STORAGE_ACCOUNT=${account}"
  echo "TFSTATE_CONTAINER=${container}"
  exit 0
fi

echo "Creating ${resource_group}/${account}/${container} in subscription ${subscription_id}"
az account set --subscription "${subscription_id}"
az group create --name "${resource_group}" --location "${location}" --output none

if ! az storage account show --name "${account}" --resource-group "${resource_group}" --output none 2>/dev/null; then
  available="$(az storage account check-name --name "${account}" --query nameAvailable --output tsv)"
  if [ "${available}" != "true" ]; then
    echo "bootstrap-state: storage account name '${account}' is taken: set TFSTATE_STORAGE_ACCOUNT to another name" >&2
    exit 1
  fi
fi

az storage account create \
  --name "${account}" \
  --resource-group "${resource_group}" \
  --location "${location}" \
  --sku Standard_ZRS \
  --kind StorageV2 \
  --https-only true \
  --min-tls-version TLS1_2 \
  --allow-blob-public-access false \
  --allow-shared-key-access false \
  --default-to-oauth-authentication true \
  --output none

# Versions and soft delete let a damaged or deleted state file be restored.
az storage account blob-service-properties update \
  --account-name "${account}" \
  --resource-group "${resource_group}" \
  --enable-versioning true \
  --enable-delete-retention true \
  --delete-retention-days 30 \
  --enable-container-delete-retention true \
  --container-delete-retention-days 30 \
  --output none

# Created through Azure Resource Manager, so the caller needs no data-plane role on the new account.
az storage container-rm create \
  --storage-account "${account}" \
  --resource-group "${resource_group}" \
  --name "${container}" \
  --public-access off \
  --output none

if [ -n "${assignee}" ]; then
  account_id="$(az storage account show --name "${account}" --resource-group "${resource_group}" --query id --output tsv)"
  az role assignment create \
    --assignee-object-id "${assignee}" \
    --assignee-principal-type ServicePrincipal \
    --role "Storage Blob Data Contributor" \
    --scope "${account_id}/blobServices/default/containers/${container}" \
    --output none
  echo "Granted Storage Blob Data Contributor on the state container to ${assignee}"
fi

echo "Terraform state: resource group ${resource_group}, account ${account}, container ${container}"
