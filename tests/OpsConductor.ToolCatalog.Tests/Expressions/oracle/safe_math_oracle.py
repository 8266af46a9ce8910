#!/usr/bin/env python3
"""Oracle for the estimate-expression engine (OpsConductor.ToolCatalog.Expressions).

Two evaluators live here:

* ``OriginalEvaluator`` re-implements OpsConductor-NG's ``SafeMathEvaluator``
  (``pipeline/stages/stage_b/safe_math_eval.py``) from ORIGINAL-BEHAVIOUR.md section 3.6: ``ast.parse`` in eval
  mode, the same whitelist check in the same pre-order with the same depth rule, the same evaluation namespace
  (constants, functions, DEFAULT_VARS, then the caller's context) and the same error wording. With
  ``conditions=True`` it also accepts Compare, BoolOp and ``not`` with Python's semantics: the original never could,
  so this is what Python itself answers for a policy condition.

* ``OursEvaluator`` models what the C# engine is documented to do (docs/expressions.md): the original's language
  and semantics evaluated in 64-bit floats, plus the deliberate differences (strings, keyword arguments, complex
  literals and None refused; leading whitespace accepted; length limit; arity checked when compiling; pi and e not
  overridable; NaN or infinite results are errors; refused constructs reported before depth and arity).

``generate()`` runs every case through both, checks that every disagreement is explained by a documented
difference, and writes ``expression-cases.json`` next to this file, which ExpressionTableTests reads. Run it with
``python3 safe_math_oracle.py`` (Python 3.11 was used; the float results depend on the platform's libm, as the C#
engine's do).
"""

import ast
import hashlib
import io
import json
import math
import os
import random
import sys
import tokenize
import warnings

warnings.filterwarnings("ignore", category=SyntaxWarning)
warnings.filterwarnings("ignore", category=DeprecationWarning)

FUNCTIONS = {
    "log": math.log, "log10": math.log10, "log2": math.log2, "sqrt": math.sqrt, "min": min, "max": max,
    "abs": abs, "ceil": math.ceil, "floor": math.floor, "exp": math.exp,
}
CONSTANTS = {"pi": math.pi, "e": math.e}
DEFAULTS = {"N": 0, "pages": 1, "p95_latency": 100, "cost": 1, "time_ms": 1000}
ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
SIGNS = (ast.USub, ast.UAdd)
MAX_LENGTH = 500


class Refused(ValueError):
    """A static (compile-time) refusal, carrying the engine's error kind."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


# ----------------------------------------------------------------------------------------------------------------
# The original evaluator (section 3.6), optionally extended to conditions.
# ----------------------------------------------------------------------------------------------------------------

class OriginalEvaluator:
    def __init__(self, max_depth=20, conditions=False):
        self.max_depth = max_depth
        self.conditions = conditions

    def evaluate(self, expression, context):
        if isinstance(expression, (int, float)):
            return float(expression)
        try:
            tree = ast.parse(expression, mode="eval")
        except SyntaxError as error:
            raise SyntaxError(f"Invalid expression syntax: {expression}") from error
        self.check(tree.body, 0)
        namespace = {**CONSTANTS, **FUNCTIONS, **DEFAULTS, **context}
        try:
            return float(self.value(tree.body, namespace))
        except Exception as error:
            raise ValueError(f"Error evaluating expression '{expression}': {error}") from error

    def children(self, node):
        """The children the depth rule and the whitelist walk through."""
        if isinstance(node, ast.BinOp):
            return [node.left, node.right]
        if isinstance(node, ast.UnaryOp):
            return [node.operand]
        if isinstance(node, ast.Call):
            return list(node.args)
        if isinstance(node, ast.Compare):
            return [node.left, *node.comparators]
        if isinstance(node, ast.BoolOp):
            return list(node.values)
        return []

    def check(self, node, depth):
        if depth > self.max_depth:
            raise ValueError(f"Expression too deeply nested (max depth: {self.max_depth})")
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, ARITHMETIC):
                raise ValueError(f"Operation {type(node.op).__name__} not allowed")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, SIGNS) and not (self.conditions and isinstance(node.op, ast.Not)):
                raise ValueError(f"Operation {type(node.op).__name__} not allowed")
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name):
                raise ValueError("Only simple function calls allowed")
            if node.func.id not in FUNCTIONS:
                raise ValueError(f"Function {node.func.id} not allowed")
        elif isinstance(node, (ast.Name, ast.Constant)):
            pass
        elif self.conditions and isinstance(node, ast.Compare):
            for op in node.ops:
                if type(op) not in COMPARE:
                    raise ValueError(f"Comparison operator {type(op).__name__} not allowed")
        elif self.conditions and isinstance(node, ast.BoolOp):
            pass
        else:
            raise ValueError(f"AST node type {type(node).__name__} not allowed")
        for child in self.children(node):
            self.check(child, depth + 1)

    def value(self, node, ns):
        if isinstance(node, ast.BinOp):
            left = self.value(node.left, ns)
            right = self.value(node.right, ns)
            return self.binary(node.op, left, right)
        if isinstance(node, ast.UnaryOp):
            operand = self.value(node.operand, ns)
            if isinstance(node.op, ast.USub):
                return -operand
            if isinstance(node.op, ast.UAdd):
                return +operand
            return not operand
        if isinstance(node, ast.Call):
            function = ns[node.func.id]
            return self.call(function, [self.value(a, ns) for a in node.args])
        if isinstance(node, ast.Name):
            if node.id not in ns:
                raise ValueError(f"Variable '{node.id}' not defined in context")
            return ns[node.id]
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Compare):
            left = self.value(node.left, ns)
            for op, comparator in zip(node.ops, node.comparators):
                right = self.value(comparator, ns)
                if not COMPARE[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.BoolOp):
            result = None
            for operand in node.values:
                result = self.value(operand, ns)
                if bool(result) != isinstance(node.op, ast.And):
                    return result
            return result
        raise ValueError(f"Cannot evaluate node type {type(node).__name__}")

    def binary(self, op, left, right):
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        if isinstance(op, (ast.Div, ast.FloorDiv)):
            if right == 0:
                raise ValueError("Division by zero")
            return left / right if isinstance(op, ast.Div) else left // right
        if isinstance(op, ast.Mod):
            if right == 0:
                raise ValueError("Modulo by zero")
            return left % right
        if abs(right) > 100:
            raise ValueError("Exponent too large")
        return self.power(left, right)

    def power(self, left, right):
        return left ** right

    def call(self, function, arguments):
        return function(*arguments)


COMPARE = {
    ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b, ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
}


# ----------------------------------------------------------------------------------------------------------------
# The engine as documented: the same semantics in doubles, plus the deliberate differences.
# ----------------------------------------------------------------------------------------------------------------

class OursEvaluator(OriginalEvaluator):
    """Python's float semantics throughout (every number a double), with the engine's static rules."""

    def evaluate(self, expression, context):
        if len(expression) > MAX_LENGTH:
            raise Refused("TooLong", f"Expression too long: {len(expression)} characters (max length: {MAX_LENGTH})")
        text = expression.lstrip(" \t\f\r\n")  # leading whitespace is accepted
        if not text.isascii() and any(not c.isascii() for c in identifiers(text)):
            raise Refused("Syntax", "Invalid expression syntax: names are ASCII")
        text = strings_as_placeholders(text)
        try:
            tree = ast.parse(text, mode="eval")
        except SyntaxError as error:
            raise Refused("Syntax", f"Invalid expression syntax: {error.msg}") from error
        except ValueError as error:  # null characters
            raise Refused("Syntax", f"Invalid expression syntax: {error}") from error
        refused = self.refused(tree.body, text)
        if refused:
            raise Refused("NotAllowed", refused)
        if self.height(tree.body) > self.max_depth:
            raise Refused("TooDeep", f"Expression too deeply nested (max depth: {self.max_depth})")
        wrong = self.arity(tree.body)
        if wrong:
            raise Refused("WrongArgumentCount", wrong)
        # The context cannot override the constants pi and e or the function names.
        namespace = {**CONSTANTS, **FUNCTIONS, **{k: float(v) for k, v in DEFAULTS.items()}}
        namespace.update({k: float(v) for k, v in context.items() if k not in CONSTANTS and k not in FUNCTIONS})
        try:
            result = float(self.value(tree.body, namespace))
        except Exception as error:
            raise ValueError(f"Error evaluating expression '{expression}': {error}") from error
        if math.isnan(result):
            raise Refused("NotANumber", "Result is not a number (NaN)")
        if math.isinf(result):
            raise Refused("Overflow", "Result is infinite")
        return result

    def refused(self, root, text):
        """The construct the engine refuses, if any (it reports the leftmost; the kind is all that matters here)."""
        called = {id(n.func) for n in ast.walk(root) if isinstance(n, ast.Call)}
        for node in ast.walk(root):
            if isinstance(node, ast.Constant) and not (isinstance(node.value, (int, float)) or node.value is True or node.value is False):
                return f"constant {node.value!r} not allowed"
            if isinstance(node, ast.Call):
                if not isinstance(node.func, ast.Name):
                    return "Only simple function calls allowed"
                if node.func.id not in FUNCTIONS:
                    return f"Function {node.func.id} not allowed"
                if node.keywords:
                    return "Keyword arguments not allowed"
                continue
            if isinstance(node, ast.Name):
                if node.id == "__string_literal__":
                    return "String literals not allowed"
                if node.id in FUNCTIONS and id(node) not in called:
                    return f"Function {node.id} not allowed as a value"
                continue
            if isinstance(node, ast.BinOp) and not isinstance(node.op, ARITHMETIC):
                return f"Operation {type(node.op).__name__} not allowed"
            if isinstance(node, ast.UnaryOp):
                if isinstance(node.op, SIGNS) or (self.conditions and isinstance(node.op, ast.Not)):
                    continue
                return f"Operation {type(node.op).__name__} not allowed"
            if isinstance(node, ast.Compare):
                if self.conditions and all(type(op) in COMPARE for op in node.ops):
                    continue
                return "AST node type Compare not allowed"
            if isinstance(node, ast.BoolOp):
                if self.conditions:
                    continue
                return "AST node type BoolOp not allowed"
            if isinstance(node, (ast.expr,)) and not isinstance(node, (ast.BinOp, ast.Constant)):
                return f"AST node type {type(node).__name__} not allowed"
        return None

    def height(self, node):
        children = self.children(node)
        return 0 if not children else 1 + max(self.height(c) for c in children)

    def arity(self, root):
        for node in ast.walk(root):
            if isinstance(node, ast.Call):
                name, count = node.func.id, len(node.args)
                if name in ("min", "max") and count < 2:
                    return f"Function {name} takes at least 2 arguments, got {count}"
                if name == "log" and not 1 <= count <= 2:
                    return f"Function log takes 1 or 2 arguments, got {count}"
                if name not in ("min", "max", "log") and count != 1:
                    return f"Function {name} takes exactly 1 argument, got {count}"
        return None

    def value(self, node, ns):
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Compare):
            return 1.0 if super().value(node, ns) else 0.0
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return 0.0 if self.value(node.operand, ns) else 1.0
        return super().value(node, ns)

    def call(self, function, arguments):
        result = function(*arguments)
        return float(result)  # ceil and floor give doubles, not exact integers

    def power(self, left, right):
        result = left ** right
        if isinstance(result, complex):  # a complex result is an error where it arises
            raise Refused("ComplexResult", f"Complex result: {left!r} ** {right!r}")
        return result


def strings_as_placeholders(text):
    """The engine's lexer skips over a string literal without reading inside it (f-strings included), and refuses it:
    model that by putting an unmistakable placeholder where each string literal was."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return text
    strings = [t for t in tokens if t.type == tokenize.STRING]
    if not strings:
        return text
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    spans = []
    for token in strings:
        start = offsets[token.start[0] - 1] + token.start[1]
        end = offsets[token.end[0] - 1] + token.end[1]
        if spans and text[spans[-1][1]:start].strip(" \t\f") == "":
            spans[-1] = (spans[-1][0], end)  # adjacent literals are one literal, as in Python
        else:
            spans.append((start, end))
    result = text
    for start, end in reversed(spans):
        result = result[:start] + " __string_literal__ " + result[end:]
    return result.lstrip(" ")


def identifiers(text):
    try:
        return [t.string for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.NAME]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return [text]


# ----------------------------------------------------------------------------------------------------------------
# Classification of outcomes into the engine's error kinds and the message fragment to expect.
# ----------------------------------------------------------------------------------------------------------------

def classify(evaluator, text, context):
    """Returns a dict: {'value': float} or {'kind', 'message', 'stage', 'python_type'}."""
    try:
        value = evaluator.evaluate(text, context)
    except Refused as refusal:
        return outcome_error(refusal.kind, str(refusal), "compile" if refusal.kind not in ("NotANumber", "Overflow") else "evaluate")
    except SyntaxError as error:
        return outcome_error("Syntax", str(error), "compile", type(error.__cause__ or error).__name__)
    except ValueError as error:
        inner = error.__cause__
        if inner is None:
            message = str(error)
            if "too deeply nested" in message:
                return outcome_error("TooDeep", message, "compile")
            if "allowed" in message:
                return outcome_error("NotAllowed", message, "compile")
            if "null" in message:
                return outcome_error("Syntax", message, "compile")
            raise
        return outcome_error(*evaluation_kind(inner), "evaluate", type(inner).__name__)
    if isinstance(value, float) and math.isnan(value):
        return {"value": "nan"}
    if isinstance(value, float) and math.isinf(value):
        return {"value": "inf" if value > 0 else "-inf"}
    return {"value": value}


def evaluation_kind(inner):
    message = str(inner)
    if isinstance(inner, Refused):
        return inner.kind, message
    if message.startswith("Variable '"):
        return "UndefinedVariable", message
    if message in ("Division by zero", "Modulo by zero", "Exponent too large"):
        return {"Division by zero": "DivisionByZero", "Modulo by zero": "ModuloByZero", "Exponent too large": "ExponentTooLarge"}[message], message
    if isinstance(inner, ZeroDivisionError):
        return "DivisionByZero", message
    if isinstance(inner, OverflowError):
        return "Overflow", message
    if message in ("math domain error", "cannot convert float NaN to integer"):
        return "MathDomain", message
    if "complex" in message:
        return "ComplexResult", message
    arity = ("expected at least", "expected at most", "takes exactly", "not iterable", "positional argument", "requires 1 to 2 arguments")
    if isinstance(inner, TypeError) and any(a in message for a in arity):
        return "WrongArgumentCount", message
    if isinstance(inner, (TypeError, ValueError)):
        # Strings, None, bare function names: things the engine refuses when compiling.
        return "NotAllowed", message
    raise inner


def outcome_error(kind, message, stage, python_type=None):
    result = {"kind": kind, "message": message, "stage": stage}
    if python_type:
        result["python_type"] = python_type
    return result


# What the engine's message must contain, per kind and original message: the original's wording where it had one.
def expected_fragment(kind, message):
    if kind == "UndefinedVariable":
        return message[message.index("Variable '"):]
    if kind in ("DivisionByZero",):
        return "Division by zero"
    if kind == "ModuloByZero":
        return "Modulo by zero"
    if kind == "ExponentTooLarge":
        return "Exponent too large"
    if kind == "MathDomain":
        return "cannot convert float NaN to integer" if "NaN" in message else "math domain error"
    if kind == "Overflow":
        for fragment in ("math range error", "Numerical result out of range", "cannot convert float infinity to integer", "Result is infinite"):
            if fragment in message:
                return fragment
        return None
    if kind == "NotANumber":
        return "Result is not a number"
    if kind == "NotAllowed":
        return "allowed"
    if kind == "TooDeep":
        return message[message.index("Expression too deeply nested"):]
    if kind == "Syntax":
        return "Invalid expression syntax"
    if kind == "TooLong":
        return "Expression too long"
    if kind == "WrongArgumentCount":
        return "argument"
    if kind == "ComplexResult":
        return "Complex result"
    return None


# ----------------------------------------------------------------------------------------------------------------
# Explaining disagreements: every one must be a documented difference.
# ----------------------------------------------------------------------------------------------------------------

def explain(text, context, language, python, ours, max_depth):
    if "value" in python and "value" in ours and close(python["value"], ours["value"]):
        return None
    if "kind" in python and "kind" in ours and python["kind"] == ours["kind"]:
        return None
    reasons = []
    if "value" in python and "value" in ours and not isinstance(python["value"], str):
        if max(abs(python["value"]), abs(ours["value"])) > 2 ** 53 or big_integer_intermediate(text, context):
            reasons.append("integers beyond 2^53 are not exact in doubles (Python's integers are)")
    if len(text) > MAX_LENGTH:
        reasons.append("expressions are limited to 500 characters")
    stripped = text.lstrip(" \t\f\r\n")
    if stripped != text and python.get("python_type") in ("IndentationError",):
        reasons.append("leading whitespace is accepted")
    if has_token(stripped, tokenize.STRING):
        reasons.append("string literals are refused")
    tree = try_parse(stripped)
    if tree is not None:
        nodes = list(ast.walk(tree))
        if any(isinstance(n, ast.Call) and n.keywords for n in nodes):
            reasons.append("keyword arguments are refused")
        if any(isinstance(n, ast.Constant) and isinstance(n.value, complex) for n in nodes):
            reasons.append("complex (imaginary) literals are refused")
        if any(isinstance(n, ast.Constant) and (n.value is None or n.value is Ellipsis) for n in nodes):
            reasons.append("None and ... are refused")
        called = {id(n.func) for n in nodes if isinstance(n, ast.Call)}
        if any(isinstance(n, ast.Name) and n.id in FUNCTIONS and id(n) not in called for n in nodes):
            reasons.append("a function name used as a value is refused when compiling")
        if ours.get("kind") == "WrongArgumentCount":
            reasons.append("function arity is checked when compiling, before arguments are evaluated")
        if ours.get("kind") in ("NotAllowed", "TooDeep", "WrongArgumentCount") and python.get("kind") in ("NotAllowed", "TooDeep", "WrongArgumentCount", "UndefinedVariable", "DivisionByZero"):
            reasons.append("the engine reports refused constructs first, then depth, then arity")
        if language == "condition" and python.get("kind") != ours.get("kind"):
            pass
    if any(k in context for k in CONSTANTS) or any(k in context for k in FUNCTIONS):
        reasons.append("the context cannot override pi, e or function names")
    if not stripped.isascii():
        reasons.append("names are ASCII only")
    if python.get("value") in ("nan",) and ours.get("kind") == "NotANumber":
        reasons.append("a NaN result is an error")
    if python.get("value") in ("inf", "-inf") and ours.get("kind") == "Overflow":
        reasons.append("an infinite result is an error")
    if big_integer_intermediate(text, context) and (ours.get("kind") == "Overflow" or python.get("kind") == "Overflow"):
        reasons.append("integers beyond the double range overflow (Python's integers are exact)")
    if ours.get("kind") == "ComplexResult" and python.get("kind") != "ComplexResult":
        reasons.append("a complex result is an error where it arises")
    if python.get("kind") == "ComplexResult" and ours.get("kind") in ("NotAllowed",):
        reasons.append("complex (imaginary) literals are refused")
    return "; ".join(dict.fromkeys(reasons)) or None


def big_integer_intermediate(text, context):
    """Whether the faithful evaluation passes through an integer too large for a double to hold exactly."""
    tree = try_parse(text.lstrip(" \t\f\r\n"))
    if tree is None:
        return False
    namespace = {**CONSTANTS, **FUNCTIONS, **DEFAULTS, **context}
    evaluator = OriginalEvaluator(10 ** 6)
    found = []

    def visit(node):
        for child in evaluator.children(node):
            visit(child)
        try:
            value = evaluator.value(node, namespace)
        except Exception:  # noqa: BLE001 - only looking for big integers
            return
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2 ** 53:
            found.append(value)

    visit(tree.body)
    return bool(found)


def close(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if a == b:
        return True
    return abs(a - b) <= 1e-12 * max(abs(a), abs(b))


def has_token(text, token_type):
    try:
        return any(t.type == token_type for t in tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return False


def try_parse(text):
    try:
        return ast.parse(text, mode="eval")
    except (SyntaxError, ValueError):
        return None


# ----------------------------------------------------------------------------------------------------------------
# The cases.
# ----------------------------------------------------------------------------------------------------------------

C100 = {"N": 100, "pages": 5}

HANDWRITTEN = [
    # The original's 24 tests (tests/test_safe_math_eval.py, section 4.9), case by case.
    ("1 + 2", {}), ("10 - 3", {}), ("4 * 5", {}), ("20 / 4", {}), ("7 // 2", {}), ("10 % 3", {}), ("2 ** 3", {}),
    ("N", C100), ("N + 10", C100), ("N * pages", C100), ("120 + 0.02 * N", C100),
    ("log(N)", {"N": 100}), ("sqrt(N)", {"N": 100}), ("min(N, 50)", {"N": 100}), ("max(N, 200)", {"N": 100}), ("abs(-42)", {"N": 100}),
    ("3000 + 400 * log(N)", {"N": 100, "p95_latency": 150}), ("1 / (1 + N / 1000)", {"N": 100, "p95_latency": 150}),
    ("3000 + 400 * log(N) + p95_latency * 1.2", {"N": 100, "p95_latency": 150}),
    ("pi", {}), ("e", {}), ("2 * pi", {}),
    ("42", {}), ("3.14", {}), ("100", {}),
    ("N + 10", {}), ("pages * 100", {}),
    ("__import__('os').system('ls')", {}), ("exec('print(1)')", {}), ("eval('1+1')", {}), ("open('/etc/passwd')", {}),
    ("N.__class__", {"N": 100}), ("[x for x in range(10)]", {}), ("print(1)", {}), ("len([1,2,3])", {}),
    ("10 / 0", {}), ("10 // 0", {}), ("undefined_var + 10", {}), ("1 +", {}), ("* 5", {}), ("2 ** 1000", {}),
    ("1 + (2 + (3 + 4))", {}, 5), ("1+(2+(3+(4+(5+(6+(7+8))))))", {}, 5),
    ("100 + 20", {}), ("N * 2", {"N": 50}),
    ("120 + 0.02 * N", {"N": 1000}), ("200 + 2 * N + 500 * pages", {"N": 500, "pages": 5}),
    ("1 / (1 + time_ms / 1000)", {"time_ms": 1000}), ("1 / (1 + cost / 10)", {"cost": 100}),
    ("N", {"N": 100}), ("cost", {"cost": 150}),
    # The and the corpus's own expressions.
    ("500 + 0.1 * file_size_kb", {"file_size_kb": 2048}), ("500 + 0.1 * file_size_kb", {}),
    ("300 * ceil(N / 100) + 5 * N", {"N": 250}), ("300 * ceil(N / 100) + 5 * N", {}),
    ("3000 + 400 * log(max(N, 1)) + p95_latency * 1.2", {"N": 40}), ("3000 + 400 * log(max(N, 1)) + p95_latency * 1.2", {}),
    ("ceil(N / 100)", {"N": 101}), ("1000 + 5 * N", {"N": 7}), ("ceil(packet_count / 1000)", {"packet_count": 1}),
    ("900 + 0.4 * packet_count", {"packet_count": 1000}), ("count * delay * 1000", {"count": 3, "delay": 0.5}),
    ("duration_seconds * 1000", {"duration_seconds": 2.5}), ("5000 + p95_latency", {}), ("1 + pages", {"pages": 3}),
    ("120 + 0.02 * N", {"N": 100, "pages": 5, "p95_latency": 150, "cost": 10, "time_ms": 1000}),
    ("ceil(duration_ms / 10000)", {"duration_ms": 25000}), ("600 + network_latency + response_time", {"network_latency": 20, "response_time": 30.5}),
    # Numbers as Python reads them.
    ("0", {}), ("007.5", {}), ("1_000", {}), ("1_000.000_1", {}), (".5", {}), ("5.", {}), ("1e3", {}), ("1E-3", {}), ("1.5e+2", {}),
    ("1.e5", {}), ("0x1F", {}), ("0o17", {}), ("0b1011", {}), ("0X_ff", {}), ("00", {}), ("0_0", {}), ("1e1_0", {}),
    ("12345678901234567890", {}), ("1e308", {}), ("1e400", {}), ("1e-400", {}), ("0.1 + 0.2", {}),
    ("0123", {}), ("1_", {}), ("1__0", {}), ("1e", {}), ("1e+", {}), ("0x", {}), ("0b2", {}), ("0o8", {}), ("1.5_", {}),
    ("1_.5", {}), ("1._5", {}), ("1abc", {}), ("1.real", {}), ("1 .real", {}), ("1j", {}), ("1.5J + 2", {}),
    ("1if 1 else 2", {}), ("1or 2", {}), ("True + 1", {}), ("False * 5", {}), ("True", {}), ("None", {}), ("None + 1", {}), ("...", {}),
    # Arithmetic semantics.
    ("-7 // 2", {}), ("7 // -2", {}), ("-7 % 3", {}), ("7 % -3", {}), ("7.0 % 2.5", {}), ("-7.5 % 2", {}), ("7.5 // 2", {}),
    ("1 // 0.1", {}), ("1 % 0.1", {}), ("-1e-300 % 1e300", {}), ("5 % -0.0", {}), ("0.0 // 5", {}), ("-0.0 % 5", {}),
    ("2 ** 3 ** 2", {}), ("-2 ** 2", {}), ("(-2) ** 2", {}), ("2 ** -1", {}), ("-2 ** -2", {}), ("2 ** -2 ** -1", {}),
    ("(-8) ** (1/3)", {}), ("abs((-8) ** (1/3))", {}), ("(-8) ** 3", {}), ("(-8.0) ** 2.0", {}), ("0 ** 0", {}), ("0 ** -1", {}), ("0.0 ** -2.5", {}), ("0 ** 5", {}),
    ("2 ** 100", {}), ("2 ** 101", {}), ("2 ** -100", {}), ("2 ** -101", {}), ("10 ** 100 * 10", {}), ("1e200 ** 2", {}), ("(10 ** 100) ** 4", {}),
    ("3 ** 40", {}), ("7 ** 100", {}), ("N ** 2", {"N": 1e200}), ("N ** 0.5", {"N": -4}), ("1 ** N", {"N": 1e300}),
    ("2 ** N", {"N": 100.5}), ("N ** N", {"N": 3}), ("2 ** (50 + 51)", {}), ("2 ** -(50 + 51)", {}),
    ("1 / 3", {}), ("1e308 * 10", {}), ("1e308 * 10 - 1e308 * 10", {}), ("1 / (1e308 * 10)", {}), ("-(1e308 * 10)", {}),
    ("N / 0", {"N": 5}), ("N % 0", {"N": 5}), ("N // 0.0", {"N": 5}), ("0 / 0", {}), ("5 % 0.0", {}),
    ("+5", {}), ("--5", {}), ("-+-5", {}), ("- - - 5", {}), ("+N", {"N": 3}),
    ("10 - 2 - 3", {}), ("100 / 10 / 5", {}), ("2 * 3 + 4 * 5", {}), ("(2 + 3) * 4", {}), ("2 + 3 * 4 ** 2", {}), ("17 // 5 * 5 + 17 % 5", {}),
    # Functions.
    ("log(0)", {}), ("log(-1)", {}), ("log(N)", {}), ("log(8, 2)", {}), ("log(100, 10)", {}), ("log(8, 1)", {}), ("log(8, 0)", {}),
    ("log(1, 1)", {}), ("log(0.5, 0.25)", {}), ("log10(1000)", {}), ("log10(0)", {}), ("log2(1024)", {}), ("log2(-2)", {}),
    ("sqrt(2)", {}), ("sqrt(-1)", {}), ("sqrt(0)", {}), ("sqrt(-0.0)", {}), ("exp(1)", {}), ("exp(709)", {}), ("exp(710)", {}), ("exp(1000)", {}),
    ("exp(-1000)", {}), ("ceil(1.2)", {}), ("ceil(-1.2)", {}), ("floor(-1.2)", {}), ("floor(2)", {}), ("ceil(1e308 * 10)", {}),
    ("floor(1e308 * 10 - 1e308 * 10)", {}), ("abs(-3.5)", {}), ("abs(N)", {"N": -7}), ("min(3, 1, 2)", {}), ("max(3, 1, 2)", {}),
    ("min(1)", {}), ("max()", {}), ("min(1/0)", {}), ("sqrt(1, 2)", {}), ("abs()", {}), ("log(1, 2, 3)", {}), ("log()", {}),
    ("ceil(2, 3)", {}), ("max(1, 2,)", {}), ("max(1, 2, key=3)", {}), ("min(x=1)", {}), ("max(*N)", {"N": 1}),
    ("log", {}), ("log + 1", {}), ("ceil(x)", {}), ("round(1.5)", {}), ("int(3.7)", {}), ("pow(2, 3)", {}), ("pi(2)", {}),
    ("min(N, 1)", {"N": float("nan")}), ("min(1, N)", {"N": float("nan")}), ("max(N, 1) * 0", {"N": float("nan")}),
    ("log(N)", {"N": float("inf")}), ("exp(N)", {"N": float("-inf")}), ("ceil(N / 100) * 300", {"N": 1}),
    ("floor(N) // 3", {"N": 10.5}), ("ceil(N) ** 2", {"N": 2.1}), ("1 / ceil(N)", {"N": -0.5}),
    # Variables and defaults.
    ("N + pages + p95_latency + cost + time_ms", {}), ("N + pages + p95_latency + cost + time_ms", {"N": 1, "pages": 2, "p95_latency": 3, "cost": 4, "time_ms": 5}),
    ("x + y", {"x": 1}), ("y + 1/0", {}), ("1/0 + y", {}), ("_private + 1", {"_private": 2}), ("N1 + n", {"N1": 1, "n": 2}),
    ("__builtins__", {}), ("__import__", {}), ("globals", {}), ("N", {"N": True}),
    ("2 * pi", {"pi": 3}), ("e", {"e": 2}), ("log(4)", {"log": 5}),
    # Security probes and constructs outside the language.
    ("().__class__.__bases__[0].__subclasses__()", {}), ("getattr(N, 'x')", {}), ("globals()", {}), ("N[0]", {}), ("N[1:2]", {}),
    ("lambda: 1", {}), ("(lambda: 1)()", {}), ("f'{N}'", {}), ("'5'", {}), ("'1' + '2'", {}), ("b'1'", {}), ("'a'", {}),
    ("{1: 2}", {}), ("{1}", {}), ("{}", {}), ("[1, 2]", {}), ("(1, 2)", {}), ("1, 2", {}), ("()", {}), ("(x := 5)", {}),
    ("x if N else 2", {}), ("N if N else 1", {"N": 1}), ("N and 1", {}), ("N or 1", {}), ("not N", {}), ("N < 5", {}), ("N == 0", {}),
    ("1 & 2", {}), ("1 | 2", {}), ("1 ^ 2", {}), ("1 << 2", {}), ("8 >> 1", {}), ("~1", {}), ("N @ N", {}), ("2(3)", {}),
    ("log(2)(3)", {}), ("math.log(2)", {}), ("N.real", {"N": 1}), ("[N][0]", {}), ("(yield)", {}), ("await N", {}),
    ("max(x for x in N)", {}), ("{x for x in N}", {}), ("*N", {}), ("N := 1", {}), ("N = 1", {}), ("N += 1", {}), ("1; 2", {}),
    ("import os", {}), ("print 1", {}), ("N N", {}), ("(1", {}), ("1)", {}), ("(1]", {}), ("", {}), ("   ", {}), ("# just a comment", {}),
    ("1 + 2 # comment", {}), ("(1 +\n 2)", {}), ("1 +\n 2", {}), ("1 + \\\n 2", {}), ("1 \\ 2", {}), ("1\n", {}), ("\n1", {}),
    ("1\n\n", {}), ("1 $ 2", {}), ("1 ! 2", {}), ("1 != 2", {}), ("`1`", {}), ("1 <> 2", {}), ("\x0b1", {}), ("1\x00", {}), ("N\u00a0+ 1", {}),
    ("caf\u00e9 + 1", {}), ("\u00e9", {}), ("1 + 2 \u2212 3", {}),
    # Whitespace.
    (" 1 + 2", {}), ("\t1", {}), ("  N * 2", {"N": 4}), ("1 + 2   ", {}), ("1\t+\t2", {}), ("\f1", {}),
    # Depth.
    ("-" * 20 + "1", {}), ("-" * 21 + "1", {}), ("(" * 30 + "1" + ")" * 30, {}), ("(" * 199 + "1" + ")" * 199, {}),
    ("(" * 201 + "1" + ")" * 201, {}), ("1" + " + 1" * 20, {}), ("1" + " + 1" * 21, {}), ("2 ** " * 20 + "1", {}),
    ("min(" * 20 + "1" + ", 2)" * 20, {}), ("min(" * 21 + "1" + ", 2)" * 21, {}), ("abs(" * 20 + "N" + ")" * 20, {}),
    ("1 + (2 + (3 + 4))", {}, 2), ("1 + 2", {}, 0), ("N", {}, 0), ("-" * 25 + "print(1)", {}), ("N" + " + 1" * 300, {}),
    ("1" + " " * 600, {}),
]

CONDITIONS = [
    ("N > 50", {"N": 100}), ("N > 50", {}), ("N > 50", {"N": 50}), ("N >= 50", {"N": 50}), ("N < 50", {"N": 49.5}), ("N <= 0", {}),
    ("N == 100", {"N": 100}), ("N != 100", {"N": 100}), ("1 < N < 10", {"N": 5}), ("1 < N < 10", {"N": 10}), ("10 > N > 1", {"N": 0}),
    ("1 < 2 < 3 < 4", {}), ("1 < 3 > 2", {}), ("0 < N <= 1/0", {}), ("0 < N <= 1/0", {"N": 1}), ("N > 0 and 1 / N > 0.5", {}),
    ("N > 0 and 1 / N > 0.5", {"N": 1}), ("N == 0 or 1 / N > 0.5", {}), ("N == 0 or 1 / N > 0.5", {"N": 4}), ("not N", {}),
    ("not N > 5", {"N": 10}), ("not not N", {"N": 2}), ("N", {"N": 3}), ("N", {}), ("N - 1", {"N": 1}), ("N and pages", {"N": 2}),
    ("N or pages", {}), ("cost > 100 and time_ms < 2000", {"cost": 150}), ("x > 5", {}), ("x > 5 or N > 5", {"N": 10}),
    ("N > 5 or x > 5", {"N": 10}), ("file_size_kb > 1024", {"file_size_kb": 2048}), ("N > 50 and pages > 1 or cost > 10", {"N": 60}),
    ("N in [1, 2]", {}), ("N is 1", {}), ("N not in M", {}), ("N is not None", {}), ("N > '5'", {}), ("N > 5 if N else 0", {}),
    ("N > 1e308 * 10", {}), ("N", {"N": float("nan")}), ("N > 0", {"N": float("nan")}), ("N != N", {"N": float("nan")}),
    ("log(N) > 2", {}), ("log(max(N, 1)) > 2", {"N": 100}), ("ceil(N / 100) > 1", {"N": 150}), ("N // 2 == 3", {"N": 7}),
    ("N > 50 and", {}), ("> 5", {}), ("N >", {}), ("N > 5 > ", {}), ("(N > 5) + 1", {"N": 10}), ("(N > 5) * 100", {}),
    ("N > 5 and not pages > 3 or cost == 1", {"N": 6}), ("1 if N > 5 else 0", {}), ("True", {}), ("False or N", {}),
    ("N > 50", {"N": 100}, 0), ("N > 1 and N > 2", {"N": 3}, 1), ("N > 1 and (N > 2 or N > 3)", {"N": 3}, 1),
]


def random_expression(rng, depth=0, condition=False):
    """A random, mostly valid expression over the language (and, for conditions, comparisons and and/or/not)."""
    choice = rng.random()
    if depth > 4 or choice < 0.25:
        return random_atom(rng)
    if condition and depth == 0 and choice < 0.6:
        op = rng.choice(["<", "<=", ">", ">=", "==", "!="])
        left = random_expression(rng, depth + 1)
        parts = [left, op, random_expression(rng, depth + 1)]
        if rng.random() < 0.2:
            parts += [rng.choice(["<", ">"]), random_expression(rng, depth + 1)]
        text = " ".join(parts)
        if rng.random() < 0.3:
            text = f"{text} {rng.choice(['and', 'or'])} {random_expression(rng, depth + 1, condition=True)}"
        if rng.random() < 0.1:
            text = "not " + text
        return text
    if choice < 0.55:
        op = rng.choice(["+", "-", "*", "/", "//", "%", "**", "+", "*"])
        left = random_expression(rng, depth + 1)
        right = random_expression(rng, depth + 1)
        if op == "**" and rng.random() < 0.7:
            right = str(rng.choice([0, 1, 2, 3, -1, -2, 0.5, 101, -101, 100]))
        text = f"{left} {op} {right}"
        return f"({text})" if rng.random() < 0.5 else text
    if choice < 0.65:
        return rng.choice(["-", "+", "- -"]) + random_expression(rng, depth + 1)
    name = rng.choice(list(FUNCTIONS))
    count = {"min": rng.choice([2, 2, 3]), "max": rng.choice([2, 2, 3]), "log": rng.choice([1, 1, 2])}.get(name, 1)
    if rng.random() < 0.02:
        count = 1 if name in ("min", "max") else count + 1
    return f"{name}({', '.join(random_expression(rng, depth + 1) for _ in range(count))})"


def random_atom(rng):
    return rng.choice([
        str(rng.randint(0, 10)), str(rng.randint(-5, 1000)), str(rng.choice([0.5, 0.1, 1.5, 2.25, 1e-3, 1e3, 12.75])),
        "N", "N", "pages", "p95_latency", "cost", "time_ms", "x", "y", "pi", "e", "0", "1_000", ".5", "1e2", "0x10",
        str(rng.randint(10 ** 15, 10 ** 17)),
    ])


def random_context(rng):
    context = {}
    for name in ("N", "pages", "x", "y"):
        if rng.random() < 0.6:
            context[name] = rng.choice([0, 1, 2, 3, 10, 100, -1, -7, 0.5, 2.5, 1e6, -0.25, 1e-9, 12345])
    return context


def mutate(rng, text):
    alphabet = "0123456789+-*/%().,_ eExjNpl<>=!'\"[]#\\\t\n"
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        kind = rng.random()
        position = rng.randint(0, len(chars))
        if kind < 0.4 and chars:
            del chars[min(position, len(chars) - 1)]
        elif kind < 0.8:
            chars.insert(position, rng.choice(alphabet))
        elif chars:
            chars[min(position, len(chars) - 1)] = rng.choice(alphabet)
    return "".join(chars)


def build_cases():
    cases = []
    for item in HANDWRITTEN:
        cases.append(("estimate", item[0], item[1], item[2] if len(item) > 2 else 20, "handwritten"))
    for item in CONDITIONS:
        cases.append(("condition", item[0], item[1], item[2] if len(item) > 2 else 20, "handwritten"))
    rng = random.Random(20251017)
    for _ in range(500):
        cases.append(("estimate", random_expression(rng), random_context(rng), 20, "random"))
    for _ in range(150):
        cases.append(("condition", random_expression(rng, condition=True), random_context(rng), 20, "random"))
    seeds = [c[1] for c in cases if c[4] == "handwritten" and len(c[1]) < 60]
    for _ in range(300):
        cases.append(("estimate", mutate(rng, rng.choice(seeds)), random_context(rng), 20, "mutated"))
    return cases


def json_number(value):
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def generate(path):
    rows = []
    unexplained = []
    seen = set()
    for language, text, context, max_depth, origin in build_cases():
        key = (language, text, json.dumps(context, sort_keys=True, default=str), max_depth)
        if key in seen:
            continue
        seen.add(key)
        conditions = language == "condition"
        python = classify(OriginalEvaluator(max_depth, conditions), text, context)
        ours = classify(OursEvaluator(max_depth, conditions), text, context)
        difference = explain(text, context, language, python, ours, max_depth)
        agrees = (("value" in python and "value" in ours and close(python["value"], ours["value"]))
                  or ("kind" in python and python.get("kind") == ours.get("kind")))
        if not agrees and difference is None:
            unexplained.append((language, text, context, python, ours))
        row = {
            "language": language, "text": text, "context": {k: json_number(v) for k, v in context.items()},
            "maxDepth": max_depth, "origin": origin,
            "python": {k: json_number(v) for k, v in python.items()},
        }
        if "value" in ours:
            row["expected"] = {"value": ours["value"] if not conditions else (ours["value"] != 0)}
        else:
            row["expected"] = {"kind": ours["kind"], "stage": ours["stage"], "messageContains": expected_fragment(ours["kind"], ours["message"])}
        if not agrees:
            row["difference"] = difference
        rows.append(row)
    if unexplained:
        for item in unexplained:
            print("UNEXPLAINED:", item, file=sys.stderr)
        raise SystemExit(f"{len(unexplained)} disagreements have no documented reason")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"generator": "safe_math_oracle.py", "python": sys.version.split()[0], "cases": rows}, handle, indent=1, ensure_ascii=False)
        handle.write("\n")
    kinds = {}
    for row in rows:
        key = row["expected"].get("kind", "value")
        kinds[key] = kinds.get(key, 0) + 1
    print(f"wrote {len(rows)} cases to {path}: {kinds}; {sum('difference' in r for r in rows)} documented differences")


def corpus_expectations(corpus_root, path):
    """Expected results, keyed by a hash of the text, for every expression in the compat corpus (evaluated with the
    original's validate_expressions context); the corpus itself is never copied."""
    import yaml  # PyYAML, as the original used

    context = {"N": 100, "pages": 5, "p95_latency": 150, "cost": 10, "time_ms": 1000}
    results = {}
    files = []
    for directory, _, names in os.walk(os.path.join(corpus_root, "tools")):
        files += [os.path.join(directory, n) for n in names if n.endswith(".yaml")]
    files += [os.path.join(corpus_root, "profiles", n) for n in os.listdir(os.path.join(corpus_root, "profiles"))]

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("time_estimate_ms", "cost_estimate", "requires_background_if") and isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    yield key, value
                else:
                    yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    for file in sorted(files):
        with open(file, encoding="utf-8") as handle:
            try:
                document = yaml.safe_load(handle)
            except yaml.YAMLError:
                continue
        for key, value in walk(document):
            text = value if isinstance(value, str) else str(value)
            language = "condition" if key == "requires_background_if" else "estimate"
            digest = hashlib.sha256(f"{language}\n{text}".encode()).hexdigest()[:16]
            ours = classify(OursEvaluator(20, language == "condition"), text, context)
            python = classify(OriginalEvaluator(20, False), value if language == "estimate" else text, context)
            expected = ({"value": ours["value"] if language == "estimate" else ours["value"] != 0} if "value" in ours
                        else {"kind": ours["kind"]})
            results[digest] = {"language": language, "expected": expected, "python": {k: json_number(v) for k, v in python.items() if k != "message"}}
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"generator": "safe_math_oracle.py --corpus", "context": context, "expressions": results}, handle, indent=1, sort_keys=True)
        handle.write("\n")
    print(f"wrote {len(results)} corpus expectations to {path}")


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    generate(os.path.join(here, "expression-cases.json"))
    corpus = os.path.join(here, *[".."] * 5, "shared", "compat", "opsconductor-ng")
    if os.path.isdir(corpus):
        corpus_expectations(os.path.normpath(corpus), os.path.join(here, "corpus-expectations.json"))
