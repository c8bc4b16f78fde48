"""
The curation roles over the second edition's records: analysts create and edit cells
(their notes), references and the research's claims, and import them; editors also
publish and delete claims. References are child rows of a type, like legal bases.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ANALYST = [
    *(
        f"{action}_{model}"
        for model in ("assessment", "reference", "claim")
        for action in ("view", "add", "change", "import")
    ),
    "delete_reference",
]
EDITOR = [*ANALYST, "delete_claim", "publish_claim"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in (("Analyst", ANALYST), ("Editor", EDITOR)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="orgs", codename__in=codes))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Analyst", "Editor"]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="orgs", codename__in=EDITOR))


class Migration(migrations.Migration):
    dependencies = [("orgs", "0006_assessments")]

    operations = [migrations.RunPython(grant, revoke)]
