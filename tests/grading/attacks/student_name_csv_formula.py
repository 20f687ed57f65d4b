"""A student folder name that is a spreadsheet formula (CSV injection in grades.csv and totals.csv)."""

STUDENT = "=1+2+cmd|' -C calc'!A0"
EXPECT = {"full": True}
