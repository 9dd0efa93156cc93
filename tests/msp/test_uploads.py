"""Uploads past the cap are stopped while they stream in, with a clear message."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from msp.roles import Role

pytestmark = pytest.mark.django_db


@override_settings(MAX_UPLOAD_BYTES=1024)
def test_a_file_over_the_cap_is_refused_with_a_clear_message(tenant, login):
    c = login(tenant.users[Role.VCIO])
    big = SimpleUploadedFile("assets.csv", b"name\n" + b"x" * 4096, content_type="text/csv")
    response = c.post(f"/clients/{tenant.clients[0].pk}/assets/import/", {"file": big})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Choose a file to upload (at most 12 MB; larger files are refused)."]
