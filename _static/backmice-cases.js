/* Back Mice book: the staged cases open one stage at a time (chapters/cases.md).
 *
 * A case is a section (its "##" heading) whose stages are its child sections ("###").
 * Every stage but the last ends with a gate: a one-question quiz,
 * <section class="bm-quiz bm-gate">, written by widgets/cases.py and graded by
 * backmice-questions.js, which keeps each graded answer in localStorage
 * ("backmice-quiz:<question id>") and announces it as a "bm-answered" event.
 *
 * Here a stage stays hidden until the gate before it has an answer, right or wrong (the
 * quiz script shows the feedback of a wrong one). Stored answers open their stages
 * again on reload. Under each open gate a note (aria-live) says the next stage opens
 * after an answer, then that it is open, with a link to its heading; focus stays
 * where the reader is, so the feedback can be read first. Locked stages leave the
 * page's table of contents too. "Start this case again" clears the case's answers
 * (window.backmiceQuestions.forget, from the quiz script) and closes its stages; the
 * review log is kept.
 * Without JavaScript every stage shows. Nothing leaves the page.
 */
(function () {
  "use strict";

  /* Whether question ``id`` has a kept answer (backmice-questions.js keeps them). */
  function answered(id) { return Boolean(window.backmiceQuestions.kept(id)); }

  function gateOf(stage) { return stage.querySelector("section.bm-gate"); }

  function idOf(gate) { return gate.querySelector(".bm-q").dataset.questionId; }

  function headingOf(stage) { return stage.querySelector("h3"); }

  /* The words of a stage's heading, without the theme's "#" permalink. */
  function title(stage) {
    var copy = headingOf(stage).cloneNode(true);
    [].forEach.call(copy.querySelectorAll(".headerlink"), function (a) { a.remove(); });
    return copy.textContent.trim();
  }

  /* The entry of a section in the page's table of contents, if it has one. */
  function tocEntry(stage) {
    var link = stage.id && document.querySelector('.bd-toc a[href="#' + stage.id + '"]');
    return link ? link.closest("li") : null;
  }

  function setUp(kase) {
    var stages = [].slice.call(kase.children).filter(function (child) {
      return child.tagName === "SECTION" && headingOf(child);
    });
    var notes = stages.map(function (stage, n) {
      var gate = gateOf(stage);
      if (!gate || n === stages.length - 1) return null;
      var note = document.createElement("p");
      note.className = "bm-gate-note";
      note.setAttribute("aria-live", "polite");
      gate.insertAdjacentElement("afterend", note);
      return note;
    });
    var again = document.createElement("p");
    again.className = "bm-case-again";
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Start this case again";
    again.appendChild(button);
    kase.appendChild(again);

    function say(n, open) {
      var note = notes[n], next = stages[n + 1];
      note.textContent = "";
      if (!open) {
        note.textContent = "The next stage opens after you answer this question.";
        return;
      }
      var link = document.createElement("a");
      link.href = "#" + next.id;
      link.textContent = title(next);
      note.append("The next stage is open below: ", link, ".");
    }

    function update() {
      var open = true, any = false;
      stages.forEach(function (stage, n) {
        stage.hidden = !open;
        stage.classList.toggle("bm-stage-locked", !open);
        var entry = tocEntry(stage);
        if (entry) entry.hidden = !open;
        var gate = gateOf(stage);
        if (gate && notes[n]) {
          var done = answered(idOf(gate));
          any = any || done;
          if (open) say(n, done);
          open = open && done;
        }
      });
      again.hidden = !any;
    }

    button.addEventListener("click", function () {
      stages.forEach(function (stage) {
        var gate = gateOf(stage), item = gate && gate.querySelector(".bm-q");
        if (item) window.backmiceQuestions.forget(item);
      });
      update();
      var heading = kase.querySelector("h2");
      heading.tabIndex = -1;
      heading.focus();
    });
    document.addEventListener("bm-answered", function (event) {
      var mine = stages.some(function (stage) {
        var gate = gateOf(stage);
        return gate && idOf(gate) === event.detail.id;
      });
      if (mine) update();
    });
    stages.forEach(function (stage) { headingOf(stage).tabIndex = -1; });
    update();
  }

  function start() {
    var cases = [];
    [].forEach.call(document.querySelectorAll("section.bm-gate"), function (gate) {
      var stage = gate.parentElement.closest("section");
      var kase = stage && stage.parentElement.closest("section");
      if (kase && cases.indexOf(kase) < 0) cases.push(kase);
    });
    cases.forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
