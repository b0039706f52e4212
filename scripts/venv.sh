# scripts/venv.sh: the project's virtualenv, shared by scripts/run.sh and scripts/test.sh (sourced).
# Needs log, die and is_root from the sourcing script.

find_python() {
  local c
  for c in ${PYTHON:-} python3.11 python3; do
    command -v "$c" >/dev/null 2>&1 || continue
    if "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
      echo "$c"; return 0
    fi
  done
  die "no Python >= 3.11 found (tried: ${PYTHON:-} python3.11 python3); set PYTHON=/path/to/python3.11"
}

make_venv() {
  local py; py="$(find_python)"
  log "creating .venv with $(command -v "$py") ($("$py" --version 2>&1))"
  if "$py" -m venv .venv; then return 0; fi
  # Debian's own python3 ships venv/ensurepip separately (python3-venv)
  rm -rf .venv
  if is_root && command -v apt-get >/dev/null 2>&1; then
    log "python -m venv failed; installing python3-venv with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >&2
    "$py" -m venv .venv && return 0
    rm -rf .venv
  fi
  die "could not create .venv with $py. On Debian: sudo apt-get install python3-venv (or use pyenv's 3.11)"
}

ensure_venv() {  # $1 = what to pip install, $2 = stamp file name inside .venv
  local spec="$1" stamp=".venv/$2"
  # a venv whose interpreter vanished (e.g. the Python it was made from was removed) is rebuilt
  if [ -e .venv ] && ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
    log ".venv is unusable (no working python/pip); recreating it"
    rm -rf .venv
  fi
  [ -x .venv/bin/python ] || make_venv
  if [ -f "$stamp" ] && [ "$stamp" -nt pyproject.toml ]; then
    log "dependencies up to date ($stamp is newer than pyproject.toml)"
    return 0
  fi
  log "pip install -e '$spec' ..."
  .venv/bin/python -m pip install --disable-pip-version-check -q -e "$spec"
  touch "$stamp"
}
