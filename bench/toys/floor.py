"""A cold-start floor: import the modules named on the command line, then serve as minimal.py.

`python bench/toys/floor.py attrs cattrs ujson urllib3` is the dependency floor (what importing
lambdaflow's dependencies costs any runtime built on them); with no arguments, the interpreter's.
"""

import sys

for name in sys.argv[1:]:
    __import__(name)

import minimal  # noqa: E402, F401  (serves until killed)
