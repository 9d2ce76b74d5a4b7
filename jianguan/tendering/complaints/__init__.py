"""投诉 pages: the supervising department's list and decisions, the complainant's own
complaints and the form to file one (the writes are `tendering.services.complaints`)."""
