"""Questions read aloud: speech generated with espeak-ng when a version is
published, kept as files in the instance folder, served publicly by name.

Modules: ``synth`` (espeak-ng, then lame to MP3 when it is installed),
``store`` (the folder, generation per version, look-ups for pages),
``views`` (the clip route and the template helper).
"""
