"""mkdocs hooks: the pages that are generated from doclint's code when the site is built.

- ``rules/index.md`` and one ``rules/ID.md`` per rule, from the rule registry: each page is
  what ``doclint rules ID`` prints (its docstring, then its options and defaults).
- The options reference of ``configuration.md`` (at its ``<!-- options reference -->``
  line, under "Every key"), from the configuration's JSON Schema.
- ``doclint.schema.json`` at the site's root, the schema itself, for ``$schema=`` lines.

Nothing here reads the network or writes into ``docs/``.
"""

from __future__ import annotations

import re
from typing import Any

from mkdocs.structure.files import File, Files

from doclint.config.schema import configuration_schema, schema_text
from doclint.rules.documentation import rule_markdown, written
from doclint.rules.registry import all_rules

OPTIONS_MARKER = "<!-- options reference -->"
RULES_NAV_TITLE = "Rules"


def on_config(config: Any) -> Any:
    """Every rule's page under "Rules" in the navigation, in the registry's order."""
    pages = ["rules/index.md", *(f"rules/{rule_id}.md" for rule_id in all_rules())]
    for item in config["nav"]:
        if isinstance(item, dict) and RULES_NAV_TITLE in item:
            item[RULES_NAV_TITLE] = pages
    return config


def on_files(files: Files, config: Any) -> Files:
    for spec in all_rules().values():
        files.append(File.generated(config, f"rules/{spec.id}.md", content=rule_markdown(spec)))
    files.append(File.generated(config, "rules/index.md", content=rules_index()))
    files.append(File.generated(config, "doclint.schema.json", content=schema_text()))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if page.file.src_uri == "configuration.md":
        if OPTIONS_MARKER not in markdown:
            raise ValueError(f"configuration.md has lost its {OPTIONS_MARKER} line")
        markdown = markdown.replace(OPTIONS_MARKER, options_reference())
    return separate_lists(markdown)


_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+\.)\s")


def separate_lists(markdown: str) -> str:
    """A blank line before a list that follows a paragraph line. GitHub (CommonMark), where
    the rules' docstrings and these pages are also read, starts a list there; Python-Markdown
    needs the blank line, and would otherwise run the items into the paragraph."""
    lines = markdown.split("\n")
    out: list[str] = []
    fenced = False
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and _LIST_ITEM.match(line) and out:
            previous = out[-1]
            if (
                previous.strip()
                and not previous.startswith((" ", "\t", "|", "#"))
                and not (_LIST_ITEM.match(previous))
            ):
                out.append("")
        out.append(line)
    return "\n".join(out)


def rules_index() -> str:
    lines = [
        "# Rules",
        "",
        "Every rule is on by default, at the severity below. `doclint rules` lists them in a "
        "terminal and `doclint rules ID` prints a rule's page. A fixable rule's findings are "
        "repaired by `doclint fix` when the repair is safe (each page says when).",
        "",
        "| rule | finds | default severity | fixable |",
        "|---|---|---|---|",
    ]
    for spec in all_rules().values():
        fixable = "yes" if spec.fixable else "no"
        lines.append(
            f"| [`{spec.id}`]({spec.id}.md) | {spec.summary} | {spec.severity} | {fixable} |"
        )
    lines += [
        "",
        "Anchors follow GitHub: heading slugs by github-slugger (with `-1`, `-2` for repeats), "
        "ids and `<a name>` in raw HTML, a leading `user-content-` accepted, fragments "
        "percent-decoded; `#` and `#top` always resolve.",
        "",
    ]
    return "\n".join(lines)


def options_reference() -> str:
    """Every key of the configuration with its type, default and meaning, from the schema."""
    schema = configuration_schema()
    top = schema["properties"]
    lines = [*_table(top, skip=("rules", "profile", "report")), ""]
    for section in ("profile", "report"):
        lines += [f"### `{section}`", "", top[section]["description"], ""]
        lines += [*_table(top[section]["properties"]), ""]
    lines += ["### `rules`", "", top["rules"]["description"], ""]
    for rule_id, rule in top["rules"]["properties"].items():
        settings = rule["anyOf"][-1]["properties"]
        lines += [
            f"#### `{rule_id}`",
            "",
            f"{rule['description'].rsplit(' ', 1)[0]} [The rule's page](rules/{rule_id}.md).",
            "",
            *_table(settings),
            "",
        ]
    return "\n".join(lines)


def _table(properties: dict[str, Any], skip: tuple[str, ...] = ()) -> list[str]:
    lines = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for name, entry in properties.items():
        if name in skip:
            continue
        lines.append(
            f"| `{name}` | {_kind(entry)} | {_default(entry)} | {_cell(entry['description'])} |"
        )
    return lines


def _kind(entry: dict[str, Any]) -> str:
    """A schema's type in words."""
    if "enum" in entry:
        return "one of " + ", ".join(f"`{value}`" for value in entry["enum"])
    if "anyOf" in entry:
        kinds = [part for part in entry["anyOf"] if part.get("type") != "null"]
        if any("enum" in part for part in kinds):
            enum = next(part["enum"] for part in kinds if "enum" in part)
            return "one of " + ", ".join(f"`{value}`" for value in enum) + " (any case)"
        words = {"string": "string", "array": "list of strings", "integer": "bytes"}
        return " or ".join(words.get(part["type"], part["type"]) for part in kinds)
    kind = {"boolean": "true or false", "integer": "whole number", "number": "number"}.get(
        entry.get("type", ""), entry.get("type", "")
    )
    bounds = []
    if "exclusiveMinimum" in entry:
        bounds.append(f"> {entry['exclusiveMinimum']}")
    if "minimum" in entry:
        bounds.append(f"≥ {entry['minimum']}")
    return f"{kind} ({', '.join(bounds)})" if bounds else kind


def _default(entry: dict[str, Any]) -> str:
    if "default" not in entry:
        return "none"
    default = entry["default"]
    if isinstance(default, list) and default:
        return "<br>".join(f"`{written(item)}`" for item in default)
    return f"`{written(default)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
