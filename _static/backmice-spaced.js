/* Back Mice book: spaced review of the question bank, in the review page only.
 *
 * The deck (<section class="bm-spaced">, written by widgets/spaced.py) holds every bank
 * question, hidden, with the grading data of each (script.bm-quiz-data, as a chapter's
 * quiz). The reader's answers in any chapter are in the log that backmice-questions.js
 * keeps (localStorage "backmice-quiz:log", a list of {id, t (ms), right}). Each question's
 * answers are replayed in time order through FSRS (ts-fsrs, loaded before this script as
 * window.FSRS; default parameters, no fuzz): right is "Good", wrong is "Again". A question
 * whose due time has come is shown; the status line says how many are due, or when the
 * next one is. A question never answered is not due: it has no schedule yet.
 *
 * Answering here grades with backmice-questions.js (window.backmiceQuestions) and adds
 * to the same log, so the question leaves the due list until FSRS brings it back; it
 * stays in view, with its feedback, until the page is left. The list is brought up to
 * date when the next question falls due, when the page is shown again, and when another
 * tab changes the log.
 *
 * Export saves every "backmice-quiz:" answer and the log as a JSON file,
 * {"format": "backmice-review", "version": 1, "log": [...], "answers": {...}}; Import
 * puts such a file back in their place, and refuses anything else with a message,
 * changing nothing; Reset clears them, after the reader confirms. Nothing leaves the page.
 */
(function () {
  "use strict";

  var FORMAT = "backmice-review", VERSION = 1;
  var MAX_BYTES = 5 * 1024 * 1024;
  var LONGEST_TIMER = 2147483647; /* setTimeout's limit, about 24.8 days */

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  /* "in 10 minutes", "in 3 hours", "in 12 days": how far off a time is. */
  function fromNow(ms) {
    var minutes = Math.max(1, Math.ceil(ms / 60000));
    if (minutes < 120) return "in " + plural(minutes, "minute");
    var hours = Math.round(minutes / 60);
    return hours < 48 ? "in " + plural(hours, "hour") : "in " + plural(Math.round(hours / 24), "day");
  }

  function when(time) {
    return new Date(time).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }

  /* Why `entry` is not a log entry {id, t, right}, or "" when it is one. */
  function badEntry(entry) {
    if (!entry || typeof entry !== "object" || Array.isArray(entry)) return "is not an object";
    if (typeof entry.id !== "string" || !entry.id) return "has no question id";
    if (typeof entry.t !== "number" || !isFinite(entry.t) || entry.t < 0) return "has no time";
    if (typeof entry.right !== "boolean") return "has no right or wrong";
    return "";
  }

  /* Why `kept` is not a kept answer {answer: choice indices or text, right}, or "". */
  function badAnswer(kept) {
    if (!kept || typeof kept !== "object" || Array.isArray(kept)) return "is not an object";
    var a = kept.answer;
    var choices = Array.isArray(a) && a.every(function (i) { return Number.isInteger(i) && i >= 0; });
    if (!choices && typeof a !== "string") return "has no answer";
    if (typeof kept.right !== "boolean") return "has no right or wrong";
    return "";
  }

  /* The review state in a parsed file, or {error} saying why it cannot be imported. */
  function readState(text) {
    var data;
    try { data = JSON.parse(text); } catch (e) { return { error: "it is not a JSON file" }; }
    if (!data || typeof data !== "object" || data.format !== FORMAT) {
      return { error: "it is not a Back Mice review file (no \"format\": \"" + FORMAT + "\")" };
    }
    if (!Number.isInteger(data.version) || data.version < 1) {
      return { error: "its \"version\" is not a whole number of 1 or more" };
    }
    if (data.version > VERSION) {
      return { error: "it was saved by a newer version of the book (file version " + data.version
        + "; this page reads version " + VERSION + ")" };
    }
    if (!Array.isArray(data.log)) return { error: "its \"log\" is not a list" };
    for (var n = 0; n < data.log.length; n += 1) {
      var why = badEntry(data.log[n]);
      if (why) return { error: "entry " + (n + 1) + " of its \"log\" " + why };
    }
    if (!data.answers || typeof data.answers !== "object" || Array.isArray(data.answers)) {
      return { error: "its \"answers\" is not an object of answers by question id" };
    }
    var ids = Object.keys(data.answers);
    for (var k = 0; k < ids.length; k += 1) {
      var bad = /^(log|score:)/.test(ids[k]) ? "is not a question id" : badAnswer(data.answers[ids[k]]);
      if (bad) return { error: "the answer kept for \"" + ids[k] + "\" " + bad };
    }
    return { log: data.log, answers: data.answers };
  }

  function setUp(deck) {
    var Q = window.backmiceQuestions, F = window.FSRS;
    var status = deck.querySelector(".bm-spaced-status");
    var message = deck.querySelector(".bm-spaced-message");
    if (!Q || !F) {
      status.textContent = "The review cannot start: one of the book's scripts did not load.";
      return;
    }
    var prefix = Q.prefix, timer = null, answeredHere = {};
    var scheduler = F.fsrs(F.generatorParameters({ enable_fuzz: false }));
    var specs = JSON.parse(deck.querySelector("script.bm-quiz-data").textContent);
    var items = {};
    [].forEach.call(deck.querySelectorAll(".bm-q"), function (li) {
      items[li.dataset.questionId] = li;
    });

    function storedKeys() {
      var keys = [];
      for (var i = 0; i < localStorage.length; i += 1) {
        var key = localStorage.key(i);
        if (key.indexOf(prefix) === 0) keys.push(key);
      }
      return keys.sort();
    }

    function readLog() {
      try {
        var log = JSON.parse(localStorage.getItem(prefix + "log"));
        return Array.isArray(log) ? log.filter(function (e) { return !badEntry(e); }) : [];
      } catch (e) { return []; }
    }

    /* Each answered question's due time (ms): its answers, oldest first, through FSRS. */
    function dueTimes(log) {
      var cards = {}, due = {};
      log.slice().sort(function (a, b) { return a.t - b.t; }).forEach(function (entry) {
        if (!Object.prototype.hasOwnProperty.call(specs, entry.id)) return; /* not in the bank now */
        var at = new Date(entry.t);
        var card = cards[entry.id] || F.createEmptyCard(at);
        cards[entry.id] = scheduler.next(card, at, entry.right ? F.Rating.Good : F.Rating.Again).card;
      });
      Object.keys(cards).forEach(function (id) { due[id] = cards[id].due.getTime(); });
      return due;
    }

    function note(li, text) {
      var p = li.querySelector(".bm-spaced-next");
      if (!p) {
        p = document.createElement("p");
        p.className = "bm-spaced-next";
        li.appendChild(p);
      }
      p.textContent = text;
    }

    /* Show what is due now, say so, and wake up when the next question falls due. */
    function refresh() {
      var now = Date.now(), due = dueTimes(readLog()), count = 0, next = Infinity;
      Object.keys(items).forEach(function (id) {
        var li = items[id], at = due[id], isDue = at !== undefined && at <= now;
        if (at === undefined) delete li.dataset.due;
        else li.dataset.due = new Date(at).toISOString();
        if (isDue) count += 1;
        else if (at !== undefined) next = Math.min(next, at);
        li.hidden = !isDue && !answeredHere[id];
        if (answeredHere[id]) {
          note(li, isDue ? "Due again now: answer once more." : "Reviewed. Due again "
            + fromNow(at - now) + " (" + when(at) + ").");
        }
      });
      status.dataset.due = String(count);
      status.dataset.nextDue = isFinite(next) ? new Date(next).toISOString() : "";
      if (count) {
        status.textContent = plural(count, "question") + " due now.";
      } else if (isFinite(next)) {
        status.textContent = "Nothing is due now. The next question is due " + fromNow(next - now)
          + " (" + when(next) + ").";
      } else {
        status.textContent = "Nothing to review yet. Answer the self-check questions in any "
          + "chapter; each comes back here when it is due.";
      }
      clearTimeout(timer);
      if (isFinite(next)) timer = setTimeout(refresh, Math.min(next - now + 100, LONGEST_TIMER));
    }

    Object.keys(items).forEach(function (id) {
      var li = items[id];
      var check = function () {
        var right = Q.show(li, specs[id], Q.answerOf(li));
        if (right === null) return;
        answeredHere[id] = true;
        Q.record(id, right); /* the "bm-answered" event brings the list up to date */
      };
      Q.onCheck(li, check);
    });

    function say(text) { message.textContent = text; }

    function forgetPage() {
      answeredHere = {};
      Object.keys(items).forEach(function (id) {
        Q.clear(items[id]);
        var p = items[id].querySelector(".bm-spaced-next");
        if (p) p.remove();
      });
    }

    deck.querySelector(".bm-spaced-export").addEventListener("click", function () {
      var answers = {};
      storedKeys().forEach(function (key) {
        var id = key.slice(prefix.length);
        if (id === "log" || id.indexOf("score:") === 0) return;
        try {
          var kept = JSON.parse(localStorage.getItem(key));
          if (!badAnswer(kept)) answers[id] = kept;
        } catch (e) { /* unreadable: left out */ }
      });
      var log = readLog();
      var text = JSON.stringify({ format: FORMAT, version: VERSION, log: log, answers: answers }, null, 1);
      var name = "backmice-review-" + new Date().toISOString().slice(0, 10) + ".json";
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([text + "\n"], { type: "application/json" }));
      link.download = name;
      link.hidden = true;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
      say("Saved " + name + ": " + plural(log.length, "answer") + " in the history and "
        + plural(Object.keys(answers).length, "chapter answer") + ".");
    });

    var input = deck.querySelector(".bm-spaced-import");
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) return;
      var refuse = function (why) {
        say("Not imported: " + file.name + " cannot be used, because " + why
          + ". Your review history is unchanged.");
        input.value = "";
      };
      if (file.size > MAX_BYTES) { refuse("it is larger than 5 MB"); return; }
      file.text().then(function (text) {
        var state = readState(text);
        if (state.error) { refuse(state.error); return; }
        try {
          storedKeys().forEach(function (key) { localStorage.removeItem(key); });
          localStorage.setItem(prefix + "log", JSON.stringify(state.log));
          Object.keys(state.answers).forEach(function (id) {
            localStorage.setItem(prefix + id, JSON.stringify(state.answers[id]));
          });
        } catch (e) { refuse("this browser would not store it"); return; }
        input.value = "";
        forgetPage();
        refresh();
        say("Imported " + file.name + ": " + plural(state.log.length, "answer")
          + " in the history and " + plural(Object.keys(state.answers).length, "chapter answer") + ".");
      }, function () { refuse("it could not be read"); });
    });

    deck.querySelector(".bm-spaced-reset").addEventListener("click", function () {
      if (!window.confirm("Clear every answer and the whole review history kept in this "
        + "browser? This cannot be undone; Export first to keep a copy.")) {
        say("Nothing was cleared.");
        return;
      }
      storedKeys().forEach(function (key) { localStorage.removeItem(key); });
      forgetPage();
      refresh();
      say("Cleared: no answers and no review history are kept in this browser now.");
    });

    document.addEventListener("bm-answered", refresh);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") refresh();
    });
    window.addEventListener("storage", function (event) {
      if (event.key === null || event.key === prefix + "log") refresh();
    });
    refresh();
  }

  function start() {
    [].forEach.call(document.querySelectorAll("section.bm-spaced"), setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
