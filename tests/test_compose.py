"""docker-compose.yml and docker/, checked without Docker (none runs here; `make cluster-test` proves the same
arrangement with real processes): one-shot migrate before everything, scalable web and worker behind the
proxy, exactly one beat, the replica in a profile, nothing kept on a web node's disk."""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def test_migrate_is_a_one_shot_that_everything_of_the_app_waits_for(services):
    migrate = services["migrate"]
    assert migrate["command"] == ["migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
        assert services[name]["command"] != ["migrate"]
    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text()
    web_branch = entrypoint.split("  web)")[1].split(";;")[0]
    assert "migrate" not in web_branch, "web nodes must not migrate: two replicas would migrate side by side"
    assert "manage.py migrate" in entrypoint.split("  migrate)")[1].split(";;")[0]


def test_web_scales_behind_the_proxy(services):
    web = services["web"]
    assert "container_name" not in web and "ports" not in web, "a fixed name or host port stops --scale web=2"
    assert "volumes" not in web, "nothing is kept on a web node's disk"
    assert "/healthz" in " ".join(web["healthcheck"]["test"])
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    assert any(port.endswith(":8080") and port.startswith("${WEB_BIND:-127.0.0.1}") for port in proxy["ports"])
    assert "./docker/nginx.conf:/etc/nginx/nginx.conf:ro" in proxy["volumes"]
    assert "healthcheck" in proxy


def test_workers_scale_and_beat_is_single(services):
    assert "container_name" not in services["worker"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "forum", "worker"]
    beat = services["beat"]
    assert beat["command"][:4] == ["celery", "-A", "forum", "beat"]
    assert beat["deploy"]["replicas"] == 1
    assert "volumes" not in beat
    assert [name for name, s in services.items() if "beat" in s.get("command", [])] == ["beat"]


def test_the_replica_is_an_optional_profile_following_the_primary(compose, services):
    replica = services["postgres-replica"]
    assert replica["profiles"] == ["replica"]
    assert replica["image"] == services["postgres"]["image"] == "postgres:15"
    assert replica["depends_on"]["postgres"]["condition"] == "service_healthy"
    script = (ROOT / "docker" / "replica-entrypoint.sh").read_text()
    assert re.search(r"pg_basebackup .*-R", script.replace("\\\n", " "))
    assert "./docker/replica-entrypoint.sh:/replica-entrypoint.sh:ro" in replica["volumes"]
    primary = services["postgres"]
    assert "wal_level=replica" in primary["command"]
    assert "./docker/postgres-init:/docker-entrypoint-initdb.d:ro" in primary["volumes"]
    init = (ROOT / "docker" / "postgres-init" / "10-replication.sh").read_text()
    assert "REPLICATION" in init and "host replication replicator" in init
    assert "pgreplica" in compose["volumes"]
    env = compose["x-hearth-env"]
    assert env["DATABASE_REPLICA_URL"] == "${DATABASE_REPLICA_URL:-}"  # unset: no replica, no router
    assert env["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}"  # the proxy service appends to X-Forwarded-For


def test_the_nginx_config_balances_with_passive_health_checks():
    conf = (ROOT / "docker" / "nginx.conf").read_text()
    assert "resolver 127.0.0.11 valid=10s" in conf
    assert re.search(r"server web:8000 resolve max_fails=\d+ fail_timeout=\d+s;", conf)
    assert "proxy_next_upstream error timeout http_502;" in conf
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    assert "proxy_set_header X-Forwarded-Proto $forwarded_proto;" in conf


def test_the_nginx_config_is_valid_nginx(tmp_path):
    """nginx -t on the proxy's config, with the two things only Docker has replaced: the service name `web`,
    and `resolve` (nginx 1.27.3+, newer than Debian 12's). scripts/test.sh installs nginx."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    assert nginx, "nginx is missing: scripts/test.sh installs it (apt-get install nginx-light)"
    conf = (ROOT / "docker" / "nginx.conf").read_text()
    conf = conf.replace("server web:8000 resolve", "server 127.0.0.1:8000")
    conf = conf.replace("listen 8080", "listen 127.0.0.1:8080")
    conf = conf.replace("error_log /dev/stderr warn;", f"error_log {tmp_path}/error.log warn;\npid {tmp_path}/x.pid;")
    (tmp_path / "nginx.conf").write_text(conf)
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                             "-e", str(tmp_path / "error.log")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
