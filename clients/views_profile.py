"""The client's business profile page: read by every staff role, edited by those who edit clients."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from msp.pages import add_errors
from msp.permissions import require_perm
from msp.roles import Perm, can
from msp.tenancy import StaleVersionError, get_in_scope

from . import services
from .forms import BusinessProfileForm
from .models import Client
from .profile import profile_status

STALE = ("This profile was changed by someone else while you were editing. Nothing was saved. Reload the page "
         "to see their changes, then apply yours again.")


@require_perm(Perm.VIEW_CLIENTS, write=Perm.EDIT_CLIENTS)
def business_profile(request, client_id):
    client = get_in_scope(Client.objects.select_related("profile_reviewed_by"), pk=client_id)
    can_edit = can(request.role, Perm.EDIT_CLIENTS) and not client.is_archived
    form = BusinessProfileForm(request.POST or None, instance=client)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        reviewed = form.cleaned_data["reviewed"]
        try:
            services.client_profile_update(client=client, actor=request.user, expected_version=form.expected_version,
                                           reviewed=reviewed, **fields)
        except StaleVersionError:
            form.add_error(None, STALE)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Business profile saved" + (", and marked reviewed today." if reviewed
                                                                    else "."))
            return redirect("client_business_profile", client_id=client.pk)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "clients/business_profile.html", {
        "client": client, "form": form, "can_edit": can_edit, "status": profile_status(client)})
