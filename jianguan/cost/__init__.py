"""Cost control to settlement (issue 21). Each sub-domain is its own Django app with its own
migrations: advance payments and retention, the final account and stage settlement, the
settlement audit, investment control with whole-process tracking audit."""
