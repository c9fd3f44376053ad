"""`zoo.segmentation`: a short name for `zoo.models.segmentation`, the same module object.

`import zoo.segmentation`, `from zoo.segmentation import ...` and `zoo.segmentation.NAME` all
reach the family package, whose models and helpers are imported on first access.
"""

import importlib
import sys

sys.modules[__name__] = importlib.import_module("zoo.models.segmentation")
