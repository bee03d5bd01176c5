#!/bin/sh
# Run once by the influxdb:2 image after its setup (DOCKER_INFLUXDB_INIT_MODE=setup), with the
# influx CLI already configured with the admin token. The ingestor and the dashboard read the time
# series in InfluxQL over /query (and Grafana's data source does too), which on InfluxDB 2.x needs
# a database/retention-policy (DBRP) mapping to the bucket: the database gets the bucket's name,
# which is what VIGIL_INFLUX_BUCKET names. The ingestor's start-up check reads its own point back
# through this mapping and names it when it is missing.
set -eu
influx v1 dbrp create \
  --org "${DOCKER_INFLUXDB_INIT_ORG}" \
  --bucket-id "${DOCKER_INFLUXDB_INIT_BUCKET_ID}" \
  --db "${DOCKER_INFLUXDB_INIT_BUCKET}" \
  --rp autogen \
  --default
