"""The "Moderators" group, with exactly what moderation needs: review and decide endorsements,
correct organisations, read the outbox, export and import the signatory list. Not letters,
accounts or settings."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATORS = "Moderators"
PERMISSIONS = {
    "endorsement": ("view", "change", "export", "import"),
    "organization": ("view", "change"),
    "outgoingmail": ("view",),
}
# django-import-export's permission codes (IMPORT_EXPORT_*_PERMISSION_CODE); the model does not
# declare them, so they are made here.
EXTRA_PERMISSIONS = {
    ("endorsement", "export"): "Can export endorsement",
    ("endorsement", "import"): "Can import endorsement",
}


def create_moderators(apps, schema_editor):
    # Django makes the default permissions after the last migration (post_migrate); on a fresh
    # database they must exist now for the group to hold them.
    app_config = apps.get_app_config("signatories")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = []
    for model, actions in PERMISSIONS.items():
        content_type = ContentType.objects.get(app_label="signatories", model=model)
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": EXTRA_PERMISSIONS.get((model, action), f"Can {action} {model}")},
            )
            permissions.append(permission)
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    group.permissions.set(permissions)


def remove_moderators(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.filter(name=MODERATORS).delete()
    Permission.objects.filter(
        content_type__app_label="signatories",
        codename__in=[f"{action}_{model}" for model, action in EXTRA_PERMISSIONS],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("signatories", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators, remove_moderators)]
