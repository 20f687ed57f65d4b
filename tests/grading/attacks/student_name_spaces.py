"""A correct submission whose student folder name has spaces and quotes."""

STUDENT = 'Jane Q. "JQ" Public, Jr'
EXPECT = {"full": True}
