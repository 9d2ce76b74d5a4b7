# Fixtures shared by every app's tests live in tests/personas.py (named personas, DB checks)
# and tests/district.py (the demo district, seeded once per session).
import importlib.util

pytest_plugins = ["tests.personas", "tests.district"]
# The groups CI's two xdist workers per database keep together (tests/xdist_groups.py).
if importlib.util.find_spec("xdist") is not None:
    pytest_plugins.append("tests.xdist_groups")

# Two suites share CI's two cores: hypothesis' timing checks (a slow example, a slow data
# generation) would measure the machine's load, not the code under test.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("jianguan", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("jianguan")
