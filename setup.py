"""Build hook: the tutorial notebooks travel in the wheel as package data.

Everything else about the package is in ``setup.cfg``. The notebooks live in the
repository's top-level ``tutorials/`` (beside their jupytext ``.py`` sources), outside
the ``zoo`` package, so the build copies each ``NN_name.ipynb`` into ``zoo/notebooks/``
of the built package, where :func:`zoo.tutorials.notebook_folder` finds them.
"""

import pathlib

from setuptools import setup
from setuptools.command.build_py import build_py

TUTORIALS = pathlib.Path(__file__).resolve().parent / "tutorials"


class BuildPyWithNotebooks(build_py):
    """``build_py`` that also copies ``tutorials/NN_*.ipynb`` into ``zoo/notebooks/``."""

    def run(self):
        super().run()
        target = pathlib.Path(self.build_lib, "zoo", "notebooks")
        self.mkpath(str(target))
        for notebook in sorted(TUTORIALS.glob("[0-9][0-9]_*.ipynb")):
            self.copy_file(str(notebook), str(target / notebook.name))


setup(cmdclass={"build_py": BuildPyWithNotebooks})
