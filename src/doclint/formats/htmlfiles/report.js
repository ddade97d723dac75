// doclint's HTML report: sorting, the chapter filter and the state filter. Plain script,
// no library, no request; without it every row simply shows.
"use strict";

(function () {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function sortKey(cell) {
    return cell.dataset.sort !== undefined ? Number(cell.dataset.sort) : cell.textContent.trim();
  }

  function makeSortable(table) {
    const headers = Array.from(table.tHead.rows[0].cells);
    headers.forEach(function (header, column) {
      const button = header.querySelector("button.sort");
      if (!button) {
        return;
      }
      button.addEventListener("click", function () {
        const ascending = header.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        rows.sort(function (a, b) {
          const left = sortKey(a.cells[column]);
          const right = sortKey(b.cells[column]);
          const order = typeof left === "number" && typeof right === "number"
            ? left - right
            : collator.compare(String(left), String(right));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function chapterFilter() {
    const input = document.getElementById("chapter-filter");
    const table = document.getElementById("chapters");
    if (!input || !table) {
      return;
    }
    const status = document.getElementById("chapter-status");
    const rows = Array.from(table.tBodies[0].rows);
    input.closest(".controls").hidden = false;
    input.addEventListener("input", function () {
      const wanted = input.value.trim().toLocaleLowerCase();
      let shown = 0;
      rows.forEach(function (row) {
        row.hidden = wanted !== "" && !row.dataset.name.toLocaleLowerCase().includes(wanted);
        shown += row.hidden ? 0 : 1;
      });
      status.textContent = wanted === "" ? "" : shown + " of " + rows.length + " chapters";
    });
  }

  function stateFilter() {
    const questions = document.getElementById("questions");
    const controls = document.querySelector(".state-filter");
    if (!questions || !controls) {
      return;
    }
    const unwritten = questions.dataset.unwritten.split(" ");
    const status = document.getElementById("question-status");
    const rows = Array.from(questions.querySelectorAll("tr[data-state]"));
    controls.hidden = false;
    controls.addEventListener("change", function (event) {
      const wanted = event.target.value;
      let shown = 0;
      rows.forEach(function (row) {
        const state = row.dataset.state;
        row.hidden = !(wanted === "all" || state === wanted
          || (wanted === "unwritten" && unwritten.includes(state)));
        shown += row.hidden ? 0 : 1;
      });
      // A group heading stays only while a question under it shows.
      questions.querySelectorAll("section.group").forEach(function (section) {
        const visible = section.querySelector("tr[data-state]:not([hidden])");
        section.hidden = wanted !== "all" && !visible;
      });
      status.textContent = shown + " of " + rows.length + " questions";
    });
  }

  document.querySelectorAll("table.sortable").forEach(makeSortable);
  chapterFilter();
  stateFilter();
})();
