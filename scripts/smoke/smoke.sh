#!/usr/bin/env bash
# Smoke test of a deployed stack: uploads a tiny batch the way a user does, follows its orchestration through the
# Durable management API and checks the summary it writes. Needs an Azure CLI login, curl and jq.
#
#   scripts/smoke/smoke.sh functions|access|upload|wait|verify|all
#   scripts/smoke/smoke.sh check SUMMARY_JSON
#
#   functions  fails unless the app's host lists the deployed functions (retries while the host starts)
#   access     grants the logged-in identity (service principal or user) Storage Blob Data Contributor on the data
#              account, once
#   upload     uploads scripts/smoke/batch/data.csv to input/<BATCH_ID>/, then _manifest.json, which starts the run
#   wait       polls GET /api/batches/<BATCH_ID> until the run exists, then its management API status URL until
#              the run ends; fails on timeout
#   verify     downloads results/<BATCH_ID>/summary.json and checks it
#   check      checks a summary.json file of the smoke batch: status, rows, groups and one sum
#   all        access, upload, wait and verify
#
# Environment: RESOURCE_GROUP, FUNCTION_APP (functions, wait), FUNCTION_HOSTNAME (wait), DATA_STORAGE_ACCOUNT
# (access, upload, verify), BATCH_ID (default smoke-<UTC time>; set it when running the commands one by one),
# SMOKE_TIMEOUT_SECONDS (wait; default 600), SMOKE_POLL_SECONDS (default 10). For wait, FUNCTION_KEY and
# DURABLE_SYSTEM_KEY replace the key lookup and FUNCTION_BASE_URL (default https://FUNCTION_HOSTNAME) the app's
# address. In GitHub Actions, results also go to $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY.
set -euo pipefail

BATCH_ID="${BATCH_ID:-smoke-$(date -u +%Y%m%d%H%M%S)}"
TIMEOUT_SECONDS="${SMOKE_TIMEOUT_SECONDS:-600}"
POLL_SECONDS="${SMOKE_POLL_SECONDS:-10}"
BATCH_FOLDER="$(cd "$(dirname "$0")" && pwd)/batch"

fail() {
  echo "smoke: $*" >&2
  exit 1
}

require() {
  local name
  for name in "$@"; do
    [ -n "${!name:-}" ] || fail "missing environment variable ${name}"
  done
}

# Appends name=value to the step outputs when running in GitHub Actions.
set_output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "$1=$2" >> "${GITHUB_OUTPUT}"
  fi
}

# Hides a secret in the GitHub Actions log.
mask() {
  if [ "${GITHUB_ACTIONS:-}" = "true" ]; then
    echo "::add-mask::$1"
  fi
}

# Runs a command until it succeeds, at most `attempts` times. Role assignments take minutes to reach the data
# plane, so the first deploy often gets 403 responses for a while.
retry() {
  local attempts="$1" delay="$2"
  shift 2
  local attempt
  for attempt in $(seq 1 "${attempts}"); do
    if "$@"; then
      return 0
    fi
    if [ "${attempt}" -lt "${attempts}" ]; then
      echo "smoke: attempt ${attempt} of ${attempts} failed, retrying in ${delay}s" >&2
      sleep "${delay}"
    fi
  done
  return 1
}

validate_batch_id() {
  [[ "${BATCH_ID}" =~ ^[a-z0-9-]{1,63}$ ]] || fail "invalid BATCH_ID '${BATCH_ID}': use 1 to 63 of a-z, 0-9 and -"
}

list_functions() {
  local names
  names="$(az functionapp function list --resource-group "${RESOURCE_GROUP}" --name "${FUNCTION_APP}" \
    --query '[].name' --output tsv)"
  [ -n "${names}" ] || return 1
  echo "Deployed functions:"
  echo "${names}" | sed 's/^/  /'
}

check_functions() {
  require RESOURCE_GROUP FUNCTION_APP
  retry 12 15 list_functions || fail "${FUNCTION_APP} lists no functions: the package did not load"
}

# Prints the claims of the Azure CLI login's access token as JSON. The token is decoded locally, so this works for an
# identity that may not read Microsoft Graph.
signed_in_claims() {
  local token payload
  token="$(az account get-access-token --query accessToken --output tsv)"
  payload="$(printf '%s' "${token}" | cut -d. -f2 | tr '_-' '/+')"
  while [ $((${#payload} % 4)) -ne 0 ]; do
    payload="${payload}="
  done
  printf '%s' "${payload}" | base64 --decode
}

# Prints the principal type of the claims on stdin: ServicePrincipal for an app-only token (`idtyp` app), else User.
# Without `idtyp`, a token with delegated scopes (`scp`) counts as a user's.
principal_type() {
  jq -r 'if .idtyp == "app" then "ServicePrincipal"
    elif .idtyp != null or has("scp") then "User"
    else "ServicePrincipal" end'
}

# The stack grants data access only to the app's identity; the smoke test uploads and reads as the signed-in identity.
grant_data_access() {
  require RESOURCE_GROUP DATA_STORAGE_ACCOUNT
  local role="Storage Blob Data Contributor" account_id claims object_id type granted
  account_id="$(az storage account show --resource-group "${RESOURCE_GROUP}" --name "${DATA_STORAGE_ACCOUNT}" \
    --query id --output tsv)"
  claims="$(signed_in_claims)"
  object_id="$(jq -r '.oid // empty' <<< "${claims}")"
  [ -n "${object_id}" ] || fail "the access token of the Azure CLI login has no oid claim"
  type="$(principal_type <<< "${claims}")"

  granted="$(az role assignment list --scope "${account_id}" --role "${role}" \
    --query "length([?principalId=='${object_id}'])" --output tsv)"
  if [ "${granted}" != "0" ]; then
    echo "${role} on ${DATA_STORAGE_ACCOUNT} is already granted to ${object_id}"
    return
  fi
  az role assignment create --assignee-object-id "${object_id}" --assignee-principal-type "${type}" \
    --role "${role}" --scope "${account_id}" --output none
  echo "Granted ${role} on ${DATA_STORAGE_ACCOUNT} to ${type} ${object_id}; it can take minutes to apply"
}

upload_blob() {
  az storage blob upload --auth-mode login --only-show-errors --overwrite \
    --account-name "${DATA_STORAGE_ACCOUNT}" --container-name input --name "$1" --file "$2" --output none
}

upload_batch() {
  require DATA_STORAGE_ACCOUNT
  validate_batch_id

  # The data first: the manifest's arrival is what starts the orchestration.
  retry 10 30 upload_blob "${BATCH_ID}/data.csv" "${BATCH_FOLDER}/data.csv" || fail "upload of data.csv failed"
  retry 3 10 upload_blob "${BATCH_ID}/_manifest.json" "${BATCH_FOLDER}/_manifest.json" ||
    fail "upload of the manifest failed"
  echo "Uploaded batch ${BATCH_ID} to ${DATA_STORAGE_ACCOUNT}/input"
}

# Prints "<http status> <body file>" for a GET request; a status of 000 means no response.
http_get() {
  local url="$1" body
  shift
  body="$(mktemp)"
  local status
  status="$(curl --silent --show-error --max-time 30 --output "${body}" --write-out '%{http_code}' "$@" "${url}" ||
    true)"
  echo "${status:-000} ${body}"
}

# Prints two lines: the app's default function key, which the batch routes require, and the Durable extension's
# system key, which the management API under /runtime/webhooks/durabletask requires.
app_keys() {
  if [ -n "${FUNCTION_KEY:-}" ]; then
    printf '%s\n%s\n' "${FUNCTION_KEY}" "${DURABLE_SYSTEM_KEY:-}"
    return
  fi
  require RESOURCE_GROUP FUNCTION_APP
  az functionapp keys list --resource-group "${RESOURCE_GROUP}" --name "${FUNCTION_APP}" \
    --query '[functionKeys.default, systemKeys.durabletask_extension]' --output tsv
}

# Prints the management API status URL of the run in the JSON file $1: the check-status payload's own URL, else one
# built from the instance id and the system key, else nothing (the batch route is polled instead).
management_status_url() {
  local url instance_id
  url="$(jq -r '.statusQueryGetUri // empty' "$1")"
  instance_id="$(jq -r '.instanceId // .id // empty' "$1")"
  if [ -z "${url}" ] && [ -n "${instance_id}" ] && [ -n "${system_key}" ]; then
    url="${base_url}/runtime/webhooks/durabletask/instances/${instance_id}?code=${system_key}"
  fi
  printf '%s' "${url}"
}

# Prints the non-secret parts of a status response: the management API's links carry the system key.
print_status() {
  jq 'del(.statusQueryGetUri, .sendEventPostUri, .terminatePostUri, .rewindPostUri, .purgeHistoryDeleteUri,
    .restartPostUri, .suspendPostUri, .resumePostUri)' "$1" || true
}

wait_for_run() {
  validate_batch_id
  base_url="${FUNCTION_BASE_URL:-}"
  if [ -z "${base_url}" ]; then
    require FUNCTION_HOSTNAME
    base_url="https://${FUNCTION_HOSTNAME}"
  fi

  local keys function_key
  keys="$(app_keys)"
  function_key="$(sed -n 1p <<< "${keys}")"
  system_key="$(sed -n 2p <<< "${keys}")"
  [ -n "${function_key}" ] || fail "no default function key on ${FUNCTION_APP:-the app}"
  mask "${function_key}"
  [ -z "${system_key}" ] || mask "${system_key}"

  local batch_url="${base_url}/api/batches/${BATCH_ID}"
  local status_url="" runtime_status="" last_seen="no response"
  local deadline=$((SECONDS + TIMEOUT_SECONDS))

  while [ "${SECONDS}" -lt "${deadline}" ]; do
    local response http_status body
    if [ -z "${status_url}" ]; then
      response="$(http_get "${batch_url}" --header "x-functions-key: ${function_key}")"
    else
      response="$(http_get "${status_url}")"
    fi
    http_status="${response%% *}"
    body="${response#* }"

    if [[ "${http_status}" =~ ^20[02]$ ]] && jq -e . "${body}" > /dev/null 2>&1; then
      if [ -z "${status_url}" ]; then
        status_url="$(management_status_url "${body}")"
        [ -z "${status_url}" ] || echo "Following instance $(jq -r '.instanceId // .id' "${body}") through the management API"
      fi
      runtime_status="$(jq -r '.runtimeStatus // empty' "${body}")"
      last_seen="HTTP ${http_status}, runtimeStatus ${runtime_status:-not reported}"
      echo "${last_seen}; progress $(jq -c '.customStatus // .progress // null' "${body}")"
    else
      # 404 until the Event Grid event has reached the queue and the starter has run.
      last_seen="HTTP ${http_status}"
      echo "${last_seen}: the run has not started yet"
    fi

    case "${runtime_status}" in
      Completed)
        rm -f "${body}"
        set_output runtime-status "${runtime_status}"
        echo "Orchestration for ${BATCH_ID} completed"
        return 0
        ;;
      Failed | Terminated | Canceled)
        echo "Final status:" >&2
        print_status "${body}" >&2
        rm -f "${body}"
        set_output runtime-status "${runtime_status}"
        fail "orchestration for ${BATCH_ID} ended ${runtime_status}"
        ;;
    esac
    rm -f "${body}"
    sleep "${POLL_SECONDS}"
  done

  set_output runtime-status "TimedOut"
  fail "timed out after ${TIMEOUT_SECONDS}s waiting for batch ${BATCH_ID} (last: ${last_seen})"
}

# Checks the summary.json file $1 against the smoke batch in scripts/smoke/batch: 4 rows in the groups north and
# south, and amounts of north summing to 30.
check_summary() {
  local file="$1" status rows groups north_sum
  [ -f "${file}" ] || fail "no summary file at '${file}'"
  status="$(jq -r '.status // empty' "${file}")"
  rows="$(jq -r '.input.rows // empty' "${file}")"
  groups="$(jq -r '[.groups[].key.region] | sort | join(",")' "${file}")"
  north_sum="$(jq -r '[.groups[] | select(.key.region == "north") | .metrics.amount.sum][0] // empty' "${file}")"
  echo "Summary: $(jq -c '{status, rows: .input.rows, groups: (.groups | length)}' "${file}")"

  set_output rows "${rows}"
  [ "${status}" = "completed" ] || fail "summary.json has status '${status}', expected completed"
  [ "${rows}" = "4" ] || fail "summary.json counts ${rows:-no} rows, expected 4"
  [ "${groups}" = "north,south" ] || fail "summary.json has the groups '${groups}', expected north,south"
  [ "${north_sum}" = "30" ] || fail "summary.json sums amount for north to '${north_sum}', expected 30"
}

verify_result() {
  require DATA_STORAGE_ACCOUNT
  validate_batch_id

  local summary
  summary="$(mktemp)"
  retry 3 10 az storage blob download --auth-mode login --only-show-errors --output none \
    --account-name "${DATA_STORAGE_ACCOUNT}" --container-name results --name "${BATCH_ID}/summary.json" \
    --file "${summary}" || fail "results/${BATCH_ID}/summary.json could not be downloaded"
  check_summary "${summary}"
  rm -f "${summary}"

  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    echo "Smoke batch \`${BATCH_ID}\`: summary.json checked." >> "${GITHUB_STEP_SUMMARY}"
  fi
}

case "${1:-}" in
  functions) check_functions ;;
  access) grant_data_access ;;
  upload) upload_batch ;;
  wait) wait_for_run ;;
  verify) verify_result ;;
  check) check_summary "${2:?usage: smoke.sh check SUMMARY_JSON}" ;;
  all)
    grant_data_access
    upload_batch
    wait_for_run
    verify_result
    ;;
  *)
    sed -n '2,24s/^# \{0,1\}//p' "$0" >&2
    exit 2
    ;;
esac
