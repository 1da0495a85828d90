"""The ``svscore`` command line: thin commands over the library."""
