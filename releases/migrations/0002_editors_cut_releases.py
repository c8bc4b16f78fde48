"""Editors cut releases (and every curator reads them in the admin); analysts do not cut."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
        app_config.models_module = None
    db = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in (("Analyst", ["view_release"]), ("Editor", ["view_release", "cut_release"])):
        group, _ = Group.objects.using(db).get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.using(db).filter(content_type__app_label="releases", codename__in=codes)
        )


def revoke(apps, schema_editor):
    db = schema_editor.connection.alias
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.using(db).filter(name__in=["Analyst", "Editor"]):
        group.permissions.remove(*Permission.objects.using(db).filter(content_type__app_label="releases"))


class Migration(migrations.Migration):
    dependencies = [("releases", "0001_initial"), ("orgs", "0007_roles_for_assessments")]

    operations = [migrations.RunPython(grant, revoke)]
