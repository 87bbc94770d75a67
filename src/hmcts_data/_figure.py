"""A matplotlib figure that Jupyter shows as a PNG, though no pyplot backend drew it.

:mod:`hmcts_data.plot` builds figures without ``pyplot`` (no global matplotlib state), so
IPython's inline backend, which registers its display hook only once ``pyplot`` is imported,
would show them as ``<Figure size 900x480 with 1 Axes>``. :class:`NotebookFigure` carries its
own ``_repr_png_`` instead. Where the inline backend is active, its hook for ``Figure`` takes
precedence, so the figure is still shown exactly once.

Imports matplotlib at module level: import this module only after checking the ``plot`` extra.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

__all__ = ["NotebookFigure"]


class NotebookFigure(Figure):
    r"""A :class:`matplotlib.figure.Figure` with a PNG representation for Jupyter.

    Example:
        >>> fig = NotebookFigure(figsize=(2, 1))
        >>> fig._repr_png_()[:4]
        b'\x89PNG'
    """

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        # "tight" keeps a legend drawn outside the axes, as plot.save does.
        self.savefig(buffer, format="png", dpi="figure", bbox_inches="tight")
        return buffer.getvalue()
