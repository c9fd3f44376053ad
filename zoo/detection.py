"""`zoo.detection`: a short name for `zoo.models.detection` (object detection), the same module object.

`import zoo.detection`, `from zoo.detection import ...` and `zoo.detection.NAME` all reach the family package,
whose models and helpers are imported on first access.
"""

import importlib
import sys

sys.modules[__name__] = importlib.import_module("zoo.models.detection")
