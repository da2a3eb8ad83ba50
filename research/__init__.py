"""Research data out: files researchers and archives read, made from the served database.

This package reads the *served* SQLite database (never the contacts
database) with ``sqlite3`` and writes files: SPSS ``.sav`` and Stata ``.dta``
(:mod:`research.statfiles`), wide CSV for Swedish Excel
(:mod:`research.tables`, :mod:`research.safe_csv`), codebooks and analysis
scripts (:mod:`research.codebook`, :mod:`research.scripts`), an SND deposit
bundle (:mod:`research.snd`, :mod:`research.ddi`,
:mod:`research.disclosure`) and pooling of bundles from several
municipalities (:mod:`research.pool`).

It deliberately imports nothing from ``collector``, ``forms`` or
``datasette_plugins``: the schema it reads is the contract (see
``docs/ARCHITECTURE.md``), so the CLI and the Datasette exports page can both
call it without pulling in each other's dependencies. Its click group is
:data:`research.cli.research` (``python -m research ...``).
"""
