#!/usr/bin/env bash
# Prints the stack outputs that the deploy jobs use as NAME=value lines, for `>> "$GITHUB_OUTPUT"`.
#
#   scripts/smoke/stack-outputs.sh OUTPUTS_JSON
#
# OUTPUTS_JSON is the file written by `terraform output -json` for a stack synthesized from infra/. AZURE_TENANT_ID,
# when set, goes into the workbook's portal link. Fails when an output is missing.
set -euo pipefail

outputs_file="${1:?usage: stack-outputs.sh OUTPUTS_JSON}"

output_value() {
  local value
  value="$(jq -r --arg name "$1" '.[$name].value // empty' "${outputs_file}")"
  if [ -z "${value}" ]; then
    echo "stack-outputs: output '$1' is missing from ${outputs_file}" >&2
    return 1
  fi
  printf '%s' "${value}"
}

resource_group="$(output_value resource_group_name)"
function_app="$(output_value function_app_name)"
hostname="$(output_value function_app_hostname)"
data_account="$(output_value data_storage_account_name)"
workbook_id="$(output_value workbook_id)"

echo "resource-group=${resource_group}"
echo "function-app=${function_app}"
echo "hostname=${hostname}"
echo "data-storage-account=${data_account}"
echo "workbook-url=https://portal.azure.com/#@${AZURE_TENANT_ID:-}/resource${workbook_id}/workbook"
