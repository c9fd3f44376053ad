"""The concept list lives in the project, every concept has a tutorial section, and `zoo tutorials` ships them."""

import json
import pathlib
import re
import subprocess

import pytest

from tests.conftest import REPO, run_zoo
from zoo.concepts import BY_CODE, CONCEPTS, NOTES
from zoo.tutorials import TutorialConflictError, claim, concept_codes, copy_tutorials, list_tutorials, recorded_claims


def test_the_list_has_the_notes_55_concepts_each_citing_known_notes():
    assert len(CONCEPTS) == len(BY_CODE) == 55
    assert {group: sum(c.code.startswith(group) for c in CONCEPTS) for group in "SLCVA"} == {
        "S": 14, "L": 16, "C": 14, "V": 5, "A": 6,
    }  # fmt: skip
    assert all(c.notes and set(c.notes) <= set(NOTES) for c in CONCEPTS)
    assert all(note.author and note.title and note.date for note in NOTES.values())


def test_concept_codes_expand_ranges_and_ignore_unknown_codes():
    assert concept_codes("## S3–S5 with the library") == ["S3", "S4", "S5"]
    assert concept_codes("## S10, S11, L8 with real networks") == ["S10", "S11", "L8"]
    assert concept_codes("## L14-16 and C99, plus A6") == ["L14", "L15", "L16", "A6"]
    assert concept_codes("a CNN with 3 layers (C2 alone)") == ["C2"]


def test_every_concept_has_a_tutorial_section_that_demonstrates_it():
    shown = {code for tutorial in list_tutorials() for code in tutorial.concepts}
    assert [c.code for c in CONCEPTS if c.code not in shown] == []


def test_every_tutorial_names_the_notes_it_mirrors():
    assert [t.name for t in list_tutorials() if not t.notes] == []


def test_nothing_in_the_project_refers_to_the_shared_folder():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    shared = ".." + "/shared"  # spelled in two parts so that this file does not match itself
    hits = [
        name
        for name in tracked
        if pathlib.Path(REPO, name).is_file()
        and any(word in pathlib.Path(REPO, name).read_text(errors="replace") for word in (shared, "CONCEPTS" + ".md"))
    ]
    assert hits == []


def test_copy_refuses_a_changed_file_and_copies_nothing(tmp_path):
    first = list_tutorials()[0].path.name
    (tmp_path / first).write_text("my own notes\n")
    with pytest.raises(TutorialConflictError, match=first):
        copy_tutorials(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [first]
    assert (tmp_path / first).read_text() == "my own notes\n"


def test_copy_twice_leaves_identical_files_alone(tmp_path):
    assert {action for _, action in copy_tutorials(tmp_path / "book")} == {"copied"}
    assert {action for _, action in copy_tutorials(tmp_path / "book")} == {"unchanged"}


def test_zoo_tutorials_lists_copies_and_refuses_in_one_line(tmp_path):
    listed = run_zoo("tutorials", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert [t["name"] for t in json.loads(listed.stdout)] == [t.name for t in list_tutorials()]
    (tmp_path / "a_file").write_text("x")
    refused = run_zoo("tutorials", "--to", str(tmp_path / "a_file"), cwd=tmp_path)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "a_file" in refused.stderr
    concepts = run_zoo("tutorials", "--concepts", cwd=tmp_path)
    assert concepts.returncode == 0 and "(no tutorial)" not in concepts.stdout
    assert all(f"{code} " in concepts.stdout for code in BY_CODE)


CLAIM_CALL = re.compile(r"\bclaim\(\s*\"([A-Z]\d+)\"")


def test_claim_takes_only_the_notes_claims_and_the_three_verdicts(capsys):
    claim("C11", "holds", "18C^2 against 25C^2")
    assert capsys.readouterr().out == "C11 holds: 18C^2 against 25C^2\n"
    claim("C13", "holds only under conditions", "loss 0.0 against 0.2", condition="34 layers deep")
    assert (
        capsys.readouterr().out == "C13 holds only under conditions: loss 0.0 against 0.2 (only when 34 layers deep)\n"
    )
    with pytest.raises(ValueError, match=r"code='C99' is not one of the notes' claims; accepted: S1, "):
        claim("C99", "holds", "")
    with pytest.raises(ValueError, match="code='C1' is not one of the notes' claims"):  # C1 is a definition
        claim("C1", "holds", "")
    with pytest.raises(ValueError, match=r"verdict='true' is not accepted; give one of 'holds', 'does not hold'"):
        claim("C11", "true", "")
    with pytest.raises(ValueError, match="condition= goes with verdict 'holds only under conditions'"):
        claim("C11", "holds only under conditions", "")
    with pytest.raises(ValueError, match="condition= goes with"):
        claim("C11", "holds", "", condition="on Tuesdays")


def test_each_committed_notebook_holds_the_verdicts_its_claims_record():
    """A notebook whose source records a claim was executed and saved since (its outputs hold that claim)."""
    stale = {}
    for tutorial in list_tutorials():
        source = pathlib.Path(REPO, "tutorials", f"{tutorial.name}.py").read_text()
        called = sorted(set(CLAIM_CALL.findall(source)))
        recorded = sorted({r["code"] for r in recorded_claims(tutorial.path)})
        if called != recorded:
            stale[tutorial.name] = {"in the source": called, "in the saved outputs": recorded}
    assert stale == {}
