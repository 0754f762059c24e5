#!/usr/bin/env bash
# Prints the stack outputs that the deploy jobs use as NAME=value lines, for `>> "$GITHUB_OUTPUT"`.
#
#   scripts/smoke/stack-outputs.sh OUTPUTS_JSON
#
# OUTPUTS_JSON is the file written by `terraform output -json`. Output names are compared without case, '_' and '-',
# so `function_app_name`, `functionAppName` and `function-app-name` all match. AZURE_TENANT_ID, when set, goes into
# the workbook's portal link. Fails when a required output is missing.
set -euo pipefail

outputs_file="${1:?usage: stack-outputs.sh OUTPUTS_JSON}"

# Prints the value of the first output whose normalized name is one of the arguments after the first.
output_value() {
  local label="$1"
  shift
  local names
  names="$(printf '%s\n' "$@" | jq -R . | jq -s .)"
  local value
  value="$(jq -r --argjson names "${names}" '
    [to_entries[] | {key: (.key | ascii_downcase | gsub("[^a-z0-9]"; "")), value: .value.value}] as $outputs
    | [$names[] as $name | $outputs[] | select(.key == $name) | .value] | first // empty
  ' "${outputs_file}")"
  if [ -z "${value}" ]; then
    echo "stack-outputs: no output named like '$1' in ${outputs_file} (needed for ${label})" >&2
    return 1
  fi
  printf '%s' "${value}"
}

resource_group="$(output_value resource-group resourcegroupname resourcegroup)"
function_app="$(output_value function-app functionappname functionapp)"
hostname="$(output_value hostname functionapphostname functionappdefaulthostname defaulthostname hostname)"
data_account="$(output_value data-storage-account datastorageaccountname datastorageaccount dataaccountname)"
workbook="$(output_value workbook workbookurl workbookid workbook)"

# A resource id becomes a portal link; a value that is already a URL stays as it is.
case "${workbook}" in
  /subscriptions/*) workbook_url="https://portal.azure.com/#@${AZURE_TENANT_ID:-}/resource${workbook}/workbook" ;;
  *) workbook_url="${workbook}" ;;
esac

echo "resource-group=${resource_group}"
echo "function-app=${function_app}"
echo "hostname=${hostname#https://}"
echo "data-storage-account=${data_account}"
echo "workbook-url=${workbook_url}"
