# Fixtures shared by every app's tests live in tests/personas.py (named personas, DB checks).
pytest_plugins = ["tests.personas"]
