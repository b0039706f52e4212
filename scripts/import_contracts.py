"""A custom import-linter contract for Hearth (registered in pyproject.toml; `make test` runs lint-imports
with this folder on the path).

private_names: no module may import a name that starts with an underscore from another app. An app's
private helpers (`_recount_last_post`, `_apply`) are its own business; other apps call its public
services. Imports within one app are not checked.
"""
import ast

from importlinter import Contract, ContractCheck, fields, output


def _private_names(line: str) -> list[str]:
    try:
        tree = ast.parse(line.strip())
    except SyntaxError:  # a continuation line of a parenthesised import: grimp gives its first line
        return [part.strip(" ,()") for part in line.split("import", 1)[-1].split(",")
                if part.strip(" ,()").startswith("_") and not part.strip(" ,()").startswith("__")]
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names += [alias.name for alias in node.names if alias.name.startswith("_")
                      and not alias.name.startswith("__")]
    return names


class PrivateNamesContract(Contract):
    type_name = "private_names"

    apps = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        apps = set(self.apps)
        violations = []
        for importer in sorted(graph.modules):
            importer_app = importer.split(".")[0]
            if importer_app not in apps:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                imported_app = imported.split(".")[0]
                if imported_app not in apps or imported_app == importer_app:
                    continue
                for detail in graph.get_import_details(importer=importer, imported=imported):
                    for name in _private_names(detail["line_contents"]):
                        violations.append(f"{importer}:{detail['line_number']} imports {imported}.{name}")
        if verbose:
            output.verbose_print(verbose, f"checked imports between {', '.join(sorted(apps))}")
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for violation in check.metadata["violations"]:
            output.print_error(f"- {violation}", bold=False)
        output.new_line()
