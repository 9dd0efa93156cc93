"""The standards pages: library, due list, detail with revisions, forms, categories, frameworks, CSV, roles."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from msp.models import Job
from msp.roles import Role
from standards import services
from standards.models import Category, Framework, Standard, StandardRevision
from standards.validators import EXAMPLE

from .conftest import build_library, make_answer, reload

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page's visible text, tags removed and spaces collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_library_groups_by_category_with_details(tenant, library, login):
    response = login(tenant.users[Role.VIEWER]).get("/standards/")
    assert response.status_code == 200
    page = text_of(response)
    order = [page.index(s) for s in ("Backup 2", "Offsite backup", "Is a copy of every backup kept offsite?",
                                     "Restore test", "Firewalls 1", "Firewall firmware")]
    assert order == sorted(order)
    assert "Old rule" not in page  # retired standards only under status retired / all
    assert "3 active standards" in page
    assert "High priority" in page
    assert "Checked quarterly" in page
    assert "#offsite" in page
    assert "HIPAA" in page
    assert "3 due for the yearly committee review" in page
    assert "New standard" not in page  # a viewer reads only


def test_library_filters(tenant, library, login):
    c = login(tenant.users[Role.TAM])
    page = text_of(c.get("/standards/", {"tag": "network"}))
    assert "Firewall firmware" in page
    assert "Offsite backup" not in page
    assert "1 active standard match these filters" in page
    page = text_of(c.get("/standards/", {"status": "retired"}))
    assert "Old rule" in page
    assert "Retired" in page
    assert "Restore test" not in page
    page = text_of(c.get("/standards/", {"framework": str(library.hipaa.pk), "priority": "high"}))
    assert "Offsite backup" in page
    assert "Firewall firmware" not in page
    page = text_of(c.get("/standards/", {"q": "restore", "status": "all"}))
    assert "Restore test" in page
    assert "Offsite backup" not in page
    page = text_of(c.get("/standards/", {"category": "not-a-category", "priority": "nonsense"}))
    assert "3 active standards" in page  # unknown filter values are ignored


def test_empty_library_offers_the_starter_library(tenant, login):
    response = login(tenant.users[Role.TAM]).get("/standards/")
    assert "Load the starter library" in text_of(response)
    assert "Load the starter library" not in text_of(login(tenant.users[Role.VIEWER]).get("/standards/"))
    assert login(tenant.users[Role.VIEWER]).post("/standards/starter/").status_code == 403
    response = login(tenant.users[Role.TAM]).post("/standards/starter/")
    assert response.status_code == 302
    with scope(msp=tenant.msp):
        count = Standard.objects.count()
    assert count >= 60
    assert messages_of(response)[0].startswith(f"Starter library loaded: {count} standards, ")


def test_create_refuses_an_open_question_with_the_rule(tenant, library, login):
    c = login(tenant.users[Role.VCIO])
    form = {"category": str(library.backup.pk), "name": "Disk space", "question": "How much space is free?",
            "why": "Full disks stop servers.", "how": "Look at the drive.", "priority": "high",
            "frequency": "monthly", "tags": "Storage, servers", "frameworks": [str(library.hipaa.pk)]}
    response = c.post("/standards/new/", form)
    assert response.status_code == 200
    assert (f"“How much space is free?” is an open question. Phrase it so it can only be answered yes or no, "
            f"with yes as the healthy answer: {EXAMPLE}.") in response.content.decode()
    form["question"] = "Is at least 20 % of the system drive free?"
    response = c.post("/standards/new/", form)
    assert response.status_code == 302
    with scope(msp=tenant.msp):
        standard = Standard.objects.get(name="Disk space")
        assert response["Location"] == f"/standards/{standard.pk}/"
        assert (standard.tags, [f.code for f in standard.frameworks.all()], standard.revision) == (
            ["servers", "storage"], ["HIPAA"], 1)
        assert StandardRevision.objects.get(standard=standard).question == "Is at least 20 % of the system drive free?"


def edit_form(standard, **changes) -> dict:
    with scope(msp=standard.msp):
        standard = Standard.objects.get(pk=standard.pk)
        data = {"category": str(standard.category_id), "name": standard.name, "question": standard.question,
                "why": standard.why, "how": standard.how, "reference_url": standard.reference_url,
                "priority": standard.priority, "frequency": standard.frequency, "tags": ", ".join(standard.tags),
                "frameworks": [str(f.pk) for f in standard.frameworks.all()], "version": standard.version}
    data.update(changes)
    return data


def test_edit_of_answered_text_makes_a_revision_and_detail_shows_history(tenant, library, login):
    make_answer(tenant, library.offsite)
    c = login(tenant.users[Role.TAM])
    page = text_of(c.get(f"/standards/{library.offsite.pk}/edit/"))
    assert "Changing its question, why, how or reference makes revision 2" in page
    response = c.post(f"/standards/{library.offsite.pk}/edit/",
                      edit_form(library.offsite, question="Is an encrypted copy of every backup kept offsite?"))
    assert response.status_code == 302
    assert messages_of(response) == ["Standard “Offsite backup” saved. Its text is now revision 2; past reviews "
                                     "keep revision 1."]
    page = text_of(c.get(f"/standards/{library.offsite.pk}/"))
    assert "Revision 2 current" in page
    assert "Revision 1" in page
    assert page.index("Is an encrypted copy of every backup kept offsite?", page.index("Revision 2")) < page.index(
        "Revision 1")
    assert "Is a copy of every backup kept offsite?" in page[page.index("Revision 1"):]
    assert "Why we ask A fire takes the server and the backup." in page
    assert "https://www.cisa.gov/resources-tools" in page


def test_stale_edit_is_refused_with_a_clear_message(tenant, library, login):
    c = login(tenant.users[Role.VCIO])
    stale = edit_form(library.restore, priority="high")
    with scope(msp=tenant.msp):
        services.standard_update(standard=Standard.objects.get(pk=library.restore.pk), actor=None, priority="low")
    response = c.post(f"/standards/{library.restore.pk}/edit/", stale)
    assert response.status_code == 200
    assert ("This standard was changed by someone else while you were editing. Nothing was saved. Reload the page "
            "to see their changes, then apply yours again.") in response.content.decode()
    assert reload(library.restore).priority == "low"


def test_retire_reactivate_and_mark_reviewed(tenant, library, login):
    c = login(tenant.users[Role.OWNER])
    assert c.post(f"/standards/{library.firmware.pk}/retire/").status_code == 302
    assert reload(library.firmware).status == "retired"
    assert "Retired on" in text_of(c.get(f"/standards/{library.firmware.pk}/"))
    assert c.post(f"/standards/{library.firmware.pk}/reactivate/").status_code == 302
    assert reload(library.firmware).status == "active"
    assert c.post(f"/standards/{library.firmware.pk}/reviewed/").status_code == 302
    assert reload(library.firmware).last_reviewed_on == services.msp_today(tenant.msp)
    assert c.get(f"/standards/{library.firmware.pk}/retire/").status_code == 405


def test_due_page_and_mark_reviewed(tenant, library, login):
    c = login(tenant.users[Role.VCIO])
    page = text_of(c.get("/standards/due/"))
    assert "3 standards due" in page
    assert "Select all 3" in page
    assert "Old rule" not in page
    viewer = login(tenant.users[Role.VIEWER])
    assert "Mark reviewed" not in text_of(viewer.get("/standards/due/"))
    assert viewer.post("/standards/due/", {"standards": [str(library.offsite.pk)]}).status_code == 403
    response = c.post("/standards/due/", {"standards": [str(library.offsite.pk), str(library.restore.pk)]})
    assert response.status_code == 302
    assert messages_of(response) == ["2 standards marked reviewed today."]
    today = services.msp_today(tenant.msp)
    assert (reload(library.offsite).last_reviewed_on, reload(library.restore).last_reviewed_on) == (today, today)
    assert reload(library.firmware).last_reviewed_on is None
    assert "1 standard due" in text_of(c.get("/standards/due/"))
    response = c.post("/standards/due/", {})
    assert messages_of(response) == ["Select the standards the committee reviewed, then press “Mark reviewed”."]


def test_categories_page(tenant, library, login):
    c = login(tenant.users[Role.TAM])
    assert c.post("/standards/categories/", {"name": "Power", "description": "UPS"}).status_code == 302
    response = c.post("/standards/categories/", {"name": "power"})
    assert "A category with this name already exists." in response.content.decode()
    with scope(msp=tenant.msp):
        power = Category.objects.get(name="Power")
    c.post(f"/standards/categories/{power.pk}/move/", {"direction": "up"})
    page = text_of(c.get("/standards/categories/"))
    assert page.index("Backup") < page.index("Power") < page.index("Firewalls")
    response = c.post(f"/standards/categories/{library.backup.pk}/archive/")
    assert messages_of(response) == ["Could not archive: “Backup” still has 2 active standards; move them to "
                                     "another category or retire them first."]
    response = c.post(f"/standards/categories/{power.pk}/edit/", {"name": "Power and UPS", "description": "",
                                                                  "version": 1})
    assert "changed by someone else" in response.content.decode()  # moving it changed its version
    response = c.post(f"/standards/categories/{power.pk}/edit/", {"name": "Power and UPS", "description": "",
                                                                  "version": reload(power).version})
    assert response.status_code == 302
    assert c.post(f"/standards/categories/{power.pk}/archive/").status_code == 302
    assert reload(power).archived_at is not None
    assert login(tenant.users[Role.VIEWER]).post("/standards/categories/", {"name": "X"}).status_code == 403


def test_frameworks_page(tenant, library, login):
    c = login(tenant.users[Role.OWNER])
    assert c.post("/standards/frameworks/", {"code": "CMMC", "name": "CMMC 2.0"}).status_code == 302
    with scope(msp=tenant.msp):
        cmmc = Framework.objects.get(code="CMMC")
    response = c.post(f"/standards/frameworks/{cmmc.pk}/edit/", {"code": "CMMC L2", "name": "CMMC Level 2",
                                                                  "version": 1})
    assert response.status_code == 302
    assert (reload(cmmc).code, reload(cmmc).version) == ("CMMC L2", 2)
    page = text_of(c.get("/standards/frameworks/"))
    assert "CMMC L2 CMMC Level 2 0" in page
    assert "HIPAA HIPAA Security Rule 1" in page
    c.post(f"/standards/frameworks/{cmmc.pk}/archive/")
    assert reload(cmmc).archived_at is not None


def test_export_download(tenant, library, login):
    response = login(tenant.users[Role.VIEWER]).get("/standards/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="standards-library.csv"'
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffcategory,name,question,")
    assert body.count("\r\n") == 5


def test_import_page_preview_then_apply(tenant, other_tenant, library, login, django_capture_on_commit_callbacks):
    exported = login(tenant.users[Role.OWNER]).get("/standards/export.csv").content
    c = login(other_tenant.users[Role.VCIO])
    response = c.post("/standards/import/", {"file": SimpleUploadedFile("lib.csv", exported, "text/csv")})
    page = text_of(response)
    assert "Preview of lib.csv" in page
    assert "4 new standards to create" in page
    assert "New categories: Backup, Firewalls." in page
    with scope(msp=other_tenant.msp):
        assert not Standard.objects.exists()  # nothing before apply
    digest = re.search(r'name="file_digest" value="([0-9a-f]+)"', response.content.decode()).group(1)
    # Applying queues a job (a worker runs it; here the task runs eagerly on commit) and shows its page.
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post("/standards/import/", {"apply": "1", "file_digest": digest})
    assert response.status_code == 302
    with scope(msp=other_tenant.msp):
        job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.title, job.status, job.message, job.result) == (
        "library_import", "Import lib.csv", "succeeded", "Imported 4 standards: 4 created, 0 updated, 0 unchanged.",
        {"created": 4, "updated": 0, "unchanged": 0, "categories_created": 2, "frameworks_created": 2})
    assert "Imported 4 standards" in text_of(c.get(response["Location"]))
    assert login(other_tenant.users[Role.OWNER]).get("/standards/export.csv").content == exported
    # The preview is used once.
    response = c.post("/standards/import/", {"apply": "1", "file_digest": digest})
    assert messages_of(response)[-1:] == ["This preview has expired or was replaced by another upload. Upload the file "
                                     "again."]


def test_import_page_lists_row_errors(tenant, library, login):
    bad = ("category,name,question,why,how,priority,frequency\n"
           "Backup,Disk,What size is the disk?,w,h,high,yearly\n"
           "Backup,Other,Is it fine?,w,h,extreme,yearly\n")
    response = login(tenant.users[Role.TAM]).post(
        "/standards/import/", {"file": SimpleUploadedFile("bad.csv", bad.encode(), "text/csv")})
    page = text_of(response)
    assert "Nothing was imported: the file has 2 problems." in page
    assert "row 2, column question: “What size is the disk?” is an open question." in page
    assert "row 3, column priority: “extreme” is not a priority; use one of: high, medium, low." in page
    with scope(msp=tenant.msp):
        assert Standard.objects.count() == 4


def test_roles_and_tenants(tenant, other_tenant, library, login):
    other = build_library(other_tenant)
    viewer = login(tenant.users[Role.VIEWER])
    for url in ("/standards/new/", f"/standards/{library.offsite.pk}/edit/", "/standards/import/",
                f"/standards/categories/{library.backup.pk}/edit/", f"/standards/frameworks/{library.hipaa.pk}/edit/"):
        assert viewer.get(url).status_code == 403, url
    for url in ("/standards/", "/standards/due/", f"/standards/{library.offsite.pk}/", "/standards/categories/",
                "/standards/frameworks/", "/standards/export.csv"):
        assert viewer.get(url).status_code == 200, url
    portal = login(tenant.users[Role.CLIENT])
    for url in ("/standards/", "/standards/due/", f"/standards/{library.offsite.pk}/", "/standards/export.csv",
                "/standards/categories/", "/standards/frameworks/"):
        assert portal.get(url).status_code == 404, url
    owner = login(tenant.users[Role.OWNER])
    for url in (f"/standards/{other.offsite.pk}/", f"/standards/{other.offsite.pk}/edit/",
                f"/standards/categories/{other.backup.pk}/edit/", f"/standards/frameworks/{other.hipaa.pk}/edit/"):
        assert owner.get(url).status_code == 404, url
    for url in (f"/standards/{other.offsite.pk}/retire/", f"/standards/categories/{other.backup.pk}/archive/",
                f"/standards/frameworks/{other.hipaa.pk}/archive/", f"/standards/categories/{other.backup.pk}/move/"):
        assert owner.post(url, {"direction": "up"}).status_code == 404, url
    response = owner.post("/standards/due/", {"standards": [str(other.offsite.pk)]})
    assert messages_of(response) == ["Select the standards the committee reviewed, then press “Mark reviewed”."]
    assert reload(other.offsite).status == "active"
    assert reload(other.offsite).last_reviewed_on is None
    response = owner.post("/standards/new/", {"category": str(other.backup.pk), "name": "X", "question": "Is it?",
                                              "why": "w", "how": "h", "priority": "low", "frequency": "yearly"})
    assert "Choose one of your categories." in response.content.decode()


def test_library_page_queries_do_not_grow_with_the_library(tenant, library, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = login(tenant.users[Role.VIEWER])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/standards/", {"status": "all"}).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    with scope(msp=tenant.msp):
        for i in range(10):
            services.standard_create(msp=tenant.msp, actor=None, category=library.firewalls, name=f"Rule {i}",
                                     question=f"Is rule {i} in place?", why="w", how="h", tags=[f"t{i}"],
                                     frameworks=[library.hipaa, library.pci])
    assert count() == before
