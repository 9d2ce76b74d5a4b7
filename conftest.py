# Fixtures shared by every app's tests live in tests/personas.py (named personas, DB checks)
# and tests/district.py (the demo district, seeded once per session).
pytest_plugins = ["tests.personas", "tests.district"]
