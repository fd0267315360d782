"""The ``shrinkage`` command line (``shrinkage --help``)."""
