extensions = ["myst_nb", "rnn_site.api_names", "rnn_site.cell_prompts"]  # _ext/ is on pytest's pythonpath
nb_execution_mode = "off"  # labels and names, not execution: no kernel starts
exclude_patterns = ["_build"]  # sphinx.testing builds inside the source folder
