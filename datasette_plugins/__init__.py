"""Medverkan's Datasette plugins: one hook family per module, loaded through
the ``datasette`` entry point registered in setup.cfg."""
