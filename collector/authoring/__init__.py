"""Instrument authoring for coordinators: upload, preview and publish."""
