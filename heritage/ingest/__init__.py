"""Ingestion adapters: rows of a source's export in, events, retractions and rejections out.

Pure: no storage, no web. ``reader.read_events`` picks the adapter (from the header, or the
format the user names) and streams a file in chunks.
"""
