"""What this app registers with the platform (called from the app's ready()): grants, ledger
words, to-do items, notification events, navigation, project warnings and the demo seeder."""

from __future__ import annotations


def register_all() -> None:
    from jianguan.core.demo import register_seeder

    register_seeder("collab_rfis", "jianguan.collab.rfis.demo:seed", order=92)
