#!/usr/bin/env bash
# The server example end to end, API only (no chat channel): start
# `signoff serve` on this directory's configuration with a fresh SQLite
# file, ask a what-if question, then let agent:etl request a confidential
# export that two people must approve, approve it as diego (a data steward)
# and priya (privacy office), consume the grant once (a second consume is
# refused), reload with SIGHUP, stop with SIGTERM and verify the audit log.
#
#   examples/server/demo.sh [BUILD_DIR]      (default: build)
#
# Everything it writes (signoff.db, keys/) lives in a temporary directory
# that is removed at the end. The channels' secrets are dummy values and
# their URLs point at a closed local port: the messages the outbox tries to
# deliver are refused, retried and audited (notify.failed), never sent out.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
build=${1:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
signoff="$build/cli/signoff"

bold="" plain=""
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; fi
say() { printf '\n%s# %s%s\n' "$bold" "$*" "$plain"; }
step() { printf '%s$ %s%s\n' "$bold" "$*" "$plain"; "$@"; echo; }

work=$(mktemp -d /tmp/signoff-demo-XXXXXX)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The example configuration with its state in $work and any free port.
sed -e "s|^listen: .*|listen: 127.0.0.1:0|" \
    -e "s|^policies: \.\./data-exports|policies: $root/examples/data-exports|" \
    -e "s|^directory: \./directory.yaml|directory: $root/examples/server/directory.yaml|" \
    -e "s|https://[a-z.]*/[a-z/]*|http://127.0.0.1:9/closed|" \
    examples/server/signoff.yaml >"$work/signoff.yaml"
config=$work/signoff.yaml
export SLACK_BOT_TOKEN=xoxb-demo SLACK_SIGNING_SECRET=demo-signing-secret
export TEAMS_APP_PASSWORD=demo-teams-password

say "Start the server on a fresh SQLite file ($work/signoff.db)"
"$signoff" serve --config "$config" 2>"$work/serve.log" &
server=$!
port=""
for _ in $(seq 300); do
  port=$(sed -n 's/.*serving on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/serve.log")
  [ -n "$port" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/serve.log"; exit 1; }
base=http://127.0.0.1:$port
export SIGNOFF_SERVER=$base
cat "$work/serve.log"
step curl -sS "$base/healthz"

say "A what-if question: POST /v1/decide has no side effects"
step curl -sS -H "Authorization: Bearer demo-key-etl" \
  --data @examples/data-exports/requests/public-bucket.json "$base/v1/decide"

say "agent:etl asks to export 50,000 confidential rows and waits for approval"
params='{"dataset": "customers", "rows": 50000, "destination": "s3://warehouse/q4",
         "classification": "confidential"}'
printf '%s$ signoff request --action data.export --params ... --justification "Q4 report" --wait%s\n' \
  "$bold" "$plain"
SIGNOFF_API_KEY=demo-key-etl "$signoff" request --action data.export \
  --params "$params" --justification "Q4 report" --wait \
  >"$work/grant.txt" 2>"$work/request.log" &
requester=$!

# The approvers find it in their inbox (GET /v1/requests?status=pending).
id=""
for _ in $(seq 100); do
  id=$(curl -sS -H "Authorization: Bearer demo-key-diego" \
    "$base/v1/requests?status=pending" | grep -o '"id":"r_[a-z0-9]*"' | head -1 |
    cut -d'"' -f4 || true)
  [ -n "$id" ] && break
  sleep 0.1
done
[ -n "$id" ] || { cat "$work/request.log"; exit 1; }
echo "request $id is pending"
echo

say "Neither the agent nor dana (it acts for her) may approve: 403"
step curl -sS -H "Authorization: Bearer demo-key-dana" \
  --data '{"vote": "approve"}' "$base/v1/requests/$id/votes"

say "diego (data steward) and priya (privacy office) approve"
SIGNOFF_API_KEY=demo-key-diego step "$signoff" approve "$id" --comment "checked the destination"
SIGNOFF_API_KEY=demo-key-priya step "$signoff" approve "$id" --comment "no PII leaves the warehouse"
if curl -sS -H "Authorization: Bearer demo-key-diego" "$base/v1/requests/$id" |
    grep -q '"status":"pending"'; then
  say "Outside 07:00-20:59 in Berlin, rule night_exports also wants the data on-call: carol approves"
  SIGNOFF_API_KEY=demo-key-carol step "$signoff" approve "$id" --comment "expected night run"
fi

wait "$requester" && status=0 || status=$?
cat "$work/request.log"
echo "signoff request exited $status"
[ "$status" -eq 0 ] || exit 1
token=$(cat "$work/grant.txt")
echo "grant: ${token:0:48}..."
echo

say "The executor consumes the grant for exactly this action: once"
body="{\"token\": \"$token\", \"request\": {\"action\": \"data.export\", \"params\": $params, \"requester\": {\"id\": \"agent:etl\"}}}"
consume() {
  printf '%s$ curl -H "Authorization: Bearer demo-key-etl" --data '"'"'{"token": "sg1...", "request": {"action": "data.export", ...}}'"'"' %s/v1/grants/consume%s\n' \
    "$bold" "$base" "$plain"
  curl -sS -H "Authorization: Bearer demo-key-etl" --data "$body" "$base/v1/grants/consume"
  printf '\n\n'
}
consume
consume

say "Reload the policies with SIGHUP, read the audit log, stop with SIGTERM"
kill -HUP "$server"
sleep 0.5
step curl -sS -H "Authorization: Bearer demo-key-carol" "$base/v1/audit/verify"
curl -sS -H "Authorization: Bearer demo-key-carol" "$base/v1/audit?limit=100" |
  grep -o '"type":"[a-z.]*"' | cut -d'"' -f4 | uniq -c
curl -sS "$base/metrics" | grep -E "^signoff_(votes|grants|notifications)_total"
kill -TERM "$server"
wait "$server" || true
server=""
tail -n 2 "$work/serve.log"
echo
step "$signoff" audit verify --config "$config"
