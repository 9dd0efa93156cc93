"""CSV export and import of the library: exact format, round trip, all-or-nothing with row errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django_scopes import scope

from msp.roles import Role
from standards import csv_io, services
from standards.models import Category, Framework, Standard, StandardRevision
from standards.validators import EXAMPLE

from .conftest import make_answer

pytestmark = pytest.mark.django_db

HEADER = "category,name,question,why,how,reference_url,priority,frequency,tags,frameworks,status,last_reviewed_on\r\n"


def export(tenant) -> str:
    with scope(msp=tenant.msp):
        return csv_io.export_csv()


def apply(tenant, text, **kw):
    with scope(msp=tenant.msp):
        return csv_io.library_import_apply(msp=tenant.msp, actor=tenant.users[Role.OWNER], content=text, **kw)


def test_export_is_exact(tenant, library):
    with scope(msp=tenant.msp):
        services.standard_mark_reviewed(standard=library.restore, actor=None, on=dt.date(2025, 11, 3))
    assert export(tenant) == HEADER + (
        "Backup,Offsite backup,Is a copy of every backup kept offsite?,A fire takes the server and the backup.,"
        "Check the offsite job history.,https://www.cisa.gov/resources-tools,high,quarterly,backup;offsite,HIPAA,"
        "active,\r\n"
        "Backup,Restore test,Was a restore tested in the last year?,Untested backups fail when needed.,"
        "Restore a file and open it.,,medium,yearly,backup,,active,2025-11-03\r\n"
        "Firewalls,Firewall firmware,Is the firewall firmware current?,Old firmware has holes.,"
        "Compare with the vendor's release list.,,high,monthly,network,PCI DSS,active,\r\n"
        "Firewalls,Old rule,Is the old rule in place?,Legacy.,Look.,,low,yearly,,,retired,\r\n"
    )


def test_round_trip_into_an_empty_library_is_byte_exact(tenant, other_tenant, library):
    msp, actor = tenant.msp, tenant.users[Role.OWNER]
    with scope(msp=msp):
        power = services.category_create(msp=msp, actor=actor, name="Power, UPS & \"generators\"")
        cis = services.framework_create(msp=msp, actor=actor, code="CIS v8", name="CIS Controls")
        services.standard_create(
            msp=msp, actor=actor, category=power, name="=UPS runtime", priority="low", frequency="semiannual",
            question="Does the UPS hold the server for 15 minutes?",
            why="-A power cut corrupts databases.\nAnd \"clean\" shutdowns matter.",
            how="1. Open the UPS console\n2. Read the runtime, then test; note it",
            reference_url="https://www.apc.com/us/en/faqs/FA158852/", tags=["power", "ups", "@home"],
            frameworks=[cis, library.hipaa], last_reviewed_on=dt.date(2024, 2, 29))
        services.category_reorder(msp=msp, actor=None, order=[power.pk])
    first = export(tenant)
    assert "'=UPS runtime" in first  # a formula-like cell is escaped for spreadsheets
    with scope(msp=other_tenant.msp):
        assert not Standard.objects.exists()
    summary = apply(other_tenant, first)
    assert summary.as_dict() == {"created": 5, "updated": 0, "unchanged": 0, "categories_created": 3,
                                 "frameworks_created": 3}
    assert export(other_tenant) == first
    with scope(msp=other_tenant.msp):
        ups = Standard.objects.get(name="=UPS runtime")
        assert ups.why == "-A power cut corrupts databases.\nAnd \"clean\" shutdowns matter."
        assert ups.tags == ["@home", "power", "ups"]
        assert ups.last_reviewed_on == dt.date(2024, 2, 29)
        assert Standard.objects.get(name="Old rule").status == "retired"
        assert [c.name for c in Category.objects.order_by("position")] == [
            "Power, UPS & \"generators\"", "Backup", "Firewalls"]
    # Importing the same file again changes nothing.
    assert apply(other_tenant, first).as_dict() == {"created": 0, "updated": 0, "unchanged": 5,
                                                    "categories_created": 0, "frameworks_created": 0}
    with scope(msp=other_tenant.msp):
        assert set(Standard.objects.values_list("version", flat=True)) == {1}


BAD_FILE = (
    "category,name,question,why,how,reference_url,priority,frequency,tags,frameworks,status,last_reviewed_on\n"
    "Backup,Good one,Is it good?,w,h,,high,yearly,,,active,\n"
    "Backup,Disk space,How much space is free?,w,h,,high,yearly,,,,\n"
    "Backup,Bad values,Is it ok?,w,h,not a url,urgent,weekly,,,,\n"
    "Backup,good ONE,Is it a duplicate?,,h,,low,yearly,,,,2999-01-01\n"
)


def test_import_reports_every_bad_row_and_writes_nothing(tenant, library):
    with scope(msp=tenant.msp):
        before = list(Standard.objects.order_by("pk").values_list("pk", "version"))
    with pytest.raises(csv_io.ImportRefused) as exc:
        apply(tenant, BAD_FILE)
    assert [str(e) for e in exc.value.errors] == [
        f"row 3, column question: “How much space is free?” is an open question. Phrase it so it can only be "
        f"answered yes or no, with yes as the healthy answer: {EXAMPLE}.",
        "row 4, column reference_url: “not a url” is not a web address; write it like "
        "https://www.cisa.gov/secure-our-world.",
        "row 4, column priority: “urgent” is not a priority; use one of: high, medium, low.",
        "row 4, column frequency: “weekly” is not a review frequency; use one of: monthly, quarterly, semiannual, "
        "yearly.",
        "row 5, column name: “good ONE” is also on row 2; each standard name may appear once.",
        "row 5, column why: is required.",
        "row 5, column last_reviewed_on: 2999-01-01 is in the future.",
    ]
    assert {e.row for e in exc.value.errors} == {3, 4, 5}
    with scope(msp=tenant.msp):
        assert list(Standard.objects.order_by("pk").values_list("pk", "version")) == before
        assert not Standard.objects.filter(name="Good one").exists()


def test_header_problems(tenant):
    result = csv_io.parse_library_csv("category,name,colour\n", today=dt.date(2026, 1, 1))
    assert [str(e) for e in result.errors] == [
        "Unknown column: colour. The columns are: category, name, question, why, how, reference_url, priority, "
        "frequency, tags, frameworks, status, last_reviewed_on.",
        "The required column question is missing.",
        "The required column why is missing.",
        "The required column how is missing.",
        "The required column priority is missing.",
        "The required column frequency is missing.",
    ]
    assert [str(e) for e in csv_io.parse_library_csv(b"PK\x03\x04xx", today=dt.date(2026, 1, 1)).errors] == [
        "This is a spreadsheet workbook, not a CSV file. In Excel use File › Save As › CSV UTF-8, then upload "
        "that file."]
    assert [str(e) for e in csv_io.parse_library_csv(HEADER, today=dt.date(2026, 1, 1)).errors] == [
        "The file has a header but no standards."]


def test_import_updates_by_name_through_the_service(tenant, library):
    answer = make_answer(tenant, library.offsite)
    text = export(tenant)
    text = text.replace("Is a copy of every backup kept offsite?", "Is an encrypted copy of every backup offsite?")
    text = text.replace("Restore a file and open it.", "Restore a file then open it.")
    text = text.replace("Firewalls,Old rule", "Firewalls,OLD RULE").replace(",retired,", ",active,")
    text += ("Email,SPF record,Does the domain publish an SPF record?,Spoofing.,Look up TXT.,,medium,yearly,,"
             "NIST CSF,,\r\n")
    with scope(msp=tenant.msp):
        preview = csv_io.library_import_preview(msp=tenant.msp, content=text)
    assert [(r.number, r.action, r.changes, r.notes) for r in preview.rows] == [
        (2, "update", ["question"], ["new text revision"]),
        (3, "update", ["how"], []),
        (4, "unchanged", [], []),
        (5, "update", ["name", "status"], []),
        (6, "create", [], []),
    ]
    assert preview.extra == {"new_categories": ["Email"], "new_frameworks": ["NIST CSF"]}
    summary = apply(tenant, text, plan=preview.plan())
    assert summary.as_dict() == {"created": 1, "updated": 3, "unchanged": 1, "categories_created": 1,
                                 "frameworks_created": 1}
    with scope(msp=tenant.msp):
        offsite = Standard.objects.get(pk=library.offsite.pk)
        assert offsite.revision == 2
        assert list(StandardRevision.objects.filter(standard=offsite).values_list("number", "question")) == [
            (1, "Is a copy of every backup kept offsite?"), (2, "Is an encrypted copy of every backup offsite?")]
        answer.refresh_from_db()
        assert answer.revision.number == 1
        restore = Standard.objects.get(pk=library.restore.pk)
        assert restore.revision == 1
        assert StandardRevision.objects.get(standard=restore).how == "Restore a file then open it."
        old = Standard.objects.get(pk=library.old.pk)
        assert (old.name, old.status, old.retired_at) == ("OLD RULE", "active", None)
        spf = Standard.objects.get(name="SPF record")
        assert (spf.category.name, [f.code for f in spf.frameworks.all()]) == ("Email", ["NIST CSF"])
        assert Framework.objects.get(code="NIST CSF").name == "NIST CSF"


def test_optional_columns_left_out_keep_existing_values(tenant, library):
    text = ("name,category,question,why,how,priority,frequency\n"
            "offsite backup,Backup,Is a copy of every backup kept offsite?,A fire takes the server and the backup.,"
            "Check the offsite job history.,low,quarterly\n")
    summary = apply(tenant, text)
    assert (summary.updated, summary.created) == (1, 0)
    with scope(msp=tenant.msp):
        offsite = Standard.objects.get(pk=library.offsite.pk)
        assert (offsite.priority, offsite.tags, offsite.reference_url) == (
            "low", ["backup", "offsite"], "https://www.cisa.gov/resources-tools")
        assert [f.code for f in offsite.frameworks.all()] == ["HIPAA"]


def test_apply_refuses_rows_changed_since_the_preview(tenant, library):
    text = export(tenant).replace("Restore a file and open it.", "Restore two files.")
    with scope(msp=tenant.msp):
        preview = csv_io.library_import_preview(msp=tenant.msp, content=text)
        services.standard_update(standard=Standard.objects.get(pk=library.restore.pk), actor=None, priority="low")
    with pytest.raises(csv_io.ImportRefused) as exc:
        apply(tenant, text, plan=preview.plan())
    assert [str(e) for e in exc.value.errors] == [
        "row 3, column name: the standard “Restore test” was changed by someone else after the preview."]
    with scope(msp=tenant.msp):
        assert Standard.objects.get(pk=library.restore.pk).how == "Restore a file and open it."


def test_archived_category_is_named(tenant, library):
    with scope(msp=tenant.msp):
        power = services.category_create(msp=tenant.msp, actor=None, name="Power")
        services.category_archive(category=power, actor=None)
    text = HEADER + "power,UPS,Is there a UPS?,w,h,,low,yearly,,,,\r\n"
    with pytest.raises(csv_io.ImportRefused) as exc:
        apply(tenant, text)
    assert [str(e) for e in exc.value.errors] == [
        "row 2, column category: the category “Power” is archived; restore it on the categories page first."]


def test_semicolon_files_and_labels_are_read(tenant):
    text = ("\ufeffcategory;name;question;why;how;priority;frequency;tags\n"
            "Servers;RAID health;Are all RAID arrays healthy?;Disks fail.;Check the controller.;High;Semi-annual;"
            "\"Storage; Servers\"\n")
    summary = apply(tenant, text.encode())
    assert summary.created == 1
    with scope(msp=tenant.msp):
        raid = Standard.objects.get(name="RAID health")
        assert (raid.priority, raid.frequency, raid.tags) == ("high", "semiannual", ["servers", "storage"])


def test_an_unterminated_quote_is_refused_with_its_row(tenant):
    text = (HEADER + 'Backup,"Offsite,Is it kept offsite?,w,h,,high,yearly,,,,\r\n'
            "Backup,Two,Is it two?,w,h,,low,yearly,,,,\r\n")
    with pytest.raises(csv_io.ImportRefused) as exc:
        apply(tenant, text)
    assert [str(e) for e in exc.value.errors] == [
        "row 2: a quoted value is never closed: a cell starts with a double quote (\") and no closing quote "
        "follows, so the rest of the file would be read as that one cell. Close the quote, or double a quote "
        "that is part of the text (\"\")."]
    with scope(msp=tenant.msp):
        assert not Standard.objects.exists()
