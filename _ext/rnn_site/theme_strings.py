"""furo's labels that its templates write in English without gettext: made translatable, so
docs/locale's catalog gives them in the site's language (tooltips, screen-reader labels, icons)."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

# Template -> its English labels, as attribute values ("...") or element text (>...<).
LABELS = {
    "page.html": [
        "Toggle site navigation sidebar",
        "Toggle table of contents sidebar",
        "Toggle Light / Dark / Auto color theme",
    ],
    "partials/icons.html": [
        "Contents", "Menu", "Expand", "Light mode", "Dark mode",
        "Auto light/dark, in light mode", "Auto light/dark, in dark mode",
    ],
}
# English grammar the footer cannot translate ("@pradyunsg's Furo"): dropped, the link to Furo stays.
DROPPED = {"page.html": ["""<a class="muted-link" href="https://pradyunsg.me">@pradyunsg</a>'s"""]}


def translatable(template: str, source: str) -> str:
    """``source`` with each of ``template``'s LABELS wrapped in ``_()`` and its DROPPED text removed."""
    for english in LABELS.get(template, []):
        wrapped = "{{ _(%r) }}" % english
        changed = source.replace(f'"{english}"', f'"{wrapped}"').replace(f">{english}<", f">{wrapped}<")
        if changed == source:
            raise ExtensionError(f"theme_strings: {english!r} not found in furo's {template}; update LABELS")
        source = changed
    for text in DROPPED.get(template, []):
        if text not in source:
            raise ExtensionError(f"theme_strings: {text!r} not found in furo's {template}; update DROPPED")
        source = source.replace(text, "")
    return source


def _wrap_loader(app: Sphinx) -> None:
    """Rewrite the templates as the builder's Jinja loader reads them, before any page renders."""
    loader = getattr(app.builder, "templates", None)
    if loader is None:
        return
    get_source = loader.get_source

    def get_translatable_source(environment, template):
        source, filename, uptodate = get_source(environment, template)
        return translatable(template.lstrip("!"), source), filename, uptodate

    loader.get_source = get_translatable_source


def setup(app: Sphinx) -> dict[str, object]:
    """Register the loader wrapper."""
    app.connect("builder-inited", _wrap_loader)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
