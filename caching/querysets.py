from django.db import models

from .version import bump_on_commit


class DataVersionQuerySet(models.QuerySet):
    """
    Bumps the data version on the bulk writes that send no model signals
    (``bulk_create``, ``bulk_update``, ``update``); ``delete`` sends signals,
    but is covered here too for fast deletes of models without receivers.
    """

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        if objs:
            bump_on_commit(self.db)
        return objs

    def bulk_update(self, objs, fields, *args, **kwargs):
        result = super().bulk_update(objs, fields, *args, **kwargs)
        if result:
            bump_on_commit(self.db)
        return result

    def update(self, **kwargs):
        result = super().update(**kwargs)
        if result:
            bump_on_commit(self.db)
        return result

    update.alters_data = True

    def delete(self):
        result = super().delete()
        if result[0]:
            bump_on_commit(self.db)
        return result

    delete.alters_data = True
    delete.queryset_only = True
