"""The smart site's models live in its sub-packages (``workers/models.py``,
``monitors/models.py``); Django finds them through the imports below."""

from jianguan.smartsite.alerts import models as alerts_models  # noqa: F401
from jianguan.smartsite.images import models as images_models  # noqa: F401
from jianguan.smartsite.monitors import models as monitors_models  # noqa: F401
from jianguan.smartsite.wages import models as wages_models  # noqa: F401
from jianguan.smartsite.workers import models as workers_models  # noqa: F401
