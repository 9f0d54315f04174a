#!/usr/bin/env bash
# The server example end to end: start `signoff serve` with this directory's
# signoff.yaml, ask for decisions over HTTP as agent:etl, reload with
# SIGHUP, stop with SIGTERM, and verify the audit log it wrote.
#
#   examples/server/demo.sh [BUILD_DIR]      (default: build)
#
# The channels' secrets are dummy values: this example only decides, it
# does not post to Slack or Teams.
set -euo pipefail
cd "$(dirname "$0")/../.."
signoff="${1:-build}/cli/signoff"
config=examples/server/signoff.yaml
base=http://127.0.0.1:8181

export SLACK_BOT_TOKEN=xoxb-demo SLACK_SIGNING_SECRET=demo-signing-secret
export TEAMS_APP_PASSWORD=demo-teams-password

step() { printf '\n$ %s\n' "$*"; "$@"; echo; }

"$signoff" serve --config "$config" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

step curl -sS "$base/healthz"
step curl -sS -H "Authorization: Bearer demo-key-etl" \
  --data @examples/data-exports/requests/confidential-export.json "$base/v1/decide"
step curl -sS -H "Authorization: Bearer demo-key-etl" \
  --data @examples/data-exports/requests/public-bucket.json "$base/v1/decide?explain=true"
step curl -sS --data '{}' "$base/v1/decide"                        # 401: no key
step curl -sS -H "Authorization: Bearer demo-key-etl" "$base/v1/keys"
step curl -sS -X POST -H "Authorization: Bearer demo-key-alice" "$base/v1/admin/reload"
kill -HUP "$server"; sleep 0.5                                     # reload again
step curl -sS -H "Authorization: Bearer demo-key-carol" "$base/v1/audit/verify"
step curl -sS -H "Authorization: Bearer demo-key-carol" "$base/v1/audit?limit=2"
curl -sS "$base/metrics" | grep '^signoff_decisions_total'

kill -TERM "$server"; wait "$server" || true
trap - EXIT
step "$signoff" audit verify --config "$config"
