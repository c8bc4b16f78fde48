"""
Sources and the method are public from the moment they exist, so their changes are requests for
review too (curation.services.LIVE_MODELS): analysts and editors may propose new ones, changes
and (editors) removals; editors approve them (``publish_<model>``), never their own.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

METHOD = ("feature", "subcondition", "family")
ANALYST = {"orgs": [f"{action}_{model}" for model in METHOD for action in ("add", "change")]}
EDITOR = {
    "orgs": [*ANALYST["orgs"], *(f"{action}_{model}" for model in METHOD for action in ("delete", "publish"))],
    "countries": ["publish_source"],
}


def _permissions(apps, mapping):
    Permission = apps.get_model("auth", "Permission")
    return [
        permission
        for app_label, codenames in mapping.items()
        for permission in Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    ]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, mapping in (("Analyst", ANALYST), ("Editor", EDITOR)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, mapping))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Analyst", "Editor"]):
        group.permissions.remove(*_permissions(apps, EDITOR))


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0009_publish_method_permissions"),
        ("countries", "0012_requests_for_sources_and_method"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
