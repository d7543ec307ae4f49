"""Build step: compile the translation catalogues (.po → .mo) into the package.

A plain `pip install .` thus ships working English without a compiled binary in git (the .po
is the source; babel is a build requirement in pyproject.toml). Everything else about the
package is declared in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TRANSLATIONS = Path("web") / "translations"


def compile_catalogues(source: Path, target: Path) -> list[str]:
    """Write target/<lang>/LC_MESSAGES/<domain>.mo for every .po under source; return paths."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parts[-3])
        with mo.open("wb") as handle:
            write_mo(handle, catalog)
        written.append(str(mo))
    return written


class BuildPyWithCatalogues(build_py):
    """build_py, then the compiled catalogues next to the copied .po files."""

    def run(self) -> None:
        super().run()
        # An editable install serves the source tree, so the catalogue is compiled in place.
        target = TRANSLATIONS if self.editable_mode else Path(self.build_lib) / TRANSLATIONS
        self._catalogues = compile_catalogues(TRANSLATIONS, target)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not self.editable_mode:
            outputs += getattr(self, "_catalogues", [])
        return outputs


setup(cmdclass={"build_py": BuildPyWithCatalogues})
