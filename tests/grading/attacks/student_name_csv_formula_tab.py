"""A student folder name starting with a tab then @, another spreadsheet-formula trigger."""

STUDENT = "@SUM(1+1)\tx"
EXPECT = {"full": True}
