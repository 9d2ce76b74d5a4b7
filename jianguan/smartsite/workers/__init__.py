"""Real-name workers (实名制), labour contracts, placements, gate devices and attendance."""
