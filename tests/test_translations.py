"""Every customer-facing string has an Arabic translation, and the compiled catalog is
current. Msgids are read from the code itself (gettext calls with literal arguments), so a
new string without a translation fails here, without needing GNU gettext tools."""

from __future__ import annotations

import ast
from pathlib import Path

import polib
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PO_FILE = ROOT / "locale" / "ar" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop", "_lazy"}
PLURAL_NAMES = {"ngettext", "ngettext_lazy"}
CONTEXT_NAMES = {"pgettext", "pgettext_lazy"}
SKIP_DIRS = {".venv", "var", "node_modules", ".git", "migrations"}


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _msgids_in_code() -> dict[tuple[str | None, str], str]:
    """(context, msgid) → first file using it, for every gettext call in project code."""
    found: dict[tuple[str | None, str], str] = {}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if SKIP_DIRS.intersection(relative.parts) or "tests" in relative.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = _call_name(node)
            if name in GETTEXT_NAMES or name in PLURAL_NAMES:
                msgid = _literal(node.args[0])
                if msgid:
                    found.setdefault((None, msgid), str(relative))
            elif name in CONTEXT_NAMES and len(node.args) >= 2:
                context, msgid = _literal(node.args[0]), _literal(node.args[1])
                if context and msgid:
                    found.setdefault((context, msgid), str(relative))
    return found


def test_every_msgid_in_the_code_has_an_arabic_translation() -> None:
    catalog = polib.pofile(str(PO_FILE))
    translated = {
        (entry.msgctxt, entry.msgid)
        for entry in catalog
        if not entry.obsolete
        and "fuzzy" not in entry.flags
        and (entry.msgstr or any(entry.msgstr_plural.values()))
    }
    missing = {key: where for key, where in _msgids_in_code().items() if key not in translated}
    assert not missing, "Untranslated msgids (add them to locale/ar/LC_MESSAGES/django.po):\n" + (
        "\n".join(f"  {where}: {msgid!r}" for (_, msgid), where in sorted(missing.items()))
    )


def test_no_entry_is_fuzzy_or_empty() -> None:
    catalog = polib.pofile(str(PO_FILE))
    bad = [e.msgid for e in catalog if "fuzzy" in e.flags or not e.translated()]
    assert not bad, f"fuzzy or empty Arabic entries: {bad}"


def test_compiled_catalog_matches_the_po_file() -> None:
    po = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(PO_FILE)) if e.translated()}
    mo = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(MO_FILE)) if e.msgid}
    stale = {key for key in po if mo.get(key) != po[key]}
    assert not stale, (
        "django.mo is stale: run `manage.py compilemessages -l ar --ignore '.venv/*'` "
        f"({len(stale)} entries differ)"
    )
