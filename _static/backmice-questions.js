/* Back Mice book: the self-check questions grade themselves in the page.
 *
 * A quiz (<section class="bm-quiz">, written by widgets/quiz.py) holds one
 * <li class="bm-q" data-question-id="..."> per question and, in
 * <script type="application/json" class="bm-quiz-data">, per question id its "type"
 * ("single", "multiple", "numeric"), and "correct" (choice indices) with "feedback"
 * (per choice), or "answer" with "tolerance". Check grades the reader's answer: the
 * feedback region (aria-live) says right or wrong, with the feedback of each choice
 * made, and the explanation and its sources appear. Each answer and the chapter's score
 * are kept in localStorage ("backmice-quiz:<id>", "backmice-quiz:score:<chapter>")
 * and shown again on reload; Reset clears them. Nothing leaves the page.
 *
 * Every graded Check is also added to the review log ("backmice-quiz:log", a list of
 * {"id", "t" (ms since 1970), "right"}), which the review page schedules from, and
 * announced to other page scripts as a "bm-answered" event on document, detail
 * {id, right}. Reset does not touch the log: it clears the page, not the history.
 *
 * The review page (_static/backmice-spaced.js) and the cases page
 * (_static/backmice-cases.js) use the same code: this file puts it on
 * window.backmiceQuestions ({prefix, kept, answerOf, show, onCheck, record, clear, forget}).
 */
(function () {
  "use strict";

  var PREFIX = "backmice-quiz:";

  function save(key, value) {
    try {
      if (value === null) localStorage.removeItem(PREFIX + key);
      else localStorage.setItem(PREFIX + key, JSON.stringify(value));
    } catch (e) { /* storage off: grading still works, nothing is kept */ }
  }

  function load(key) {
    try { return JSON.parse(localStorage.getItem(PREFIX + key)); } catch (e) { return null; }
  }

  /* "12.5", "12,5" or "1e2" as a number; NaN for anything else. */
  function parseNumber(text) {
    var t = String(text).replace(/\s+/g, "").replace(",", ".");
    return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t) ? Number(t) : NaN;
  }

  function inputs(item) { return [].slice.call(item.querySelectorAll("fieldset input")); }

  /* The reader's answer: the indices of the choices ticked, or the text typed. */
  function answerOf(item) {
    var box = item.querySelector("input[type=text]");
    if (box) return box.value.trim();
    return inputs(item).filter(function (i) { return i.checked; })
      .map(function (i) { return Number(i.value); });
  }

  function setAnswer(item, value) {
    var box = item.querySelector("input[type=text]");
    if (box) { box.value = value || ""; return; }
    inputs(item).forEach(function (i) {
      i.checked = Array.isArray(value) && value.indexOf(Number(i.value)) >= 0;
    });
  }

  /* {right, notes}: the verdict and what to say about the answer given. */
  function grade(spec, value, unit) {
    if (spec.type === "numeric") {
      var x = parseNumber(value), within = " (within " + spec.tolerance + " " + unit + ")";
      var right = Math.abs(x - spec.answer) <= spec.tolerance + 1e-9;
      return { right: right, notes: [right ? "Your " + value + " " + unit + " matches the answer, "
        + spec.answer + " " + unit + within + "." : "The answer is " + spec.answer + " " + unit
        + within + "; you gave " + value + " " + unit + "."] };
    }
    var same = value.length === spec.correct.length
      && value.every(function (v) { return spec.correct.indexOf(v) >= 0; });
    var notes = value.map(function (v) { return spec.feedback[v]; });
    if (!same && spec.type === "multiple") {
      var missed = spec.correct.filter(function (v) { return value.indexOf(v) < 0; }).length;
      if (missed) notes.push(missed + " right choice" + (missed > 1 ? "s were" : " was") + " not chosen.");
    }
    return { right: same, notes: notes };
  }

  function say(region, verdict, notes) {
    region.textContent = "";
    [verdict].concat(notes).forEach(function (text, n) {
      var p = document.createElement("p");
      if (n === 0) p.className = "bm-verdict";
      p.textContent = text;
      region.appendChild(p);
    });
  }

  /* Grade one question and show the result; false when there is nothing to grade. */
  function show(item, spec, value) {
    var region = item.querySelector(".bm-feedback");
    var unit = (item.querySelector(".bm-unit") || {}).textContent || "";
    var empty = Array.isArray(value) ? !value.length : isNaN(parseNumber(value));
    if (empty) {
      say(region, spec.type === "numeric" ? "Type a number first, such as 12.5." : "Choose an answer first.", []);
      return null;
    }
    var result = grade(spec, value, unit);
    item.dataset.result = result.right ? "right" : "wrong";
    say(region, result.right ? "\u2713 Right." : "\u2717 Not right.", result.notes);
    item.querySelector(".bm-explain").hidden = false;
    return result.right;
  }

  /* Add a graded answer to the review log and tell the page's other scripts. */
  function record(id, right) {
    var log = load("log");
    log = Array.isArray(log) ? log : [];
    log.push({ id: id, t: Date.now(), right: right });
    save("log", log);
    document.dispatchEvent(new CustomEvent("bm-answered", { detail: { id: id, right: right } }));
  }

  function clear(item) {
    setAnswer(item, null);
    delete item.dataset.result;
    item.querySelector(".bm-feedback").textContent = "";
    item.querySelector(".bm-explain").hidden = true;
  }

  /* Call ``check`` when the question's Check button is pressed, or Enter in its number box. */
  function onCheck(item, check) {
    item.querySelector(".bm-check").addEventListener("click", check);
    var box = item.querySelector("input[type=text]");
    if (box) {
      box.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); check(); }
      });
    }
  }

  function setUp(quiz) {
    var specs = JSON.parse(quiz.querySelector("script.bm-quiz-data").textContent);
    var items = [].slice.call(quiz.querySelectorAll(".bm-q"));
    var chapter = quiz.dataset.chapter, score = quiz.querySelector(".bm-score");

    function tally(note) {
      var right = 0, done = 0;
      items.forEach(function (item) {
        var kept = load(item.dataset.questionId);
        if (kept) { done += 1; right += kept.right ? 1 : 0; }
      });
      if (!score) return; /* a case's gate (widgets/cases.py) keeps no score */
      save("score:" + chapter, done ? { right: right, answered: done, total: items.length } : null);
      score.textContent = (note || "") + "Score: " + right + " of " + items.length + " right"
        + (done ? " (" + done + " answered)." : ".");
    }

    items.forEach(function (item) {
      var id = item.dataset.questionId, spec = specs[id];
      var check = function () {
        var value = answerOf(item), right = show(item, spec, value);
        if (right !== null) {
          save(id, { answer: value, right: right });
          record(id, right);
          tally();
        }
      };
      onCheck(item, check);
      var kept = load(id);
      if (kept) { /* shown again, and graded again in case the bank has changed */
        setAnswer(item, kept.answer);
        var right = show(item, spec, kept.answer);
        save(id, right === null ? null : { answer: kept.answer, right: right });
      }
    });
    var reset = quiz.querySelector(".bm-reset");
    if (reset) {
      reset.addEventListener("click", function () {
        items.forEach(function (item) { save(item.dataset.questionId, null); clear(item); });
        tally("Answers cleared. ");
      });
    }
    tally();
  }

  window.backmiceQuestions = {
    prefix: PREFIX, kept: load, answerOf: answerOf, show: show, onCheck: onCheck,
    record: record, clear: clear,
    forget: function (item) { save(item.dataset.questionId, null); clear(item); }
  };

  function start() {
    [].forEach.call(document.querySelectorAll("section.bm-quiz"), setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
