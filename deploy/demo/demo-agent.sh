#!/bin/sh
# A demo recorder in a container, enrolled as an installer enrols a real one: a one-time token made
# with the fleet's PKI (the data volume, as "vigil pki token" on the fleet machine), redeemed over
# the broker's HTTPS enrolment port (keys made here, only public keys travel), then the agent.
# Its own volume at /agent keeps the bundle and spool across restarts.
set -eu
: "${VIGIL_RECORDER_ID:?set VIGIL_RECORDER_ID}"
mkdir -p /agent/logs /agent/data
if [ ! -f /agent/bundle/device.crt ]; then
  token=$(node /app/cli/bin/vigil.js pki token "$VIGIL_RECORDER_ID" --data-dir /data --ttl-hours 1 | sed -n 's/^ *\(vgl_[A-Za-z0-9_-]*\)$/\1/p')
  node /app/cli/bin/vigil.js agent enroll --url https://broker:8885 --token "$token" --recorder-id "$VIGIL_RECORDER_ID" --ca /data/pki/ca.crt --out /agent/bundle
fi
exec node /app/cli/bin/vigil.js agent --config /app/deploy/demo/agent.yaml
