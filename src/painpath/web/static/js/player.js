// The guided player's timer, rep counter and spoken cues. Progressive enhancement: the
// page works without this script (the dose is written out and the Done form posts).
(function () {
  "use strict";
  var root = document.querySelector("[data-player]");
  if (!root) return;
  var controls = root.querySelector(".player-controls");
  controls.hidden = false;
  var status = root.querySelector("[data-status]");
  var start = root.querySelector("[data-start]");
  var repButton = root.querySelector("[data-rep]");
  var pauseButton = root.querySelector("[data-pause]");
  var speakBox = root.querySelector("[data-speak]");
  var sets = +root.dataset.sets || 1, sides = +root.dataset.sides || 1;
  var reps = +root.dataset.reps || 0, hold = +root.dataset.hold || 0, rest = +root.dataset.rest || 0;
  var minutes = +root.dataset.minutes || 0;
  var set = 1, side = 1, count = 0, timer = null, remaining = 0, paused = false;
  if (!("speechSynthesis" in window)) { speakBox.parentElement.hidden = true; }

  function say(text) {
    status.textContent = text;
    if (speakBox.checked && "speechSynthesis" in window) {
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
    }
  }
  function where() {
    return "Set " + set + " of " + sets + (sides > 1 ? (side === 1 ? ", first side" : ", second side") : "");
  }
  function countdown(seconds, label, done) {
    remaining = seconds;
    status.textContent = label + ": " + remaining + " s";
    clearInterval(timer);
    timer = setInterval(function () {
      if (paused) return;
      remaining -= 1;
      status.textContent = label + ": " + remaining + " s";
      if (remaining === 3) say("3");
      if (remaining <= 0) { clearInterval(timer); done(); }
    }, 1000);
  }
  function next() {
    if (side < sides) { side += 1; } else { side = 1; set += 1; }
    if (set > sets) {
      say("Well done. That exercise is finished. Now tell us how it felt.");
      repButton.hidden = true; pauseButton.hidden = true; start.hidden = true;
      var done = document.querySelector(".big-done");
      if (done) done.focus();
      return;
    }
    if (rest) {
      say("Rest.");
      countdown(rest, "Rest", begin);
    } else { begin(); }
  }
  function begin() {
    count = 0;
    if (hold) {
      say(where() + ". Hold.");
      countdown(hold, where() + " – hold", function () { say("Relax."); next(); });
    } else if (reps) {
      say(where() + ". " + reps + " repetitions.");
      repButton.hidden = false;
      repButton.focus();
    } else if (minutes) {
      say("Off you go. " + minutes + " minutes.");
      countdown(minutes * 60, "Time left", function () {
        say("Time is up. Well done. Now tell us how it felt.");
        var done = document.querySelector(".big-done");
        if (done) done.focus();
      });
    } else {
      say("Off you go. Press Done when you have finished.");
    }
  }
  start.addEventListener("click", function () {
    start.hidden = true; pauseButton.hidden = false; begin();
  });
  repButton.addEventListener("click", function () {
    count += 1;
    status.textContent = where() + ": " + count + " of " + reps;
    if (count >= reps) { repButton.hidden = true; next(); }
  });
  pauseButton.addEventListener("click", function () {
    paused = !paused;
    pauseButton.textContent = paused ? "Resume" : "Pause";
    status.textContent = paused ? "Paused." : status.textContent;
  });
})();
