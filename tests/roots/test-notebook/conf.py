# A tiny notebook site run like the real one (conf.py at the repository's root): the tests add
# pages. rnn_site is in _ext/, on pytest's pythonpath (and on PYTHONPATH for a subprocess build).
from pathlib import Path

extensions = ["myst_nb", "rnn_site.notebook_cache", "rnn_site.failure_report", "rnn_site.interrupt"]
nb_execution_mode = "cache"
nb_execution_cache_path = str(Path(__file__).parent / ".jupyter_cache" / "key")  # made when the build starts
nb_execution_raise_on_error = False  # as the site: a failed cell is a warning, the build goes on
nb_execution_show_tb = False
exclude_patterns = ["_build", ".jupyter_cache"]  # sphinx.testing builds inside the source folder
