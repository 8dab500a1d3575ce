"""refresh-outputs keeps the outputs (and execution counts) of the cells nbval compares only."""
import nbformat

from platgov_analysis.checked_outputs import refresh


def test_refresh_keeps_only_checked_outputs(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 2 + 3\nx"),
        nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(x * 2)"),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "n.ipynb"
    nbformat.write(notebook, path)
    assert refresh(path) == 1
    unchecked, checked = nbformat.read(path, as_version=4).cells
    assert unchecked.outputs == [] and unchecked.execution_count is None
    assert checked.outputs[0]["text"] == "10\n"
    assert checked.execution_count is not None  # nbval fails a checked cell that has no count
