"""The pure scheduling engine (no Django): working-time calendars, the critical path method and
Microsoft Project XML (MSPDI). The Django app and the command line both call it."""
