"""Environmental monitors (扬尘、噪声在线监测): devices, readings, raw frames, ingest over
HJ 212 (TCP), MQTT and HTTP JSON. The pure HJ 212 code is ``smartsite/hj212*.py``."""
