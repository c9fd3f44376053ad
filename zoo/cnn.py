"""`zoo.cnn`: a short name for `zoo.models.cnn` (the convolutional networks), the same module object.

`import zoo.cnn`, `from zoo.cnn import ...` and `zoo.cnn.NAME` all reach the family package,
whose models and helpers are imported on first access.
"""

import importlib
import sys

sys.modules[__name__] = importlib.import_module("zoo.models.cnn")
