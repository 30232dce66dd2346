"""Schemathesis hooks for tools/apicheck: an import's JSON Lines body is text, sent as it is."""

import schemathesis

schemathesis.serializer.alias("application/x-ndjson", "text/plain")

# Hypothesis describes a lambda by parsing its module's source. On this machine's CPython 3.11 that parse now
# and then fails inside `ast` (SystemError: AST constructor recursion depth mismatch), and Schemathesis reports
# it as an error of whichever operation it was generating cases for. A description is only a label: when the
# parse fails, the lambda is described as unknown and generation goes on.
from hypothesis.internal import lambda_sources

_describe_lambda = lambda_sources._lambda_description


def _lambda_description(f, *args, **kwargs):
    try:
        return _describe_lambda(f, *args, **kwargs)
    except SystemError:
        return "lambda: <unknown>"


lambda_sources._lambda_description = _lambda_description
