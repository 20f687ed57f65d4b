"""Ask the kernel to shut itself down (IPython exit(), then do_shutdown)."""

import nbformat

BASE = "solution"
CODE = """from IPython import get_ipython
_ip = get_ipython()
_ip.kernel.do_shutdown(False)
_ip.ask_exit()
exit()"""


def build(nb):
    nb.cells.append(nbformat.v4.new_code_cell(CODE))
    return nb


EXPECT = {"at_most": "solution"}
