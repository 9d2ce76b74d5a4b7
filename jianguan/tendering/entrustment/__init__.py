"""Entrustment of a tendering agency (招标代理委托): services.py, api.py, views.py."""
