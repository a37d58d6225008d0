"""Reporters: read a RunReport, write text/json/junit/github/html. Registry in registry.py."""
