"""Schemathesis hooks for tools/apicheck: an import's JSON Lines body is text, sent as it is."""

import schemathesis

schemathesis.serializer.alias("application/x-ndjson", "text/plain")
