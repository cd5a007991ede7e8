"""Backup and restore: ``minbar backup PATH`` and ``minbar restore PATH``.

A backup is one tar file holding a manifest, the database in its vendor's own
format and the media; see docs/recovery.md.
"""
