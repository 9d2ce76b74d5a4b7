"""Collaboration (issue 20): the project team's one record. Each sub-domain is its own Django app
(its own migrations, so that they grow apart without conflicts): tasks and meetings, schedules
with the critical path, documents, RFIs and submittals, daily logs, policy push."""
