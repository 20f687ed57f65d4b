"""q6 answered with the textbook law (6.02 dB per bit, 1.76 dB) instead of measuring it.

The question asks for the slope and offset *fitted* to the measured SQNR of the notebook's
8000-sample, 997 Hz sine at 8 to 16 bits. The measured SQNR lies 0.14 dB below the law at 8 bits
and scatters around it above 12 bits (the notebook prints the table), so the fitted line has a
slope of about 6.038 dB per bit and an offset of about 1.51 dB. The textbook constants are
0.018 dB per bit and 0.25 dB away, beyond the graded tolerances (0.01 dB per bit, 0.05 dB):
copying them must lose q6.
"""

BASE = "solution"
CELLS = {"q6_sqnr_fit": "sqnr_bits = np.arange(8, 17)\nsqnr_slope = 6.02\nsqnr_offset = 1.76\n"}
EXPECT = {"lost": ["q6"]}
