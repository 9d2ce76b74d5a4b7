"""Meetings (会议): agenda, attendance, minutes, decisions and action items that become tasks."""
