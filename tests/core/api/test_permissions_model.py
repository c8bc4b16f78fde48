"""
The API's permission reads the model from a view's ``queryset`` attribute, not from
``get_queryset()`` (``core.api.permissions``): every routed view's attribute must be of the
model its ``get_queryset()`` serves, or the permission checked would be another model's.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIRequestFactory

from core.api.permissions import ModelPermissionsOrAnonReadOnly
from orgs.models import OrganizationType
from sse_map.urls import api_router

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prefix, viewset", [(p, v) for p, v, _ in api_router.registry], ids=lambda x: str(x))
def test_the_queryset_attribute_is_the_served_model(prefix, viewset):
    request = APIRequestFactory().get(f"/api/v1/{prefix}/")
    request.user = AnonymousUser()
    view = viewset(action_map={"get": "list"})
    view.args, view.kwargs, view.format_kwarg = (), {}, None
    view.request = view.initialize_request(request)
    view.request.user = AnonymousUser()
    if getattr(viewset, "queryset", None) is None:
        pytest.skip("no queryset attribute: the permission asks get_queryset() as DRF does")
    assert viewset.queryset.model is view.get_queryset().model


def test_the_permission_does_not_build_the_served_queryset():
    class View:
        queryset = None

        def get_queryset(self):
            raise AssertionError("built")

    view = View()
    view.queryset = OrganizationType.objects.all()
    request = APIRequestFactory().post("/")
    request.user = AnonymousUser()
    assert ModelPermissionsOrAnonReadOnly()._queryset(view) is view.queryset
    view.queryset = None
    with pytest.raises(AssertionError, match="built"):
        ModelPermissionsOrAnonReadOnly()._queryset(view)
