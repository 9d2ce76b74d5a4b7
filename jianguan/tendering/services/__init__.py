"""Electronic tendering services: the only writes of the tendering app."""

from jianguan.tendering.award.services import (  # noqa: F401  (re-exported)
    award_decide,
    award_report_file,
    bond_refund_record,
    evaluation_conclude,
    publicity_objection_file,
)
from jianguan.tendering.bids.services import (  # noqa: F401  (re-exported)
    bid_withdraw,
    bidder_key_register,
    upload_chunk,
    upload_complete,
    upload_start,
)
from jianguan.tendering.entrustment.services import (  # noqa: F401  (re-exported)
    entrustment_create,
    entrustment_withdraw,
)
from jianguan.tendering.services.complaints import (  # noqa: F401  (re-exported)
    complaint_accept,
    complaint_decide,
    complaint_file,
    complaint_refuse,
)
from jianguan.tendering.services.low_bids import (  # noqa: F401  (re-exported)
    low_bid_decide,
    low_bid_explain,
    low_bids_check,
)
from jianguan.tendering.services.prequal import (  # noqa: F401  (re-exported)
    prequal_apply,
    prequal_close,
    prequal_review,
)
from jianguan.tendering.services.tenders import (  # noqa: F401  (re-exported)
    clarification_issue,
    objection_answer,
    objection_file,
    tender_cancel,
    tender_create,
    tender_publish,
    tender_retender,
)
