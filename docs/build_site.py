"""Build the tutorials as a book: a static site, offline, in MkDocs' strict mode.

    pip install "keras-study-zoo[docs]"
    python docs/build_site.py                  # -> build/site/index.html
    python docs/build_site.py --out DIR        # somewhere else

The site is made of what is committed, nothing is re-executed:

- the README as the home page;
- every tutorial notebook with its saved outputs and figures (mkdocs-jupyter), each with a
  download link, its ``zoo.`` names linked to the API reference, and equations drawn by the
  MathJax that the ``jupyter-server-mathjax`` package ships (no CDN);
- the concepts page: the notes' 55 concepts and claims (``zoo.concepts``), each with the
  tutorial sections that demonstrate it;
- one page per registered model, generated from the registry (task, family, paper, input,
  arguments, parameter count, search space, recipe, presets and their cards);
- the API reference, from the public modules' docstrings (mkdocstrings), each page listing
  the tutorials that use its names.

The generated Markdown is written to ``DIR/../docs-src`` (``build/docs-src`` by default),
never into the repository's tracked files.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import importlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# The API reference: one page per area, each documenting these modules (where the names are defined,
# since the packages export them lazily).
API_PAGES = {
    "zoo": ["zoo", "zoo.factory", "zoo.transfer", "zoo.inference", "zoo.registry", "zoo.errors"],
    "models": [
        "zoo.models",
        "zoo.models.rnn.char_rnn",
        "zoo.models.rnn.text_generator",
        "zoo.models.rnn.sentiment",
        "zoo.models.rnn.seq2seq",
        "zoo.models.transformer.transformer_lm",
        "zoo.models.cnn.lenet",
        "zoo.models.cnn.alexnet",
        "zoo.models.cnn.vgg",
        "zoo.models.cnn.googlenet",
        "zoo.models.cnn.resnet",
        "zoo.models.cnn.densenet",
        "zoo.models.cnn.arithmetic",
        "zoo.models.segmentation.fcn",
        "zoo.models.segmentation.convolutionalization",
        "zoo.models.detection.yolo",
        "zoo.models.detection.rcnn",
        "zoo.models.detection.boxes",
        "zoo.models.multimodal.video",
        "zoo.models.multimodal.captioner",
        "zoo.models.forecasting.forecasters",
    ],
    "layers": ["zoo.layers.recurrent_cells", "zoo.layers.attention", "zoo.layers.vision"],
    "data": [
        "zoo.data.text",
        "zoo.data.vocab",
        "zoo.data.windows",
        "zoo.data.series",
        "zoo.data.images",
        "zoo.data.image_folder",
        "zoo.data.task_files",
        "zoo.data.scenes",
        "zoo.data.scene_words",
        "zoo.data.voc",
        "zoo.data.reviews",
        "zoo.data.dates",
        "zoo.data.clips",
    ],
    "training": [
        "zoo.kinds",
        "zoo.kinds.text",
        "zoo.kinds.images",
        "zoo.kinds.scenes",
        "zoo.kinds.tasks",
        "zoo.training.runs",
        "zoo.training.fit",
        "zoo.training.compiling",
        "zoo.training.callbacks",
        "zoo.training.text",
        "zoo.training.images",
        "zoo.training.scenes",
        "zoo.training.tasks",
        "zoo.training.held_out",
        "zoo.training.carried_state",
        "zoo.training.distribute",
    ],
    "tune": [
        "zoo.tune.spaces",
        "zoo.tune.hypermodels",
        "zoo.tune.searching",
        "zoo.tune.trials",
        "zoo.tune.objectives",
        "zoo.tune.stopping",
        "zoo.tune.figures",
        "zoo.tune.study",
        "zoo.tune.report",
    ],
    "decoding": ["zoo.decoding.generation", "zoo.decoding.conditional"],
    "metrics": ["zoo.metrics.language", "zoo.metrics.bleu", "zoo.metrics.segmentation", "zoo.metrics.detection"],
    "presets": ["zoo.presets", "zoo.presets.loading", "zoo.presets.saving"],
    "exporting": ["zoo.exporting"],
    "studies": [
        "zoo.studies.sequence_models",
        "zoo.studies.gradient_flow",
        "zoo.studies.interpretable_cells",
        "zoo.studies.attention_cost",
    ],
    "tutorials": ["zoo.tutorials", "zoo.concepts"],
    "utilities": ["zoo.numpy_rnn", "zoo.plotting", "zoo.saving", "zoo.run_folder", "zoo.validation"],
}

_ZOO_NAME = re.compile(r"\bzoo(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_FROM_IMPORT = re.compile(r"^\s*from (zoo(?:\.\w+)*) import \(?([\w ,\n]+)\)?", re.MULTILINE)


def plain_heading(line: str) -> str:
    """A heading line with its code spans as plain (escaped) text.

    mkdocs-jupyter's table of contents drops code spans from headings while the headings' ids keep
    them, so the contents would link to ids that do not exist; plain text gives both the same words.
    """
    return re.sub(r"`([^`]*)`", lambda m: html.escape(m.group(1)), line)


def _slug(text: str) -> str:
    """The id a notebook heading gets on its page (Python-Markdown's slugify of its text)."""
    from markdown.extensions.toc import slugify

    return slugify(html.unescape(re.sub(r"<[^>]*>", "", text)), "-")


def resolve(dotted: str):
    """``(page, anchor)`` of the API entry documenting ``dotted`` (``zoo.create_model``), or None."""
    parts = dotted.split(".")
    try:
        obj = importlib.import_module(parts[0])
        for index, part in enumerate(parts[1:], start=1):
            try:
                obj = getattr(obj, part)
            except AttributeError:
                obj = importlib.import_module(".".join(parts[: index + 1]))
    except (ImportError, AttributeError):
        return None
    if isinstance(obj, type(sys)):
        module, qualname = obj.__name__, None
    else:
        module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    for page, modules in API_PAGES.items():
        if module in modules:
            return page, module if qualname is None else f"{module}.{qualname}"
    return None


def names_used(notebook: dict) -> set[str]:
    """The ``zoo.`` names a notebook's code cells use, as written (``zoo.create_model``, ``zoo.data.make_scenes``)."""
    used = set()
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        used |= set(_ZOO_NAME.findall(source))
        for module, names in _FROM_IMPORT.findall(source):
            used |= {f"{module}.{name.strip()}" for name in names.replace("\n", ",").split(",") if name.strip()}
    return used


def link_names(markdown: str, prefix: str) -> str:
    """Markdown with each `` `zoo.name` `` code span linked to the API entry that documents it."""

    def link(match):
        target = resolve(match.group(1))
        if target is None:
            return match.group(0)
        page, anchor = target
        return f"[`{match.group(1)}`]({prefix}api/{page}.md#{anchor})"

    lines = markdown.split("\n")
    return "\n".join(
        plain_heading(line) if line.startswith("#") else re.sub(r"(?<!\[)`(zoo(?:\.[A-Za-z_]\w*)+)`", link, line)
        for line in lines
    )


def write_tutorials(src: pathlib.Path) -> dict[str, dict]:
    """Copy every notebook into ``src/tutorials`` with its markdown's zoo names linked; return them by name."""
    from zoo.tutorials import list_tutorials

    (src / "tutorials").mkdir(parents=True)
    notebooks = {}
    for tutorial in list_tutorials():
        notebook = json.loads(tutorial.path.read_text(encoding="utf-8"))
        notebook["cells"].insert(
            1,
            {
                "cell_type": "markdown",
                "metadata": {},
                "source": f"[Download this notebook]({tutorial.path.name}) (or copy them all with "
                '`zoo tutorials --to DIR`), then open it with `pip install "keras-study-zoo[notebooks]"` '
                "and `jupyter lab`.",
            },
        )
        for cell in notebook["cells"]:
            if cell["cell_type"] == "markdown":
                # nbconvert renders these cells itself, so links point at the built pages (.html).
                text = link_names("".join(cell["source"]), "../")
                cell["source"] = text.replace(".md#", ".html#")
        (src / "tutorials" / tutorial.path.name).write_text(json.dumps(notebook, ensure_ascii=False), "utf-8")
        notebooks[tutorial.name] = {"tutorial": tutorial, "notebook": notebook}
    return notebooks


def _sections(notebook: dict) -> list[tuple[str, str]]:
    """``(heading text, anchor)`` of a notebook's ``##`` headings."""
    found = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("## "):
                    found.append((line[3:].strip(), _slug(plain_heading(line[3:]))))
    return found


def _literal(text: str) -> str:
    """``text`` as it reads, in a Markdown table cell: HTML escaped, Markdown's emphasis marks escaped."""
    return re.sub(r"([*_`\\\[\]])", r"\\\1", html.escape(text))


def write_concepts(src: pathlib.Path, notebooks: dict) -> None:
    """The claims index: every concept and claim, the sections showing it and, for each claim, the
    verdict and numbers the executed notebooks recorded (:func:`zoo.tutorials.claim`)."""
    from zoo.concepts import CONCEPTS, NOTES
    from zoo.tutorials import concept_codes, recorded_claims

    verdicts, shown_in = {}, {}
    for name, entry in notebooks.items():
        for record in recorded_claims(entry["tutorial"].path):
            verdicts.setdefault(record["code"], []).append((name, record))
        for heading, anchor in _sections(entry["notebook"]):
            link = f"[{name} · {html.escape(heading)}](tutorials/{name}.ipynb#{anchor})"
            for code in concept_codes(heading):
                shown_in.setdefault(code, []).append(link)
    claims = [c for c in CONCEPTS if c.claim]
    measured = sum(1 for c in claims if c.code in verdicts)
    lines = [
        "# The notes' concepts and claims",
        "",
        "Every concept or claim of the five study notes, in this project's words (`zoo.concepts`), with the",
        "tutorial sections that demonstrate it. A **concept** is a definition the section builds and checks",
        "against Keras; a **claim** is a statement that can be measured, and the verdict beside it (holds, does",
        "not hold, or holds only under conditions) and its numbers are read from the saved outputs of the",
        "executed notebooks, where `zoo.tutorials.claim` recorded them, so they cannot drift from what ran.",
        "",
        f"{len(CONCEPTS)} concepts and claims; {measured} of the {len(claims)} claims have a verdict recorded.",
        "",
        "## The notes",
        "",
        "| note | author | title | date | topic |",
        "| --- | --- | --- | --- | --- |",
        *(f"| {n.number} | {n.author} | {n.title} | {n.date} | {n.topic} |" for n in NOTES.values()),
    ]
    group = None
    for concept in CONCEPTS:
        if concept.group != group:
            group = concept.group
            lines += [
                "",
                f"## {group}",
                "",
                "| code | kind | what the notes say | notes | shown in | verdict, measured |",
                "| --- | --- | --- | --- | --- | --- |",
            ]
        shown = shown_in.get(concept.code, [])
        if not concept.claim:
            verdict = "(a concept: built and checked, nothing to decide)"
        elif concept.code not in verdicts:
            verdict = "*not recorded yet: the section shows it, its notebook does not record a verdict*"
        else:
            verdict = "<br>".join(
                f"**{r['verdict']}**"
                + (f" (only when {_literal(r['condition'])})" if r["condition"] else "")
                + f": {_literal(r['measured'])} ({name})"
                for name, r in verdicts[concept.code]
            )
        kind = "claim" if concept.claim else "concept"
        cells = [concept.code, kind, concept.text, ", ".join(concept.notes), "<br>".join(shown), verdict]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    (src / "concepts.md").write_text("\n".join(lines) + "\n", "utf-8")


def write_models(src: pathlib.Path) -> list[str]:
    """One page per registered model, from the registry; returns the names."""
    import keras

    import zoo
    from zoo.presets import list_presets, preset, preset_card

    (src / "models").mkdir()
    names = zoo.list_models()
    rows = ["# Models", "", "Every registered model, generated from the registry (`zoo list`, `zoo info NAME`).", ""]
    rows += ["| model | task | family | parameters |", "| --- | --- | --- | --- |"]
    for name in names:
        info = zoo.model_info(name)
        # Counted without initialising the weights (Keras defers every initializer in a StatelessScope; the
        # deferred ones are then dropped): initialising every model's published widths took 40 of the build's 80 s.
        with keras.StatelessScope(initialize_variables=False):
            params = zoo.create_model(name).count_params()
        keras.backend.clear_session(free_memory=False)
        rows.append(f"| [{name}]({name}.md) | {info.task} | {info.family} | {params:,} |")
        specs = info.input if isinstance(info.input, tuple) else (info.input,)
        inputs = ", ".join(f"`{spec.shape}` ({spec.dtype})" for spec in specs)
        page = [f"# {name}", "", info.description, "", "| | |", "| --- | --- |"]
        page += [
            f"| task | {info.task} |",
            f"| family | {info.family} |",
            f"| paper | {info.paper} |",
            f"| default input (without the batch axis) | {inputs} |",
            f"| parameters (defaults) | {params:,} |",
            f"| builder | `{info.target}` |",
        ]
        page += ["", "## Arguments", "", "| argument | default |", "| --- | --- |"]
        page += [f"| `{arg}` | `{value!r}` |" for arg, value in info.default_args.items()]
        if info.tunable:
            page += ["", "## Search space (`zoo tune`)", "", "| argument | values |", "| --- | --- |"]
            page += [f"| `{arg}` | `{json.dumps(space, default=list)}` |" for arg, space in info.tunable.items()]
        if info.recipe is not None:
            page += ["", "## Recipe (`zoo train`)", "", "| setting | value |", "| --- | --- |"]
            page += [f"| `{key}` | `{value!r}` |" for key, value in info.recipe.as_dict().items()]
        presets = [p for p in list_presets() if preset(p).model == name]
        for preset_name in presets:
            card = preset_card(preset_name)
            page += [
                "",
                f"## Preset `{preset_name}`",
                "",
                "```json",
                json.dumps(card, indent=2, ensure_ascii=False),
                "```",
            ]
        (src / "models" / f"{name}.md").write_text("\n".join(page) + "\n", "utf-8")
    (src / "models" / "index.md").write_text("\n".join(rows) + "\n", "utf-8")
    return names


def write_api(src: pathlib.Path, notebooks: dict) -> None:
    """The API pages (mkdocstrings), each with the tutorials that use its names."""
    (src / "api").mkdir()
    users = {page: {} for page in API_PAGES}
    for name, entry in notebooks.items():
        for dotted in sorted(names_used(entry["notebook"])):
            target = resolve(dotted)
            if target is not None:
                users[target[0]].setdefault(name, set()).add(target[1])
    index = ["# API reference", "", "Generated from the docstrings of zoo's public modules.", ""]
    for page, modules in API_PAGES.items():
        index.append(f"- [{page}]({page}.md): " + ", ".join(f"`{m}`" for m in modules))
        lines = [f"# {page}", ""]
        if users[page]:
            lines += ["Used in the tutorials:", ""]
            for name, anchors in sorted(users[page].items()):
                used = ", ".join(f"[`{a.rsplit('.', 1)[-1]}`](#{a})" for a in sorted(anchors))
                lines.append(f"- [{name}](../tutorials/{name}.ipynb): {used}")
            lines.append("")
        for module in modules:
            lines += [f"::: {module}", ""]
        (src / "api" / f"{page}.md").write_text("\n".join(lines), "utf-8")
    (src / "api" / "index.md").write_text("\n".join(index) + "\n", "utf-8")


def copy_mathjax(site: pathlib.Path) -> None:
    """MathJax 2, from the files the jupyter-server-mathjax package ships, into the built site."""
    import jupyter_server_mathjax

    static = pathlib.Path(jupyter_server_mathjax.__file__).parent / "static"
    target = site / "assets" / "mathjax"
    shutil.copytree(static, target, dirs_exist_ok=True)
    # The package ships the STIX-Web fonts only (as Jupyter configures them), not MathJax's default TeX fonts.
    # MathJax's blank measuring font points at about:blank, which Chromium refuses with a console error;
    # a local() source that matches no font gives the same blank font without a request.
    (target / "config" / "local").mkdir(exist_ok=True)
    (target / "config" / "local" / "stix.js").write_text(
        'MathJax.Hub.Config({"HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", '
        'imageFont: null, styles: {"@font-face": {"font-family": "MathJax_Blank", '
        "src: \"local('MathJax_Blank_none')\"}}}});\n"
        'MathJax.Ajax.loadComplete("[MathJax]/config/local/stix.js");\n'
    )


# From site/tutorials/NAME.html; MathJax 2 with its TeX input, HTML output and the fonts configured above.
MATHJAX_URL = "../assets/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe,local/stix"


def write_config(src: pathlib.Path, site: pathlib.Path, notebooks: dict, models: list[str]) -> pathlib.Path:
    """The MkDocs configuration (JSON is YAML), with the navigation in book order."""
    config = {
        "site_name": "zoo: Keras 3 models and tutorials from five study notes",
        "docs_dir": str(src),
        "site_dir": str(site),
        "use_directory_urls": False,  # pages work from the folder too (file://), and at a fixed depth
        "strict": True,
        "theme": {"name": "material", "font": False, "features": ["navigation.sections"]},
        "markdown_extensions": ["tables", "admonition", "toc"],
        "validation": {"links": {"anchors": "warn", "absolute_links": "warn", "unrecognized_links": "warn"}},
        "plugins": [
            {"search": {}},
            {
                "mkdocs-jupyter": {
                    "execute": False,
                    "custom_mathjax_url": MATHJAX_URL,
                    "cache": False,
                }
            },
            {
                "mkdocstrings": {
                    "handlers": {
                        "python": {
                            "paths": [str(REPO)],
                            "options": {
                                "docstring_style": "google",
                                # One entry per parameter, each checked against the signature, and every
                                # parameter and returned value annotated (a warning fails the strict build).
                                # A Returns section is one description, not a list of named items.
                                "docstring_options": {
                                    "warn_missing_types": True,
                                    "warn_unknown_params": True,
                                    "returns_multiple_items": False,
                                },
                                "show_source": False,
                                "show_submodules": False,
                                "members_order": "source",
                                "filters": ["!^_"],
                                "heading_level": 2,
                                "show_root_heading": True,
                                "show_root_full_path": True,
                            },
                        }
                    }
                }
            },
        ],
        "nav": [
            {"Home": "index.md"},
            {"Concepts and claims": "concepts.md"},
            {"Tutorials": [{entry["tutorial"].title: f"tutorials/{name}.ipynb"} for name, entry in notebooks.items()]},
            {"Models": ["models/index.md", *(f"models/{name}.md" for name in models)]},
            {"API reference": ["api/index.md", *(f"api/{page}.md" for page in API_PAGES)]},
        ],
    }
    path = src.parent / "mkdocs.yml"
    path.write_text(json.dumps(config, indent=1, ensure_ascii=False), "utf-8")
    return path


def build(out: pathlib.Path) -> pathlib.Path:
    """Generate the pages and run ``mkdocs build --strict``; returns the site folder."""
    out = out.resolve()
    src = out.parent / "docs-src"
    for folder in (src, out):
        if folder.exists():
            marker = folder / ".zoo-docs"
            if not marker.exists():
                raise SystemExit(
                    f"docs/build_site.py: {folder} exists and was not made by this script; give another --out."
                )
            shutil.rmtree(folder)
    for folder in (src, out):  # marked first: MkDocs empties its site folder but keeps hidden files
        folder.mkdir(parents=True)
        (folder / ".zoo-docs").write_text("")
    (src / "index.md").write_text((REPO / "README.md").read_text(encoding="utf-8"), "utf-8")
    notebooks = write_tutorials(src)
    write_concepts(src, notebooks)
    models = write_models(src)
    write_api(src, notebooks)
    config = write_config(src, out, notebooks, models)
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config)], check=True, env=env)
    copy_mathjax(out)
    for name, entry in notebooks.items():  # the download: the notebook as shipped, not the page's copy
        shutil.copyfile(entry["tutorial"].path, out / "tutorials" / f"{name}.ipynb")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(REPO / "build" / "site"), help="the site's folder (default build/site)")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        site = build(pathlib.Path(args.out))
        print(f"docs: {len(list(site.rglob('*.html')))} pages in {site}")
        return 0
    return 130


if __name__ == "__main__":
    sys.exit(main())
