// The evaluation page's player glue: "Add note at current time" pins the note written in the form to the
// player's position and saves it in the same click (with no text yet, it takes the time, pauses the player and
// waits for the text), and clicking a note plays the recording from there. Listeners sit on the document because htmx replaces the
// notes panel after every added or deleted note.
(function () {
  "use strict";

  function player() {
    return document.getElementById("recording-player");
  }

  function takeCurrentTime(button) {
    const audio = player();
    const form = button.closest("form");
    if (!form) {
      return;
    }
    const seconds = form.querySelector("input[name='at_seconds']");
    const body = form.querySelector("textarea[name='body']");
    seconds.value = audio ? audio.currentTime.toFixed(2) : "0";
    if (body && body.value.trim()) {
      form.requestSubmit(); // htmx posts it and swaps the notes panel: one click, nothing lost
      return;
    }
    if (audio && !audio.paused) {
      audio.pause(); // the reviewer is about to write about this moment: keep it from running away
    }
    if (body) {
      body.focus();
    }
  }

  function seek(button) {
    const audio = player();
    const seconds = parseFloat(button.dataset.seconds);
    if (!audio || Number.isNaN(seconds)) {
      return;
    }
    audio.currentTime = seconds;
    const playing = audio.play();
    if (playing && typeof playing.catch === "function") {
      playing.catch(function () {
        // Autoplay refused or no audio: the position is set, the reviewer presses play.
      });
    }
  }

  document.addEventListener("click", function (event) {
    const timeButton = event.target.closest("[data-note-time]");
    if (timeButton) {
      event.preventDefault();
      takeCurrentTime(timeButton);
      return;
    }
    const seekButton = event.target.closest(".note-seek");
    if (seekButton) {
      event.preventDefault();
      seek(seekButton);
    }
  });
})();
