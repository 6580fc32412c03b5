"""Text in, segments out: decode and repair files (``ingest``, ``clean``), split them into
sentences (``segment``), and the Chinese-text and number helpers the aligner and the checks
share (``zhtext``, ``numbers``)."""
