#!/usr/bin/env python3
"""Import rules that import-linter's contracts cannot express; `make lint` runs this after lint-imports.

1. Every Django app of the project (a top-level directory with an apps.py) is a root package of
   [tool.importlinter], so the layer contracts see it. An app the contracts do not see is unchecked.
2. Every module directly under msp/ is placed in the "layers" contract, in the core or in the wiring,
   and the "core-imports-no-app" contract names exactly the core layer's modules and forbids every app.
3. No module imports a project app inside a function (migrations and msp/management excepted): an
   import moved into a function to get round a layer or a cycle hides the dependency from every check.
4. No two project modules import each other (a cycle of two, at any depth in the code).

Prints one line per problem (path:line: message) and exits 1 if there is any.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
LAYERS_CONTRACT = "layers"
CORE_CONTRACT = "core-imports-no-app"


def function_imports_allowed(rel: Path) -> bool:
    """Where an import inside a function is the norm: migrations are frozen history, and the management
    commands are wiring that runs once, outside any request."""
    return "migrations" in rel.parts or rel.parts[:2] == ("msp", "management")


def ready_loads_own_module(rel: str, function: str | None, module: str, target: str) -> bool:
    """Django's way to plug an app in once every model is loaded: its AppConfig.ready() imports one of
    the app's own modules, which registers itself at module level (see docs/architecture.md)."""
    app = module.split(".")[0]
    return rel == f"{app}/apps.py" and function == "ready" and target.startswith(f"{app}.")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def project_apps(root: Path) -> list[str]:
    """The project's Django apps: top-level packages with an apps.py."""
    return sorted(p.parent.name for p in root.glob("*/apps.py") if (p.parent / "__init__.py").exists())


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def python_files(root: Path, packages: list[str]) -> Iterator[Path]:
    for package in packages:
        yield from sorted((root / package).rglob("*.py"))


def _layer_modules(layer: str) -> list[str]:
    """The module names of one layer string of import-linter ("a : b", "a | b", "(optional)")."""
    separator = "|" if "|" in layer else ":"
    return [name.strip().strip("()").strip() for name in layer.split(separator) if name.strip()]


def check_config(root: Path, config: dict, apps: list[str]) -> list[Problem]:
    """Rules 1 and 2: the contracts cover every app and every msp module."""
    problems: list[Problem] = []
    linter = config.get("tool", {}).get("importlinter", {})
    roots = set(linter.get("root_packages", []))
    for app in apps:
        if app not in roots:
            problems.append(Problem("pyproject.toml", 1, f"app {app!r} is not in [tool.importlinter] root_packages, "
                                                          "so no layer contract checks it; add it there"))
    for missing in sorted(roots - set(apps)):
        problems.append(Problem("pyproject.toml", 1, f"root package {missing!r} is not an app of the project"))
    contracts = {c.get("id"): c for c in linter.get("contracts", [])}
    layers = contracts.get(LAYERS_CONTRACT)
    core = contracts.get(CORE_CONTRACT)
    if layers is None or core is None:
        return [*problems, Problem("pyproject.toml", 1, f"contracts {LAYERS_CONTRACT!r} and {CORE_CONTRACT!r} "
                                                        "are both required")]
    placed = {name for layer in layers["layers"] for name in _layer_modules(layer)}
    msp_modules = sorted(
        f"msp.{p.stem}" if p.is_file() else f"msp.{p.name}"
        for p in (root / "msp").iterdir()
        if (p.suffix == ".py" and p.name != "__init__.py") or (p.is_dir() and (p / "__init__.py").exists())
    )
    for name in msp_modules:
        if name not in placed:
            problems.append(Problem("pyproject.toml", 1, f"{name} is in no layer of the {LAYERS_CONTRACT!r} "
                                                          "contract; put it in the core layer or the wiring layer"))
    core_layer = set(_layer_modules(layers["layers"][-1]))
    core_sources = set(core.get("source_modules", []))
    if core_layer != core_sources:
        problems.append(Problem("pyproject.toml", 1, f"{CORE_CONTRACT!r} must name the core layer's modules; "
                                                     f"only in the layer: {sorted(core_layer - core_sources)}, "
                                                     f"only in the contract: {sorted(core_sources - core_layer)}"))
    apps_above_core = roots - {"msp"}
    forbidden = set(core.get("forbidden_modules", []))
    if forbidden != apps_above_core:
        problems.append(Problem("pyproject.toml", 1, f"{CORE_CONTRACT!r} must forbid every app but msp; "
                                                     f"missing: {sorted(apps_above_core - forbidden)}, "
                                                     f"extra: {sorted(forbidden - apps_above_core)}"))
    return problems


def _resolve(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The absolute names an import statement refers to."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level == 0:
        return [node.module or ""]
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    target = ".".join([*base, node.module] if node.module else base)
    return [target] if node.module else [f"{target}.{alias.name}" for alias in node.names]


def function_imports(root: Path, path: Path, apps: set[str]) -> Iterator[Problem]:
    """Rule 3: imports of a project app inside a function body of `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = module_name(root, path)
    is_package = path.name == "__init__.py"
    rel = path.relative_to(root).as_posix()

    def visit(node: ast.AST, function: str | None) -> Iterator[Problem]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from visit(child, child.name)
            elif isinstance(child, ast.Import | ast.ImportFrom) and function is not None:
                for target in _resolve(child, module, is_package):
                    if ready_loads_own_module(rel, function, module, target):
                        continue
                    if target.split(".")[0] in apps:
                        yield Problem(rel, child.lineno, f"{target} is imported inside {function}(); import "
                                                         "it at module level (if that makes a cycle or breaks "
                                                         "a layer, move the code instead)")
            else:
                yield from visit(child, function)

    yield from visit(tree, None)


def two_module_cycles(root: Path, apps: list[str]) -> list[Problem]:
    """Rule 4: pairs of project modules that import each other."""
    graph = grimp.build_graph(*apps, cache_dir=None)
    problems = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if importer < imported and importer in graph.find_modules_directly_imported_by(imported):
                lines = sorted(
                    {d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)})
                problems.append(Problem(source_path(root, importer), lines[0] if lines else 1,
                                        f"{importer} and {imported} import each other; move what both need "
                                        "into one of them or into a lower module"))
    return problems


def source_path(root: Path, module: str) -> str:
    candidate = Path(*module.split("."))
    return f"{candidate}.py" if (root / f"{candidate}.py").exists() else f"{candidate}/__init__.py"


def main() -> int:
    sys.path.insert(0, str(ROOT))
    apps = project_apps(ROOT)
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    problems = check_config(ROOT, config, apps)
    for path in python_files(ROOT, apps):
        rel = path.relative_to(ROOT)
        if function_imports_allowed(rel):
            continue
        problems.extend(function_imports(ROOT, path, set(apps)))
    problems.extend(two_module_cycles(ROOT, apps))
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} import problem(s); the rules are in docs/architecture.md.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
