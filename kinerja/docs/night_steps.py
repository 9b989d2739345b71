"""The night's processing steps in the order the DAG runs them, each with what it does.

Read from the DAG file's source (`dags/kinerja_nightly.py`) rather than by importing it: importing
builds Airflow and Cosmos objects, which needs Airflow's configuration and takes seconds, and the
order is plain in the file: the task functions, which step of `kinerja.night.steps` each runs,
the dbt task group, and the `>>` chain that orders them. What each step does is its docstring.
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass
from pathlib import Path

from kinerja.night import dag_config, steps
from kinerja.project import DAGS_FOLDER

DAG_FILE = DAGS_FOLDER / "kinerja_nightly.py"


@dataclass(frozen=True)
class NightStep:
    task: str  # the task id, or the task group's id
    step: str | None  # the function of kinerja.night.steps it runs; None for the dbt group
    does: str  # the step's docstring, one paragraph


class DagNotUnderstood(ValueError):
    """The DAG file no longer has the shape this reader expects: fix the reader with the DAG."""


def night_steps(dag_file: Path = DAG_FILE) -> list[NightStep]:
    tree = ast.parse(dag_file.read_text(encoding="utf-8"))
    dag = next(
        (f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) and _decorated(f, "dag")),
        None,
    )
    if dag is None:
        raise DagNotUnderstood(f"{dag_file}: no @dag function")
    tasks = {
        f.name: _step_of(f)
        for f in dag.body
        if isinstance(f, ast.FunctionDef) and _decorated(f, "task")
    }
    assigned = {
        target.id: statement.value
        for statement in dag.body
        if isinstance(statement, ast.Assign)
        for target in statement.targets
        if isinstance(target, ast.Name)
    }
    groups = {name: _group_id(value) for name, value in assigned.items() if _group_id(value)}
    chains = [
        s.value
        for s in dag.body
        if isinstance(s, ast.Expr)
        and isinstance(s.value, ast.BinOp)
        and isinstance(s.value.op, ast.RShift)
    ]
    if len(chains) != 1:
        raise DagNotUnderstood(f"{dag_file}: expected one `a >> b >> ...` chain")
    order: list[str] = []
    for operand in _operands(chains[0]):
        for name in _tasks_in(operand, tasks, groups, assigned):
            if name not in order:
                order.append(name)
    missing = set(tasks) - set(order)
    if missing:
        raise DagNotUnderstood(f"{dag_file}: tasks outside the chain: {sorted(missing)}")
    return [
        NightStep(
            task=groups.get(name, name),
            step=tasks.get(name),
            does=_doc(tasks[name]) if tasks.get(name) else "",
        )
        for name in order
    ]


def _decorated(function: ast.FunctionDef, name: str) -> bool:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Name) and target.id == name:
            return True
    return False


def _step_of(task: ast.FunctionDef) -> str | None:
    """`steps.X` in the task's `_run(steps.X, ...)`."""
    for node in ast.walk(task):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "steps"
        ):
            return node.attr
    return None


def _group_id(value: ast.expr) -> str | None:
    if not (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id.endswith("TaskGroup")
    ):
        return None
    for keyword in value.keywords:
        if keyword.arg != "group_id":
            continue
        if isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
        if isinstance(keyword.value, ast.Name):  # a constant the DAG imports from dag_config
            return str(getattr(dag_config, keyword.value.id))
    return None


def _operands(chain: ast.expr) -> list[ast.expr]:
    if isinstance(chain, ast.BinOp) and isinstance(chain.op, ast.RShift):
        return [*_operands(chain.left), *_operands(chain.right)]
    return [chain]


def _tasks_in(
    node: ast.expr,
    tasks: dict[str, str | None],
    groups: dict[str, str],
    assigned: dict[str, ast.expr],
) -> list[str]:
    """The tasks an operand stands for, upstream first: a call's arguments run before it."""
    if isinstance(node, ast.Name):
        if node.id in groups:
            return [node.id]
        if node.id in assigned:
            return _tasks_in(assigned[node.id], tasks, groups, assigned)
        return []
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        inner = [t for arg in node.args for t in _tasks_in(arg, tasks, groups, assigned)]
        return inner + ([node.func.id] if node.func.id in tasks else [])
    return []


def _doc(step: str) -> str:
    function = getattr(steps, step, None)
    text = inspect.getdoc(function) if function else None
    return " ".join((text or "").split("\n\n")[0].split())
