"""Hazard recognition (隐患识别) on site camera and drone images: the detector (``detector``),
the command line ``python -m jianguan.hazard.detect``, and the inspector review of hazards."""
