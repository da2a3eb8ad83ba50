"""The pool of service-user representatives (brukarbank).

The scale-up keeps a pool of paid representatives with lived experience who
are matched to recruitments. Everything that names a person (name, email,
phone, areas of lived experience, training, assignments and compensation)
lives in the contacts database; the served database gets only the
de-identified, small-cell-suppressed counts of ``representative_profile``
(``collector.brukarbank.profile``). Modules:

* ``vocabulary``  the areas of lived experience, defined once, in both languages
* ``migrations``  the contacts set ``medverkan-brukarbank`` and the served set ``medverkan-brukarbank-served``
* ``members``     register, search, edit members; their areas and trainings
* ``assignments`` pick members for a process (they become participants), compensation
* ``profile``     the served counts and their suppression rule
* ``retention``   removal from the pool and the inactivity purge
* ``forms``, ``views``, ``commands``  the pages and ``medverkan brukarbank purge``
"""
