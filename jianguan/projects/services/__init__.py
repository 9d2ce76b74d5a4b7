"""The only writes to the project register (a package: one module per concern)."""

from jianguan.projects.services.map import district_boundary_upload  # noqa: F401
from jianguan.projects.services.nodes import completion_sign, key_node_inspect  # noqa: F401
from jianguan.projects.services.register import (  # noqa: F401
    lead_file,
    participant_add,
    project_create,
    project_transition,
    project_update,
)
from jianguan.projects.services.warnings import warnings_recompute  # noqa: F401
