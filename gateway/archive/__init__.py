"""The archive: every byte received or sent, write-once and content-addressed."""
