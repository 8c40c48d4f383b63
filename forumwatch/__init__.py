"""forumwatch: track how the press covers security forums."""

__version__ = "0.1.0"
