#!/bin/sh
# docker/entrypoint.sh — the image's entry point.
#
#   migrate         apply migrations and make sure the admin account exists (ADMIN_USERNAME, ADMIN_EMAIL,
#                   ADMIN_PASSWORD), then exit: docker-compose.yml runs it once, as its own one-shot
#                   service, before any web node or worker starts (two web nodes never both migrate)
#   web (default)   exec gunicorn on 0.0.0.0:8000 (GUNICORN_WORKERS, default 2; extra arguments go to
#                   gunicorn). It does not migrate: run `migrate` first (compose does).
#   anything else   exec'd as given, e.g. `celery -A forum worker -l info`
set -eu

case "${1:-web}" in
  migrate)
    echo "[entrypoint] migrate" >&2
    python manage.py migrate --noinput
    echo "[entrypoint] ensure_admin" >&2
    exec python manage.py ensure_admin
    ;;
  web)
    [ "$#" -gt 0 ] && shift
    echo "[entrypoint] gunicorn on 0.0.0.0:8000 with ${GUNICORN_WORKERS:-2} workers" >&2
    exec gunicorn forum.wsgi:application \
      --bind 0.0.0.0:8000 \
      --workers "${GUNICORN_WORKERS:-2}" \
      --timeout "${GUNICORN_TIMEOUT:-30}" \
      --access-logfile - \
      --error-logfile - \
      "$@"
    ;;
esac

exec "$@"
