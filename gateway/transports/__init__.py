"""Channels: how files come in from partners and go out to them (folder, HTTP; SFTP and
AS2 implement the same interface)."""
