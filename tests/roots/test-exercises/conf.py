# rnn_site (in _ext/, on pytest's pythonpath): the exercise list and the notebooks without solutions
extensions = ["myst_nb", "rnn_site.exercise_list", "rnn_site.downloads"]
nb_execution_mode = "off"  # the exercises' bookkeeping, not the execution: no kernel starts
exclude_patterns = ["_build"]  # sphinx.testing builds inside the source folder
