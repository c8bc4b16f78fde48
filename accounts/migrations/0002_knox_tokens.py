"""
API tokens become knox's hashed tokens. Every existing DRF token (its key in plain text in
authtoken_token) is carried over: its SHA-512 digest and first characters are stored, the
key itself is deleted, so partners' keys keep working without a re-issue; it is named
"migrated", expires API_TOKEN_DAYS from now (docs/deploy.md, "Upgrading").
"""

import django.db.models.deletion
from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone
from knox.crypto import hash_token
from knox.settings import CONSTANTS


def carry_over_drf_tokens(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("accounts", "ApiToken")
    days = settings.API_TOKEN_DAYS
    expiry = timezone.now() + timedelta(days=days) if days else None
    for old in Token.objects.all():
        ApiToken.objects.create(
            digest=hash_token(old.key), token_key=old.key[: CONSTANTS.TOKEN_KEY_LENGTH], user_id=old.user_id,
            name="migrated", expiry=expiry,
        )
    # The plain-text keys are gone from the database (and from every backup made from now on).
    Token.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('authtoken', '0004_alter_tokenproxy_options'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.DeleteModel(
            name='ApiToken',
        ),
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('digest', models.CharField(max_length=128, primary_key=True, serialize=False)),
                ('token_key', models.CharField(db_index=True, max_length=25)),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('expiry', models.DateTimeField(blank=True, null=True)),
                ('name', models.CharField(help_text="What the token is for, e.g. 'ILO dashboard sync'.", max_length=100)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='auth_token_set', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'API token',
                'verbose_name_plural': 'API tokens',
                'ordering': ['user__username', 'name'],
                'constraints': [models.UniqueConstraint(fields=('user', 'name'), name='api_token_name_unique_per_user')],
            },
        ),
        migrations.RunPython(carry_over_drf_tokens, migrations.RunPython.noop),
    ]
