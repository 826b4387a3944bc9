extensions = ["myst_parser", "rnn_site.mathml"]  # in _ext/, on pytest's pythonpath
html_math_renderer = "mathml"
myst_enable_extensions = ["dollarmath"]
exclude_patterns = ["_build"]  # sphinx.testing builds inside the source folder
source_suffix = {".md": "markdown"}  # not the shared default another test app may have changed
