# Jupyter server settings for Latent Lab's servers (npm start, the browser tests, the course image):
# JUPYTER_CONFIG_PATH names this folder.
#
# jupyter_server's static-file handler caches where it found a file by the file's name alone, not by
# the folders it searched. JupyterLab and Notebook 7 ship MathJax's fonts under the same hashed names
# (e.g. 1a10595a47bb3cf2.woff) in different static folders, so once JupyterLab has loaded them, Notebook
# 7's requests get JupyterLab's path from the cache, outside Notebook 7's folder, and a 403: its
# formulas fall back to other glyphs with misplaced subscripts. Keying the cache by the search folders
# too serves each front end its own files. (jupyter_server 2.x; the patch is a no-op for the rest.)
import os
import threading

try:
    from jupyter_server.base.handlers import FileFindHandler
    from jupyter_server.utils import filefind
except ImportError:  # the classic Notebook 6 reads no jupyter_server config
    FileFindHandler = None

if FileFindHandler is not None and not getattr(FileFindHandler, "_latent_lab_keyed_cache", False):
    _found: dict = {}
    _lock = threading.Lock()

    def _get_absolute_path(cls, roots, path):
        """Where `path` is on the search path `roots` ('' when nowhere), cached per (roots, path)."""
        key = (tuple(roots) if not isinstance(roots, str) else (roots,), path)
        with _lock:
            if key in _found:
                return _found[key]
        try:
            abspath = os.path.abspath(filefind(path, roots))
        except OSError:
            return ""
        with _lock:
            _found[key] = abspath
        return abspath

    FileFindHandler.get_absolute_path = classmethod(_get_absolute_path)
    FileFindHandler._latent_lab_keyed_cache = True

# JupyterLab and Notebook 7 open Markdown files rendered (the ledger, docs/derivations.md, which the
# notebooks link as derivations.md#d29), not in the text editor: lab-settings/overrides.json. Their own
# default settings folder (.venv/share/jupyter/lab/settings) does not exist, so nothing is hidden.
c.LabServerApp.app_settings_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lab-settings")  # noqa: F821 (c: the config Jupyter passes)
