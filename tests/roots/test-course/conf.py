# rnn_site (in _ext/, on pytest's pythonpath): the downloads and the published-links directive
extensions = ["myst_nb", "rnn_site.downloads", "rnn_site.published_links"]
nb_execution_mode = "off"  # the downloads, not the execution: no kernel starts
published_links_file = "links.txt"
exclude_patterns = ["_build"]  # sphinx.testing builds inside the source folder
