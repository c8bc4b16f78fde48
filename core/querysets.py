"""Base querysets of the curated models: natural keys, and who may see what."""

from caching.querysets import DataVersionQuerySet

from .choices import PublicationStatus


class NaturalKeyQuerySet(DataVersionQuerySet):
    """``get_by_natural_key`` for models whose natural key is one field."""

    natural_key_field = "slug"

    def get_by_natural_key(self, key):
        return self.get(**{self.natural_key_field: key})

    def visible_to(self, user):
        """Records ``user`` may read; only publishable models hide anything."""
        return self


def can_see_drafts(user, model):
    """
    Whether ``user`` may read ``model``'s unpublished records: the view
    permission, or the change permission (which implies it, as in the admin).
    """
    label = f"{model._meta.app_label}.%s_{model._meta.model_name}"
    return user.has_perm(label % "view") or user.has_perm(label % "change")


def is_public(record):
    """Whether anonymous readers may see ``record``: published, and of a published country."""
    if record.publication_status != PublicationStatus.PUBLISHED:
        return False
    country = getattr(record, "country", None)
    return country is None or country.publication_status == PublicationStatus.PUBLISHED


class PublishableQuerySet(NaturalKeyQuerySet):
    def published(self):
        return self.filter(publication_status=PublicationStatus.PUBLISHED)

    def public(self):
        """What anonymous visitors see; models that hang off a country narrow this further."""
        return self.published()

    def visible_to(self, user):
        """Everything for holders of the model's view permission, otherwise ``public()`` only."""
        return self if can_see_drafts(user, self.model) else self.public()
