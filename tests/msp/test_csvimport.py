"""The CSV import pipeline itself (msp.csvimport, msp.csvfiles), through a small import written here the way a
new app plugs in: contacts of a client, matched by email. Assets and the standards library have their own
tests (tests/clients/test_import.py, tests/standards/test_csv.py); the real worker runs one in
tests/clients/test_import_worker.py."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import validate_email
from django_scopes import scope, scopes_disabled

from clients import imports as asset_imports
from clients.models import Client, Contact
from clients.services import contact_create, contact_update
from msp import csvimport
from msp.csvfiles import CsvSyntaxError, ImportFileError, read_records
from msp.csvimport import ApplyContext, ImportRefused, ImportRow, ImportSpec, RowError, UniqueColumn
from msp.jobs import job_create
from msp.models import Job
from msp.roles import Role
from standards import csv_io

pytestmark = pytest.mark.django_db

FIELDS = {"name": "name", "email": "email", "title": "title", "decision_maker": "is_decision_maker"}
UNCLOSED = ("a quoted value is never closed: a cell starts with a double quote (\") and no closing quote follows, "
            "so the rest of the file would be read as that one cell. Close the quote, or double a quote that is "
            "part of the text (\"\").")


def _cell(column: str, value: str, existing):
    if column == "email":
        try:
            validate_email(value)
        except ValidationError:
            raise ValueError(f"“{value}” is not an email address.") from None
        return value.lower()
    if column == "decision_maker":
        if value.lower() not in ("yes", "no"):
            raise ValueError(f"“{value}” is not yes or no.")
        return value.lower() == "yes"
    return value  # name, title: their length is left to the model, to show service errors named by row


def _classify(row: ImportRow, existing: dict) -> list[RowError]:
    match = existing.get(row.values["email"])
    if match is not None:
        row.match(match, changes=[c for c, v in row.values.items() if getattr(match, FIELDS[c]) != v])
    return []


def _apply(row: ImportRow, ctx: ApplyContext) -> None:
    fields = {FIELDS[c]: v for c, v in row.values.items()}
    if row.match_id is None:
        contact_create(client=ctx.target, actor=ctx.actor, **fields)
    else:
        contact_update(contact=Contact.objects.get(pk=row.match_id), actor=ctx.actor,
                       expected_version=row.match_version, **{FIELDS[c]: row.values[c] for c in row.changes})


CONTACTS = ImportSpec(
    kind="test_contact_import",
    columns=("name", "email", "title", "decision_maker"),
    required=("name", "email"),
    parse_cell=_cell,
    classify=_classify,
    apply_row=_apply,
    load=lambda client: {c.email: c for c in Contact.objects.filter(client=client, archived_at__isnull=True)},
    target_model=Client,
    noun="contact",
    nouns="contacts",
    unique=(UniqueColumn("email", "email address", ignore_case=True),),
    subject=lambda client: (client.pk, client.name, f"/clients/{client.pk}/"),
    max_rows=5,
)


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    """The test import is known to the pipeline for the length of a test."""
    monkeypatch.setitem(csvimport._REGISTRY, CONTACTS.kind, CONTACTS)


@pytest.fixture
def people(tenant):
    """The second client (no contacts yet) with two: Ann (to be updated), Bob (to be left unchanged)."""
    client = tenant.clients[1]
    with scope(msp=tenant.msp):
        ann = contact_create(client=client, actor=None, name="Ann Lee", email="ann@dental.test", title="Office")
        bob = contact_create(client=client, actor=None, name="Bob Ray", email="bob@dental.test", title="IT")
    return client, ann, bob


def parse(text, **kw):
    return csvimport.csv_import_parse(CONTACTS, text, existing=kw.pop("existing", {}), **kw)


def errors(text, **kw) -> list[str]:
    return [str(e) for e in parse(text, **kw).errors]


def contacts(client) -> list[tuple]:
    with scopes_disabled():
        return list(Contact.objects.filter(client=client).order_by("email")
                    .values_list("name", "email", "title", "is_decision_maker", "version"))


# --- reading: strict, bounded, every problem with its row and column --------------------------------------


def test_an_unterminated_quote_is_refused_with_its_row_not_read_as_one_odd_row():
    """The defect: Python's csv reader, left lenient, reads an unclosed quote to the end of the file as one
    cell, so the file looked like a short odd row. It is refused, naming the row where the quote opens."""
    text = "name,email\nAnn Lee,ann@x.test\n\"Bob Ray,bob@x.test\nCarl Dunn,carl@x.test\n"
    result = parse(text)
    assert [str(e) for e in result.errors] == [f"row 3: {UNCLOSED}"]
    assert (result.errors[0].row, result.errors[0].column) == (3, None)
    assert result.rows == []
    # Rows are counted as a spreadsheet shows them: a quoted cell over two lines is one row.
    assert errors("name,email\n\"Ann\nLee\",ann@x.test\nBob,bob@x.test\n\"Carl,carl@x.test\n") == [
        f"row 4: {UNCLOSED}"]
    # Bytes go through the same reader.
    assert errors(text.encode()) == [f"row 3: {UNCLOSED}"]


def test_text_after_a_closing_quote_is_refused_with_its_row():
    assert errors('name,email\nAnn,ann@x.test\n"Bob" Ray,bob@x.test\n') == [
        "row 3: a quoted value is followed by more text before the next “,”. Quote the whole cell and double "
        "every quote inside it (\"\")."]
    assert errors('name;email\n"Bob" Ray;bob@x.test\n') == [
        "row 2: a quoted value is followed by more text before the next “;”. Quote the whole cell and double "
        "every quote inside it (\"\")."]
    # A quote inside an unquoted cell is text, as spreadsheets write it.
    assert parse('name,email\nBob "the boss" Ray,bob@x.test\n').rows[0].values["name"] == 'Bob "the boss" Ray'


def test_read_records_is_strict_and_bounded():
    assert read_records('a,b\n"x, y",2\r\n\n3,4', max_rows=3) == [["a", "b"], ["x, y", "2"], [], ["3", "4"]]
    with pytest.raises(CsvSyntaxError) as unclosed:
        read_records('a\n1\n"2\n3\n', max_rows=10)
    assert (unclosed.value.row, str(unclosed.value)) == (3, f"row 3: {UNCLOSED}")
    with pytest.raises(ImportFileError, match="The file has 3 rows after the header; an import takes at most 2"):
        read_records("a\n1\n2\n3\n", max_rows=2)


def test_size_and_row_count_are_bounded():
    six = "name,email\n" + "".join(f"P{n},p{n}@x.test\n" for n in range(6))
    assert errors(six) == ["The file has 6 rows after the header; an import takes at most 5. Split it into files of "
                           "at most 5 rows. Nothing was changed."]
    assert len(parse(six.rsplit("P5", 1)[0]).rows) == 5
    small = dataclasses.replace(CONTACTS, max_bytes=1024 * 1024)
    big = "name,email\n" + "x" * (2 * 1024 * 1024)
    assert [str(e) for e in csvimport.csv_import_parse(small, big).errors] == [
        "The file is 2 MB; the limit is 1 MB. Split it into smaller files."]


def test_header_is_checked_by_name():
    assert errors("Name,Phone,Fax, EMAIL ,name\nx,1,2,a@x.test,y\n") == [
        "The column name appears more than once.",
        "Unknown columns: Phone, Fax. The columns are: name, email, title, decision_maker.",
    ]
    assert errors("title,decision_maker\nBoss,yes\n") == [
        "The required column name is missing.", "The required column email is missing."]
    assert errors("") == ["The file is empty."]
    assert errors(" \r\n") == ["The file is empty."]
    assert errors("name,email\n\n") == ["The file has a header but no contacts."]
    assert errors(b"PK\x03\x04") == [
        "This is a spreadsheet workbook, not a CSV file. In Excel use File › Save As › CSV UTF-8, then upload "
        "that file."]


def test_every_problem_is_named_by_row_and_column_in_the_order_of_the_row():
    text = ("Email,Name,Title,Decision maker,\n"
            "ann@x.test,Ann,,yes,\n"
            "not-an-address,,Boss,perhaps,\n"
            "ANN@x.test,Ann again,,,\n"
            "dee@x.test,Dee,,no,stray\n"
            "eve@x.test,Eve,,no,,extra\n")
    result = parse(text)
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "email"), (3, "name"), (3, "decision_maker"), (4, "email"), (5, None), (6, None)]
    assert [str(e) for e in result.errors] == [
        "row 3, column email: “not-an-address” is not an email address.",
        "row 3, column name: is required.",
        "row 3, column decision_maker: “perhaps” is not yes or no.",
        "row 4, column email: “ann@x.test” is also on row 2; each email address may appear once.",
        "row 5: a value is in a column without a header name.",
        "row 6: has 6 cells but the header has 5 columns.",
    ]
    assert result.rows == []  # rows come back only from a clean file
    assert [e.as_dict() for e in result.errors][0] == {
        "row": 3, "column": "email", "message": "“not-an-address” is not an email address.",
        "text": "row 3, column email: “not-an-address” is not an email address."}


def test_read_upload_refuses_what_is_not_a_csv_file():
    def upload(data: bytes, name="people.csv"):
        return SimpleUploadedFile(name, data, content_type="text/csv")

    assert csvimport.read_upload(upload("\ufeffname\nZoë\n".encode())) == "name\nZoë\n"
    with pytest.raises(ImportFileError, match="Upload a .csv file"):
        csvimport.read_upload(upload(b"name\n", name="people.xlsx"))
    with pytest.raises(ImportFileError, match="first bad byte on line 2"):
        csvimport.read_upload(upload("name\nZoë\n".encode("latin-1")))
    with pytest.raises(ImportFileError, match=r"^The file is 1\.5 MB; the limit is 1 MB\. Split it"):
        csvimport.read_upload(upload(b"x" * (3 * 1024 * 1024 // 2)), max_bytes=1024 * 1024)


# --- preview and apply --------------------------------------------------------------------------------------


def test_preview_says_what_each_row_would_do(tenant, people):
    client, ann, bob = people
    text = ("name,email,title\n"
            "Ann Lee,ANN@dental.test,Practice manager\n"
            "Bob Ray,bob@dental.test,IT\n"
            "Cy Fox,cy@dental.test,\n")
    with scope(msp=tenant.msp):
        preview = csvimport.csv_import_preview(CONTACTS, target=client, content=text)
    assert preview.errors == []
    assert [(r.number, r.action, r.changes, r.match_id) for r in preview.rows] == [
        (2, "update", ["title"], ann.pk), (3, "unchanged", [], bob.pk), (4, "create", [], None)]
    assert (preview.creates, preview.updates, preview.unchanged, preview.ok) == (1, 1, 1, True)
    assert preview.columns == ["name", "email", "title"]
    assert [r.display for r in preview.rows] == [
        ["Ann Lee", "ann@dental.test", "Practice manager"], ["Bob Ray", "bob@dental.test", "IT"],
        ["Cy Fox", "cy@dental.test", ""]]
    assert preview.plan() == {"2": [str(ann.pk), 1], "3": [str(bob.pk), 1]}
    assert contacts(client)[0][2] == "Office"  # a preview writes nothing


def test_apply_writes_all_rows_or_none(tenant, people):
    client, ann, _ = people
    good = "name,email,title\nAnn Lee,ann@dental.test,Practice manager\nCy Fox,cy@dental.test,Owner\n"
    bad = good + f"Di Long,di@dental.test,{'x' * 151}\n"  # the model refuses the title of the last row
    with scope(msp=tenant.msp), pytest.raises(ImportRefused) as refused:
        csvimport.csv_import_apply(CONTACTS, target=client, actor=tenant.users[Role.VCIO], content=bad)
    assert [str(e) for e in refused.value.errors] == [
        "row 4, column title: Ensure this value has at most 150 characters (it has 151)."]
    before = [("Ann Lee", "ann@dental.test", "Office", False, 1), ("Bob Ray", "bob@dental.test", "IT", False, 1)]
    assert contacts(client) == before  # the two rows before it were rolled back

    with scope(msp=tenant.msp):
        summary = csvimport.csv_import_apply(CONTACTS, target=client, actor=tenant.users[Role.VCIO], content=good)
    assert summary.as_dict() == {"created": 1, "updated": 1, "unchanged": 0}
    assert (summary.created, summary.updated) == (1, 1)
    assert contacts(client) == [("Ann Lee", "ann@dental.test", "Practice manager", False, 2),
                                before[1], ("Cy Fox", "cy@dental.test", "Owner", False, 1)]


def test_apply_refuses_the_file_when_records_changed_since_the_preview(tenant, people):
    client, ann, _ = people
    text = "name,email,title\nAnn Lee,ann@dental.test,Practice manager\nCy Fox,cy@dental.test,\n"
    with scope(msp=tenant.msp):
        plan = csvimport.csv_import_preview(CONTACTS, target=client, content=text).plan()
        contact_update(contact=Contact.objects.get(pk=ann.pk), actor=None, phone="555-0100")
        contact_create(client=client, actor=None, name="Cy Fox", email="cy@dental.test")
        with pytest.raises(ImportRefused) as refused:
            csvimport.csv_import_apply(CONTACTS, target=client, actor=None, content=text, plan=plan)
    assert [str(e) for e in refused.value.errors] == [
        "row 2: the contact it updates was changed by someone else after the preview.",
        "row 3: a matching contact was added after the preview, so this row would update it instead of "
        "creating one.",
    ]
    with scopes_disabled():
        assert Contact.objects.get(pk=ann.pk).title == "Office"


# --- the job ------------------------------------------------------------------------------------------------


def test_enqueue_runs_one_generic_task_that_finishes_the_job(tenant, people, django_capture_on_commit_callbacks):
    client, ann, bob = people
    tam = tenant.users[Role.TAM]
    text = ("name,email,title\nAnn Lee,ann@dental.test,Practice manager\nBob Ray,bob@dental.test,IT\n"
            "Cy Fox,cy@dental.test,\n")
    with scope(msp=tenant.msp):
        plan = csvimport.csv_import_preview(CONTACTS, target=client, content=text).plan()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            job = csvimport.csv_import_enqueue(CONTACTS, target=client, actor=tam, text=text, name="people.csv",
                                               plan=plan)
            assert job.status == "queued"
    assert len(callbacks) == 1  # queued once the job row has committed
    with scopes_disabled():
        job.refresh_from_db()
    assert (job.kind, job.title, job.status, job.created_by) == ("test_contact_import", "Import people.csv",
                                                                 "succeeded", tam)
    assert job.message == "Imported 3 contacts: 1 created, 1 updated, 1 unchanged."
    assert job.result == {"created": 1, "updated": 1, "unchanged": 1}
    assert (job.progress_done, job.progress_total, job.payload) == (3, 3, None)
    assert (job.subject_id, job.subject_label, job.subject_url) == (client.pk, client.name, f"/clients/{client.pk}/")
    assert [c[:3] for c in contacts(client)] == [("Ann Lee", "ann@dental.test", "Practice manager"),
                                                 ("Bob Ray", "bob@dental.test", "IT"),
                                                 ("Cy Fox", "cy@dental.test", "")]
    # Run again (a task delivered twice): the job is not queued any more, nothing happens.
    with scope(msp=tenant.msp):
        assert csvimport.csv_import_run(job_id=job.pk) is None
    assert len(contacts(client)) == 3


def test_a_refused_file_fails_the_job_with_every_problem(tenant, people):
    client, _, _ = people
    text = "name,email\nAnn,ann@dental.test\n,nobody@dental.test\nCarl,\"carl@dental.test\n"
    with scope(msp=tenant.msp):
        job = job_create(msp=tenant.msp, kind=CONTACTS.kind, title="Import people.csv", created_by=None,
                         payload={"text": text, "name": "people.csv", "plan": {}, "target": str(client.pk)})
        done = csvimport.csv_import_run(job_id=job.pk)
    assert (done.status, done.message, done.result, done.payload) == (
        "failed", "Nothing was imported: 1 problem.", {}, None)
    assert done.errors == [f"row 4: {UNCLOSED}"]
    assert len(contacts(client)) == 2


def test_a_job_whose_target_is_not_found_or_whose_kind_is_unknown_fails(tenant, other_tenant, people,
                                                                        monkeypatch):
    client, _, _ = people

    def job(target):
        return job_create(msp=tenant.msp, kind=CONTACTS.kind, title="Import x.csv", created_by=None,
                          payload={"text": "name,email\nA,a@x.test\n", "name": "x.csv", "plan": {},
                                   "target": str(target.pk)})

    # The target is looked up in the job's tenant scope: another MSP's client is not found.
    with scope(msp=tenant.msp):
        done = csvimport.csv_import_run(job_id=job(other_tenant.clients[0]).pk)
    assert (done.status, done.message, done.errors) == (
        "failed", "Nothing was imported.", ["What the file was to be imported into no longer exists."])
    with scopes_disabled():
        assert not Contact.objects.filter(email="a@x.test").exists()

    monkeypatch.delitem(csvimport._REGISTRY, CONTACTS.kind)
    with scope(msp=tenant.msp):
        orphan = job(client)
        with pytest.raises(LookupError, match="No CSV import is registered"):
            csvimport.csv_import_run(job_id=orphan.pk)
    with scopes_disabled():
        failed = Job.objects.get(pk=orphan.pk)
    assert (failed.status, failed.message) == (
        "failed", "The import stopped on an unexpected error. Nothing was imported.")
    assert len(contacts(client)) == 2


def test_an_import_into_the_msp_itself_runs_as_a_job_too(tenant, other_tenant, django_capture_on_commit_callbacks):
    """The library import applies inline on its pages; the same spec runs on the generic task, into the job's
    own MSP only."""
    text = ("category,name,question,why,how,priority,frequency\n"
            "Backup,Offsite copy,Is a copy of every backup kept offsite?,Fire.,Look.,high,yearly\n")
    owner = tenant.users[Role.OWNER]
    with scope(msp=tenant.msp):
        plan = csv_io.library_import_preview(msp=tenant.msp, content=text).plan()
        with django_capture_on_commit_callbacks(execute=True):
            job = csvimport.csv_import_enqueue(csv_io.LIBRARY_IMPORT, target=tenant.msp, actor=owner, text=text,
                                               name="library.csv", plan=plan)
        job.refresh_from_db()
        assert csv_io.export_csv().count("\r\n") == 2
    assert (job.kind, job.status, job.message) == (
        "library_import", "succeeded", "Imported 1 standard: 1 created, 0 updated, 0 unchanged.")
    assert job.result == {"created": 1, "updated": 0, "unchanged": 0, "categories_created": 1,
                          "frameworks_created": 0}
    assert (job.subject_label, job.subject_url) == ("Standards library", "/standards/")
    with scope(msp=tenant.msp):
        foreign = job_create(msp=tenant.msp, kind="library_import", title="Import x.csv", created_by=None,
                             payload={"text": text, "name": "x.csv", "plan": {}, "target": str(other_tenant.msp.pk)})
        done = csvimport.csv_import_run(job_id=foreign.pk)
    assert (done.status, done.errors) == ("failed", ["What the file was to be imported into no longer exists."])
    with scope(msp=other_tenant.msp):
        assert csv_io.export_csv().count("\r\n") == 1  # the header only


def test_the_registry_knows_the_apps_imports_by_kind():
    assert csvimport.csv_import_spec("asset_import") is asset_imports.ASSET_IMPORT
    assert csvimport.csv_import_spec("library_import") is csv_io.LIBRARY_IMPORT
    assert csvimport.csv_import_register(CONTACTS) is CONTACTS  # the same spec again is fine
    with pytest.raises(ValueError, match="already registered"):
        csvimport.csv_import_register(dataclasses.replace(CONTACTS, noun="person"))
    with pytest.raises(LookupError):
        csvimport.csv_import_spec("nothing_import")
