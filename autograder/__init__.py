"""The instructor side of the course: release, references, grading and reports."""

__version__ = "0.1.0"
