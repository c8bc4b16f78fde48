#!/bin/sh
# compose.yaml: lets the replica container stream from the primary (password auth on the compose network).
echo "host replication postgres all scram-sha-256" >> "$PGDATA/pg_hba.conf"
