#!/bin/sh
# docker/entrypoint.sh — the image's entry point.
#
#   web (default)   apply migrations, make sure the admin account exists (ADMIN_USERNAME,
#                   ADMIN_EMAIL, ADMIN_PASSWORD), then exec gunicorn on 0.0.0.0:8000
#                   (GUNICORN_WORKERS, default 2; extra arguments go to gunicorn)
#   anything else   exec'd as given, e.g. `celery -A forum worker -l info`
#
# Only `web` migrates, so compose starts worker/beat after web is healthy.
set -eu

if [ "${1:-web}" = web ]; then
  [ "$#" -gt 0 ] && shift
  echo "[entrypoint] migrate" >&2
  python manage.py migrate --noinput
  echo "[entrypoint] ensure_admin" >&2
  python manage.py ensure_admin
  echo "[entrypoint] gunicorn on 0.0.0.0:8000 with ${GUNICORN_WORKERS:-2} workers" >&2
  exec gunicorn forum.wsgi:application \
    --bind 0.0.0.0:8000 \
    --workers "${GUNICORN_WORKERS:-2}" \
    --timeout "${GUNICORN_TIMEOUT:-30}" \
    --access-logfile - \
    --error-logfile - \
    "$@"
fi

exec "$@"
