from django.conf import settings
from django.db import migrations


def install_guard(apps, schema_editor):
    from jianguan.ledger.dbguard import install

    install(schema_editor)


def create_state(apps, schema_editor):
    LedgerState = apps.get_model("ledger", "LedgerState")
    LedgerState.objects.get_or_create(
        pk=1, defaults={"tree_size": 0, "hash_alg": settings.LEDGER_HASH_ALG, "frontier": {}}
    )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        migrations.RunPython(create_state, migrations.RunPython.noop),
        migrations.RunPython(install_guard, migrations.RunPython.noop),
    ]
