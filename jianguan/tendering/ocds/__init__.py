"""OCDS 1.1 publication: releases.py (pure: releases, packages, records, validation), contract.py
(pure: the input snapshot types), build.py (snapshots from the models), services.py (stores a release
at each public event), api.py (the /api/v1/ocds routes)."""
