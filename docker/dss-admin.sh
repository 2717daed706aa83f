#!/bin/sh
# `dss-admin` inside the image: the operator command line, with the same environment (and the
# same database URL, built by dss-env) as the service, e.g.
#   docker compose -f docker/compose.yaml exec dss1 dss-admin users add alice
exec /usr/local/bin/dss-env node /app/bin/dss-admin.js "$@"
