"""The review app: reviewers' decisions on flags, kept in SQLite beside the run folder."""
