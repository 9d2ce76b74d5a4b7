"""`python -m jianguan.ledger.verify`."""

import sys

from jianguan.ledger.verify import main

sys.exit(main())
