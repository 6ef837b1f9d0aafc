"""What a notebook file holds in the repository: cells, tags and parameters, never a run's
outputs, execution counts or the kernel's details.

Two guards keep it so. nbstripout is the git filter of ``*.ipynb`` (``.gitattributes``; the
Makefile's set-up step configures it with these keys), so what is compared or committed never
carries outputs. Git still reports a notebook whose size changed as modified, so JupyterLab
(``make lab``) strips the same keys before it saves, with :func:`pre_save_hook`: a session
leaves the file as it was. Voilà (``make utforska``) never writes the notebook.
"""

from __future__ import annotations

#: What is removed besides outputs and execution counts: nbstripout's own defaults, and the
#: kernel's language details a run writes (the Makefile's NBSTRIPOUT adds the last one).
EXTRA_KEYS = [
    "metadata.signature",
    "metadata.widgets",
    "cell.metadata.collapsed",
    "cell.metadata.ExecuteTime",
    "cell.metadata.execution",
    "cell.metadata.heading_collapsed",
    "cell.metadata.hidden",
    "cell.metadata.scrolled",
    "metadata.language_info",
]


def strip(nb):
    """``nb`` (an nbformat notebook) as the repository holds it; cell ids are kept."""
    from nbstripout import strip_output

    return strip_output(
        nb, keep_output=False, keep_count=False, keep_id=True, extra_keys=EXTRA_KEYS
    )


def pre_save_hook(model, **kwargs):
    """Jupyter's contents-manager hook: a notebook is saved stripped (:func:`strip`).

    ``make lab`` sets it with ``--ContentsManager.pre_save_hook=kuanalysis.notebookfiles.
    pre_save_hook``; other files are saved as they are.
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    import nbformat

    model["content"] = strip(nbformat.from_dict(model["content"]))
