extensions = ["myst_nb", "course"]  # _ext/course.py, on pytest's pythonpath
nb_execution_mode = "off"  # the downloads, not the execution: no kernel starts
published_links_file = "links.txt"
exclude_patterns = ["_build"]  # sphinx.testing builds inside the source folder
