"""The tutorials as a book: the static site builds, and headless Chromium finds every page whole.

CI builds the site once before the tests (``.ci/run`` sets ``ZOO_DOCS_SITE``); run alone, the
tests build it themselves. The browser checks need Debian's ``chromium`` and ``chromium-driver``
(and ``fonts-noto-cjk`` for the Korean terms); they are skipped without them, except under CI.
"""

import filecmp
import html
import importlib.util
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO
from zoo.concepts import CONCEPTS
from zoo.tutorials import recorded_claims


def _script(name):
    """One of the scripts in docs/, loaded as a module (docs/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(REPO, "docs", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_site = _script("build_site")
check_site = _script("check_site")

pytestmark = pytest.mark.xdist_group("docs")
BROKEN = pathlib.Path(REPO, "tests", "data", "broken_site")
TUTORIALS = sorted(pathlib.Path(REPO, "tutorials").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    built = os.environ.get("ZOO_DOCS_SITE")
    if built:
        return pathlib.Path(built).resolve()
    pytest.importorskip("mkdocs")
    return build_site.build(tmp_path_factory.mktemp("docs") / "site")


@pytest.fixture(scope="module")
def chromium():
    if not (shutil.which(check_site.CHROMIUM) and shutil.which(check_site.CHROMEDRIVER)):
        if os.environ.get("CI"):
            pytest.fail("CI must install chromium and chromium-driver (.ci/run does)")
        pytest.skip("needs Debian's chromium and chromium-driver")
    pytest.importorskip("selenium")


def test_the_site_has_every_page(site):
    assert (site / "index.html").is_file() and (site / "concepts.html").is_file()
    assert sorted(p.stem for p in (site / "tutorials").glob("*.html")) == [p.stem for p in TUTORIALS]
    for notebook in TUTORIALS:  # the download link gives the notebook as committed
        assert filecmp.cmp(site / "tutorials" / notebook.name, notebook, shallow=False)
    import zoo

    assert sorted(p.stem for p in (site / "models").glob("*.html")) == sorted([*zoo.list_models(), "index"])
    assert sorted(p.stem for p in (site / "api").glob("*.html")) == sorted([*build_site.API_PAGES, "index"])


def test_model_pages_come_from_the_registry(site):
    import zoo

    page = (site / "models" / "lenet5.html").read_text()
    assert f"{zoo.create_model('lenet5').count_params():,}" in page
    assert zoo.model_info("lenet5").paper.split(",")[0] in page
    card = (site / "models" / "text_generator.html").read_text()
    assert "text_generator_stdlib" in card and "bits per character" in card


def test_the_concepts_page_lists_every_concept_with_a_section(site):
    page = (site / "concepts.html").read_text()
    for concept in CONCEPTS:
        assert f"<td>{concept.code}</td>" in page
    assert page.count('href="tutorials/') >= len(CONCEPTS)


def test_the_claims_index_shows_the_verdicts_the_saved_notebooks_recorded(site):
    text = html.unescape(re.sub(r"<[^>]+>", "", (site / "concepts.html").read_text()))
    records = [r for notebook in TUTORIALS for r in recorded_claims(notebook)]
    assert records
    for record in records:
        condition = f" (only when {record['condition']})" if record["condition"] else ""
        assert f"{record['verdict']}{condition}: {record['measured']}" in text
    claims = sum(c.claim for c in CONCEPTS)
    assert f"{len({r['code'] for r in records})} of the {claims} claims have a verdict recorded" in text


def test_api_pages_and_tutorials_link_each_other(site):
    api = (site / "api" / "zoo.html").read_text()
    assert 'id="zoo.factory.create_model"' in api
    assert 'href="../tutorials/00_quickstart.html"' in api  # "used in the tutorials"
    tutorial = (site / "tutorials" / "00_quickstart.html").read_text()
    assert "../api/" in tutorial


def test_every_internal_link_resolves(site):
    assert check_site.link_problems(site) == []


def test_chromium_finds_every_page_whole(site, chromium):
    pages = check_site.default_pages(site)
    shots = {
        page: site.parent / "screenshots" / (pathlib.Path(page).stem + ".png") for page in check_site.SCREENSHOT_PAGES
    }
    problems, facts = check_site.page_problems(site, pages, shots)
    assert problems == []
    assert len(pages) == len(TUTORIALS) + 3
    lstm = facts["tutorials/04_lstm_gates.html"]
    assert lstm["equations"] > 0 and lstm["korean"] > 0  # equations typeset, Korean terms drawn
    assert all(path.stat().st_size > 10_000 for path in shots.values())


def test_the_checks_fail_on_a_deliberately_broken_page(chromium):
    problems, _ = check_site.page_problems(BROKEN, ["index.html"])
    problems += check_site.link_problems(BROKEN)
    text = "\n".join(problems)
    assert "image did not load: missing-figure.png" in text
    assert "1 equations were not typeset" in text
    assert "no font draws U+D7FC" in text and text.count("no font draws") == 1  # not the real Korean
    assert "console error" in text and "functionThatDoesNotExist" in text
    assert "link to a missing file: no-such-page.html" in text
    assert "link to a missing anchor: #no-such-anchor" in text


def test_the_site_builds_as_one_command_into_a_folder_it_owns(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "mine.txt").write_text("not the docs'")
    refused = subprocess.run(
        [sys.executable, os.path.join(REPO, "docs", "build_site.py"), "--out", str(tmp_path / "site")],
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0 and "was not made by this script" in refused.stderr
    assert (tmp_path / "site" / "mine.txt").read_text() == "not the docs'"
