// govtrail's pages work without this script; it adds two things. Pickers: a field marked
// data-pick offers the search's hits as one types, and remembers the id of the one chosen.
// Evidence: on the review of a report, the words of the fact under the pointer or the keyboard
// are lit in the text.
"use strict";

function field(form, name) {
  let input = form.querySelector(`input[type=hidden][name="${CSS.escape(name)}"]`);
  if (!input) {
    input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    form.appendChild(input);
  }
  return input;
}

function picker(input, index) {
  const list = document.createElement("datalist");
  list.id = `pick-${index}`;
  document.body.appendChild(list);
  input.setAttribute("list", list.id);
  const base = input.dataset.pickId || input.name;
  const idName = input.dataset.pickId || `${input.name}_id`;
  let choices = new Map();
  let timer = null;
  let asked = 0;
  const choose = () => {
    const id = choices.get(input.value);
    if (id && input.form) {
      field(input.form, idName).value = id;
      field(input.form, `${base}_shown`).value = input.value;
    }
  };
  input.addEventListener("input", () => {
    choose();
    clearTimeout(timer);
    const words = input.value.trim();
    if (words.length < 2) return;
    timer = setTimeout(async () => {
      const mine = ++asked;
      const url = `/app/pick?type=${encodeURIComponent(input.dataset.pick)}&q=${encodeURIComponent(words)}`;
      const response = await fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } });
      if (!response.ok || mine !== asked) return;
      const found = await response.json();
      choices = new Map(found.map((c) => [c.name, c.id]));
      list.replaceChildren(...found.map((c) => Object.assign(document.createElement("option"), { value: c.name })));
      choose();
    }, 200);
  });
  input.addEventListener("change", choose);
}

function evidence() {
  const text = document.getElementById("report-text");
  if (!text) return;
  const light = (mark, on) => {
    for (const piece of text.querySelectorAll("mark[data-marks]")) {
      if (piece.dataset.marks.split(" ").includes(mark)) piece.classList.toggle("lit", on);
    }
  };
  for (const fact of document.querySelectorAll(".fact[data-mark]")) {
    const mark = fact.dataset.mark;
    fact.addEventListener("mouseenter", () => light(mark, true));
    fact.addEventListener("mouseleave", () => light(mark, false));
    fact.addEventListener("focusin", () => {
      light(mark, true);
      const anchor = document.getElementById(`w${mark}`);
      if (anchor) anchor.scrollIntoView({ block: "center", behavior: "smooth" });
    });
    fact.addEventListener("focusout", () => light(mark, false));
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-pick]").forEach(picker);
  evidence();
});
