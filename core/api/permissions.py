"""The API's default permission: the model's add/change/delete permission for writes, reads open."""

from rest_framework import permissions


class ModelPermissionsOrAnonReadOnly(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """
    DRF's ``DjangoModelPermissionsOrAnonReadOnly``, which needs only the view's model: it is read
    from the view's ``queryset`` attribute when it sets one. DRF calls ``get_queryset()`` for it,
    which on the type lists builds the whole "shown on a day" query (about 10 ms of CPU per
    request) only to be thrown away. ``tests/core/api/test_permissions_model.py`` checks that every
    routed view's ``queryset`` is of the model its ``get_queryset()`` gives.
    """

    def _queryset(self, view):
        queryset = getattr(view, "queryset", None)
        if queryset is not None:
            return queryset
        return super()._queryset(view)
