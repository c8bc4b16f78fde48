"""
The two curation roles, with the least permissions each needs.

* Analyst: reads everything; creates and edits curated records and their
  evidence, imports spreadsheets, submits drafts and proposes changes to
  published records (review requests); triages public suggestions.
* Editor: everything an analyst does, plus publishing, archiving, approving
  or rejecting review requests and deleting curated records.

Publication is guarded by the ``publish_<model>`` permissions and, when
``SSE_MAP_TWO_PERSON_REVIEW`` is on, by ``curation.services``.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATED = {
    "countries": ["source", "country", "law", "lawevent", "statistic"],
    "orgs": ["organizationtype", "legalbasis", "evidence"],
}
PUBLISHABLE = {"countries": ["country", "law", "statistic"], "orgs": ["organizationtype"]}
METHOD = {"orgs": ["feature", "subcondition", "family"]}
CHILD_ROWS = {"countries": ["lawevent"], "orgs": ["legalbasis", "evidence"]}


def _codes(mapping, actions):
    return [(app, f"{action}_{model}") for app, models in mapping.items() for model in models for action in actions]


ANALYST = (
    _codes(CURATED, ["view", "add", "change", "import"])
    + _codes(CHILD_ROWS, ["delete"])
    + _codes(METHOD, ["view"])
    + [("orgs", "view_suggestion"), ("orgs", "change_suggestion")]
    + [("countries", "view_revision"), ("countries", "add_revision")]
)
EDITOR = ANALYST + _codes(CURATED, ["delete"]) + _codes(PUBLISHABLE, ["publish"]) + [
    ("countries", "change_revision"),
    ("orgs", "delete_suggestion"),
]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps, using=schema_editor.connection.alias)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in (("Analyst", ANALYST), ("Editor", EDITOR)):
        group, _ = Group.objects.get_or_create(name=name)
        perms = []
        for app_label, codename in sorted(set(codes)):
            perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(perms)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Analyst", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_workflow_permissions"),
        ("countries", "0003_workflow_permissions_and_review_requests"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
