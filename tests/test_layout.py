"""The package's layout rules, checked on the source: no private name is imported across modules,
a private module is imported only from inside its own package, and zoo's imports form no cycle."""

import ast
import pathlib

from tests.conftest import run_python

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = sorted(
    [*ROOT.glob("zoo/**/*.py"), *ROOT.glob("tests/*.py"), *ROOT.glob("benchmarks/*.py"), *ROOT.glob("tutorials/*.py")]
)


def module_name(path, root=ROOT):
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p) for p in ROOT.glob("zoo/**/*.py")}


def is_private(name):
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def imports(path, root=ROOT):
    """``(line, imported module, imported names)`` of every ``import`` and ``from ... import`` in a file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    name = module_name(path, root).split(".")
    package = name if path.name == "__init__.py" else name[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            yield node.lineno, base, [a.name for a in node.names]


def private_crossings(sources=SOURCES, root=ROOT):
    """Each import of a private name from another module, or of a private module from outside its package."""
    found = []
    for path in sources:
        importer = module_name(path, root)
        for line, module, names in imports(path, root):
            if not (module == "zoo" or module.startswith("zoo.")):
                continue
            where = f"{path.relative_to(root)}:{line}"
            for n in names:
                submodule = f"{module}.{n}"
                if is_private(n) and not (submodule in MODULES and importer.startswith(module)):
                    found.append(f"{where} imports {n} from {module}")
            parts = module.split(".")
            private_at = [k for k, part in enumerate(parts) if is_private(part)]
            if private_at:
                owner = ".".join(parts[: private_at[0]])  # the package the private module belongs to
                if not (importer == owner or importer.startswith(owner + ".")):
                    found.append(f"{where} imports the private module {module} from outside {owner}")
    return found


def test_no_private_name_crosses_a_module():
    assert private_crossings() == []


def test_the_check_finds_a_crossing(tmp_path):
    """The check itself can fail: planted private imports are reported."""
    planted = tmp_path / "tests" / "test_planted.py"
    planted.parent.mkdir()
    planted.write_text("from zoo.data.scenes import _hidden\nimport zoo._keras_hook\n")
    found = private_crossings([planted], tmp_path)
    assert len(found) == 2 and "imports _hidden from zoo.data.scenes" in found[0] and "from outside zoo" in found[1]


def import_graph(paths=None, root=ROOT):
    """zoo's imports, those at the top of a module and those inside its functions alike, as
    {module: zoo modules it imports}: an import inside a function closes a circle as surely, only later."""
    graph = {}
    for path in paths or ROOT.glob("zoo/**/*.py"):
        name = module_name(path, root)
        targets = set()
        for _, module, names in imports(path, root):
            targets |= {module, *(f"{module}.{n}" for n in names)}
        # A package's __init__ importing its own submodules is the usual layout, not a cycle:
        # a submodule's edge back up to a package containing it is dropped.
        graph[name] = {t for t in targets if t in MODULES and t != name and not name.startswith(t + ".")}
    return graph


def find_cycles(graph):
    """Every cycle a depth-first walk of ``graph`` closes, each as a list of modules."""
    cycles, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return cycles


def test_zoo_imports_form_no_cycle():
    assert find_cycles(import_graph()) == []


def test_the_cycle_check_finds_a_cycle():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_the_cycle_check_reads_imports_inside_functions(tmp_path):
    """A circle closed only by an import inside a function (as the registry's once was) is found."""
    (tmp_path / "zoo" / "presets").mkdir(parents=True)
    registry, presets = tmp_path / "zoo" / "registry.py", tmp_path / "zoo" / "presets" / "__init__.py"
    registry.write_text("def create_model():\n    from zoo.presets import load_preset\n")
    presets.write_text("from zoo.registry import model_info\n")
    graph = import_graph([registry, presets], tmp_path)
    assert find_cycles(graph) == [["zoo.presets", "zoo.registry", "zoo.presets"]]


def test_the_keras_hook_registers_every_module_that_defines_a_keras_class():
    """``KERAS_CLASS_MODULES`` is the fixed list of what ``keras.saving.load_model`` needs imported:
    exactly the modules that register a class with Keras."""
    hook = ast.parse((ROOT / "zoo" / "_keras_hook.py").read_text())
    listed = next(n.value for n in hook.body if isinstance(n, ast.Assign) and n.targets[0].id == "KERAS_CLASS_MODULES")
    defining = {
        module_name(p)
        for p in ROOT.glob("zoo/**/*.py")
        if p.name != "_keras_hook.py" and "register_keras_serializable" in p.read_text()
    }
    assert set(ast.literal_eval(listed)) == defining


def test_every_exported_name_stays_itself_once_all_submodules_are_imported():
    """A lazy package's exported function must not be shadowed by a submodule of the same name
    (``zoo.tune.search`` once was the module once ``zoo.tune.search`` the module had been imported)."""
    code = (
        "import importlib, pkgutil, types, zoo\n"
        "found = [m for m in pkgutil.walk_packages(zoo.__path__, 'zoo.') if m.name != 'zoo.__main__']\n"
        "for m in found:\n"
        "    importlib.import_module(m.name)\n"
        "bad = []\n"
        "for m in found:\n"
        "    module = importlib.import_module(m.name)\n"
        "    if m.ispkg:\n"
        "        bad += [f'{m.name}.{n}' for n in getattr(module, '__all__', ())\n"
        "                if isinstance(getattr(module, n), types.ModuleType)]\n"
        "print('SHADOWED', bad)\n"
    )
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "SHADOWED []" in proc.stdout


def lines_of_code(path):
    """``{qualified function name: lines of code}`` of a file: its docstring, blank lines and comments left out."""
    text = path.read_text()
    lines = text.splitlines()
    counts = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            docstring = isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and len(body) > 1
            first = body[1].lineno if docstring else body[0].lineno
            code = [line for line in lines[first - 1 : node.end_lineno] if line.strip() and not line.strip()[0] == "#"]
            counts[f"{path}:{node.name}"] = len(code)
    return counts


def test_no_function_in_zoo_is_over_60_lines_of_code():
    long = {name: n for path in ROOT.glob("zoo/**/*.py") for name, n in lines_of_code(path).items() if n > 60}
    assert long == {}


def test_the_length_check_counts_code_only(tmp_path):
    planted = tmp_path / "zoo" / "planted.py"
    planted.parent.mkdir()
    body = "".join(f"    x{i} = {i}\n" for i in range(61))
    planted.write_text(f'def long():\n    """Doc."""\n\n    # a comment\n{body}\ndef short():\n    return 1\n')
    assert {k.rpartition(":")[2]: v for k, v in lines_of_code(planted).items()} == {"long": 61, "short": 1}
