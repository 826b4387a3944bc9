"""The rnn_notes site's own Sphinx extensions, one module per feature (conf.py lists ``rnn_site.<module>``).

- ``notebooks``: what the others share about notebooks (is a page one, a cell's source, copy, write).
- ``downloads``: each chapter's notebook and MyST source, offered under its title.
- ``published_links``: the ``published-links`` directive.
- ``exercise_list``: the chapters' exercises, listed for instructors, removed for students.
- ``jupyter_markdown``: MyST Markdown cells rewritten for plain Jupyter.
- ``notebook_cache``: myst-nb's execution cache, keyed, healed and safe under ``-j``.
- ``failure_report``: what a build whose notebooks failed says last, and the reports it keeps.
- ``interrupt``: Ctrl-C stops the running notebooks' kernels at once; the build ends in "Interrupted!".
- ``mathml``: LaTeX to MathML at build time.
- ``quiet_build``: a build log without third-party noise.
- ``theme_strings``: furo's hard-coded English labels through the site's catalog.
- ``cell_prompts``: folded cells labelled by their tags (solution, prediction's answer, code).
- ``api_names``: every PyTorch name in a prose code span exists in the installed torch.
- ``labs``: the labs' script and style (the labs' data comes from ``rnn_notes.labs``).

Every warning they emit has ``type="rnn_site"`` and a subtype naming its kind: ``download``,
``exercise``, ``mathml``, ``published_links`` or ``api``, so ``suppress_warnings = ["rnn_site.download"]``
silences one kind and keeps the others.
"""

WARNING_TYPE = "rnn_site"
