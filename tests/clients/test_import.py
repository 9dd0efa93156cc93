"""Asset CSV import: the pure parser, the upload -> preview pages, and the apply step as a background job
(run eagerly here; tests/clients/test_import_worker.py runs it on a real worker)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from clients import imports
from clients.imports import ExistingAsset, ImportRefused, parse_asset_csv
from clients.models import Asset
from clients.services import asset_create, asset_update
from msp import csvimport
from msp.jobs import job_create
from msp.models import Job
from msp.roles import Role
from tests import factories as f

GOOD = (
    "Name,Kind,Manufacturer,Model,Serial,Purchase_Date,Warranty_End,End_of_Support,Expected_Life_Years,"
    "Replacement_Cost,Status\r\n"
    "FW-01,firewall,Fortinet,FortiGate 60F,FGT-1,2022-03-15,2025-03-15,2028-03-15,5,1250.00,in_service\r\n"
    "Reception PC,Workstation,Dell,OptiPlex 7010,DL-7,6/1/2023,6/1/2026,,4,\"$1,100.50\",Spare\r\n"
    "Office 365,,,,,,,,,,\r\n"
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The fixtures create ten users; the production hasher would make each test take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _upload(content: bytes | str, name: str = "assets.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _url(client, suffix: str = "") -> str:
    return f"/clients/{client.pk}/assets/import/{suffix}"


def _assets(client) -> list[Asset]:
    with scopes_disabled():
        return list(Asset.objects.filter(client=client).order_by("name"))


def _job(response) -> Job:
    """The job a response redirected to."""
    assert response.status_code == 302
    assert response["Location"].startswith("/jobs/")
    with scopes_disabled():
        return Job.objects.get(pk=response["Location"].split("/")[2])


@pytest.fixture
def apply(django_capture_on_commit_callbacks):
    """apply(c, client, preview) posts the apply step and runs the queued task (eagerly) on commit."""

    def _apply(c, client, preview):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = c.post(_url(client), {"apply": "1", "file_digest": preview.context["pending"]["digest"]})
        assert len(callbacks) == 1  # the task is enqueued once the job row has committed
        return response

    return _apply


# --- the parser, without a database ---------------------------------------------------------------------

def test_parse_reads_every_column_and_defaults_blank_kind_and_status():
    result = parse_asset_csv(("\ufeff" + GOOD).encode())
    assert result.errors == []
    assert [r.number for r in result.rows] == [2, 3, 4]
    assert [r.action for r in result.rows] == ["create", "create", "create"]
    assert result.rows[0].values == {
        "name": "FW-01", "kind": "firewall", "manufacturer": "Fortinet", "model": "FortiGate 60F",
        "serial": "FGT-1", "purchase_date": date(2022, 3, 15), "warranty_end": date(2025, 3, 15),
        "end_of_support": date(2028, 3, 15), "expected_life_years": 5, "replacement_cost": Decimal("1250.00"),
        "status": "in_service",
    }
    assert result.rows[1].values == {
        "name": "Reception PC", "kind": "workstation", "manufacturer": "Dell", "model": "OptiPlex 7010",
        "serial": "DL-7", "purchase_date": date(2023, 6, 1), "warranty_end": date(2026, 6, 1),
        "expected_life_years": 4, "replacement_cost": Decimal("1100.50"), "status": "spare",
    }
    assert result.rows[2].values == {"name": "Office 365", "kind": "other", "status": "in_service"}


def test_parse_reports_every_bad_row_and_column():
    text = (
        "name,kind,serial,warranty_end,expected_life_years,replacement_cost,status\n"
        "Good one,server,A1,2025-01-01,5,100,in_service\n"
        ",laptop,A2,,,,\n"
        "Bad kind,toaster,A3,31/12/2025,31,-5,\n"
        "Dup,server,A1,,,,broken\n"
    )
    result = parse_asset_csv(text)
    assert [str(e) for e in result.errors] == [
        "row 3, column name: is required.",
        "row 4, column kind: “toaster” is not a kind; use one of: workstation, laptop, server, firewall, "
        "switch, router, wireless, storage, ups, printer, phone, software, cloud, other.",
        "row 4, column warranty_end: “31/12/2025” is not a real date. Dates with slashes are read as "
        "month/day/year.",
        "row 4, column expected_life_years: must be between 1 and 30 years, not 31.",
        "row 4, column replacement_cost: cannot be negative.",
        "row 5, column serial: “A1” is also on row 2; each serial may appear once.",
        "row 5, column status: “broken” is not a status; use one of: in_service, spare, retired.",
    ]
    assert result.rows == []


def test_parse_matches_existing_serial_as_update_and_keeps_blank_cells_unchanged():
    asset_id = uuid.uuid4()
    result = parse_asset_csv("serial,name,kind,status\nSN1,Renamed,,\nSN2,New,,\n",
                             existing={"SN1": ExistingAsset(id=asset_id, version=3)})
    assert result.errors == []
    update, create = result.rows
    assert (update.action, update.match_id, update.match_version) == ("update", asset_id, 3)
    assert update.values == {"serial": "SN1", "name": "Renamed"}
    assert create.action == "create"
    assert create.values == {"serial": "SN2", "name": "New", "kind": "other", "status": "in_service"}


def test_parse_refuses_unknown_and_missing_columns():
    result = parse_asset_csv("Model,Colour,Location\nX,red,HQ\n")
    assert [str(e) for e in result.errors] == [
        "Unknown columns: Colour, Location. The columns are: name, kind, manufacturer, model, serial, "
        "purchase_date, warranty_end, end_of_support, expected_life_years, replacement_cost, status.",
        "The required column name is missing.",
    ]


@pytest.mark.parametrize(("content", "message"), [
    (b"name\nCaf\xe9\n", "The file is not UTF-8 text (first bad byte on line 2). "
                         "Save it as “CSV UTF-8” and upload it again."),
    (b"PK\x03\x04rest-of-a-zip", "This is a spreadsheet workbook, not a CSV file. "
                                 "In Excel use File › Save As › CSV UTF-8, then upload that file."),
    (b"", "The file is empty."),
    (b"name,serial\n\n", "The file has a header but no asset rows."),
])
def test_parse_refuses_unreadable_files(content, message):
    assert [str(e) for e in parse_asset_csv(content).errors] == [message]


def test_parse_accepts_semicolons_header_spacing_and_labels():
    result = parse_asset_csv(" NAME ;Kind;Purchase Date;Status\nAP-1;Wireless access point;2024-01-02;In service\n")
    assert result.errors == []
    assert result.rows[0].values == {"name": "AP-1", "kind": "wireless", "purchase_date": date(2024, 1, 2),
                                     "status": "in_service"}


def test_template_csv_is_a_valid_import():
    result = parse_asset_csv(imports.template_csv())
    assert result.errors == []
    assert [r.values["name"] for r in result.rows] == ["FW-01", "Reception PC"]


# --- the pages ------------------------------------------------------------------------------------------

def test_good_file_previews_then_applies_exact_values(tenant, login, apply):
    client = tenant.clients[1]  # no assets yet
    tam = tenant.users[Role.TAM]  # TAMs keep asset records
    c = login(tam)

    preview = c.post(_url(client), {"file": _upload("\ufeff" + GOOD)})
    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.errors == []
    assert (result.creates, result.updates) == (3, 0)
    assert "Preview of assets.csv" in preview.content.decode()
    assert _assets(client) == []  # step 1 writes nothing

    done = apply(c, client, preview)
    job = _job(done)
    assert f"asset_import:{client.pk}" not in c.session  # the text moved onto the job...
    assert (job.kind, job.title, job.status) == ("asset_import", "Import assets.csv", "succeeded")
    assert job.result == {"created": 3, "updated": 0}
    assert job.message == "Imported 3 assets: 3 created, 0 updated."
    assert (job.progress_done, job.progress_total, job.error) == (3, 3, "")
    assert job.payload is None  # ...and off the job once it finished
    assert (job.msp_id, job.created_by, job.subject_id, job.subject_label) == (tenant.msp.pk, tam, client.pk,
                                                                              "Alpha Logistics")
    assert job.created_at <= job.started_at <= job.finished_at

    assets = _assets(client)
    assert [a.name for a in assets] == ["FW-01", "Office 365", "Reception PC"]
    fw, office, pc = assets
    assert (fw.kind, fw.manufacturer, fw.model, fw.serial) == ("firewall", "Fortinet", "FortiGate 60F", "FGT-1")
    assert (fw.purchase_date, fw.warranty_end, fw.end_of_support) == (
        date(2022, 3, 15), date(2025, 3, 15), date(2028, 3, 15))
    assert (fw.expected_life_years, fw.replacement_cost, fw.status) == (5, Decimal("1250.00"), "in_service")
    assert (pc.kind, pc.serial, pc.purchase_date, pc.warranty_end, pc.end_of_support) == (
        "workstation", "DL-7", date(2023, 6, 1), date(2026, 6, 1), None)
    assert (pc.replacement_cost, pc.status, pc.expected_life_years) == (Decimal("1100.50"), "spare", 4)
    assert (office.kind, office.status, office.serial, office.replacement_cost) == ("other", "in_service", "", None)
    assert all(a.msp_id == tenant.msp.pk and a.version == 1 for a in assets)

    page = c.get(done["Location"])
    body = page.content.decode()
    assert "Imported 3 assets: 3 created, 0 updated." in body
    assert f'href="/clients/{client.pk}/#assets"' in body
    assert "Back to Alpha Logistics" in body
    assert "hx-trigger" not in body  # finished: nothing polls

    # History: the job's transitions (without the file's text) and the assets, all by the importing TAM.
    with scopes_disabled():
        events = apps.get_model("msp", "JobEvent").objects.filter(pgh_obj_id=job.pk).order_by("pgh_id")
        assert [(e.pgh_label, e.status) for e in events] == [
            ("insert", "queued"), ("update", "running"), ("update", "succeeded")]
        assert events[0].pgh_context.metadata["user"] == str(tam.pk)
        asset_events = apps.get_model("clients", "AssetEvent").objects.filter(pgh_obj__client=client)
        assert {e.pgh_context.metadata["user"] for e in asset_events} == {str(tam.pk)}
        assert asset_events.count() == 3


def test_file_with_three_bad_rows_lists_them_and_writes_nothing(tenant, login):
    client = tenant.clients[1]
    c = login(tenant.users[Role.VCIO])
    text = (
        "name,kind,serial,purchase_date,replacement_cost\n"
        "OK-1,server,S1,2024-01-31,10\n"
        "Bad-date,server,S2,2024-02-30,10\n"
        "OK-2,laptop,S3,,\n"
        "Bad-cost,laptop,S4,,ten dollars\n"
        ",switch,S5,,\n"
    )
    response = c.post(_url(client), {"file": _upload(text)})
    assert response.status_code == 200
    assert [str(e) for e in response.context["result"].errors] == [
        "row 3, column purchase_date: “2024-02-30” is not a real date.",
        "row 5, column replacement_cost: “ten dollars” is not an amount; write it like 1250.00 or $1,250.00.",
        "row 6, column name: is required.",
    ]
    body = response.content.decode()
    assert "Nothing was imported: the file has 3 problems." in body
    assert 'name="apply"' not in body
    assert response.context["pending"] is None
    # Applying without a previewed file is refused too.
    refused = c.post(_url(client), {"apply": "1", "file_digest": "x"}, follow=True)
    assert "This preview has expired" in refused.content.decode()
    assert _assets(client) == []
    with scopes_disabled():
        assert not Job.objects.exists()


def test_rows_with_an_existing_serial_update_that_asset(tenant, login, apply):
    client = tenant.clients[0]
    with scopes_disabled():
        existing = f.AssetFactory(client=client, name="Old name", serial="KEEP-1", manufacturer="HP",
                                  warranty_end=date(2024, 1, 1))
    c = login(tenant.users[Role.OWNER])
    text = "serial,name,warranty_end,manufacturer\nKEEP-1,New name,2027-05-31,\nNEW-9,Brand new,,Lenovo\n"
    preview = c.post(_url(client), {"file": _upload(text)})
    result = preview.context["result"]
    assert [(r.number, r.action) for r in result.rows] == [(2, "update"), (3, "create")]
    job = _job(apply(c, client, preview))
    assert (job.status, job.result, job.message) == ("succeeded", {"created": 1, "updated": 1},
                                                     "Imported 2 assets: 1 created, 1 updated.")
    with scopes_disabled():
        existing.refresh_from_db()
        assert Asset.objects.filter(client=client).count() == 3  # the fixture's asset, KEEP-1, NEW-9
        created = Asset.objects.get(client=client, serial="NEW-9")
    assert (existing.name, existing.warranty_end, existing.manufacturer, existing.kind, existing.version) == (
        "New name", date(2027, 5, 31), "HP", "server", 2)
    assert (created.name, created.manufacturer, created.kind) == ("Brand new", "Lenovo", "other")


def test_an_unterminated_quote_is_refused_with_its_row(tenant, login):
    """It used to be read to the end of the file as one cell, i.e. one odd asset; now the file is refused."""
    client = tenant.clients[1]
    text = 'name,serial,model\nFW-01,S1,FortiGate\n"Reception PC,S2,OptiPlex\nNAS,S3,DS920\n'
    response = login(tenant.users[Role.TAM]).post(_url(client), {"file": _upload(text)})
    assert [str(e) for e in response.context["result"].errors] == [
        "row 3: a quoted value is never closed: a cell starts with a double quote (\") and no closing quote "
        "follows, so the rest of the file would be read as that one cell. Close the quote, or double a quote "
        "that is part of the text (\"\")."]
    body = response.content.decode()
    assert "Nothing was imported: the file has 1 problem." in body
    assert response.context["pending"] is None
    assert _assets(client) == []


def test_unknown_column_is_refused_by_name(tenant, login):
    c = login(tenant.users[Role.VCIO])
    response = c.post(_url(tenant.clients[1]), {"file": _upload("name,location,Owner\nA,HQ,me\n")})
    assert [str(e) for e in response.context["result"].errors] == [
        "Unknown columns: location, Owner. The columns are: name, kind, manufacturer, model, serial, "
        "purchase_date, warranty_end, end_of_support, expected_life_years, replacement_cost, status."]
    assert _assets(tenant.clients[1]) == []


def test_non_utf8_wrong_type_and_oversized_uploads_are_refused(tenant, login, monkeypatch):
    c = login(tenant.users[Role.VCIO])
    url = _url(tenant.clients[1])
    latin1 = c.post(url, {"file": _upload("name\nCafé\n".encode("latin-1"))})
    assert latin1.context["form"].errors["file"] == [
        "The file is not UTF-8 text (first bad byte on line 2). Save it as “CSV UTF-8” and upload it again."]
    xlsx = c.post(url, {"file": _upload(b"PK\x03\x04", name="assets.xlsx")})
    assert xlsx.context["form"].errors["file"] == ["Upload a .csv file (in Excel: File › Save As › CSV UTF-8)."]
    # The limit is the import's (5 MB); a smaller one keeps the test's upload small. The message names both.
    monkeypatch.setattr(imports, "MAX_BYTES", 1024 * 1024)
    big = c.post(url, {"file": _upload("name\n" + "x" * (1024 * 1024 * 3 // 2 - 5))})
    assert big.context["form"].errors["file"] == [
        "The file is 1.5 MB; the limit is 1 MB. Split it into smaller files."]
    assert _assets(tenant.clients[1]) == []


def test_apply_refuses_when_an_asset_changed_since_the_preview(tenant, login, apply):
    client = tenant.clients[0]
    c = login(tenant.users[Role.VCIO])
    preview = c.post(_url(client), {"file": _upload(f"serial,name\n{tenant.asset.serial},Renamed\nZ-1,New\n")})
    assert [r.action for r in preview.context["result"].rows] == ["update", "create"]
    with scope(msp=tenant.msp):
        asset_update(asset=Asset.objects.get(pk=tenant.asset.pk), actor=None, name="Edited meanwhile")
    job = _job(apply(c, client, preview))
    assert (job.status, job.message, job.result, job.payload) == (
        "failed", "Nothing was imported: 1 problem.", {}, None)
    assert job.errors == [
        f"row 2: the asset with serial “{tenant.asset.serial}” was changed by someone else after the preview."]
    with scopes_disabled():
        assert Asset.objects.get(pk=tenant.asset.pk).name == "Edited meanwhile"
        assert not Asset.objects.filter(serial="Z-1").exists()
    page = c.get(f"/jobs/{job.pk}/").content.decode()
    assert "Nothing was imported: 1 problem." in page
    assert "was changed by someone else after the preview." in page
    # A fresh preview can be applied.
    again = c.post(_url(client), {"file": _upload(f"serial,name\n{tenant.asset.serial},Renamed\nZ-1,New\n")})
    assert _job(apply(c, client, again)).status == "succeeded"
    with scopes_disabled():
        assert Asset.objects.get(pk=tenant.asset.pk).name == "Renamed"


def test_serial_taken_between_preview_and_apply_fails_the_job_and_writes_nothing(tenant, login, apply):
    """Someone adds an asset with a serial from the file after the preview: the row that was to create an
    asset would now update theirs, so the whole import is refused with that row named."""
    client = tenant.clients[1]
    c = login(tenant.users[Role.TAM])
    text = "name,serial,kind\nCore switch,SW-1,switch\nNAS,NAS-1,storage\nEdge router,RT-1,router\n"
    preview = c.post(_url(client), {"file": _upload(text)})
    assert (preview.context["result"].creates, preview.context["result"].updates) == (3, 0)
    with scope(msp=tenant.msp):
        theirs = asset_create(client=client, actor=tenant.users[Role.VCIO], name="Router (by hand)",
                              serial="RT-1", kind="router")
    job = _job(apply(c, client, preview))
    assert (job.status, job.message, job.result) == ("failed", "Nothing was imported: 1 problem.", {})
    assert job.error == ("row 4, column serial: “RT-1” now belongs to another asset of this client (added or "
                         "edited after the preview), so this row would update that asset instead of creating a "
                         "new one.")
    assert (job.progress_done, job.progress_total, job.payload) == (3, 3, None)
    assert [a.pk for a in _assets(client)] == [theirs.pk]  # nothing of the file was written
    assert theirs.version == 1


def test_apply_is_all_or_nothing(tenant):
    """A row the services refuse rolls back the rows written before it, and is named with its column."""
    client = tenant.clients[1]
    result = parse_asset_csv("name,serial\nFirst,X-1\nSecond,X-2\n")
    result.rows[1].values["expected_life_years"] = 99  # invalid at the model level
    with scope(msp=tenant.msp), pytest.raises(ImportRefused) as refused:
        imports.asset_import_apply(client=client, actor=tenant.users[Role.VCIO], rows=result.rows)
    assert [str(e) for e in refused.value.errors] == [
        "row 3, column expected_life_years: Ensure this value is less than or equal to 30."]
    assert _assets(client) == []


def test_serial_collision_at_write_time_is_named_and_rolls_back(tenant):
    """A serial that became taken after the rows were checked is caught by the database rule."""
    client = tenant.clients[1]
    result = parse_asset_csv("name,serial\nFirst,X-1\nSecond,X-2\n")
    with scope(msp=tenant.msp):
        asset_create(client=client, actor=None, name="Meanwhile", serial="X-2")
        with pytest.raises(ImportRefused) as refused:
            imports.asset_import_apply(client=client, actor=None, rows=result.rows)
    assert [str(e) for e in refused.value.errors] == [
        "row 3, column serial: This client already has an asset with this serial number."]
    assert [a.name for a in _assets(client)] == ["Meanwhile"]


def test_apply_task_reports_progress_as_it_checks_rows(tenant, monkeypatch):
    """Progress is written while rows are checked (throttled), then set to the total before saving."""
    client = tenant.clients[1]
    seen = []
    real = csvimport.job_progress

    def spy(*, job, done, total, message):
        seen.append((done, total, message))
        real(job=job, done=done, total=total, message=message)

    monkeypatch.setattr(csvimport, "job_progress", spy)
    monkeypatch.setattr("msp.jobs.job_progress", spy)
    text = "name\n" + "".join(f"PC-{n}\n" for n in range(5))
    with scope(msp=tenant.msp):
        job = job_create(msp=tenant.msp, kind="asset_import", title="Import pcs.csv", created_by=None,
                         payload={"text": text, "name": "pcs.csv", "plan": {}, "target": str(client.pk)})
        done = csvimport.csv_import_run(job_id=job.pk)
    # The reporter writes the first row at once, then at most every half second, and always the end.
    assert seen[0] == (0, 5, "Checked 0 of 5 rows")
    assert seen[-2:] == [(5, 5, "Checked 5 of 5 rows"), (5, 5, "Saving 5 assets…")]
    assert (done.status, done.result, done.progress_done, done.progress_total) == (
        "succeeded", {"created": 5, "updated": 0}, 5, 5)
    # A second delivery of the same task does nothing.
    with scope(msp=tenant.msp):
        assert csvimport.csv_import_run(job_id=job.pk) is None
    assert len(_assets(client)) == 5


def test_template_download_and_permissions(tenant, other_tenant, login):
    client = tenant.clients[0]
    response = login(tenant.users[Role.TAM]).get(_url(client, "template.csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="asset-import-template.csv"'
    assert response.content.startswith(b"\xef\xbb\xbfname,kind,manufacturer,model,serial,")
    assert login(tenant.users[Role.VIEWER]).get(_url(client)).status_code == 403
    assert login(tenant.users[Role.CLIENT]).get(_url(client)).status_code == 404
    assert login(other_tenant.users[Role.OWNER]).get(_url(client)).status_code == 404
    assert login(other_tenant.users[Role.OWNER]).get(_url(client, "template.csv")).status_code == 404
