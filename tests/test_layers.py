"""The apps stand in layers (forum, members, notices, boards, moderation, standing: each imports only the
ones below it), with no cycle among them and no app importing another's private names. Checked by
import-linter (pyproject.toml) and by scripts/check_imports.py over the AST; both run in `make test`
before pytest. These tests prove the checks pass on the tree and fail on a deliberate breach."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from check_imports import layered_apps  # noqa: E402 - scripts/ is not a package

APPS = layered_apps(ROOT)
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

pytestmark = pytest.mark.slow


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root / "scripts")}, timeout=120)


def check_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "check_imports.py"), str(root)],
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def copy_of_tree(tmp_path) -> Path:
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def append(path: Path, line: str) -> None:
    path.write_text(path.read_text() + f"\n{line}\n")


def test_the_tree_keeps_both_contracts():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_the_ast_check_finds_no_cycle_and_no_function_level_import():
    result = check_imports(ROOT)
    assert result.returncode == 0, result.stdout
    assert "no cycle among the apps" in result.stdout


def test_an_upward_import_breaks_the_layers(copy_of_tree):
    append(copy_of_tree / "boards" / "selectors.py", "from moderation import services as upward  # noqa")
    result = lint_imports(copy_of_tree)
    assert result.returncode != 0
    assert "boards is not allowed to import moderation" in result.stdout
    assert "boards.selectors -> moderation.services" in result.stdout
    ast_result = check_imports(copy_of_tree)
    assert ast_result.returncode == 1
    assert "import cycle among apps: boards -> moderation -> boards" in ast_result.stdout


def test_a_lower_app_importing_the_top_one_breaks_the_layers(copy_of_tree):
    append(copy_of_tree / "members" / "services.py", "import standing.ranks  # noqa")
    assert "members is not allowed to import standing" in lint_imports(copy_of_tree).stdout


def test_importing_another_apps_private_name_breaks_the_contract(copy_of_tree):
    append(copy_of_tree / "moderation" / "selectors.py",
           "from boards.services.posting import _check_rank_limits  # noqa")
    result = lint_imports(copy_of_tree)
    assert result.returncode != 0
    assert "moderation.selectors" in result.stdout and "_check_rank_limits" in result.stdout


def test_a_private_name_within_its_own_app_is_fine(copy_of_tree):
    append(copy_of_tree / "boards" / "selectors.py", "from boards.services.posting import _check_rank_limits  # noqa")
    result = lint_imports(copy_of_tree)
    assert result.returncode == 0, result.stdout


def test_an_import_inside_a_function_is_reported(copy_of_tree):
    append(copy_of_tree / "boards" / "selectors.py", "def sneaky():\n    from moderation import services\n"
                                                      "    return services")
    result = check_imports(copy_of_tree)
    assert result.returncode == 1
    assert "boards/selectors.py" in result.stdout and "inside a function (sneaky)" in result.stdout


def test_imports_in_task_bodies_and_ready_are_allowed(copy_of_tree):
    append(copy_of_tree / "notices" / "tasks.py", "from celery import shared_task\n\n\n@shared_task\n"
                                                   "def later():\n    from notices import services\n"
                                                   "    return services")
    assert check_imports(copy_of_tree).returncode == 0


def test_a_dynamic_import_inside_a_function_is_reported(copy_of_tree):
    append(copy_of_tree / "notices" / "services.py", "def dodge():\n"
                                                      "    return importlib.import_module('moderation.services')")
    append(copy_of_tree / "members" / "services.py", "def dodge_too():\n"
                                                      "    return import_string('standing.ranks.recompute_ranks')")
    result = check_imports(copy_of_tree)
    assert result.returncode == 1
    assert "notices/services.py" in result.stdout and "import_module() inside a function (dodge)" in result.stdout
    assert "members/services.py" in result.stdout and "import_string() inside a function (dodge_too)" in result.stdout


def test_only_the_one_lazy_loader_may_import_on_first_use(copy_of_tree):
    """forum.lazy.load is allowed (web workers load Celery and rare heavy views only when needed); the same
    call in another function of the same module is not."""
    assert check_imports(copy_of_tree).returncode == 0  # the tree's forum/lazy.py: load() imports lazily
    append(copy_of_tree / "forum" / "lazy.py", "def another_loader(path):\n    return import_string(path)")
    result = check_imports(copy_of_tree)
    assert result.returncode == 1
    assert "forum/lazy.py" in result.stdout and "import_string() inside a function (another_loader)" in result.stdout
