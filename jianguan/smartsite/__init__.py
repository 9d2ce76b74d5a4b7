"""Smart site (智慧工地): real-name workers, attendance and wages (``workers``), and site
monitors with their HJ 212 / MQTT / HTTP ingest and alerts (``monitors``)."""
