# Fixtures shared by every app's tests live in tests/personas.py (named personas, DB checks)
# and tests/district.py (the demo district, seeded once per session).
pytest_plugins = ["tests.personas", "tests.district"]

# Two suites share CI's two cores: hypothesis' timing checks (a slow example, a slow data
# generation) would measure the machine's load, not the code under test.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("jianguan", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("jianguan")
