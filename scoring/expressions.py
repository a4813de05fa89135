"""Arithmetic written in a framework file (`formula`, `normalized_to_best` values).

An expression may use measure roles, decimal numbers, `+ - * /`, parentheses and
`min(...)`, `max(...)`. It is parsed once with Python's `ast` and evaluated over
`Decimal`s by walking the tree: nothing is ever passed to `eval`. Numbers are read
from their written text, so `0.1` is exactly one tenth.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Context, Decimal
from functools import cache

_DECIMAL = Context(prec=28)
_FUNCTIONS = {"min": min, "max": max}


class ExpressionError(ValueError):
    """An expression that uses something other than the allowed arithmetic."""


class ZeroDivision(ArithmeticError):
    """A division by zero while evaluating; `divisor` is the text of the divisor."""

    def __init__(self, divisor: str) -> None:
        self.divisor = divisor
        super().__init__(f"{divisor} is 0")


@dataclass(frozen=True)
class Expression:
    """A checked expression and the names (roles) it reads."""

    text: str
    tree: ast.expr
    names: frozenset[str]

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal:
        """The value for these role values; ZeroDivision names the zero divisor."""
        return _evaluate(self.tree, values, self.text)


@cache
def parse_expression(text: str) -> Expression:
    """Parse and check an expression; ExpressionError says what is not allowed."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(f"expression {text!r} is not valid arithmetic: {exc.msg}") from None
    names: set[str] = set()
    for node in ast.walk(tree):
        _check_node(node, text, names)
    return Expression(text.strip(), tree, frozenset(names))


def _check_node(node: ast.AST, text: str, names: set[str]) -> None:
    if isinstance(node, ast.Call):
        if not (isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS) or node.keywords:
            raise ExpressionError(f"expression {text!r}: only min(...) and max(...) may be called")
        if len(node.args) < 2:
            raise ExpressionError(f"expression {text!r}: {node.func.id} needs two or more values")
        return
    if isinstance(node, ast.Name):
        if node.id not in _FUNCTIONS:
            names.add(node.id)
        return
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ExpressionError(f"expression {text!r}: {node.value!r} is not a number")
        return
    allowed = (
        ast.BinOp, ast.UnaryOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd,
        ast.Load,
    )  # fmt: skip
    if not isinstance(node, allowed):
        raise ExpressionError(
            f"expression {text!r}: {type(node).__name__} is not allowed "
            "(use roles, numbers, + - * /, parentheses, min, max)"
        )


# A number's value by its node: the nodes belong to the cached parsed expressions, so
# each number's source text is looked up once, not at every evaluation.
_NUMBERS: dict[tuple[int, str], tuple[ast.Constant, Decimal]] = {}


def _number(node: ast.Constant, text: str) -> Decimal:
    known = _NUMBERS.get((id(node), text))
    if known is not None and known[0] is node:
        return known[1]
    source = ast.get_source_segment(text.strip(), node)
    number = Decimal(source) if source else Decimal(str(node.value))
    _NUMBERS[(id(node), text)] = (node, number)
    return number


def _evaluate(node: ast.expr, values: Mapping[str, Decimal], text: str) -> Decimal:
    if isinstance(node, ast.Constant):
        return _number(node, text)
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, values, text)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        args = [_evaluate(a, values, text) for a in node.args]
        return Decimal(_FUNCTIONS[node.func.id](args))
    assert isinstance(node, ast.BinOp)
    left = _evaluate(node.left, values, text)
    right = _evaluate(node.right, values, text)
    if isinstance(node.op, ast.Add):
        return _DECIMAL.add(left, right)
    if isinstance(node.op, ast.Sub):
        return _DECIMAL.subtract(left, right)
    if isinstance(node.op, ast.Mult):
        return _DECIMAL.multiply(left, right)
    if right == 0:
        raise ZeroDivision(ast.get_source_segment(text.strip(), node.right) or "a divisor")
    return _DECIMAL.divide(left, right)
