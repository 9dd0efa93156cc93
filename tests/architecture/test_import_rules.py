"""bin/check_imports.py: the import rules import-linter cannot express, run by `make lint`.

Each rule is shown to catch a made-up offender in a throwaway project, so a rule that silently stopped
working would fail here; the real project is then held to the configuration rules.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("check_imports", ROOT / "bin" / "check_imports.py")
check_imports = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("check_imports", check_imports)  # dataclasses look their module up there
_spec.loader.exec_module(check_imports)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def config(root_packages: list[str], core: list[str], wiring: list[str]) -> dict:
    return {"tool": {"importlinter": {
        "root_packages": root_packages,
        "contracts": [
            {"id": "layers", "layers": [" : ".join(wiring), "(portal)", " : ".join(core)]},
            {"id": "core-imports-no-app", "source_modules": core,
             "forbidden_modules": [r for r in root_packages if r != "msp"]},
        ],
    }}}


@pytest.fixture
def project(tmp_path):
    write(tmp_path, {
        "msp/__init__.py": "", "msp/apps.py": "", "msp/models.py": "", "msp/urls.py": "",
        "msp/templatetags/__init__.py": "",
        "clients/__init__.py": "", "clients/apps.py": "",
        "tests/__init__.py": "",  # not an app: no apps.py
    })
    return tmp_path


def test_a_consistent_configuration_passes(project):
    cfg = config(["clients", "msp"], ["msp.models", "msp.apps", "msp.templatetags"], ["msp.urls"])
    assert check_imports.project_apps(project) == ["clients", "msp"]
    assert check_imports.check_config(project, cfg, ["clients", "msp"]) == []


def test_an_app_the_contracts_do_not_see_fails(project):
    write(project, {"portal/__init__.py": "", "portal/apps.py": ""})
    cfg = config(["clients", "msp"], ["msp.models", "msp.apps", "msp.templatetags"], ["msp.urls"])
    problems = check_imports.check_config(project, cfg, check_imports.project_apps(project))
    assert [p.message for p in problems] == [
        "app 'portal' is not in [tool.importlinter] root_packages, so no layer contract checks it; add it there"]


def test_an_msp_module_in_no_layer_fails(project):
    write(project, {"msp/pages.py": ""})
    cfg = config(["clients", "msp"], ["msp.models", "msp.apps", "msp.templatetags"], ["msp.urls"])
    problems = check_imports.check_config(project, cfg, ["clients", "msp"])
    assert [p.message for p in problems] == [
        "msp.pages is in no layer of the 'layers' contract; put it in the core layer or the wiring layer"]


def test_the_core_contract_must_name_the_core_layer(project):
    cfg = config(["clients", "msp"], ["msp.models", "msp.apps", "msp.templatetags"], ["msp.urls"])
    cfg["tool"]["importlinter"]["contracts"][1]["source_modules"] = ["msp.models", "msp.apps"]
    problems = check_imports.check_config(project, cfg, ["clients", "msp"])
    assert [p.message for p in problems] == [
        "'core-imports-no-app' must name the core layer's modules; only in the layer: ['msp.templatetags'], "
        "only in the contract: []"]


def test_the_core_contract_must_forbid_every_app(project):
    cfg = config(["clients", "msp"], ["msp.models", "msp.apps", "msp.templatetags"], ["msp.urls"])
    cfg["tool"]["importlinter"]["contracts"][1]["forbidden_modules"] = []
    problems = check_imports.check_config(project, cfg, ["clients", "msp"])
    assert [p.message for p in problems] == [
        "'core-imports-no-app' must forbid every app but msp; missing: ['clients'], extra: []"]


def test_imports_of_apps_inside_functions_are_found(project):
    write(project, {"clients/services.py": """\
        import json

        from msp.models import Msp


        def one():
            from django.db import transaction  # not a project app: allowed
            from . import tasks
            from .models import Client
            import msp.urls
            return transaction, tasks, Client, msp


        class Thing:
            def method(self):
                from msp import models
                return models
        """})
    problems = list(check_imports.function_imports(project, project / "clients" / "services.py",
                                                   {"clients", "msp"}))
    assert [(p.path, p.line, p.message.split(";")[0]) for p in problems] == [
        ("clients/services.py", 8, "clients.tasks is imported inside one()"),
        ("clients/services.py", 9, "clients.models is imported inside one()"),
        ("clients/services.py", 10, "msp.urls is imported inside one()"),
        ("clients/services.py", 16, "msp is imported inside method()"),
    ]


def test_migrations_and_management_commands_may_import_inside_functions():
    allowed = check_imports.function_imports_allowed
    assert (allowed(Path("clients/migrations/0002_x.py")), allowed(Path("msp/management/commands/seed_demo.py")),
            allowed(Path("msp/views.py")), allowed(Path("clients/management.py"))) == (True, True, False, False)


def test_two_modules_importing_each_other_are_found(project, monkeypatch):
    write(project, {
        "clients/reports.py": "from . import tasks\n",
        "clients/tasks.py": "import json\n\n\ndef run():\n    from .reports import x\n    return x\n",
        "clients/views.py": "from . import reports\n",  # one direction only: fine
    })
    monkeypatch.syspath_prepend(str(project))
    for name in [m for m in sys.modules if m == "clients" or m.startswith("clients.")]:
        monkeypatch.delitem(sys.modules, name)
    problems = check_imports.two_module_cycles(project, ["clients", "msp"])
    assert [str(p) for p in problems] == [
        "clients/reports.py:1: clients.reports and clients.tasks import each other; move what both need into "
        "one of them or into a lower module"]


def test_the_project_configuration_covers_every_app_and_msp_module():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert check_imports.check_config(ROOT, cfg, check_imports.project_apps(ROOT)) == []


def test_an_apps_ready_may_load_its_own_modules_only(project):
    write(project, {"clients/apps.py": """\
        from django.apps import AppConfig


        class ClientsConfig(AppConfig):
            name = "clients"

            def ready(self):
                from . import imports
                from msp import csvimport
                return imports, csvimport

            def other(self):
                from . import imports
                return imports
        """})
    problems = list(check_imports.function_imports(project, project / "clients" / "apps.py", {"clients", "msp"}))
    assert [(p.line, p.message.split(";")[0]) for p in problems] == [
        (9, "msp is imported inside ready()"),
        (13, "clients.imports is imported inside other()"),
    ]
