"""Debrief decisions: the suggested outcome for an application and the rules behind it."""
