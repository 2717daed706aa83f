#!/bin/sh
# Entry point of the DSS image (and of `dss-admin` inside it): when DSS_DATABASE_URL is not set
# but DSS_DB_PASSWORD is, builds mysql://USER:PASSWORD@HOST:PORT/NAME from DSS_DB_USER (dss),
# DSS_DB_PASSWORD, DSS_DB_HOST (mysql), DSS_DB_PORT (3306) and DSS_DB_NAME (dss), each part
# percent-encoded (RFC 3986 §3.2.1), so that a password holding @ : / # ? % works. Then runs the
# command it was given.
set -eu
if [ -z "${DSS_DATABASE_URL:-}" ] && [ -n "${DSS_DB_PASSWORD:-}" ]; then
  DSS_DATABASE_URL=$(node -e '
    const e = process.env, c = encodeURIComponent;
    process.stdout.write(
      `mysql://${c(e.DSS_DB_USER || "dss")}:${c(e.DSS_DB_PASSWORD)}@${e.DSS_DB_HOST || "mysql"}` +
        `:${e.DSS_DB_PORT || "3306"}/${c(e.DSS_DB_NAME || "dss")}`,
    );')
  export DSS_DATABASE_URL
fi
exec "$@"
