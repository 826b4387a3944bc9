extensions = ["myst_nb", "exercises", "course"]  # _ext/, on pytest's pythonpath
nb_execution_mode = "off"  # the exercises' bookkeeping, not the execution: no kernel starts
exclude_patterns = ["_build"]  # sphinx.testing builds inside the source folder
