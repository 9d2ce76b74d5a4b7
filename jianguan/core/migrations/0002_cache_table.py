"""The shared cache's table (settings.CACHES), made by every `migrate` so that no install,
test database or benchmark database can miss it; createcachetable skips a table that exists."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_rate_counter")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
