"""The browser app (Streamlit): what a URL describes and the editor gate (:mod:`~gapmap.app.state`), the views
each page shows, cached per session (:mod:`~gapmap.app.views`), and the pages (:mod:`gapmap.app.pages`).

A thin shell: it calls the layers below and computes nothing of its own. Streamlit is imported only in
``gapmap.app.pages`` and ``app.py``. Independent of ``cli``.
"""
