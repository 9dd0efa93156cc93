"""Rules of the clients services that every caller (pages, API, import) relies on."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from clients import services
from clients.models import Asset, ClientAccess, Contact
from msp.roles import Role

pytestmark = pytest.mark.django_db


def test_records_of_an_archived_client_cannot_change(tenant):
    actor = tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        services.client_archive(client=tenant.clients[0], actor=actor)
        contact = Contact.objects.get(pk=tenant.contact.pk)
        with pytest.raises(ValidationError) as exc:
            services.contact_update(contact=contact, actor=actor, expected_version=contact.version, name="New")
        assert exc.value.messages == ["This client is archived; restore it before changing its records."]
        asset = Asset.objects.get(pk=tenant.asset.pk)
        with pytest.raises(ValidationError):
            services.asset_update(asset=asset, actor=actor, expected_version=asset.version, name="New")
    with scopes_disabled():
        assert Contact.objects.get(pk=tenant.contact.pk).name == tenant.contact.name
        assert Asset.objects.get(pk=tenant.asset.pk).name == tenant.asset.name


def test_foreign_key_to_another_tenant_is_refused(tenant, other_tenant):
    with scope(msp=tenant.msp), pytest.raises(ValidationError) as exc:
        services.contact_create(client=other_tenant.clients[0], actor=tenant.users[Role.VCIO], name="Spy")
    assert exc.value.message_dict == {"client": ["Select a valid client; that one was not found."]}
    with scopes_disabled():
        assert not Contact.objects.filter(name="Spy").exists()


def test_vcio_must_be_staff_of_the_same_msp(tenant, other_tenant):
    with scope(msp=tenant.msp), pytest.raises(ValidationError) as exc:
        services.client_create(msp=tenant.msp, actor=tenant.users[Role.OWNER], name="New Co",
                               vcio=other_tenant.users[Role.VCIO])
    assert exc.value.message_dict == {"vcio": ["Choose a member of your MSP's staff."]}


def test_history_records_who_changed_a_client(tenant):
    from django.apps import apps

    actor = tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        client = services.client_update(client=tenant.clients[1], actor=actor,
                                        expected_version=tenant.clients[1].version, mrr="7000.00")
    event = apps.get_model("clients", "ClientEvent").objects.filter(pgh_obj_id=client.pk).order_by("-pgh_id")[0]
    assert str(event.mrr) == "7000.00"
    assert event.version == 2
    assert event.pgh_label == "update"
    assert event.pgh_context.metadata["user"] == str(actor.pk)


def test_a_write_without_a_version_keeps_a_newer_save(tenant):
    """An internal step holding an old copy must not write back fields someone else changed since."""
    actor = tenant.users[Role.VCIO]
    with scope(msp=tenant.msp):
        stale_copy = Asset.objects.get(pk=tenant.asset.pk)
        fresh = Asset.objects.get(pk=tenant.asset.pk)
        services.asset_update(asset=fresh, actor=actor, expected_version=fresh.version, name="Renamed")
        services.asset_archive(asset=stale_copy, actor=actor)
    with scopes_disabled():
        saved = Asset.objects.get(pk=tenant.asset.pk)
        assert (saved.name, saved.archived_at is not None, saved.version) == ("Renamed", True, 3)


def test_archiving_a_contact_ends_their_portal_access(tenant, login):
    portal = login(tenant.users[Role.CLIENT])
    assert portal.get("/portal/").status_code == 200
    with scope(msp=tenant.msp):
        services.contact_archive(contact=Contact.objects.get(pk=tenant.contact.pk), actor=tenant.users[Role.VCIO])
    assert portal.get("/portal/").status_code == 404
    with scopes_disabled():
        assert ClientAccess.objects.get(pk=tenant.access.pk).revoked_at is not None
