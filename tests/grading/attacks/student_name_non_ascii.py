"""A correct submission whose student folder name is non-ASCII (accents, CJK, emoji)."""

STUDENT = "Zoë Ñúñez 学生 🎓"
EXPECT = {"full": True}
