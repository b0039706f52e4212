# syntax=docker/dockerfile:1
# Hearth production image: gunicorn serves the app, whitenoise the static files.
#   docker build -t hearth .        (docker compose up builds it too; see docker-compose.yml)
# Entry point docker/entrypoint.sh: `web` (default) migrates, ensures the admin and runs gunicorn;
# any other command (celery ...) is run as given.

# ---------------------------------------------------------------- dependencies
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
# pyproject.toml alone first, so code changes do not reinstall the dependencies.
# ([tool.setuptools] packages = [] : installing the project installs just its dependencies.)
COPY pyproject.toml README.md* ./
RUN pip install . && rm -rf build ./*.egg-info

# ---------------------------------------------------------------- build: translations + static files
FROM base AS build
# gettext's msgfmt compiles the .po catalogues; it stays out of the final image
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*
COPY . .
RUN if find . -name '*.po' -not -path './.venv/*' | grep -q .; then \
      DEBUG=1 python manage.py compilemessages --ignore=.venv; \
    fi
# A throwaway SECRET_KEY only so the settings load (a random one: production settings refuse weak keys);
# it is not part of the image.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" DEBUG=0 \
    python manage.py collectstatic --noinput
# The app's bytecode, compiled once here: with PYTHONDONTWRITEBYTECODE and read-only code, every gunicorn
# worker would otherwise compile every module from source when it starts, costing it time and memory.
RUN python -m compileall -q .

# ---------------------------------------------------------------- runtime
FROM base AS runtime
RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin hearth
COPY --from=build /app /app
# code stays root-owned (read-only for the app); only var/ is writable (celery beat's schedule)
RUN mkdir -p /app/var && chown hearth:hearth /app/var
USER hearth
ENV DEBUG=0
EXPOSE 8000
ENTRYPOINT ["sh", "/app/docker/entrypoint.sh"]
CMD ["web"]
