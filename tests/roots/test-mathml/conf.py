extensions = ["myst_parser", "mathml"]  # _ext/mathml.py, on pytest's pythonpath
html_math_renderer = "mathml"
myst_enable_extensions = ["dollarmath"]
