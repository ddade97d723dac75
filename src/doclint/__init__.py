"""doclint: lint markdown question books and track how complete they are."""

__version__ = "0.1.0"
