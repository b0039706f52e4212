#!/usr/bin/env python3
"""Hearth's import rules, checked over the source's AST (a second opinion beside import-linter):

  1. no import cycle among the app packages (the layers contract's apps in pyproject.toml);
  2. no import inside a function body, except in a Celery task's body and in AppConfig.ready(),
     where Django requires it, and in the one loader of forum/lazy.py (LAZY_LOADERS). A call of
     import_module / import_string / __import__ in a function counts as an import.

Usage: python scripts/check_imports.py [ROOT]   (exit 1 and a list of problems when a rule is broken)
"""
import ast
import sys
import tomllib
from pathlib import Path

TASK_DECORATORS = {"shared_task", "task"}
# calls that import a module as surely as an import statement does
DYNAMIC_IMPORTS = {"import_module", "import_string", "__import__"}
# (file, function) allowed to import lazily, and why: web workers load Celery (through the tasks modules)
# and rarely used heavy views only on first use, to stay small (issue 13); everything else goes through it.
LAZY_LOADERS = {("forum/lazy.py", "load")}


def layered_apps(root: Path) -> list[str]:
    """The apps, bottom to top, from the layers contract in pyproject.toml (one list for both checks)."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return list(reversed(contract["layers"]))


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imported_modules(module: str, is_package: bool, node) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return [_resolve(module, is_package, node)]


def _decorator_names(func) -> set[str]:
    names = set()
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.add(target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", ""))
    return names


class _Visitor(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool, path: Path):
        self.module, self.is_package, self.path = module, is_package, path
        self.imports: list[tuple[str, int]] = []
        self.problems: list[str] = []
        self._functions: list[ast.AST] = []

    def visit_FunctionDef(self, node):  # noqa: N802 - ast's naming
        self._functions.append(node)
        self.generic_visit(node)
        self._functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    def _allowed_here(self) -> bool:
        for func in self._functions:
            if _decorator_names(func) & TASK_DECORATORS:
                return True
            if func.name == "ready" and self.path.name == "apps.py":
                return True
            if (self.path.as_posix(), func.name) in LAZY_LOADERS:
                return True
        return False

    def visit_Call(self, node):  # noqa: N802 - ast's naming
        target = node.func
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in DYNAMIC_IMPORTS and self._functions and not self._allowed_here():
            self.problems.append(f"{self.path}:{node.lineno}: {name}() inside a function "
                                 f"({self._functions[-1].name}): load lazily through forum.lazy.load")
        self.generic_visit(node)

    def _visit_import(self, node):
        for name in _imported_modules(self.module, self.is_package, node):
            self.imports.append((name, node.lineno))
            if self._functions and not self._allowed_here():
                self.problems.append(f"{self.path}:{node.lineno}: import of {name} inside a function "
                                     f"({self._functions[-1].name})")

    visit_Import = _visit_import  # noqa: N815
    visit_ImportFrom = _visit_import  # noqa: N815


def app_graph(root: Path) -> tuple[dict[str, dict[str, list[str]]], list[str]]:
    """{app: {imported app: [where]}} and the problems found on the way."""
    apps = layered_apps(root)
    graph: dict[str, dict[str, list[str]]] = {app: {} for app in apps}
    problems: list[str] = []
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            module = _module_name(root, path)
            visitor = _Visitor(module, path.name == "__init__.py", path.relative_to(root))
            visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
            problems += visitor.problems
            for name, line in visitor.imports:
                target = name.split(".")[0]
                if target in apps and target != app:
                    graph[app].setdefault(target, []).append(f"{path.relative_to(root)}:{line}")
    return graph, problems


def cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Every elementary cycle's apps, found by a depth-first search from each app (six apps: cheap)."""
    found = []
    for start in graph:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    found.append(path)
                elif nxt not in path and nxt > start:  # each cycle once, from its smallest app
                    stack.append((nxt, [*path, nxt]))
    return found


def main(root: Path) -> int:
    graph, problems = app_graph(root)
    for cycle in cycles(graph):
        chain = " -> ".join([*cycle, cycle[0]])
        where = "; ".join(graph[a][b][0] for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True))
        problems.append(f"import cycle among apps: {chain} (e.g. {where})")
    for problem in problems:
        print(problem)
    if not problems:
        order = sorted(graph, key=lambda app: len(graph[app]))
        print("imports: no cycle among the apps; no import inside a function body outside tasks, ready() "
              "and forum.lazy.load")
        print("  " + ", ".join(f"{app} -> {sorted(graph[app]) or '-'}" for app in order))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)))
