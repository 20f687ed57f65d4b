"""The SQNR fit (q6) with the powers and the line fit computed in float32; the rest as the solution."""

# Correct by the text: q6 asks for the SQNR "with the formula above" and a least-squares line, and says
# nothing about the precision; float32 powers move the fitted offset by about 4e-6 dB, the slope by 3e-7.
# It once lost a point (q6 compared to 1e-6 dB); the graded tolerance is now 1e-4 dB.
EXPECT = {"full": True}

CELLS = {
    "q6_sqnr_fit": """
sqnr_bits = np.arange(8, 17)
sqnr_test_signal = np.sin(2 * np.pi * 997.0 * np.arange(8000) / 8000.0)
sqnr_slope = sqnr_offset = ...  # replace the ... by your fitted values below
signal32 = sqnr_test_signal.astype(np.float32)
sqnr32 = []
for b in sqnr_bits:
    error32 = (sqnr_test_signal - quantize_uniform(sqnr_test_signal, int(b), -1.0, 1.0)).astype(np.float32)
    sqnr32.append(np.float32(10) * np.log10(np.mean(signal32 * signal32) / np.mean(error32 * error32)))
sqnr32 = np.array(sqnr32, dtype=np.float32)
slope32, offset32 = np.polyfit(sqnr_bits.astype(np.float32), sqnr32, 1)
sqnr_slope, sqnr_offset = float(slope32), float(offset32)
print(f"fitted: {sqnr_slope} dB per bit and {sqnr_offset} dB")
""",
}
