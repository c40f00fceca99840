"""Alerting: rules that turn assessments into alerts, subscriptions, the outbox and channels.

Empty until the alerts issue lands (see DESIGN.md, "Layout"); the package exists so that the
top-level layout and the import-layer contracts are in place from the start.
"""
