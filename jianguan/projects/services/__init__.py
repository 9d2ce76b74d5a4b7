"""The only writes to the project register (a package: one module per concern)."""

from jianguan.projects.services.map import district_boundary_upload  # noqa: F401
from jianguan.projects.services.nodes import (  # noqa: F401
    completion_sign,
    completion_signer_check,
    key_node_inspect,
    signer_side,
)
from jianguan.projects.services.register import (  # noqa: F401
    lead_file,
    owner_side_check,
    participant_add,
    project_create,
    project_transition,
    project_update,
)
from jianguan.projects.services.warnings import warnings_recompute  # noqa: F401
