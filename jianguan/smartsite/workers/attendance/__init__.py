"""Attendance (考勤): gate devices and their keys, entry and exit events, the per-worker-per-day
rows a payroll reads, and refused-entry alerts."""
