"""Scheduled work: polling channels, processing received files, sending what is due,
retention; APScheduler runs them in the service, ``serve --once`` runs each once."""
