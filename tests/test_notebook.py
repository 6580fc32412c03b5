"""The walkthrough notebook runs top to bottom (nbclient, the venv's python3 kernel)."""
from __future__ import annotations

import pytest
from conftest import REPO

NOTEBOOK = REPO / "notebooks" / "walkthrough.ipynb"


@pytest.mark.slow
def test_walkthrough_notebook_executes_and_draws_its_figures():
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 2  # the similarity heatmap with the path, the flags per check
    tables = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("message" in t and "severity" in t for t in tables)  # the flags table
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "report.html" in printed and "pairs.tmx" in printed
